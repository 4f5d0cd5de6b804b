import Foundation

/// Finding an external tool (Verilator, Yosys, rsvg-convert, ...) on `PATH`, as a shell does.
public enum ExecutableSearch {
    /// The full path of the first executable file `name` in the folders of `PATH`
    /// (`/usr/bin:/bin` when `PATH` is unset), or nil.
    public static func find(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String?
    {
        let folders = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for folder in folders {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
