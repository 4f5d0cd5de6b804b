import GraphIR
import OpenCLRuntime
import Training

/// How to open an ``OpenCLDevice``.
public struct OpenCLOptions: Sendable {
    /// Platform and device indices (`opencl:P:D`).
    public var platform: Int
    public var device: Int
    /// Where the kernel sources come from (embedded by default).
    public var kernels: KernelOrigin
    /// SGEMM tilings for large and small products; the small one is used when
    /// `m · n < smallProductLimit`. nil picks ``SGEMMPlan/large(for:)`` and
    /// ``SGEMMPlan/small(for:)``.
    public var largeSGEMM: SGEMMPlan?
    public var smallSGEMM: SGEMMPlan?
    public var smallProductLimit: Int
    /// Extra compiler options for every program.
    public var compilerOptions: String
    /// Merge a dense layer's bias/gemm/activation and consecutive Adam steps into fewer
    /// launches (`OpenCLDevice+Fusion.swift`); off launches every call on its own.
    public var fusion = true
    /// Run a GRU's recurrence as one persistent kernel launch per direction when it fits
    /// (``OpenCLDevice/gruTiling(units:batch:)``); off runs it step by step.
    public var persistentGRU = true
    /// Events per work-group of the persistent GRU kernels (at most; fewer when local memory
    /// or the work-group size is short).
    public var gruTileEvents = 4
    /// Work items per event of the persistent GRU kernels; nil: 1 on CPU devices (each item
    /// loops over all units, the products vectorize along U's rows), min(units, 64) on others.
    public var gruUnitItems: Int?

    public init(platform: Int = 0, device: Int = 0, kernels: KernelOrigin = .embedded,
                largeSGEMM: SGEMMPlan? = nil, smallSGEMM: SGEMMPlan? = nil, smallProductLimit: Int = 64 * 64 * 16,
                compilerOptions: String = "") {
        self.platform = platform
        self.device = device
        self.kernels = kernels
        self.largeSGEMM = largeSGEMM
        self.smallSGEMM = smallSGEMM
        self.smallProductLimit = smallProductLimit
        self.compilerOptions = compilerOptions
    }
}

/// Device memory of an ``OpenCLDevice`` tensor (`buffer` is nil when allocation failed; the
/// device then holds the error).
public final class OpenCLStorage {
    let buffer: CLBuffer?

    init(buffer: CLBuffer?) { self.buffer = buffer }
}

/// The training `Device` on OpenCL: tensors are device buffers, every operation is a kernel
/// from `Kernels/` on one in-order queue, so layers, models, losses and optimizers run
/// unchanged on PoCL (CPU) or a GPU.
///
/// `Device`'s methods cannot throw, so the first OpenCL failure is kept (``firstError``) and
/// every later operation is skipped; call ``check()`` after a training or inference run (or
/// whenever a failure must surface) to throw it.
public final class OpenCLDevice: Device {
    public let name = "opencl"
    /// The OpenCL device this runs on.
    public let info: CLDevice
    public let options: OpenCLOptions
    let context: CLContext
    let queue: CLQueue
    let training: CLProgram
    let sgemmLarge: CLProgram
    let sgemmSmall: CLProgram
    /// The plans used for large and small products.
    public let largePlan: SGEMMPlan
    public let smallPlan: SGEMMPlan
    /// Kernel launches enqueued so far (held work counts once launched).
    public var launchCount: Int { queue.launches }
    /// The first failure since the device was opened, if any.
    public private(set) var firstError: CLError?
    /// Per-row loss and hit of the loss kernel (`2 · rows` floats), by batch size.
    var lossScratch: [Int: CLBuffer] = [:]
    /// The class weights last uploaded for the loss, and their buffer.
    var classWeights: ([Float], CLBuffer)?
    /// Work held back to merge with the next call (`OpenCLDevice+Fusion.swift`).
    var pending: PendingWork?
    var placeholder: CLBuffer

    /// Opens device `options.device` of platform `options.platform` and builds its kernels.
    public convenience init(options: OpenCLOptions = OpenCLOptions()) throws(CLError) {
        try self.init(device: try CLDevice.select(platform: options.platform, device: options.device), options: options)
    }

    /// Opens `device` and builds its kernels (once per process and device plan).
    public init(device: CLDevice, options: OpenCLOptions = OpenCLOptions()) throws(CLError) {
        info = device
        self.options = options
        context = try CLContext(device: device)
        queue = try context.makeQueue()
        let base = "-cl-fp32-correctly-rounded-divide-sqrt " + ActivationKind.defines + " " + options.compilerOptions
        training = try context.program(
            named: KernelLibrary.trainingFiles.joined(separator: "+"),
            source: try KernelLibrary.trainingSource(from: options.kernels), options: base)
        let gemm = try KernelLibrary.sgemmSource(from: options.kernels)
        largePlan = options.largeSGEMM ?? SGEMMPlan.large(for: device)
        smallPlan = options.smallSGEMM ?? SGEMMPlan.small(for: device)
        sgemmLarge = try context.program(named: KernelLibrary.sgemmFile, source: gemm,
                                         options: base + " " + largePlan.buildOptions)
        sgemmSmall = try context.program(named: KernelLibrary.sgemmFile, source: gemm,
                                         options: base + " " + smallPlan.buildOptions)
        placeholder = try context.makeBuffer(floats: 1)
    }

    /// Throws the first OpenCL failure since the device was opened (after waiting for the
    /// queue, so failures of queued work surface too).
    public func check() throws(CLError) {
        run { () throws(CLError) in try queue.finish() }
        if let firstError { throw firstError }
    }

    /// ``check()`` as the trainer sees it.
    public func checkHealth() throws(TrainingError) {
        do { try check() } catch { throw .deviceFailed(device: "opencl", reason: "\(error)") }
    }

    /// Runs `body` unless a failure is already recorded; records its failure.
    @inline(__always)
    func run(_ body: () throws(CLError) -> Void) {
        guard firstError == nil else { return }
        do {
            try flushPending()
            try body()
        } catch {
            firstError = error
        }
    }

    func buffer(_ tensor: DeviceTensor) throws(CLError) -> CLBuffer {
        guard let storage = tensor.storage as? OpenCLStorage else {
            preconditionFailure("OpenCLDevice: tensor of shape \(tensor.shape) belongs to another device")
        }
        guard let buffer = storage.buffer else {
            throw firstError ?? .call("clCreateBuffer", .memObjectAllocationFailure)
        }
        return buffer
    }

    /// Launches training kernel `kernel` over `global` work items in groups of `local`
    /// (driver-chosen when nil).
    func launch(_ kernel: KernelDescriptor, global: [Int], local: [Int]? = nil,
                _ arguments: [KernelArgument]) throws(CLError) {
        try queue.launch(try training.kernel(kernel.name), global: global, local: local,
                         arguments: try clArguments(kernel, arguments))
    }

    /// `arguments` as OpenCL's, in `kernel`'s order; arguments that do not fit its parameters
    /// are a programmer error.
    func clArguments(_ kernel: KernelDescriptor, _ arguments: [KernelArgument]) throws(CLError) -> [CLArgument] {
        precondition(arguments.map(\.parameter) == kernel.parameters,
                     "\(kernel): launched with \(arguments.map(\.parameter))")
        var result: [CLArgument] = []
        for argument in arguments {
            switch argument {
            case let .int(value): result.append(.size(value))
            case let .flag(value): result.append(.int(value ? 1 : 0))
            case let .float(value): result.append(.float(value))
            case let .ulong(value): result.append(.ulong(value))
            case let .tensor(tensor): result.append(.buffer(try buffer(tensor)))
            case let .buffer(buffer): result.append(.buffer(buffer))
            case let .view(view): result += try viewArguments(view)
            case let .optionalView(view?): result += try viewArguments(view) + [.int(1)]
            case .optionalView(nil): result += [.buffer(placeholder), .int(0), .int(0), .int(0)]
            case let .activation(function): result += ActivationKind.arguments(function)
            case let .derivative(function): result += ActivationKind.arguments(function).prefix(2)
            case let .local(floats): result.append(.local(max(1, floats) * MemoryLayout<Float>.stride))
            }
        }
        return result
    }

    /// `(buffer, offset, stride)` of a view.
    private func viewArguments(_ view: MatrixView) throws(CLError) -> [CLArgument] {
        [.buffer(try buffer(view.tensor)), .size(view.offset), .size(view.stride)]
    }

    // MARK: Memory

    public func makeTensor(shape: [Int]) -> DeviceTensor {
        let count = shape.reduce(1, *)
        var made: CLBuffer?
        run { () throws(CLError) in
            let buffer = try context.makeBuffer(floats: count)
            try queue.fill(buffer, with: 0, count: max(1, count))
            made = buffer
        }
        return DeviceTensor(shape: shape, storage: OpenCLStorage(buffer: made))
    }

    public func write(_ values: UnsafeBufferPointer<Float>, to tensor: DeviceTensor, at offset: Int) {
        precondition(offset + values.count <= tensor.count, "write: \(values.count) values at \(offset) overflow \(tensor.count)")
        run { () throws(CLError) in try queue.enqueueWrite(copying: values, to: try buffer(tensor), at: offset) }
    }

    public func read(_ tensor: DeviceTensor) -> [Float] {
        var values = [Float](repeating: 0, count: tensor.count)
        run { () throws(CLError) in values = try queue.read(try buffer(tensor), count: tensor.count) }
        return values
    }

    public func fill(_ tensor: DeviceTensor, with value: Float) {
        run { () throws(CLError) in try queue.fill(try buffer(tensor), with: value, count: tensor.count) }
    }

    public func copy(_ source: MatrixView, to destination: MatrixView) {
        precondition(source.rows == destination.rows && source.columns == destination.columns, "copy: shapes differ")
        run { () throws(CLError) in
            if source.stride == source.columns && destination.stride == destination.columns {
                try queue.copy(try buffer(source.tensor), at: source.offset, to: try buffer(destination.tensor),
                               at: destination.offset, count: source.rows * source.columns)
                return
            }
            try launch(.copyMatrix, global: [source.columns, source.rows],
                       [.int(source.rows), .int(source.columns), .view(source), .view(destination)])
        }
    }

    public func add(_ source: MatrixView, to destination: MatrixView) {
        precondition(source.rows == destination.rows && source.columns == destination.columns, "add: shapes differ")
        run { () throws(CLError) in
            try launch(.addMatrix, global: [source.columns, source.rows],
                       [.int(source.rows), .int(source.columns), .view(source), .view(destination)])
        }
    }

    public func multiply(_ destination: MatrixView, by factors: MatrixView) {
        precondition(factors.rows == destination.rows && factors.columns == destination.columns, "multiply: shapes differ")
        run { () throws(CLError) in
            try launch(.multiplyMatrix, global: [factors.columns, factors.rows],
                       [.int(factors.rows), .int(factors.columns), .view(factors), .view(destination)])
        }
    }

    // MARK: Linear algebra

    public func sumRows(_ x: MatrixView, into vector: DeviceTensor, offset: Int, accumulate: Bool) {
        run { () throws(CLError) in
            try launch(.sumRows, global: [x.columns],
                       [.int(x.rows), .int(x.columns), .view(x), .tensor(vector), .int(offset), .flag(accumulate)])
        }
    }
}
