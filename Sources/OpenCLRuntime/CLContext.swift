/// An OpenCL context on one device: makes buffers, queues and programs. Built programs are
/// cached per (source, options), so each kernel file compiles once per device.
public final class CLContext {
    public let device: CLDevice
    let handle: ContextHandle
    private var programs: [ProgramKey: CLProgram] = [:]

    private struct ProgramKey: Hashable {
        var source: String
        var options: String
    }

    public init(device: CLDevice) throws(CLError) {
        self.device = device
        handle = try CL.serialized { () throws(CLError) in try CL.createContext(device.handle) }
    }

    deinit { CL.release(context: handle) }

    /// An in-order command queue; `profiling` enables ``CLEvent/duration``.
    public func makeQueue(profiling: Bool = false) throws(CLError) -> CLQueue {
        CLQueue(handle: try CL.createQueue(handle, device.handle, profiling: profiling), context: self)
    }

    /// A read-write buffer of `count` floats; out-of-memory statuses become
    /// ``CLError/outOfMemory(device:bytes:call:status:)``.
    public func makeBuffer(floats count: Int) throws(CLError) -> CLBuffer {
        let bytes = max(1, count) * MemoryLayout<Float>.size
        if bytes > device.maxAllocationBytes {
            throw .outOfMemory(device: device.name, bytes: bytes, call: "clCreateBuffer", status: .invalidBufferSize)
        }
        do {
            return CLBuffer(handle: try CL.createBuffer(handle, bytes: bytes), byteCount: bytes)
        } catch let .call(name, status) where status.isOutOfMemory || status == .invalidBufferSize {
            throw .outOfMemory(device: device.name, bytes: bytes, call: name, status: status)
        }
    }

    /// The program built from `source` with compiler `options` (`-D NAME=value ...`), from the
    /// cache when built before. `name` (e.g. the file name) only labels errors.
    public func program(named name: String, source: String, options: String = "") throws(CLError) -> CLProgram {
        let key = ProgramKey(source: source, options: options)
        if let cached = programs[key] { return cached }
        let program = try CL.createProgram(handle, source: source)
        if let log = try CL.build(program, device.handle, options: options) {
            CL.release(program: program)
            throw .buildFailed(program: name, device: device.name, log: log)
        }
        let built = CLProgram(handle: program, name: name)
        programs[key] = built
        return built
    }

    /// How many distinct programs this context has built (the cache's size).
    public var builtProgramCount: Int { programs.count }
}

/// A device buffer (`cl_mem`), released when the last reference goes.
public final class CLBuffer {
    let handle: MemoryHandle
    public let byteCount: Int

    init(handle: MemoryHandle, byteCount: Int) {
        self.handle = handle
        self.byteCount = byteCount
    }

    deinit { CL.release(buffer: handle) }
}

/// A built program; kernels are made once per name and reused.
public final class CLProgram {
    let handle: ProgramHandle
    public let name: String
    private var kernels: [String: CLKernel] = [:]

    init(handle: ProgramHandle, name: String) {
        self.handle = handle
        self.name = name
    }

    deinit { CL.release(program: handle) }

    /// The kernel function `name` of this program.
    public func kernel(_ name: String) throws(CLError) -> CLKernel {
        if let kernel = kernels[name] { return kernel }
        let kernel = CLKernel(handle: try CL.createKernel(handle, name: name), name: name, program: self)
        kernels[name] = kernel
        return kernel
    }
}

/// A kernel function of a ``CLProgram``. Arguments are passed at each launch.
public final class CLKernel {
    let handle: KernelHandle
    public let name: String
    private let program: CLProgram

    init(handle: KernelHandle, name: String, program: CLProgram) {
        self.handle = handle
        self.name = name
        self.program = program
    }

    deinit { CL.release(kernel: handle) }
}

/// A finished-or-pending command; with a profiling queue it knows its device time.
public final class CLEvent {
    let handle: EventHandle

    init(handle: EventHandle) { self.handle = handle }

    deinit { CL.release(event: handle) }

    /// Blocks until the command completes.
    public func wait() throws(CLError) { try CL.wait(handle) }

    /// Device time of the command in seconds (queue made with `profiling: true`).
    public func duration() throws(CLError) -> Double {
        try wait()
        return Double(try CL.duration(handle)) * 1e-9
    }
}
