import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a reader of an untrusted file in a child process (this same binary, a hidden
/// command), so that a damaged file that crashes or hangs the HDF5 C library becomes one
/// sentence: the Keras import worker and the data-file check both run through here.
public enum WorkerProcess {
    /// The running program (a worker is this same binary with a hidden command).
    public static var thisExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
    }

    /// What the child did.
    public struct Outcome: Sendable {
        public var stdout: Data
        /// Standard error, trimmed.
        public var stderr: String
    }

    /// Runs `executable arguments` with output in temporary files, kills it (SIGKILL) after
    /// `timeout` seconds, and returns its output when it exited 0. A refusal (exit 1 with one
    /// line on standard error) and every other ending are a ``KerasWorkerFailure``.
    public static func run(executable: String, arguments: [String], timeout: Double) -> Result<Outcome, KerasWorkerFailure> {
        let files = FileManager.default
        let directory = files.temporaryDirectory.appendingPathComponent("trigc-worker-\(UUID().uuidString)")
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        defer { try? files.removeItem(at: directory) }
        let process = Process()
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            // Output goes to files, not pipes: nothing to drain while waiting with a timeout.
            try files.createDirectory(at: directory, withIntermediateDirectories: true)
            files.createFile(atPath: outURL.path, contents: nil)
            files.createFile(atPath: errURL.path, contents: nil)
            let out = try FileHandle(forWritingTo: outURL)
            let err = try FileHandle(forWritingTo: errURL)
            defer { try? out.close(); try? err.close() }
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment
            // A crash is the expected outcome for some files: no slow symbolicated backtrace.
            environment["SWIFT_BACKTRACE"] = "enable=no"
            process.environment = environment
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = out
            process.standardError = err
            try process.run()
        } catch {
            return .failure(.notStarted(executable: executable, reason: error.localizedDescription))
        }
        if !waitForExit(process, exited, timeout: timeout) { return .failure(.timedOut(seconds: timeout)) }
        let status = process.terminationStatus
        let stderr = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        switch process.terminationReason {
        case .uncaughtSignal:
            return .failure(status == SIGXCPU ? .timedOut(seconds: timeout) : .crashed(signal: status))
        case .exit:
            if status == 1, !stderr.isEmpty, !stderr.contains("\n") { return .failure(.refused(message: stderr)) }
            if status != 0 {
                let detail = stderr.split(separator: "\n").first.map { ": \($0)" } ?? ""
                return .failure(.badOutput(reason: "exit status \(status)\(detail)"))
            }
        @unknown default:
            return .failure(.badOutput(reason: "unknown termination"))
        }
        return .success(Outcome(stdout: (try? Data(contentsOf: outURL)) ?? Data(), stderr: stderr))
    }

    /// Waits for `process` to exit (`exited` is signalled by its termination handler); after
    /// `timeout` seconds, kills it (SIGKILL, which a hang inside a C library cannot ignore)
    /// and returns false.
    private static func waitForExit(_ process: Process, _ exited: DispatchSemaphore, timeout: Double) -> Bool {
        if exited.wait(timeout: .now() + min(max(timeout, 0), 1e6)) == .success { return true }
        #if canImport(Glibc)
        kill(process.processIdentifier, SIGKILL)
        #else
        process.terminate()
        #endif
        process.waitUntilExit()
        return false
    }

    /// The sentence for a failed worker that read `path`.
    public static func message(_ failure: KerasWorkerFailure, path: String) -> String { failure.text(path) }
}
