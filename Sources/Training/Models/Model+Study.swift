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
    /// relu → Dense `classes` softmax (layers `dense_1` ... `dense_4`).
    public static func hlfDNN(features: Int = 14, classes: Int = 3, device: any Device = CPUDevice(),
                              seed: UInt64 = 1) -> Model {
        sequential(
            name: "hlf_dnn", input: Input(StudyInput.hlf.name, shape: [features]),
            layers: [Dense(50, activation: .relu, name: "dense_1"), Dense(20, activation: .relu, name: "dense_2"),
                     Dense(10, activation: .relu, name: "dense_3"), Dense(classes, activation: .softmax, name: "dense_4")],
            device: device, seed: seed)
    }

    /// The particle-sequence network: `gru_input` `[timeSteps, features]` → Masking(0) →
    /// GRU(units) → Dropout(0.2) → Dense `classes` softmax.
    public static func particleGRU(
        timeSteps: Int, features: Int = 19, units: Int = 50, classes: Int = 3, resetAfter: Bool = true,
        device: any Device = CPUDevice(), seed: UInt64 = 1
    ) -> Model {
        sequential(
            name: "particle_gru", input: Input(StudyInput.particles.name, shape: [timeSteps, features]),
            layers: [Masking(value: 0, name: "masking"), GRU(units, resetAfter: resetAfter, name: "gru"),
                     Dropout(0.2, name: "dropout"), Dense(classes, activation: .softmax, name: "dense")],
            device: device, seed: seed)
    }

    /// The inclusive network: the GRU branch (Masking → GRU → Dropout 0.2) on `gru_input`
    /// and Dropout(0.2) on `hlf_input`, concatenated → Dense 25 relu → Dense `classes` softmax.
    public static func inclusive(
        timeSteps: Int, features: Int = 19, units: Int = 50, hlfFeatures: Int = 14, classes: Int = 3,
        resetAfter: Bool = true, device: any Device = CPUDevice(), seed: UInt64 = 1
    ) -> Model {
        let sequence = Input(StudyInput.particles.name, shape: [timeSteps, features])
        let hlf = Input(StudyInput.hlf.name, shape: [hlfFeatures])
        let branch = Dropout(0.2, name: "dropout_1")(
            GRU(units, resetAfter: resetAfter, name: "gru")(Masking(value: 0, name: "masking")(sequence)))
        let joined = Concatenate(name: "concatenate")([branch, Dropout(0.2, name: "dropout_2")(hlf)])
        let output = Dense(classes, activation: .softmax, name: "dense_2")(
            Dense(25, activation: .relu, name: "dense_1")(joined))
        return Model(name: "inclusive", inputs: [sequence, hlf], output: output, device: device, seed: seed)
    }
}
