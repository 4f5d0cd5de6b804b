import Foundation
import ToolProcess

/// Finding and running the external tools (Verilator, Icarus, Yosys, the built simulator).
public enum ToolRunner {
    /// The full path of a tool on `PATH`, or nil.
    public static func find(_ name: String) -> String? {
        ExecutableSearch.find(name)
    }

    /// The path of a required tool, or the error saying how to install it.
    static func require(_ name: String, package: String) throws(VerilogError) -> String {
        guard let path = find(name) else { throw .toolMissing(tool: name, install: "apt-get install \(package)") }
        return path
    }

    /// Runs a tool with its output in `folder/log`; a non-zero status is an error naming the
    /// log. `line` sees each line of output as it comes (for progress). The tool runs in its
    /// own process group under a supervisor and dies with trigc (``SupervisedProcess``).
    static func execute(
        _ tool: String, _ arguments: [String], in folder: URL, log: String, line: (@Sendable (String) -> Void)? = nil
    ) throws(VerilogError) {
        let logURL = folder.appendingPathComponent(log)
        let status: Int32
        do {
            status = try SupervisedProcess.run(tool, arguments, in: folder.path, log: logURL.path, line: line)
        } catch {
            throw .file(path: tool, reason: "\(error)")
        }
        guard status == 0 else {
            throw .toolFailed(tool: URL(fileURLWithPath: tool).lastPathComponent, status: status, log: logURL.path)
        }
    }

    static func readWords(_ url: URL) throws(VerilogError) -> [UInt64] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .file(path: url.path, reason: "the simulator wrote no such file")
        }
        return data.withUnsafeBytes { Array($0.bindMemory(to: UInt64.self)) }
    }

    static func write(_ data: Data, to url: URL) throws(VerilogError) {
        do {
            try data.write(to: url)
        } catch {
            throw .file(path: url.path, reason: "cannot write (\(error.localizedDescription))")
        }
    }
}
