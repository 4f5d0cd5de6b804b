import GraphIR

/// Which Keras wrote the file; it decides what `hard_sigmoid` means.
public enum KerasEra: String, Hashable, Sendable {
    /// Keras 2 / tf.keras (and Keras 1): `hard_sigmoid(x) = clip(0.2·x + 0.5, 0, 1)`.
    case keras2
    /// Keras 3: `hard_sigmoid(x) = relu6(x + 3) / 6 = clip(x/6 + 0.5, 0, 1)`.
    case keras3

    /// The era of a `keras_version` string ("2.2.4-tf", "3.15.1"); unknown means Keras 2.
    public init(version: String?) {
        self = (version?.hasPrefix("3") ?? false) ? .keras3 : .keras2
    }

    var hardSigmoid: ActivationFunction {
        switch self {
        case .keras2: .hardSigmoid(slope: 0.2, offset: 0.5)
        case .keras3: .hardSigmoid(slope: 1.0 / 6.0, offset: 0.5)
        }
    }
}

/// Turns one Keras layer into one graph op (see `Docs/Keras.md` for the mapping).
struct KerasLayerBuilder {
    let path: String
    let era: KerasEra
    let store: KerasWeightStore

    /// Every layer class trigc imports.
    static let supported = [
        "InputLayer", "Dense", "Activation", "ReLU", "LeakyReLU", "Softmax", "Dropout", "Masking",
        "GRU", "Concatenate", "BatchNormalization", "Flatten",
    ]

    /// The op for `layer`, whose inputs have the given per-event shapes.
    func op(for layer: KerasLayerSpec, inputShapes: [[Int]]) throws(KerasImportError) -> Op {
        let options = KerasOptions(path: path, layer: layer)
        let shape = inputShapes.first ?? []
        switch layer.className {
        case "InputLayer":
            return .input(shape: try inputShape(options))
        case "Dense":
            return try dense(options, shape)
        case "Activation":
            return .activation(try activation(options, "activation", default: "linear"))
        case "ReLU":
            return .activation(try relu(options))
        case "LeakyReLU":
            // Keras 3 calls the slope negative_slope, Keras 2 alpha; both default to 0.3.
            let slope = try options.number("negative_slope")
            let alpha = try options.number("alpha")
            return .activation(.leakyRelu(alpha: Float(slope ?? alpha ?? 0.3)))
        case "Softmax":
            try lastAxis(options, "axis", rank: shape.count)
            return .activation(.softmax)
        case "Dropout":
            return .dropout(rate: Float(try options.number("rate") ?? 0))
        case "Masking":
            try requireSequence(layer, shape)
            return .masking(value: Float(try options.number("mask_value") ?? 0))
        case "GRU":
            return try gru(options, shape)
        case "Concatenate":
            let axis = try options.integer("axis", magnitude: 32) ?? -1
            if axis == 0 { throw options.unsupported("axis", "0 (the batch axis)") }
            return .concatenate(axis: axis < 0 ? axis : axis - 1)
        case "BatchNormalization":
            return try batchNormalization(options, shape)
        case "Flatten":
            return .flatten
        default:
            throw .unsupportedLayer(path: path, layer: layer.name, className: layer.className, supported: Self.supported)
        }
    }

    private func inputShape(_ options: KerasOptions) throws(KerasImportError) -> [Int] {
        let key = ["batch_shape", "batch_input_shape"].first { options.config[$0] != nil }
        var dims: [KerasJSON]
        if let key, let list = options.config[key]?.array {
            dims = Array(list.dropFirst())
        } else if let list = options.config["shape"]?.array {
            dims = list
        } else {
            throw .badConfig(path: path, reason: "gives no shape for input layer '\(options.layer.name)'")
        }
        return try options.shape(dims, key: key ?? "shape")
    }

    private func dense(_ options: KerasOptions, _ shape: [Int]) throws(KerasImportError) -> Op {
        guard let features = shape.last else { throw badShape(options, shape, "a rank 1 or higher") }
        let units = try options.count("units")
        var weights = try KerasWeightBinder(store: store, layer: options.layer.name)
        let kernel = try weights.take("kernel", [features, units])
        let bias = try options.bool("use_bias") ?? true ? try weights.take("bias", [units]) : Tensor(zeros: [units])
        try weights.finish()
        return .dense(weights: kernel, bias: bias, activation: try activation(options, "activation", default: "linear"))
    }

    private func gru(_ options: KerasOptions, _ shape: [Int]) throws(KerasImportError) -> Op {
        try requireSequence(options.layer, shape)
        for flag in ["return_sequences", "return_state", "go_backwards", "stateful", "time_major"]
        where try options.bool(flag) == true {
            throw options.unsupported(flag, "true")
        }
        let units = try options.count("units")
        let resetAfter = try options.bool("reset_after") ?? true
        let candidate = try activation(options, "activation", default: "tanh")
        let recurrent = try activation(options, "recurrent_activation", default: "sigmoid")
        for (key, function) in [("activation", candidate), ("recurrent_activation", recurrent)]
        where function == .softmax {
            throw options.unsupported(key, "'softmax'")
        }
        var weights = try KerasWeightBinder(store: store, layer: options.layer.name)
        let kernel = try weights.take("kernel", [shape[1], 3 * units])
        let recurrentKernel = try weights.take("recurrent_kernel", [units, 3 * units])
        let biasShape = resetAfter ? [2, 3 * units] : [3 * units]
        let bias = try options.bool("use_bias") ?? true ? try weights.take("bias", biasShape) : Tensor(zeros: biasShape)
        try weights.finish()
        return .gru(GRUAttributes(
            units: units, activation: candidate, recurrentActivation: recurrent, resetAfter: resetAfter,
            kernel: kernel, recurrentKernel: recurrentKernel, bias: bias))
    }

    private func batchNormalization(_ options: KerasOptions, _ shape: [Int]) throws(KerasImportError) -> Op {
        try lastAxis(options, "axis", rank: shape.count)
        if try options.bool("renorm") == true { throw options.unsupported("renorm", "true") }
        guard let channels = shape.last else { throw badShape(options, shape, "a rank 1 or higher") }
        var weights = try KerasWeightBinder(store: store, layer: options.layer.name)
        let gamma = try options.bool("scale") ?? true
            ? try weights.take("gamma", [channels])
            : Tensor(shape: [channels], values: [Float](repeating: 1, count: channels))
        let beta = try options.bool("center") ?? true ? try weights.take("beta", [channels]) : Tensor(zeros: [channels])
        let mean = try weights.take("moving_mean", [channels])
        let variance = try weights.take("moving_variance", [channels])
        try weights.finish()
        let epsilon = Float(try options.number("epsilon") ?? 1e-3)
        return .batchNormalization(BatchNormAttributes(
            gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: epsilon))
    }

    private func relu(_ options: KerasOptions) throws(KerasImportError) -> ActivationFunction {
        if let maxValue = options.config["max_value"], !maxValue.isNull {
            throw options.unsupported("max_value", maxValue.text)
        }
        if let threshold = try options.number("threshold"), threshold != 0 {
            throw options.unsupported("threshold", KerasJSON.number(threshold).text)
        }
        let slope = try options.number("negative_slope") ?? 0
        return slope == 0 ? .relu : .leakyRelu(alpha: Float(slope))
    }

    /// A Keras activation by name (a string, or Keras 3's serialized function object).
    private func activation(
        _ options: KerasOptions, _ key: String, default name: String
    ) throws(KerasImportError) -> ActivationFunction {
        let value = options.config[key] ?? .null
        let spelled = value.isNull ? name : value.string ?? value["config"]?.string
        switch spelled {
        case "linear": return .linear
        case "relu": return .relu
        case "leaky_relu": return .leakyRelu(alpha: 0.2)
        case "tanh": return .tanh
        case "sigmoid": return .sigmoid
        case "hard_sigmoid": return era.hardSigmoid
        case "softmax": return .softmax
        default: throw options.unsupported(key, value.text)
        }
    }

    /// Checks that an `axis` option names the last axis of a per-event shape of `rank`.
    private func lastAxis(_ options: KerasOptions, _ key: String, rank: Int) throws(KerasImportError) {
        guard let value = options.config[key] else { return }
        let list = value.array ?? [value]
        guard list.count == 1, let axis = list[0].number, axis == -1 || axis == Double(rank) else {
            throw options.unsupported(key, value.text + " (only the last axis is supported)")
        }
    }

    private func requireSequence(_ layer: KerasLayerSpec, _ shape: [Int]) throws(KerasImportError) {
        if shape.count != 2 {
            throw .badInputShape(
                path: path, layer: layer.name, className: layer.className, shape: shape,
                expected: "a sequence [time, features]")
        }
    }

    private func badShape(_ options: KerasOptions, _ shape: [Int], _ expected: String) -> KerasImportError {
        .badInputShape(path: path, layer: options.layer.name, className: options.layer.className, shape: shape, expected: expected)
    }
}
