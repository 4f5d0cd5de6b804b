import CProcess
import Foundation

/// Runs external tools (Verilator, make, compilers, Yosys, a built simulator, rsvg-convert) so
/// that they never outlive trigc: each runs in its own process group under a small
/// supervisor process that kills the whole group when trigc dies, even by SIGKILL (see
/// `Sources/CProcess/include/CProcess.h`).
///
/// The supervisor learns of trigc's death through `PR_SET_PDEATHSIG`, which Linux delivers
/// when the *thread* that started it exits. `run` waits on the thread that called it, so a
/// tool is always waited for by the thread that started it.
public enum SupervisedProcess {
    /// Runs `executable` (a full path) with `arguments` in `directory`, its stdout and stderr
    /// going to the file `log` (created or truncated; nil: discarded); `line` sees each line
    /// of output as it comes. Returns the exit status (128 + the signal number when the tool
    /// was killed by a signal).
    public static func run(
        _ executable: String, _ arguments: [String], in directory: String, log: String?,
        line: ((String) -> Void)? = nil
    ) throws(ToolProcessError) -> Int32 {
        let logPath = log ?? "/dev/null"
        let logFD = try Syscalls.openForWriting(logPath)
        defer { Syscalls.close(logFD) }
        let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        guard let line else {
            let pid = try Syscalls.spawn(executable, arguments: arguments, environment: environment,
                                         directory: directory, output: logFD)
            return try Syscalls.wait(pid)
        }
        let (readFD, writeFD) = try Syscalls.pipe()
        let pid: Int32
        do {
            pid = try Syscalls.spawn(executable, arguments: arguments, environment: environment,
                                     directory: directory, output: writeFD)
            Syscalls.close(writeFD)
        } catch {
            Syscalls.close(writeFD)
            Syscalls.close(readFD)
            throw error
        }
        var buffer = [UInt8](repeating: 0, count: 65536)
        var pending: [UInt8] = []
        var failure: ToolProcessError?
        while failure == nil {
            do {
                let count = try Syscalls.read(readFD, into: &buffer)
                if count == 0 { break }
                try Syscalls.write(logFD, buffer[0..<count], path: logPath)
                pending += buffer[0..<count]
                while let newline = pending.firstIndex(of: 10) {
                    line(String(decoding: pending[0..<newline], as: UTF8.self))
                    pending.removeSubrange(0...newline)
                }
            } catch {
                failure = error
            }
        }
        // Always reap the supervisor, even after a failed read (closing the pipe first, so
        // that the tool cannot block on it).
        Syscalls.close(readFD)
        let status = try Syscalls.wait(pid)
        if let failure { throw failure }
        return status
    }
}

extension SupervisedProcess {
    /// Makes this process (a worker trigc started) die when its parent, the process `parent`,
    /// does, so a worker blocked in a C library never outlives a killed trigc. False when
    /// the parent is already gone (the worker should then stop at once).
    public static func dieWithParent(_ parent: Int32) -> Bool { Syscalls.dieWithParent(parent) }
}

/// This process's standard output.
public enum StandardOutput {
    /// Line-buffered even into a file or a pipe (C stdio buffers whole blocks there, so a
    /// killed command would lose what it printed).
    public static func lineBuffered() { trigc_line_buffer_stdout() }
}
