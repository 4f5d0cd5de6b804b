import GraphIR

/// Keras's GRU (gate order z, r, h), returning the last state. Kernel `[in, 3u]`
/// Glorot-uniform, recurrent kernel `[u, 3u]` orthogonal, bias zeros (`[2, 3u]`, input row then
/// recurrent row, when `resetAfter`, else `[3u]`). A masked step carries the state forward.
///
/// The input projection of all time steps is one `gemm`; the recurrence is the device's
/// ``Device/gruSequenceForward(_:)`` (by default per step one or two `gemm`s on the state plus
/// a fused gate kernel; OpenCL runs it in one persistent launch). Backward is
/// backpropagation through time (``Device/gruSequenceBackward(_:gradient:)``), then one
/// `gemm` per weight over all steps.
public final class GRU: Layer {
    public var name: String
    public let kind = "gru"
    public let units: Int
    public let resetAfter: Bool
    public let activation: ActivationFunction
    public let recurrentActivation: ActivationFunction
    public private(set) var parameters: [Parameter] = []
    private(set) var steps = 0
    private(set) var features = 0
    private var cache = BufferCache<GRUBuffers>()
    private var input: Flow?
    /// The steps the last forward pass ran (``GRUSequence/liveSteps``).
    private var liveSteps = 0

    public init(_ units: Int, resetAfter: Bool = true, activation: ActivationFunction = .tanh,
                recurrentActivation: ActivationFunction = .sigmoid, name: String = "") {
        self.units = units
        self.resetAfter = resetAfter
        self.activation = activation
        self.recurrentActivation = recurrentActivation
        self.name = name
    }

    var kernel: Parameter { parameters[0] }
    var recurrentKernel: Parameter { parameters[1] }
    var bias: Parameter { parameters[2] }

    public func outputShape(for inputShapes: [[Int]]) -> [Int] { [units] }

    public func build(inputShapes: [[Int]], device: any Device, rng: inout SplitMix64) {
        let shape = inputShapes.first ?? []
        precondition(shape.count == 2, "GRU \(name): input must be [time, features], got \(shape)")
        steps = shape[0]
        features = shape[1]
        let width = 3 * units
        let k = Initializers.glorotUniform(shape: [features, width], fanIn: features, fanOut: width, rng: &rng)
        let u = Initializers.orthogonal(rows: units, columns: width, rng: &rng)
        parameters = [
            Parameter(name: "\(name)/kernel", value: device.upload(k, shape: [features, width]), device: device),
            Parameter(name: "\(name)/recurrent_kernel", value: device.upload(u, shape: [units, width]), device: device),
            Parameter(name: "\(name)/bias", value: device.makeTensor(shape: resetAfter ? [2, width] : [width]),
                      device: device),
        ]
    }

    func buffers(_ context: PassContext) -> GRUBuffers {
        cache.get(batch: context.batch) {
            GRUBuffers(device: context.device, batch: context.batch, steps: steps, features: features, units: units)
        }
    }

    /// The whole sequence's buffers (forward and backward).
    func sequence(_ b: GRUBuffers, mask: DeviceTensor?) -> GRUSequence {
        var sequence = GRUSequence(
            units: units, steps: steps, batch: b.batch, resetAfter: resetAfter, activation: activation,
            recurrentActivation: recurrentActivation, inputProjection: b.inputProjection,
            recurrentKernel: recurrentKernel.value, bias: bias.value, recurrentProjection: b.recurrentProjection,
            states: b.states, z: b.z, r: b.r, candidate: b.candidate, resetState: b.resetState, mask: mask,
            inputProjectionGradient: b.inputProjectionGradient, recurrentProjectionGradient: b.recurrentProjectionGradient,
            stateGradient: b.stateGradient, previousGradient: b.previousGradient, resetStateGradient: b.resetStateGradient)
        sequence.liveSteps = liveSteps
        sequence.gateGradientMask = b.gateMaskLoaded ? b.gateGradientMask : nil
        return sequence
    }

    /// One past the last step that some event of the batch has live (all steps without a mask).
    static func liveSteps(mask: [Float], batch n: Int, steps: Int) -> Int {
        var live = 0
        for e in 0..<n {
            var t = steps
            while t > live, mask[e * steps + t - 1] == 0 { t -= 1 }
            live = max(live, t)
        }
        return live
    }

    public func forward(_ inputs: [Flow], context: PassContext) -> Flow {
        let x = inputs[0]
        let device = context.device
        let b = buffers(context)
        let n = b.batch, u = units
        let projection = b.inputProjection.matrix
        device.broadcastRows(bias.value, offset: 0, into: projection)
        device.gemm(x.tensor.matrix(rows: n * steps), transposeA: false, kernel.value.matrix, transposeB: false,
                    into: projection, alpha: 1, beta: 1)
        device.fill(b.states, with: 0)
        b.gateMaskLoaded = false
        // Trailing padding of the whole batch is skipped (typically most of 801 steps).
        liveSteps = x.mask.map { Self.liveSteps(mask: device.read($0), batch: n, steps: steps) } ?? steps
        device.gruSequenceForward(sequence(b, mask: x.mask))
        device.copy(MatrixView(b.states, offset: liveSteps * n * u, rows: n, columns: u, stride: u), to: b.output.matrix)
        input = x
        return Flow(tensor: b.output, mask: nil)
    }

    public func backward(_ gradient: DeviceTensor, fromLogits: Bool, needsInputGradient: [Bool],
                         context: PassContext) -> [DeviceTensor?] {
        guard let x = input else { preconditionFailure("GRU \(name): backward before forward") }
        let device = context.device
        let b = buffers(context)
        let n = b.batch, u = units, w = 3 * u
        // Rows of steps not run must be zero in the event-major input gradient.
        if liveSteps < steps { device.fill(b.inputProjectionGradient, with: 0) }
        device.gruSequenceBackward(sequence(b, mask: x.mask), gradient: gradient)
        let rows = n * steps, liveRows = n * liveSteps
        let previousStates = MatrixView(b.states, offset: 0, rows: liveRows, columns: u, stride: u)
        let dHW = MatrixView(b.recurrentProjectionGradient, offset: 0, rows: liveRows, columns: w, stride: w)
        let dXW = b.inputProjectionGradient.matrix
        let dU = recurrentKernel.gradient.matrix
        if resetAfter {
            device.gemm(previousStates, transposeA: true, dHW, transposeB: false, into: dU, alpha: 1, beta: 0)
            device.sumRows(dHW, into: bias.gradient, offset: w, accumulate: false)
        } else {
            device.gemm(previousStates, transposeA: true, dHW.columns(0, 2 * u), transposeB: false,
                        into: dU.columns(0, 2 * u), alpha: 1, beta: 0)
            device.gemm(MatrixView(b.resetState, offset: 0, rows: liveRows, columns: u, stride: u), transposeA: true,
                        dHW.columns(2 * u, u), transposeB: false,
                        into: dU.columns(2 * u, u), alpha: 1, beta: 0)
        }
        device.gemm(x.tensor.matrix(rows: rows), transposeA: true, dXW, transposeB: false,
                    into: kernel.gradient.matrix, alpha: 1, beta: 0)
        device.sumRows(dXW, into: bias.gradient, offset: 0, accumulate: false)
        guard needsInputGradient.first == true else { return [nil] }
        device.gemm(dXW, transposeA: false, kernel.value.matrix, transposeB: true,
                    into: b.inputGradient.matrix(rows: rows), alpha: 1, beta: 0)
        return [b.inputGradient]
    }

    public func exportOp(device: any Device) -> Op {
        let w = 3 * units
        return .gru(GRUAttributes(
            units: units, activation: activation, recurrentActivation: recurrentActivation, resetAfter: resetAfter,
            kernel: Tensor(shape: [features, w], values: device.read(kernel.value)),
            recurrentKernel: Tensor(shape: [units, w], values: device.read(recurrentKernel.value)),
            bias: Tensor(shape: resetAfter ? [2, w] : [w], values: device.read(bias.value))))
    }
}

/// A GRU's buffers for one batch size. Per-step caches are time-major (`[T·n, ·]`); the
/// input projection and its gradient are event-major (`[n·T, 3u]`, the input's row order).
final class GRUBuffers {
    let batch: Int
    let inputProjection, recurrentProjection, states, z, r, candidate, resetState, output: DeviceTensor
    let stateGradient, previousGradient, resetStateGradient: DeviceTensor
    let inputProjectionGradient, recurrentProjectionGradient, inputGradient: DeviceTensor
    /// Quantization-aware training's ``GRUSequence/gateGradientMask`` (made on first use),
    /// and whether the current batch loaded one.
    var gateGradientMask: DeviceTensor?
    var gateMaskLoaded = false

    init(device: any Device, batch n: Int, steps T: Int, features: Int, units u: Int) {
        batch = n
        inputProjection = device.makeTensor(shape: [n * T, 3 * u])
        recurrentProjection = device.makeTensor(shape: [T * n, 3 * u])
        states = device.makeTensor(shape: [(T + 1) * n, u])
        z = device.makeTensor(shape: [T * n, u])
        r = device.makeTensor(shape: [T * n, u])
        candidate = device.makeTensor(shape: [T * n, u])
        resetState = device.makeTensor(shape: [T * n, u])
        output = device.makeTensor(shape: [n, u])
        stateGradient = device.makeTensor(shape: [n, u])
        previousGradient = device.makeTensor(shape: [n, u])
        resetStateGradient = device.makeTensor(shape: [n, u])
        inputProjectionGradient = device.makeTensor(shape: [n * T, 3 * u])
        recurrentProjectionGradient = device.makeTensor(shape: [T * n, 3 * u])
        inputGradient = device.makeTensor(shape: [n, T, features])
    }
}

extension GRU: ForwardValueLoading {
    /// Writes the steps into the time-major caches backward reads: states (row `(t+1)·n + e`),
    /// gates and candidate (row `t·n + e`), the recurrent candidate into the h columns of
    /// the recurrent projection, `r ⊙ h`, the output, and the input's mask.
    func load(_ values: LayerValues, context: PassContext) throws(TrainingError) {
        guard case let .gru(v) = values, let x = input else {
            throw .forwardValues(layer: name, reason: "a GRU takes its steps, after its forward pass")
        }
        let b = buffers(context)
        let n = b.batch, u = units, T = steps
        let cells = n * T * u
        for (field, array) in [("z", v.z), ("r", v.r), ("candidate", v.candidate), ("state", v.state),
                               ("recurrent candidate", v.recurrentCandidate), ("r ⊙ h", v.resetState)]
        where array.count != cells {
            throw .forwardValues(layer: name, reason: "\(array.count) values of \(field) for \(n) events × \(T) steps × \(u) units")
        }
        guard v.valid.count == n * T else {
            throw .forwardValues(layer: name, reason: "\(v.valid.count) step flags for \(n) events × \(T) steps")
        }
        /// Event-major `[e][t][j]` to time-major rows `(t + rowOffset)·n + e` of `columns` (at `column`).
        func timeMajor(_ source: [Float], rowOffset: Int = 0, rows: Int, columns: Int = u, column: Int = 0) -> [Float] {
            var result = [Float](repeating: 0, count: rows * n * columns)
            for e in 0..<n {
                for t in 0..<T {
                    let from = (e * T + t) * u, to = ((t + rowOffset) * n + e) * columns + column
                    for j in 0..<u { result[to + j] = source[from + j] }
                }
            }
            return result
        }
        let device = context.device
        try device.write(timeMajor(v.state, rowOffset: 1, rows: T + 1), to: b.states, layer: name)
        try device.write(timeMajor(v.z, rows: T), to: b.z, layer: name)
        try device.write(timeMajor(v.r, rows: T), to: b.r, layer: name)
        try device.write(timeMajor(v.candidate, rows: T), to: b.candidate, layer: name)
        try device.write(timeMajor(v.resetState, rows: T), to: b.resetState, layer: name)
        try device.write(timeMajor(v.recurrentCandidate, rows: T, columns: 3 * u, column: 2 * u),
                         to: b.recurrentProjection, layer: name)
        var last = [Float](repeating: 0, count: n * u)
        for e in 0..<n {
            for j in 0..<u { last[e * u + j] = v.state[((e * T) + T - 1) * u + j] }
        }
        try device.write(last, to: b.output, layer: name)
        if let mask = x.mask { try device.write(v.valid, to: mask, layer: name) }
        if !v.gradientMask.isEmpty { try loadGradientMask(v.gradientMask, buffers: b, device: device) }
    }

    /// The per-pre-activation factors as the per-step backward applies them: time-major
    /// `[T·n, 3u]`; with `resetAfter` the r block also carries the candidate's (backward
    /// computes ∂r from the candidate's gradient before the factors apply).
    private func loadGradientMask(_ mask: [Float], buffers b: GRUBuffers, device: any Device) throws(TrainingError) {
        let n = b.batch, u = units, T = steps, w = 3 * u
        guard mask.count == n * T * w else {
            throw .forwardValues(layer: name, reason: "\(mask.count) gradient factors for \(n) events × \(T) steps × \(w) pre-activations")
        }
        var factors = [Float](repeating: 1, count: T * n * w)
        for e in 0..<n {
            for t in 0..<T {
                let from = (e * T + t) * w, to = (t * n + e) * w
                for k in 0..<w { factors[to + k] = mask[from + k] }
                if resetAfter {
                    for j in 0..<u { factors[to + u + j] *= mask[from + 2 * u + j] }
                }
            }
        }
        let tensor = b.gateGradientMask ?? device.makeTensor(shape: [T * n, w])
        b.gateGradientMask = tensor
        try device.write(factors, to: tensor, layer: name)
        b.gateMaskLoaded = true
    }
}
