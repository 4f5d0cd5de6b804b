import GraphIR

/// `activation(x · kernel + bias)` over the last axis, as Keras's `Dense`: kernel
/// `[in, units]` Glorot-uniform, bias zeros. On a sequence it acts on every time step.
public final class Dense: Layer {
    public var name: String
    public let kind = "dense"
    public let units: Int
    public let activation: ActivationFunction
    public private(set) var parameters: [Parameter] = []
    private var inFeatures = 0
    private var cache = BufferCache<Buffers>()
    private var input: Flow?
    private var output: DeviceTensor?

    private struct Buffers {
        var output: DeviceTensor
        var preActivationGradient: DeviceTensor
        var inputGradient: DeviceTensor
    }

    public init(_ units: Int, activation: ActivationFunction = .linear, name: String = "") {
        self.units = units
        self.activation = activation
        self.name = name
    }

    public func outputShape(for inputShapes: [[Int]]) -> [Int] {
        Array((inputShapes.first ?? []).dropLast()) + [units]
    }

    public func build(inputShapes: [[Int]], device: any Device, rng: inout SplitMix64) {
        inFeatures = inputShapes.first?.last ?? 0
        let kernel = Initializers.glorotUniform(shape: [inFeatures, units], fanIn: inFeatures, fanOut: units, rng: &rng)
        parameters = [
            Parameter(name: "\(name)/kernel", value: device.upload(kernel, shape: [inFeatures, units]), device: device),
            Parameter(name: "\(name)/bias", value: device.makeTensor(shape: [units]), device: device),
        ]
    }

    public func forward(_ inputs: [Flow], context: PassContext) -> Flow {
        let x = inputs[0]
        let rows = x.tensor.count / max(1, inFeatures)
        let buffers = cache.get(batch: context.batch) {
            Buffers(output: context.device.makeTensor(shape: [rows, units]),
                    preActivationGradient: context.device.makeTensor(shape: [rows, units]),
                    inputGradient: context.device.makeTensor(shape: x.tensor.shape))
        }
        let y = buffers.output.matrix(rows: rows)
        context.device.broadcastRows(parameters[1].value, offset: 0, into: y)
        context.device.gemm(x.tensor.matrix(rows: rows), transposeA: false, parameters[0].value.matrix,
                            transposeB: false, into: y, alpha: 1, beta: 1)
        context.device.activate(activation, y, into: y)
        input = x
        output = buffers.output
        return Flow(tensor: buffers.output, mask: x.mask)
    }

    public func backward(_ gradient: DeviceTensor, fromLogits: Bool, needsInputGradient: [Bool],
                         context: PassContext) -> [DeviceTensor?] {
        guard let x = input, let y = output else { preconditionFailure("Dense \(name): backward before forward") }
        let device = context.device
        let rows = y.count / units
        let buffers = cache.get(batch: context.batch) { preconditionFailure("Dense \(name): no buffers") }
        var g = gradient
        if !fromLogits && activation != .linear {
            if activation == .softmax {
                device.softmaxGradient(output: y.matrix(rows: rows), gradient: gradient.matrix(rows: rows),
                                       into: buffers.preActivationGradient.matrix(rows: rows))
            } else {
                device.activationGradient(activation, output: y, gradient: gradient, into: buffers.preActivationGradient)
            }
            g = buffers.preActivationGradient
        }
        let dy = g.matrix(rows: rows)
        device.gemm(x.tensor.matrix(rows: rows), transposeA: true, dy, transposeB: false,
                    into: parameters[0].gradient.matrix, alpha: 1, beta: 0)
        device.sumRows(dy, into: parameters[1].gradient, offset: 0, accumulate: false)
        guard needsInputGradient.first == true else { return [nil] }
        device.gemm(dy, transposeA: false, parameters[0].value.matrix, transposeB: true,
                    into: buffers.inputGradient.matrix(rows: rows), alpha: 1, beta: 0)
        return [buffers.inputGradient]
    }

    public func exportOp(device: any Device) -> Op {
        .dense(weights: Tensor(shape: [inFeatures, units], values: device.read(parameters[0].value)),
               bias: Tensor(shape: [units], values: device.read(parameters[1].value)),
               activation: activation)
    }
}

extension Dense: ForwardValueLoading {
    func load(_ values: LayerValues, context: PassContext) throws(TrainingError) {
        guard case let .output(v) = values, let output else {
            throw .forwardValues(layer: name, reason: "a dense layer takes its output, after its forward pass")
        }
        try context.device.write(v, to: output, layer: name)
    }
}
