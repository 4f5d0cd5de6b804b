import GraphIR

extension Model {
    /// A plain stack of layers on one input.
    public static func sequential(
        name: String, input: SymbolicTensor, layers: [any Layer], device: any Device = CPUDevice(), seed: UInt64 = 1
    ) -> Model {
        let output = layers.reduce(input) { x, layer in layer(x) }
        return Model(name: name, inputs: [input], output: output, device: device, seed: seed)
    }

    /// The study's high-level-feature network: `hlf_input` `[features]` → Dense 50, 20, 10
    /// relu → Dense `classes` softmax (layers `dense_1` ... `dense_4`; shapes from ``StudyModels``).
    public static func hlfDNN(features: Int = StudyModels.hlfFeatures, classes: Int = StudyModels.classes,
                              device: any Device = CPUDevice(), seed: UInt64 = 1) -> Model {
        let hidden = StudyModels.hlfHiddenUnits.enumerated().map { i, units in
            Dense(units, activation: .relu, name: "dense_\(i + 1)")
        }
        let output = Dense(classes, activation: .softmax, name: "dense_\(hidden.count + 1)")
        return sequential(
            name: "hlf_dnn", input: Input(StudyModels.hlfInput, shape: [features]), layers: hidden + [output],
            device: device, seed: seed)
    }

    /// The particle-sequence network: `gru_input` `[timeSteps, features]` → Masking(0) →
    /// GRU(units) → Dropout(`dropout`, the study's 0.2 by default) → Dense `classes` softmax.
    public static func particleGRU(
        timeSteps: Int, features: Int = StudyModels.particleFeatures, units: Int = StudyModels.gruUnits,
        classes: Int = StudyModels.classes, resetAfter: Bool = true, dropout: Float = StudyModels.dropoutRate,
        device: any Device = CPUDevice(), seed: UInt64 = 1
    ) -> Model {
        sequential(
            name: "particle_gru", input: Input(StudyModels.sequenceInput, shape: [timeSteps, features]),
            layers: [Masking(value: StudyModels.maskValue, name: "masking"), GRU(units, resetAfter: resetAfter, name: "gru"),
                     Dropout(dropout, name: "dropout"), Dense(classes, activation: .softmax, name: "dense")],
            device: device, seed: seed)
    }

    /// The inclusive network: the GRU branch (Masking → GRU → Dropout) on `gru_input` and
    /// Dropout on `hlf_input` (both `dropout`, the study's 0.2 by default), concatenated →
    /// Dense 25 relu → Dense `classes` softmax.
    public static func inclusive(
        timeSteps: Int, features: Int = StudyModels.particleFeatures, units: Int = StudyModels.gruUnits,
        hlfFeatures: Int = StudyModels.hlfFeatures, classes: Int = StudyModels.classes,
        resetAfter: Bool = true, dropout: Float = StudyModels.dropoutRate, device: any Device = CPUDevice(), seed: UInt64 = 1
    ) -> Model {
        let sequence = Input(StudyModels.sequenceInput, shape: [timeSteps, features])
        let hlf = Input(StudyModels.hlfInput, shape: [hlfFeatures])
        let branch = Dropout(dropout, name: "dropout_1")(
            GRU(units, resetAfter: resetAfter, name: "gru")(Masking(value: StudyModels.maskValue, name: "masking")(sequence)))
        let joined = Concatenate(name: "concatenate")([branch, Dropout(dropout, name: "dropout_2")(hlf)])
        let output = Dense(classes, activation: .softmax, name: "dense_2")(
            Dense(StudyModels.inclusiveHiddenUnits, activation: .relu, name: "dense_1")(joined))
        return Model(name: "inclusive", inputs: [sequence, hlf], output: output, device: device, seed: seed)
    }
}
