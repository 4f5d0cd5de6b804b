/// The three example trigger classifiers trigc is built around (shapes from ``StudyModels``),
/// with deterministic weights.
///
/// Every node has its per-event shape set; activations are separate `activation` nodes (the
/// fusion pass folds them into the dense layers). Weights are Glorot-uniform-like values and
/// biases small uniform values (`±0.05`), both from ``SplitMix64`` seeded with `seed`.
extension Graph {
    /// The high-level-feature network: `hlf_input` `[14]` → dense 50 relu → dense 20 relu →
    /// dense 10 relu → dense 3 softmax.
    public static func hlfDNN(seed: UInt64 = 1) -> Graph {
        var builder = ExampleBuilder(seed: seed)
        var x = builder.input(StudyModels.hlfInput, shape: [StudyModels.hlfFeatures])
        let layers = StudyModels.hlfHiddenUnits.map { ($0, ActivationFunction.relu) } + [(StudyModels.classes, .softmax)]
        for (i, (units, act)) in layers.enumerated() {
            x = builder.dense("dense_\(i + 1)", x, units: units)
            x = builder.activation("activation_\(i + 1)", x, act)
        }
        return builder.graph(name: "hlf_dnn", outputs: [x])
    }

    /// The particle-sequence network: `gru_input` `[timeSteps, features]` → masking(0) →
    /// GRU → dropout 0.2 → dense 3 → softmax.
    public static func particleGRU(
        timeSteps: Int = StudyModels.timeSteps, features: Int = StudyModels.particleFeatures,
        units: Int = StudyModels.gruUnits, resetAfter: Bool = true, seed: UInt64 = 1
    ) -> Graph {
        var builder = ExampleBuilder(seed: seed)
        var x = builder.input(StudyModels.sequenceInput, shape: [timeSteps, features])
        x = builder.add("masking", .masking(value: StudyModels.maskValue), [x], shape: [timeSteps, features])
        x = builder.gru("gru", x, features: features, units: units, resetAfter: resetAfter)
        x = builder.add("dropout", .dropout(rate: StudyModels.dropoutRate), [x], shape: [units])
        x = builder.dense("dense", x, units: StudyModels.classes)
        x = builder.activation("activation", x, .softmax)
        return builder.graph(name: "particle_gru", outputs: [x])
    }

    /// The inclusive network: a GRU branch over `gru_input` (masking, GRU, dropout 0.2) and
    /// `hlf_input` `[hlfFeatures]` through dropout 0.2, concatenated → dense 25 relu →
    /// dense 3 softmax.
    public static func inclusive(
        timeSteps: Int = StudyModels.timeSteps, features: Int = StudyModels.particleFeatures,
        units: Int = StudyModels.gruUnits, hlfFeatures: Int = StudyModels.hlfFeatures,
        resetAfter: Bool = true, seed: UInt64 = 1
    ) -> Graph {
        var builder = ExampleBuilder(seed: seed)
        var sequence = builder.input(StudyModels.sequenceInput, shape: [timeSteps, features])
        var hlf = builder.input(StudyModels.hlfInput, shape: [hlfFeatures])
        sequence = builder.add(
            "masking", .masking(value: StudyModels.maskValue), [sequence], shape: [timeSteps, features])
        sequence = builder.gru("gru", sequence, features: features, units: units, resetAfter: resetAfter)
        sequence = builder.add("dropout_1", .dropout(rate: StudyModels.dropoutRate), [sequence], shape: [units])
        hlf = builder.add("dropout_2", .dropout(rate: StudyModels.dropoutRate), [hlf], shape: [hlfFeatures])
        var x = builder.add(
            "concatenate", .concatenate(axis: -1), [sequence, hlf], shape: [units + hlfFeatures])
        x = builder.dense("dense_1", x, units: StudyModels.inclusiveHiddenUnits)
        x = builder.activation("activation_1", x, .relu)
        x = builder.dense("dense_2", x, units: StudyModels.classes)
        x = builder.activation("activation_2", x, .softmax)
        return builder.graph(name: "inclusive", outputs: [x])
    }
}

/// Appends shaped nodes and draws their weights from one generator.
private struct ExampleBuilder {
    var rng: SplitMix64
    var nodes: [Node] = []
    var inputs: [String] = []

    init(seed: UInt64) {
        rng = SplitMix64(seed: seed)
    }

    func shape(of name: String) -> [Int] {
        nodes.last { $0.name == name }?.shape ?? []
    }

    mutating func add(_ name: String, _ op: Op, _ inputs: [String], shape: [Int]) -> String {
        nodes.append(Node(name: name, op: op, inputs: inputs, shape: shape))
        return name
    }

    mutating func input(_ name: String, shape: [Int]) -> String {
        inputs.append(name)
        return add(name, .input(shape: shape), [], shape: shape)
    }

    mutating func dense(_ name: String, _ x: String, units: Int) -> String {
        let features = shape(of: x).last ?? 0
        let weights = Tensor.glorot(shape: [features, units], fanIn: features, fanOut: units, using: &rng)
        let bias = Tensor.small(shape: [units], using: &rng)
        return add(name, .dense(weights: weights, bias: bias, activation: .linear), [x], shape: [units])
    }

    mutating func activation(_ name: String, _ x: String, _ function: ActivationFunction) -> String {
        add(name, .activation(function), [x], shape: shape(of: x))
    }

    mutating func gru(_ name: String, _ x: String, features: Int, units: Int, resetAfter: Bool) -> String {
        let kernel = Tensor.glorot(
            shape: [features, 3 * units], fanIn: features, fanOut: 3 * units, using: &rng)
        let recurrent = Tensor.glorot(shape: [units, 3 * units], fanIn: units, fanOut: 3 * units, using: &rng)
        let bias = Tensor.small(shape: resetAfter ? [2, 3 * units] : [3 * units], using: &rng)
        let attributes = GRUAttributes(
            units: units, resetAfter: resetAfter, kernel: kernel, recurrentKernel: recurrent, bias: bias)
        return add(name, .gru(attributes), [x], shape: [units])
    }

    func graph(name: String, outputs: [String]) -> Graph {
        Graph(name: name, nodes: nodes, inputs: inputs, outputs: outputs)
    }
}
