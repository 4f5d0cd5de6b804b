/// An installed OpenCL platform (an ICD: PoCL, NVIDIA CUDA, ROCm, Intel ...).
public struct CLPlatform: Sendable {
    /// Position in the ICD loader's list (the `P` of `opencl:P:D`).
    public let index: Int
    public let name: String
    public let vendor: String
    public let version: String
    nonisolated(unsafe) let handle: PlatformHandle

    /// Every platform the ICD loader knows, in its order; throws ``CLError/noPlatform``
    /// when there is none.
    public static func all() throws(CLError) -> [CLPlatform] {
        try CL.serialized { () throws(CLError) in try unlockedAll() }
    }

    static func unlockedAll() throws(CLError) -> [CLPlatform] {
        var platforms: [CLPlatform] = []
        for (index, handle) in try CL.platforms().enumerated() {
            platforms.append(CLPlatform(
                index: index, name: try CL.platformString(handle, CL.platformName),
                vendor: try CL.platformString(handle, CL.platformVendor),
                version: try CL.platformString(handle, CL.platformVersion), handle: handle))
        }
        return platforms
    }

    /// The platform's devices of every type, in its order.
    public func devices() throws(CLError) -> [CLDevice] {
        try CL.serialized { () throws(CLError) in try unlockedDevices() }
    }

    func unlockedDevices() throws(CLError) -> [CLDevice] {
        var devices: [CLDevice] = []
        for (index, handle) in try CL.devices(handle).enumerated() {
            devices.append(try CLDevice(handle: handle, platform: self.index, index: index, platformName: name))
        }
        return devices
    }
}

/// One OpenCL device and the properties trigc uses to plan kernels.
public struct CLDevice: Sendable {
    public enum Kind: String, Sendable { case cpu, gpu, accelerator, other }

    /// `platform:index`, as `--device opencl:P:D` spells it.
    public let platform: Int
    public let index: Int
    public let platformName: String
    public let name: String
    public let vendor: String
    public let kind: Kind
    /// `OpenCL C x.y`-style device version and the driver's version string.
    public let version: String
    public let driverVersion: String
    public let computeUnits: Int
    public let globalMemoryBytes: Int
    public let localMemoryBytes: Int
    public let maxAllocationBytes: Int
    public let maxWorkGroupSize: Int
    nonisolated(unsafe) let handle: DeviceHandle

    init(handle: DeviceHandle, platform: Int, index: Int, platformName: String) throws(CLError) {
        self.handle = handle
        self.platform = platform
        self.index = index
        self.platformName = platformName
        name = try CL.deviceString(handle, CL.deviceName)
        vendor = try CL.deviceString(handle, CL.deviceVendor)
        version = try CL.deviceString(handle, CL.deviceVersion)
        driverVersion = try CL.deviceString(handle, CL.driverVersion)
        let type = try CL.deviceValue(handle, CL.deviceType, as: UInt64.self)
        kind = type & CL.typeGPU != 0 ? .gpu : type & CL.typeCPU != 0 ? .cpu
            : type & CL.typeAccelerator != 0 ? .accelerator : .other
        computeUnits = Int(try CL.deviceValue(handle, CL.computeUnits, as: UInt32.self))
        globalMemoryBytes = Int(try CL.deviceValue(handle, CL.globalMemory, as: UInt64.self))
        localMemoryBytes = Int(try CL.deviceValue(handle, CL.localMemory, as: UInt64.self))
        maxAllocationBytes = Int(try CL.deviceValue(handle, CL.maxAllocation, as: UInt64.self))
        maxWorkGroupSize = Int(try CL.deviceValue(handle, CL.maxWorkGroup, as: Int.self))
    }

    /// `name (platform, kind)` for messages.
    public var summary: String { "\(name) (\(platformName), \(kind.rawValue))" }

    /// Every device of every platform, for listings and selection.
    public static func all() throws(CLError) -> [CLDevice] {
        var devices: [CLDevice] = []
        for platform in try CLPlatform.all() { devices += try platform.devices() }
        return devices
    }

    /// Device `device` of platform `platform` (both 0-based).
    public static func select(platform: Int, device: Int) throws(CLError) -> CLDevice {
        let all = try all()
        if let found = all.first(where: { $0.platform == platform && $0.index == device }) { return found }
        throw .noSuchDevice(platform: platform, device: device,
                            available: all.map { "\($0.platform):\($0.index) \($0.name)" }.joined(separator: ", "))
    }
}
