import CProcess
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Every C call of the target, each turning a failed status into a ``ToolProcessError``.
enum Syscalls {
    /// `errno` as text.
    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Opens `path` for writing (created, truncated, close-on-exec).
    static func openForWriting(_ path: String) throws(ToolProcessError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: describe(errno)) }
        return fd
    }

    /// A close-on-exec pipe: (read end, write end).
    static func pipe() throws(ToolProcessError) -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        let code = trigc_pipe(&fds)
        guard code == 0 else { throw .cannotSpawn(tool: "pipe", reason: describe(code)) }
        return (fds[0], fds[1])
    }

    /// Reads up to `buffer.count` bytes; 0 at end of file.
    static func read(_ fd: Int32, into buffer: inout [UInt8]) throws(ToolProcessError) -> Int {
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n >= 0 { return n }
            let code = errno
            if code != EINTR { throw .cannotRead(reason: describe(code)) }
        }
    }

    /// Writes all of `bytes`.
    static func write(_ fd: Int32, _ bytes: ArraySlice<UInt8>, path: String) throws(ToolProcessError) {
        var rest = bytes
        while !rest.isEmpty {
            let n = rest.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw .cannotOpen(path: path, reason: describe(code))
            }
            rest = rest.dropFirst(n)
        }
    }

    static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    /// The highest descriptor number to close in a child when close_range(2) is missing.
    static var maxDescriptor: Int32 {
        let limit = sysconf(Int32(_SC_OPEN_MAX))
        return limit > 0 && limit < 65536 ? Int32(limit) : 65536
    }

    /// Starts `path` under a supervisor (see `CProcess.h`); returns the supervisor's pid.
    static func spawn(
        _ path: String, arguments: [String], environment: [String], directory: String, output: Int32
    ) throws(ToolProcessError) -> Int32 {
        let argv = CStrings([path] + arguments)
        let envp = CStrings(environment)
        defer {
            argv.free()
            envp.free()
        }
        var pid: pid_t = 0
        let code = argv.pointers.withUnsafeBufferPointer { a in
            envp.pointers.withUnsafeBufferPointer { e in
                trigc_spawn_supervised(path, a.baseAddress, e.baseAddress, directory, output, maxDescriptor, &pid)
            }
        }
        guard code == 0 else { throw .cannotSpawn(tool: path, reason: describe(code)) }
        return pid
    }

    /// Waits for `pid`; its exit status, 128 + the signal when it was killed.
    static func wait(_ pid: Int32) throws(ToolProcessError) -> Int32 {
        var status: Int32 = 0
        let code = trigc_wait(pid, &status)
        guard code == 0 else { throw .cannotWait(reason: describe(code)) }
        return status
    }
}

/// NULL-terminated C strings made before fork (the child only reads them).
struct CStrings {
    let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) { pointers = strings.map { strdup($0) } + [nil] }

    func free() { for pointer in pointers { Glibc.free(pointer) } }
}

extension Syscalls {
    static func dieWithParent(_ parent: Int32) -> Bool { trigc_die_with_parent(parent) == 0 }
}
