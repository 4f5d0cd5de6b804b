import Foundation
import OpenCLBackend
import OpenCLRuntime
import Testing

@Suite struct RuntimeTests {
    @Test func statusNamesAndOutOfMemory() {
        #expect(CLStatus.outOfResources.name == "CL_OUT_OF_RESOURCES")
        #expect(CLStatus(rawValue: -54).name == "CL_INVALID_WORK_GROUP_SIZE")
        #expect(CLStatus(rawValue: -9999).name == "CL_ERROR(-9999)")
        #expect(CLStatus.memObjectAllocationFailure.isOutOfMemory && !CLStatus.invalidKernelName.isOutOfMemory)
    }

    @Test func errorsRenderAsOneSentence() {
        #expect(CLError.noPlatform.description
            == "no OpenCL platform found; install PoCL for CPU: apt-get install pocl-opencl-icd, or your GPU vendor's driver")
        #expect(CLError.call("clFinish", .outOfResources).description
            == "OpenCL call clFinish failed with CL_OUT_OF_RESOURCES (-5)")
        #expect(CLError.outOfMemory(device: "gpu0", bytes: 1024, call: "clCreateBuffer", status: .memObjectAllocationFailure)
            .description == "out of device memory on gpu0: clCreateBuffer could not allocate 1024 bytes (CL_MEM_OBJECT_ALLOCATION_FAILURE)")
        #expect(CLError.noSuchDevice(platform: 2, device: 0, available: "0:0 cpu").description
            == "no OpenCL device 2:0; available: 0:0 cpu")
    }

    @Test func listsAtLeastOneDevice() throws {
        let devices = try CLDevice.all()
        #expect(!devices.isEmpty)
        for device in devices {
            #expect(!device.name.isEmpty && device.computeUnits > 0 && device.globalMemoryBytes > 0)
        }
    }

    @Test func missingDeviceIsNamed() throws {
        #expect(throws: CLError.self) { try CLDevice.select(platform: 99, device: 0) }
        do {
            _ = try CLDevice.select(platform: 0, device: 99)
            Issue.record("selected a device that does not exist")
        } catch {
            #expect("\(error)".hasPrefix("no OpenCL device 0:99; available: 0:0 "))
        }
    }

    @Test func badKernelSourceReportsTheBuildLog() throws {
        let context = try CLContext(device: try CLDevice.select(platform: 0, device: 0))
        let source = "__kernel void broken(__global float* x) { x[0] = undeclared_name; }"
        do {
            _ = try context.program(named: "broken.cl", source: source)
            Issue.record("a broken kernel built")
        } catch {
            guard case let CLError.buildFailed(program, device, log) = error else {
                Issue.record("expected a build failure, got \(error)")
                return
            }
            #expect(program == "broken.cl" && device == context.device.name)
            #expect(log.contains("undeclared_name"))
            #expect("\(error)".hasPrefix("OpenCL program broken.cl failed to build for \(device); build log:\n"))
        }
    }

    @Test func programsAreCachedPerSourceAndOptions() throws {
        let context = try CLContext(device: try CLDevice.select(platform: 0, device: 0))
        let source = "__kernel void twice(__global float* x) { x[get_global_id(0)] *= 2.0f; }"
        let first = try context.program(named: "twice.cl", source: source)
        let second = try context.program(named: "twice.cl", source: source)
        #expect(first === second && context.builtProgramCount == 1)
        _ = try context.program(named: "twice.cl", source: source, options: "-DX=1")
        #expect(context.builtProgramCount == 2)
        let queue = try context.makeQueue()
        let buffer = try context.makeBuffer(floats: 5)
        try [1, 2, 3, 4, 5].withUnsafeBufferPointer { try queue.write($0, to: buffer, at: 0) }
        try queue.launch(try first.kernel("twice"), global: [5], arguments: [.buffer(buffer)])
        #expect(try queue.read(buffer, count: 5) == [2, 4, 6, 8, 10])
    }

    @Test func oversizedBufferIsOutOfDeviceMemory() throws {
        let context = try CLContext(device: try CLDevice.select(platform: 0, device: 0))
        do {
            _ = try context.makeBuffer(floats: context.device.maxAllocationBytes / 4 + 1024)
            Issue.record("allocated more than the device allows")
        } catch {
            guard case CLError.outOfMemory = error else {
                Issue.record("expected out of memory, got \(error)")
                return
            }
            #expect("\(error)".hasPrefix("out of device memory on \(context.device.name)"))
        }
    }

    @Test func unknownKernelIsNamed() throws {
        let context = try CLContext(device: try CLDevice.select(platform: 0, device: 0))
        let program = try context.program(named: "one.cl", source: "__kernel void one(__global float* x) { x[0] = 1; }")
        #expect(throws: CLError.call("clCreateKernel", .invalidKernelName)) { try program.kernel("two") }
    }
}
