import COpenCL
import Foundation
import Synchronization

// Every call into the OpenCL C API lives in this file. Handles stay internal; each status
// goes through `check`, which turns it into a `CLError` naming the call.

typealias PlatformHandle = cl_platform_id
typealias DeviceHandle = cl_device_id
typealias ContextHandle = cl_context
typealias QueueHandle = cl_command_queue
typealias MemoryHandle = cl_mem
typealias ProgramHandle = cl_program
typealias KernelHandle = cl_kernel
typealias EventHandle = cl_event

enum CL {
    /// The one place a `cl_int` status becomes a Swift error.
    @inline(__always)
    static func check(_ status: cl_int, _ call: StaticString) throws(CLError) {
        guard status != CL_SUCCESS else { return }
        throw CLError.call("\(call)", CLStatus(rawValue: status))
    }

    // MARK: Platforms and devices

    /// Discovery (the ICD loader's first queries, PoCL's lazy device set-up) and context
    /// creation are not thread-safe in every implementation, so they run one at a time.
    private static let discovery = Mutex(())

    static func serialized<T>(_ body: () throws(CLError) -> T) throws(CLError) -> T {
        try discovery.withLock { _ throws(CLError) in try body() }
    }

    static func platforms() throws(CLError) -> [PlatformHandle] {
        var count: cl_uint = 0
        let status = clGetPlatformIDs(0, nil, &count)
        if status == CLStatus.platformNotFound.rawValue || (status == CL_SUCCESS && count == 0) {
            throw .noPlatform
        }
        try check(status, "clGetPlatformIDs")
        var ids = [PlatformHandle?](repeating: nil, count: Int(count))
        try check(clGetPlatformIDs(count, &ids, nil), "clGetPlatformIDs")
        return ids.compactMap { $0 }
    }

    static func platformString(_ platform: PlatformHandle, _ parameter: Int32) throws(CLError) -> String {
        var size = 0
        try check(clGetPlatformInfo(platform, cl_platform_info(parameter), 0, nil, &size), "clGetPlatformInfo")
        var bytes = [CChar](repeating: 0, count: max(1, size))
        try check(clGetPlatformInfo(platform, cl_platform_info(parameter), size, &bytes, nil), "clGetPlatformInfo")
        return string(bytes)
    }

    static func devices(_ platform: PlatformHandle) throws(CLError) -> [DeviceHandle] {
        var count: cl_uint = 0
        let status = clGetDeviceIDs(platform, cl_device_type(CL_DEVICE_TYPE_ALL), 0, nil, &count)
        if status == CL_DEVICE_NOT_FOUND { return [] }
        try check(status, "clGetDeviceIDs")
        var ids = [DeviceHandle?](repeating: nil, count: Int(count))
        try check(clGetDeviceIDs(platform, cl_device_type(CL_DEVICE_TYPE_ALL), count, &ids, nil), "clGetDeviceIDs")
        return ids.compactMap { $0 }
    }

    static func deviceString(_ device: DeviceHandle, _ parameter: Int32) throws(CLError) -> String {
        var size = 0
        try check(clGetDeviceInfo(device, cl_device_info(parameter), 0, nil, &size), "clGetDeviceInfo")
        var bytes = [CChar](repeating: 0, count: max(1, size))
        try check(clGetDeviceInfo(device, cl_device_info(parameter), size, &bytes, nil), "clGetDeviceInfo")
        return string(bytes)
    }

    /// A fixed-size device property (`cl_uint`, `cl_ulong`, `size_t`, `cl_device_type`).
    static func deviceValue<T: FixedWidthInteger>(_ device: DeviceHandle, _ parameter: Int32, as: T.Type)
        throws(CLError) -> T
    {
        var value: T = 0
        try check(clGetDeviceInfo(device, cl_device_info(parameter), MemoryLayout<T>.size, &value, nil),
                  "clGetDeviceInfo")
        return value
    }

    // MARK: Contexts and queues

    static func createContext(_ device: DeviceHandle) throws(CLError) -> ContextHandle {
        var status: cl_int = 0
        var devices: [DeviceHandle?] = [device]
        let context = clCreateContext(nil, 1, &devices, nil, nil, &status)
        try check(status, "clCreateContext")
        guard let context else { throw .call("clCreateContext", .outOfHostMemory) }
        return context
    }

    static func createQueue(_ context: ContextHandle, _ device: DeviceHandle, profiling: Bool)
        throws(CLError) -> QueueHandle
    {
        var status: cl_int = 0
        let properties = profiling ? cl_command_queue_properties(CL_QUEUE_PROFILING_ENABLE) : 0
        let queue = clCreateCommandQueue(context, device, properties, &status)
        try check(status, "clCreateCommandQueue")
        guard let queue else { throw .call("clCreateCommandQueue", .outOfHostMemory) }
        return queue
    }

    static func finish(_ queue: QueueHandle) throws(CLError) {
        try check(clFinish(queue), "clFinish")
    }

    static func flush(_ queue: QueueHandle) throws(CLError) {
        try check(clFlush(queue), "clFlush")
    }

    // MARK: Buffers

    static func createBuffer(_ context: ContextHandle, bytes: Int) throws(CLError) -> MemoryHandle {
        var status: cl_int = 0
        let buffer = clCreateBuffer(context, cl_mem_flags(CL_MEM_READ_WRITE), bytes, nil, &status)
        try check(status, "clCreateBuffer")
        guard let buffer else { throw .call("clCreateBuffer", .memObjectAllocationFailure) }
        return buffer
    }

    static func write(_ queue: QueueHandle, _ buffer: MemoryHandle, offset: Int, bytes: UnsafeRawBufferPointer,
                      blocking: Bool) throws(CLError) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        try check(clEnqueueWriteBuffer(queue, buffer, blocking ? cl_bool(CL_TRUE) : cl_bool(CL_FALSE), offset,
                                       bytes.count, base, 0, nil, nil), "clEnqueueWriteBuffer")
    }

    static func read(_ queue: QueueHandle, _ buffer: MemoryHandle, offset: Int, into bytes: UnsafeMutableRawBufferPointer)
        throws(CLError)
    {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        try check(clEnqueueReadBuffer(queue, buffer, cl_bool(CL_TRUE), offset, bytes.count, base, 0, nil, nil),
                  "clEnqueueReadBuffer")
    }

    static func copy(_ queue: QueueHandle, from source: MemoryHandle, sourceOffset: Int, to destination: MemoryHandle,
                     destinationOffset: Int, bytes: Int) throws(CLError) {
        guard bytes > 0 else { return }
        try check(clEnqueueCopyBuffer(queue, source, destination, sourceOffset, destinationOffset, bytes, 0, nil, nil),
                  "clEnqueueCopyBuffer")
    }

    static func fill(_ queue: QueueHandle, _ buffer: MemoryHandle, value: Float, offset: Int, bytes: Int) throws(CLError) {
        guard bytes > 0 else { return }
        var pattern = value
        try check(clEnqueueFillBuffer(queue, buffer, &pattern, MemoryLayout<Float>.size, offset, bytes, 0, nil, nil),
                  "clEnqueueFillBuffer")
    }

    // MARK: Programs and kernels

    static func createProgram(_ context: ContextHandle, source: String) throws(CLError) -> ProgramHandle {
        var status: cl_int = 0
        let program = source.withCString { text -> cl_program? in
            var pointer: UnsafePointer<CChar>? = text
            return clCreateProgramWithSource(context, 1, &pointer, nil, &status)
        }
        try check(status, "clCreateProgramWithSource")
        guard let program else { throw .call("clCreateProgramWithSource", .outOfHostMemory) }
        return program
    }

    /// Builds `program`; on failure returns the build log instead of throwing, so the
    /// caller can name the program in its error.
    static func build(_ program: ProgramHandle, _ device: DeviceHandle, options: String) throws(CLError) -> String? {
        var devices: [DeviceHandle?] = [device]
        let status = options.withCString { clBuildProgram(program, 1, &devices, $0, nil, nil) }
        if status == CL_BUILD_PROGRAM_FAILURE || status == CL_INVALID_BUILD_OPTIONS {
            return (try? buildLog(program, device)) ?? CLStatus(rawValue: status).name
        }
        try check(status, "clBuildProgram")
        return nil
    }

    static func buildLog(_ program: ProgramHandle, _ device: DeviceHandle) throws(CLError) -> String {
        var size = 0
        let parameter = cl_program_build_info(CL_PROGRAM_BUILD_LOG)
        try check(clGetProgramBuildInfo(program, device, parameter, 0, nil, &size), "clGetProgramBuildInfo")
        var bytes = [CChar](repeating: 0, count: max(1, size))
        try check(clGetProgramBuildInfo(program, device, parameter, size, &bytes, nil), "clGetProgramBuildInfo")
        return string(bytes)
    }

    static func createKernel(_ program: ProgramHandle, name: String) throws(CLError) -> KernelHandle {
        var status: cl_int = 0
        let kernel = clCreateKernel(program, name, &status)
        try check(status, "clCreateKernel")
        guard let kernel else { throw .call("clCreateKernel", .outOfHostMemory) }
        return kernel
    }

    static func setArgument(_ kernel: KernelHandle, _ index: Int, _ argument: CLArgument) throws(CLError) {
        let i = cl_uint(index)
        let status: cl_int
        switch argument {
        case let .buffer(buffer):
            var handle: cl_mem? = buffer.handle
            status = clSetKernelArg(kernel, i, MemoryLayout<cl_mem>.size, &handle)
        case let .int(value):
            var v = cl_int(value)
            status = clSetKernelArg(kernel, i, MemoryLayout<cl_int>.size, &v)
        case let .uint(value):
            var v = cl_uint(value)
            status = clSetKernelArg(kernel, i, MemoryLayout<cl_uint>.size, &v)
        case let .ulong(value):
            var v = cl_ulong(value)
            status = clSetKernelArg(kernel, i, MemoryLayout<cl_ulong>.size, &v)
        case let .float(value):
            var v = cl_float(value)
            status = clSetKernelArg(kernel, i, MemoryLayout<cl_float>.size, &v)
        case let .local(bytes):
            status = clSetKernelArg(kernel, i, bytes, nil)
        }
        try check(status, "clSetKernelArg")
    }

    static func enqueue(_ queue: QueueHandle, _ kernel: KernelHandle, global: [Int], local: [Int]?,
                        wantEvent: Bool) throws(CLError) -> EventHandle? {
        var event: cl_event?
        let status = withUnsafeMutablePointer(to: &event) { eventPointer in
            global.withUnsafeBufferPointer { g in
                let out = wantEvent ? eventPointer : nil
                guard let local else {
                    return clEnqueueNDRangeKernel(queue, kernel, cl_uint(global.count), nil, g.baseAddress, nil, 0,
                                                  nil, out)
                }
                return local.withUnsafeBufferPointer { l in
                    clEnqueueNDRangeKernel(queue, kernel, cl_uint(global.count), nil, g.baseAddress, l.baseAddress,
                                           0, nil, out)
                }
            }
        }
        try check(status, "clEnqueueNDRangeKernel")
        return event
    }

    // MARK: Events

    static func wait(_ event: EventHandle) throws(CLError) {
        var events: [cl_event?] = [event]
        try check(clWaitForEvents(1, &events), "clWaitForEvents")
    }

    /// Nanoseconds between the event's start and end (needs a profiling queue).
    static func duration(_ event: EventHandle) throws(CLError) -> UInt64 {
        var start: cl_ulong = 0, end: cl_ulong = 0
        try check(clGetEventProfilingInfo(event, cl_profiling_info(CL_PROFILING_COMMAND_START),
                                          MemoryLayout<cl_ulong>.size, &start, nil), "clGetEventProfilingInfo")
        try check(clGetEventProfilingInfo(event, cl_profiling_info(CL_PROFILING_COMMAND_END),
                                          MemoryLayout<cl_ulong>.size, &end, nil), "clGetEventProfilingInfo")
        return end &- start
    }

    // MARK: Release (failures at release time are not actionable and are ignored)

    static func release(context: ContextHandle) { _ = clReleaseContext(context) }
    static func release(queue: QueueHandle) { _ = clReleaseCommandQueue(queue) }
    static func release(buffer: MemoryHandle) { _ = clReleaseMemObject(buffer) }
    static func release(program: ProgramHandle) { _ = clReleaseProgram(program) }
    static func release(kernel: KernelHandle) { _ = clReleaseKernel(kernel) }
    static func release(event: EventHandle) { _ = clReleaseEvent(event) }

    // MARK: Parameter names used by the wrappers

    static let platformName = CL_PLATFORM_NAME, platformVendor = CL_PLATFORM_VENDOR
    static let platformVersion = CL_PLATFORM_VERSION
    static let deviceName = CL_DEVICE_NAME, deviceVendor = CL_DEVICE_VENDOR, deviceVersion = CL_DEVICE_VERSION
    static let driverVersion = CL_DRIVER_VERSION, deviceType = CL_DEVICE_TYPE
    static let computeUnits = CL_DEVICE_MAX_COMPUTE_UNITS, globalMemory = CL_DEVICE_GLOBAL_MEM_SIZE
    static let localMemory = CL_DEVICE_LOCAL_MEM_SIZE, maxWorkGroup = CL_DEVICE_MAX_WORK_GROUP_SIZE
    static let maxAllocation = CL_DEVICE_MAX_MEM_ALLOC_SIZE
    static let typeCPU = UInt64(CL_DEVICE_TYPE_CPU), typeGPU = UInt64(CL_DEVICE_TYPE_GPU)
    static let typeAccelerator = UInt64(CL_DEVICE_TYPE_ACCELERATOR)

    private static func string(_ bytes: [CChar]) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.count
        return String(decoding: bytes[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .trimmingCharacters(in: [" "])
    }
}
