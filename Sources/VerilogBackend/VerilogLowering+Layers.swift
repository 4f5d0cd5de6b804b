import FixedPoint
import GraphIR

extension VerilogLowering {
    /// Lowers one layer; returns its value (the stage is set by the caller).
    static func lowerLayer(_ layer: inout LayerLowering, inputs: [NodeValue]) throws(VerilogError) -> NodeValue {
        let node = layer.node
        let r = layer.precision.result
        guard let input = inputs.first else {
            throw .unsupportedNode(node: node.name, reason: "it has no input")
        }
        func vector(_ features: Int) -> NodeValue {
            NodeValue(features: features, format: r, stage: 0, sequence: false)
        }
        func requireVector() throws(VerilogError) {
            if inputs.contains(where: \.sequence) {
                throw .unsupportedNode(node: node.name, reason: "it reads a sequence (only a GRU, masking and dropout can)")
            }
        }
        switch node.op {
        case let .dense(weights, bias, activation):
            try requireVector()
            let x = layer.inputs(count: input.features, format: input.format, registers: true)
            let a = try layer.dense(x, weights: weights, bias: bias)
            var y: [HWValue]
            if case .softmax = activation {
                let registered = layer.stage(a.map(\.value), name: "a_r")
                y = try layer.softmax(zip(registered, a).map { FixedSignal($0, width: $1.width, signed: $1.signed,
                                                                            fractionalBits: $1.fractionalBits) })
            } else {
                y = []
                for (j, aj) in a.enumerated() { y.append(try layer.activation(activation, aj, name: "y_\(j)")) }
            }
            y = layer.stage(y, name: "y_r")
            layer.output(y, format: r)
            return vector(y.count)
        case let .activation(function):
            try requireVector()
            let x = layer.inputs(count: input.features, format: input.format, registers: true)
            var y: [HWValue]
            if case .softmax = function {
                y = try layer.softmax(x)
            } else {
                y = []
                for (j, xj) in x.enumerated() { y.append(try layer.activation(function, xj, name: "y_\(j)")) }
            }
            y = layer.stage(y, name: "y_r")
            layer.output(y, format: r)
            return vector(y.count)
        case .argmax:
            try requireVector()
            let x = layer.inputs(count: input.features, format: input.format, registers: true)
            let y = layer.stage([layer.argmax(x)], name: "y_r")
            layer.output(y, format: r)
            return vector(1)
        case .dropout, .flatten:
            if input.sequence, case .flatten = node.op {
                throw .unsupportedNode(node: node.name, reason: "flattening a streamed sequence is not supported")
            }
            let x = layer.inputs(count: input.features, format: input.format, registers: false)
            var y: [HWValue] = []
            for (j, xj) in x.enumerated() { y.append(try layer.b.convert(xj, to: r, name: "y_\(j)")) }
            layer.output(y, format: r)
            return NodeValue(features: y.count, format: r, stage: 0, sequence: input.sequence, mask: input.mask)
        case let .masking(value):
            guard input.sequence else {
                throw .unsupportedNode(node: node.name, reason: "masking needs a sequence input")
            }
            try layer.masking(input, code: input.format.quantize(value))
            return NodeValue(features: input.features, format: r, stage: 0, sequence: true, mask: node.name)
        case let .gru(attributes):
            guard input.sequence, inputs.count == 1 else {
                throw .unsupportedNode(node: node.name, reason: "a GRU needs one sequence input")
            }
            try layer.gru(attributes, input: input)
            return vector(attributes.units)
        case let .concatenate(axis):
            try requireVector()
            guard axis == 0 || axis == -1 else {
                throw .unsupportedNode(node: node.name, reason: "only concatenation of feature vectors (axis -1) is supported")
            }
            var y: [HWValue] = []
            for (k, value) in inputs.enumerated() {
                let x = layer.inputs(count: value.features, format: value.format, registers: false, index: k, name: "x\(k)")
                for xj in x { y.append(try layer.b.convert(xj, to: r, name: "y_\(y.count)")) }
            }
            layer.output(y, format: r)
            return vector(y.count)
        case .batchNormalization:
            throw .unsupportedNode(node: node.name, reason: "a fixed-point batch normalization becomes an affine op "
                + "with codes in the constant-quantization pass (the last pass of Pipelines.quantize); run it first")
        case let .affine(scale, offset):
            // Per feature; a vector gets one register stage, a sequence stays combinational
            // per beat (like masking and dropout), its mask travelling on.
            let x = layer.inputs(count: input.features, format: input.format, registers: !input.sequence)
            var y = try layer.affine(x, scale: scale, offset: offset)
            if !input.sequence { y = layer.stage(y, name: "y_r") }
            layer.output(y, format: r)
            return NodeValue(features: y.count, format: r, stage: 0, sequence: input.sequence, mask: input.mask)
        case .input:
            throw .unsupportedNode(node: node.name, reason: "an input cannot read another node")
        }
    }
}
