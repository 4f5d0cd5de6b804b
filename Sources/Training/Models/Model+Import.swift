import GraphIR

extension Model {
    /// Rebuilds a float GraphIR graph as a runnable model on `device`: the inverse of
    /// ``export(name:scaling:)`` for graphs after `Pipelines.float` (or any float graph of
    /// the same ops). Each node becomes the layer of its op, named as the node, with the
    /// graph's weights set exactly:
    ///
    /// - `input` → a model input (graph input order), `dense` → ``Dense`` (fused activation,
    ///   weights `[in, out]`, bias `[out]`), `affine` (an input scaler) → a linear ``Dense``
    ///   with diagonal weights (as older exports wrote `<input>_scaling`),
    ///   `activation` → ``Activation``, `masking` → ``Masking``, `gru` → ``GRU`` (both
    ///   `reset_after` conventions, Keras layout), `concatenate` (last axis) →
    ///   ``Concatenate``, `dropout` → ``Dropout`` (the identity in inference).
    ///
    /// Throws ``TrainingError/unsupportedGraph(node:reason:)`` for a fixed-point graph, an
    /// op without a training layer (`batch_normalization`, `flatten`, `argmax`), mis-shaped
    /// weights, or a graph without exactly one output.
    public convenience init(graph: Graph, device: any Device) throws(TrainingError) {
        if let fixed = graph.nodes.first(where: { $0.precision != nil }) {
            throw .unsupportedGraph(node: fixed.name, reason: "it has a fixed-point precision; only float graphs can be imported")
        }
        guard graph.outputs.count == 1, let outputName = graph.outputs.first else {
            throw .unsupportedGraph(node: graph.name,
                                    reason: "the graph has \(graph.outputs.count) outputs where a model has exactly one")
        }
        let byName = Dictionary(graph.nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var inputs: [SymbolicTensor] = []
        var symbols: [String: SymbolicTensor] = [:]
        for name in graph.inputs {
            guard let node = byName[name], case let .input(shape) = node.op else {
                throw .unsupportedGraph(node: name, reason: "the graph input has no 'input' node")
            }
            let input = Input(name, shape: shape)
            inputs.append(input)
            symbols[name] = input
        }
        var weights: [String: [Float]] = [:]
        var visiting = Set<String>()

        func symbol(_ name: String) throws(TrainingError) -> SymbolicTensor {
            if let known = symbols[name] { return known }
            guard let node = byName[name] else {
                throw .unsupportedGraph(node: name, reason: "no node of that name is in the graph")
            }
            guard visiting.insert(name).inserted else {
                throw .unsupportedGraph(node: name, reason: "the node is part of a cycle")
            }
            var sources: [SymbolicTensor] = []
            for input in node.inputs { sources.append(try symbol(input)) }
            let value = try Model.layerValue(node, sources, weights: &weights)
            symbols[name] = value
            return value
        }

        let output = try symbol(outputName)
        guard output.layer != nil else {
            throw .unsupportedGraph(node: outputName, reason: "the output is a graph input, not a computed value")
        }
        self.init(name: graph.name, inputs: inputs, output: output, device: device)
        try setWeights(weights)
    }

    /// The symbolic value of one graph node applied to its inputs' values, recording the
    /// node's weights by parameter name.
    private static func layerValue(_ node: Node, _ sources: [SymbolicTensor],
                                   weights: inout [String: [Float]]) throws(TrainingError) -> SymbolicTensor {
        func fail(_ reason: String) -> TrainingError { .unsupportedGraph(node: node.name, reason: reason) }
        func single() throws(TrainingError) -> SymbolicTensor {
            guard sources.count == 1, let x = sources.first else {
                throw fail("op '\(node.op.keyword)' takes one input, not \(sources.count)")
            }
            return x
        }
        func check(_ tensor: Tensor, _ shape: [Int], _ what: String) throws(TrainingError) {
            guard tensor.shape == shape, tensor.values.count == shape.reduce(1, *) else {
                throw fail("its \(what) has shape \(tensor.shape) where \(shape) is needed")
            }
        }
        switch node.op {
        case .input:
            throw fail("an 'input' node is not listed among the graph's inputs")
        case let .dense(kernel, bias, activation):
            let x = try single()
            let inFeatures = x.shape.last ?? 0
            let units = bias.shape.last ?? 0
            try check(kernel, [inFeatures, units], "weights")
            try check(bias, [units], "bias")
            weights["\(node.name)/kernel"] = kernel.values
            weights["\(node.name)/bias"] = bias.values
            return Dense(units, activation: activation, name: node.name)(x)
        case let .activation(function):
            return Activation(function, name: node.name)(try single())
        case let .masking(value):
            return Masking(value: value, name: node.name)(try single())
        case let .gru(attributes):
            let x = try single()
            guard x.shape.count == 2 else { throw fail("a GRU needs a [time, features] input, not \(x.shape)") }
            let u = attributes.units, w = 3 * attributes.units
            try check(attributes.kernel, [x.shape[1], w], "kernel")
            try check(attributes.recurrentKernel, [u, w], "recurrent kernel")
            try check(attributes.bias, attributes.resetAfter ? [2, w] : [w], "bias")
            weights["\(node.name)/kernel"] = attributes.kernel.values
            weights["\(node.name)/recurrent_kernel"] = attributes.recurrentKernel.values
            weights["\(node.name)/bias"] = attributes.bias.values
            return GRU(u, resetAfter: attributes.resetAfter, activation: attributes.activation,
                       recurrentActivation: attributes.recurrentActivation, name: node.name)(x)
        case let .concatenate(axis):
            guard let first = sources.first, sources.count >= 1 else { throw fail("a concatenate needs inputs") }
            let rank = first.shape.count
            guard Op.normalizedAxis(axis, rank: rank) == rank - 1,
                  sources.allSatisfy({ $0.shape.count == rank && $0.shape.dropLast() == first.shape.dropLast() })
            else { throw fail("only a concatenation along the last axis of equally shaped inputs is supported") }
            return Concatenate(name: node.name)(sources)
        case let .dropout(rate):
            return Dropout(rate, name: node.name)(try single())
        case let .affine(scale, offset):
            // An input scaler: a linear Dense with diagonal weights computes the same values.
            let x = try single()
            let f = x.shape.last ?? 0
            try check(scale, [f], "scale")
            try check(offset, [f], "offset")
            var diagonal = [Float](repeating: 0, count: f * f)
            for (i, s) in scale.values.enumerated() { diagonal[i * f + i] = s }
            weights["\(node.name)/kernel"] = diagonal
            weights["\(node.name)/bias"] = offset.values
            return Dense(f, activation: .linear, name: node.name)(x)
        case .batchNormalization, .flatten, .argmax:
            throw fail("op '\(node.op.keyword)' has no training layer")
        }
    }
}
