extension Model {
    /// Replaces what the last forward pass (on `inputs`, with `context`) left for the backward
    /// pass by `values`: the input tensors, each listed layer's saved values, and the
    /// gradient masks of the next ``backward(logitGradient:context:inputGradients:)``.
    func load(_ values: ForwardValues, inputs tensors: [DeviceTensor], context: PassContext) throws(TrainingError) {
        for (input, tensor) in zip(inputs, tensors) {
            guard let v = values.inputs[input.name] else {
                throw .forwardValues(layer: input.name, reason: "the exact forward pass has no values for this input")
            }
            try device.write(v, to: tensor, layer: input.name)
        }
        let known = Set(nodes.map(\.layer.name))
        for name in values.layers.keys.sorted() where !known.contains(name) {
            throw .forwardValues(layer: name, reason: "model '\(self.name)' has no such layer")
        }
        gradientMasks = [:]
        for (index, node) in nodes.enumerated() {
            let layer = node.layer
            if let v = values.layers[layer.name] {
                guard let loading = layer as? any ForwardValueLoading else {
                    throw .forwardValues(layer: layer.name, reason: "a \(layer.kind) layer cannot take exact forward values")
                }
                try loading.load(v, context: context)
            }
            if let mask = values.gradientMasks[layer.name] {
                var cache = gradientMaskBuffers[index] ?? BufferCache()
                let tensor = cache.get(batch: context.batch) { device.makeTensor(shape: [context.batch] + node.shape) }
                gradientMaskBuffers[index] = cache
                try device.write(mask, to: tensor, layer: layer.name)
                gradientMasks[index] = tensor
            }
        }
    }
}
