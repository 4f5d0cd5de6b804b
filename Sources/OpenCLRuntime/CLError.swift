import Foundation

/// Every OpenCL failure trigc reports, rendered for people in one place (``description``,
/// one sentence each).
public enum CLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No OpenCL platform is installed (no ICD, or the ICD loader found none).
    case noPlatform
    /// `--device opencl:P:D` names a platform or device that does not exist.
    case noSuchDevice(platform: Int, device: Int, available: String)
    /// A `cl*` call failed: the call's name and its status.
    case call(String, CLStatus)
    /// Allocation of `bytes` failed on `device` (`call` reported `status`).
    case outOfMemory(device: String, bytes: Int, call: String, status: CLStatus)
    /// `program` did not compile for `device`; `log` is the compiler's build log.
    case buildFailed(program: String, device: String, log: String)
    /// A kernel's OpenCL C source file could not be read.
    case sourceUnreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .noPlatform:
            return "no OpenCL platform found; install PoCL for CPU: apt-get install pocl-opencl-icd, or your GPU vendor's driver"
        case let .noSuchDevice(platform, device, available):
            return "no OpenCL device \(platform):\(device); available: \(available.isEmpty ? "none" : available)"
        case let .call(name, status):
            return "OpenCL call \(name) failed with \(status.name) (\(status.rawValue))"
        case let .outOfMemory(device, bytes, call, status):
            return "out of device memory on \(device): \(call) could not allocate \(bytes) bytes (\(status.name))"
        case let .buildFailed(program, device, log):
            let trimmed = log.trimmingCharacters(in: .whitespacesAndNewlines)
            return "OpenCL program \(program) failed to build for \(device); build log:\n\(trimmed)"
        case let .sourceUnreadable(path, reason):
            return "cannot read OpenCL kernel source \(path): \(reason)"
        }
    }
}
