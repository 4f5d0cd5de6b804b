import Foundation

/// Finding and running the external tools (Verilator, Icarus, Yosys, the built simulator).
public enum ToolRunner {
    /// The full path of a tool on `PATH`, or nil.
    public static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The path of a required tool, or the error saying how to install it.
    static func require(_ name: String, package: String) throws(VerilogError) -> String {
        guard let path = find(name) else { throw .toolMissing(tool: name, install: "apt-get install \(package)") }
        return path
    }

    /// Runs a tool with its output in `folder/log`; a non-zero status is an error naming the
    /// log. `line` sees each line of output as it comes (for progress).
    static func execute(
        _ tool: String, _ arguments: [String], in folder: URL, log: String, line: (@Sendable (String) -> Void)? = nil
    ) throws(VerilogError) {
        let logURL = folder.appendingPathComponent(log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        do {
            FileManager.default.createFile(atPath: logURL.path, contents: nil)
            let handle = try FileHandle(forWritingTo: logURL)
            defer { try? handle.close() }
            if let line {
                let pipe = Pipe()
                process.standardOutput = pipe
                process.standardError = pipe
                try process.run()
                var pending = Data()
                while true {
                    let chunk = pipe.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    handle.write(chunk)
                    pending.append(chunk)
                    while let newline = pending.firstIndex(of: 10) {
                        line(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                        pending.removeSubrange(pending.startIndex...newline)
                    }
                }
            } else {
                process.standardOutput = handle
                process.standardError = handle
                try process.run()
            }
            process.waitUntilExit()
        } catch {
            throw .file(path: tool, reason: "cannot run (\(error.localizedDescription))")
        }
        guard process.terminationStatus == 0 else {
            throw .toolFailed(tool: URL(fileURLWithPath: tool).lastPathComponent, status: process.terminationStatus,
                              log: logURL.path)
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
