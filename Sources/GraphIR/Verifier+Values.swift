extension VerificationCheck {
    /// Shapes, tensors, scalar attributes and the shape rules of each op.
    static let values: [VerificationCheck] = [
        VerificationCheck("shapes", "shapes have positive dimensions; an input node's shape is its op's") { _, node in
            if let shape = node.shape, shape.contains(where: { $0 <= 0 }) {
                return "its shape \(describe(shape)) has a dimension that is not positive"
            }
            guard case let .input(shape) = node.op else { return nil }
            if shape.contains(where: { $0 <= 0 }) {
                return "its input shape \(describe(shape)) has a dimension that is not positive"
            }
            if let own = node.shape, own != shape {
                return "its shape is \(describe(own)) but it is an input of shape \(describe(shape))"
            }
            return nil
        },
        VerificationCheck("tensor-sizes", "every tensor holds as many values as its shape calls for") { _, node in
            for (name, tensor) in node.op.tensorAttributes {
                guard let count = checkedElementCount(tensor.shape) else {
                    return "\(name) has the impossible shape \(describe(tensor.shape))"
                }
                if count != tensor.storedCount {
                    return "\(name) has shape \(describe(tensor.shape)) (\(count) values) "
                        + "but holds \(tensor.storedCount) values"
                }
            }
            return nil
        },
        VerificationCheck("finite-values", "weights and scalar attributes are finite (no NaN or infinity)") { _, node in
            for (name, tensor) in node.op.tensorAttributes where !tensor.isQuantized {
                if let i = tensor.values.firstIndex(where: { !$0.isFinite }) {
                    return "\(name) value \(i) is \(tensor.values[i]), not a finite number"
                }
            }
            for (name, value) in node.op.scalarAttributes where !value.isFinite {
                return "\(name) is \(value), not a finite number"
            }
            return nil
        },
        VerificationCheck("dropout-rate", "a dropout rate lies in [0, 1)") { _, node in
            guard case let .dropout(rate) = node.op, !(0..<1).contains(rate) else { return nil }
            return "dropout rate \(rate) is outside [0, 1)"
        },
        VerificationCheck(
            "dense-shapes", "dense weights are [in, out], bias is [out], and the input gives `in` features"
        ) { context, node in
            guard case let .dense(weights, bias, _) = node.op else { return nil }
            guard weights.shape.count == 2 else { return "weights are \(describe(weights.shape)), not [in, out]" }
            guard bias.shape == [weights.shape[1]] else {
                return "weights are \(describe(weights.shape)) but bias is \(describe(bias.shape))"
            }
            guard let (input, shape) = context.inputShape(of: node) else { return nil }
            guard let features = shape.last else { return "its input '\(input)' is a scalar" }
            return features == weights.shape[0]
                ? nil
                : "weights are \(describe(weights.shape)) but its input '\(input)' gives \(features) features"
        },
        VerificationCheck(
            "gru-shapes",
            "GRU kernels are [features, 3·units] and [units, 3·units], bias fits resetAfter, input is [time, features]"
        ) { context, node in
            guard case let .gru(a) = node.op else { return nil }
            let u = a.units
            guard u > 0, u <= Int.max / 6 else { return "it has \(u) units" }
            guard a.kernel.shape.count == 2, a.kernel.shape[1] == 3 * u else {
                return "kernel is \(describe(a.kernel.shape)) but \(u) units need [features, \(3 * u)]"
            }
            guard a.recurrentKernel.shape == [u, 3 * u] else {
                return "recurrent kernel is \(describe(a.recurrentKernel.shape)) but \(u) units need [\(u), \(3 * u)]"
            }
            let biasShape = a.resetAfter ? [2, 3 * u] : [3 * u]
            guard a.bias.shape == biasShape else {
                return "bias is \(describe(a.bias.shape)) but \(u) units with resetAfter=\(a.resetAfter) "
                    + "need \(describe(biasShape))"
            }
            guard let (input, shape) = context.inputShape(of: node) else { return nil }
            guard shape.count == 2 else {
                return "its input '\(input)' is \(describe(shape)), not a [time, features] sequence"
            }
            return shape[1] == a.kernel.shape[0]
                ? nil
                : "kernel is \(describe(a.kernel.shape)) but its input '\(input)' gives \(shape[1]) features"
        },
        VerificationCheck(
            "gru-activations", "a GRU's activations are elementwise (not softmax)"
        ) { _, node in
            guard case let .gru(a) = node.op else { return nil }
            if a.activation == .softmax || a.recurrentActivation == .softmax {
                return "a GRU cannot use softmax as its activation or recurrent activation"
            }
            return nil
        },
        VerificationCheck(
            "concatenate-shapes", "concatenated inputs have one rank and agree off the axis"
        ) { context, node in
            guard case let .concatenate(axis) = node.op else { return nil }
            let shapes = node.inputs.map { ($0, context.shape(of: $0)) }
            guard let firstName = node.inputs.first, let firstShape = context.shape(of: firstName) else {
                return nil
            }
            guard let resolved = Op.normalizedAxis(axis, rank: firstShape.count) else {
                return "axis \(axis) is out of range for its input '\(firstName)' of shape \(describe(firstShape))"
            }
            for case let (name, shape?) in shapes.dropFirst() {
                if shape.count != firstShape.count {
                    return "its inputs '\(firstName)' \(describe(firstShape)) and '\(name)' \(describe(shape)) "
                        + "differ in rank"
                }
                if let d = shape.indices.first(where: { $0 != resolved && shape[$0] != firstShape[$0] }) {
                    return "its inputs '\(firstName)' \(describe(firstShape)) and '\(name)' \(describe(shape)) "
                        + "differ on axis \(d), which is not the concatenation axis"
                }
            }
            return nil
        },
        VerificationCheck("masking-input", "masking reads a [time, features] sequence") { context, node in
            guard case .masking = node.op, let (input, shape) = context.inputShape(of: node) else { return nil }
            return shape.count == 2 ? nil : "masking needs a [time, features] sequence but '\(input)' is \(describe(shape))"
        },
        VerificationCheck(
            "batch-normalization-shapes", "gamma, beta, mean, variance are [channels] matching the input's last axis"
        ) { context, node in
            guard case let .batchNormalization(bn) = node.op else { return nil }
            let channels = bn.gamma.shape
            guard channels.count == 1 else { return "gamma is \(describe(channels)), not [channels]" }
            for (name, tensor) in [("beta", bn.beta), ("mean", bn.mean), ("variance", bn.variance)]
            where tensor.shape != channels {
                return "gamma is \(describe(channels)) but \(name) is \(describe(tensor.shape))"
            }
            if bn.epsilon < 0 { return "epsilon \(bn.epsilon) is negative" }
            guard let (input, shape) = context.inputShape(of: node) else { return nil }
            return shape.last == channels[0]
                ? nil : "gamma is \(describe(channels)) but its input '\(input)' is \(describe(shape))"
        },
        VerificationCheck(
            "affine-shapes", "affine scale and offset are [features] matching the input's last axis"
        ) { context, node in
            guard case let .affine(scale, offset) = node.op else { return nil }
            guard scale.shape.count == 1 else { return "scale is \(describe(scale.shape)), not [features]" }
            guard offset.shape == scale.shape else {
                return "scale is \(describe(scale.shape)) but offset is \(describe(offset.shape))"
            }
            guard let (input, shape) = context.inputShape(of: node) else { return nil }
            return shape.last == scale.shape[0]
                ? nil : "scale is \(describe(scale.shape)) but its input '\(input)' is \(describe(shape))"
        },
        VerificationCheck("argmax-input", "argmax reads a vector") { context, node in
            guard case .argmax = node.op, let (input, shape) = context.inputShape(of: node) else { return nil }
            return shape.count == 1 ? nil : "argmax needs a vector but '\(input)' is \(describe(shape))"
        },
        VerificationCheck(
            "node-shape", "a node's shape, when set, is the one its op gives for its inputs' shapes"
        ) { context, node in
            guard let shape = node.shape else { return nil }
            let inputShapes = node.inputs.compactMap { context.shape(of: $0) }
            guard inputShapes.count == node.inputs.count,
                let expected = node.op.outputShape(inputShapes: inputShapes), expected != shape
            else { return nil }
            return "its shape is \(describe(shape)) but \(node.op.keyword) gives \(describe(expected))"
        },
    ]
}

extension Op {
    /// The op's tensors with their text-format attribute names, in printing order.
    public var tensorAttributes: [(name: String, tensor: Tensor)] {
        switch self {
        case let .dense(weights, bias, _):
            [("weights", weights), ("bias", bias)]
        case let .gru(a):
            [("kernel", a.kernel), ("recurrent_kernel", a.recurrentKernel), ("bias", a.bias)]
        case let .batchNormalization(bn):
            [("gamma", bn.gamma), ("beta", bn.beta), ("mean", bn.mean), ("variance", bn.variance)]
        case let .affine(scale, offset):
            [("scale", scale), ("offset", offset)]
        case .input, .activation, .masking, .concatenate, .dropout, .flatten, .argmax:
            []
        }
    }

    /// The op's scalar float attributes (including activation parameters), for checks.
    var scalarAttributes: [(name: String, value: Float)] {
        switch self {
        case let .dense(_, _, activation), let .activation(activation):
            activation.parameters
        case let .masking(value):
            [("masking value", value)]
        case let .dropout(rate):
            [("dropout rate", rate)]
        case let .gru(a):
            a.activation.parameters + a.recurrentActivation.parameters
        case let .batchNormalization(bn):
            [("epsilon", bn.epsilon)]
        case .input, .concatenate, .affine, .flatten, .argmax:
            []
        }
    }
}

extension ActivationFunction {
    var parameters: [(name: String, value: Float)] {
        switch self {
        case let .leakyRelu(alpha): [("leaky_relu alpha", alpha)]
        case let .hardSigmoid(slope, offset): [("hard_sigmoid slope", slope), ("hard_sigmoid offset", offset)]
        case .linear, .relu, .tanh, .sigmoid, .softmax: []
        }
    }
}
