import OpenCLRuntime
import Training

/// The `--device` option's value: `cpu`, `opencl` (platform 0, device 0) or `opencl:P:D`.
/// Commands parse it with ``init(parsing:)`` and open it with ``makeDevice(options:)``.
public enum DeviceSelection: Equatable, Sendable, CustomStringConvertible {
    case cpu
    case opencl(platform: Int, device: Int)

    /// The spelling is not `cpu`, `opencl` or `opencl:P:D` (P and D non-negative integers).
    public struct SpellingError: Error, Equatable, CustomStringConvertible {
        public var spelling: String
        public var description: String {
            "unknown device '\(spelling)'; use cpu, opencl or opencl:P:D (see 'trigc devices')"
        }
    }

    public init(parsing spelling: String) throws(SpellingError) {
        let parts = spelling.lowercased().split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch parts.first {
        case "cpu" where parts.count == 1:
            self = .cpu
        case "opencl" where parts.count == 1:
            self = .opencl(platform: 0, device: 0)
        case "opencl" where parts.count == 3:
            guard let p = Int(parts[1]), let d = Int(parts[2]), p >= 0, d >= 0 else { throw SpellingError(spelling: spelling) }
            self = .opencl(platform: p, device: d)
        default:
            throw SpellingError(spelling: spelling)
        }
    }

    public var description: String {
        switch self {
        case .cpu: "cpu"
        case let .opencl(p, d): "opencl:\(p):\(d)"
        }
    }

    /// Opens the selected device: a ``CPUDevice``, or an ``OpenCLDevice`` with its kernels
    /// built (`options`' platform and device are replaced by the selection's). Throws
    /// ``CLError`` (no platform, no such device, build failure) for OpenCL.
    public func makeDevice(options: OpenCLOptions = OpenCLOptions()) throws(CLError) -> any Device {
        switch self {
        case .cpu:
            return CPUDevice()
        case let .opencl(platform, device):
            var options = options
            options.platform = platform
            options.device = device
            return try OpenCLDevice(options: options)
        }
    }
}
