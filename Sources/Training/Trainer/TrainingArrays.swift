/// Training or validation data in host memory: one row-major array per model input
/// (`count ×` the input's per-event size) and one-hot labels (`count × classes`).
public struct TrainingArrays: Sendable {
    public var count: Int
    /// Values by model input name.
    public var inputs: [String: [Float]]
    public var labels: [Float]

    public init(count: Int, inputs: [String: [Float]], labels: [Float]) {
        self.count = count
        self.inputs = inputs
        self.labels = labels
    }

    /// Arrays for the study models: `hlf` for `hlf_input`, `sequences` for `gru_input`.
    public init(count: Int, hlf: [Float]?, sequences: [Float]?, labels: [Float]) {
        var inputs: [String: [Float]] = [:]
        if let hlf { inputs[StudyInput.hlf.name] = hlf }
        if let sequences { inputs[StudyInput.particles.name] = sequences }
        self.init(count: count, inputs: inputs, labels: labels)
    }

    /// The arrays in the model's input order, after checking their sizes.
    func ordered(for model: Model, checkLabels: Bool) throws(TrainingError) -> [[Float]] {
        var result: [[Float]] = []
        for input in model.inputs {
            guard let values = inputs[input.name] else { throw .missingInput(name: input.name) }
            guard values.count == count * input.size else {
                throw .wrongInputSize(name: input.name, expected: count * input.size, got: values.count)
            }
            result.append(values)
        }
        let classes = model.outputShape.reduce(1, *)
        if checkLabels, labels.count != count * classes {
            throw .wrongLabelSize(expected: count * classes, got: labels.count)
        }
        return result
    }
}
