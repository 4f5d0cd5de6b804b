import GraphIR

extension Model {
    /// The model's outputs (`count × outputShape`) in inference mode (dropout off), in
    /// batches of `batchSize`.
    public func predict(_ inputs: [String: [Float]], count: Int, batchSize: Int = 1024) throws(TrainingError) -> [Float] {
        let arrays = try TrainingArrays(count: count, inputs: inputs, labels: [])
            .ordered(for: self, checkLabels: false)
        let width = outputShape.reduce(1, *)
        var result = [Float]()
        result.reserveCapacity(count * width)
        var start = 0
        while start < count {
            let n = min(batchSize, count - start)
            let tensors = inputTensors(batch: n)
            for (k, input) in self.inputs.enumerated() {
                arrays[k].withUnsafeBufferPointer { all in
                    device.write(UnsafeBufferPointer(rebasing: all[start * input.size ..< (start + n) * input.size]),
                                 to: tensors[k], at: 0)
                }
            }
            let context = PassContext(device: device, batch: n, training: false, seed: 0, counter: 0)
            result += device.read(forward(tensors, context: context))
            try device.checkHealth()
            start += n
        }
        return result
    }

    /// Every parameter's values by name (`"dense_1/kernel"`, Keras layout).
    public func weights() -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, device.read($0.value)) })
    }

    /// Replaces parameter values by name; every parameter must be present with its size.
    public func setWeights(_ weights: [String: [Float]]) throws(TrainingError) {
        for parameter in parameters {
            guard let values = weights[parameter.name] else {
                throw .wrongWeights(name: parameter.name, reason: "missing")
            }
            guard values.count == parameter.value.count else {
                throw .wrongWeights(name: parameter.name,
                                    reason: "\(values.count) values where \(parameter.value.count) are needed")
            }
        }
        for parameter in parameters {
            weights[parameter.name]?.withUnsafeBufferPointer { device.write($0, to: parameter.value, at: 0) }
        }
    }
}
