import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The `trigc` binary built next to the test bundle.
func trigcBinaryPath() -> String { builtBinary("trigc").path }

/// Starts `trigc` as a shell would, with no signal blocked (a Foundation `Process` inherits
/// the test thread's blocked signals, SIGTERM among them) and its output discarded.
func spawnTrigc(_ arguments: [String]) throws -> pid_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let binary = trigcBinaryPath()
    let argv = ([binary] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let code = posix_spawn(&pid, binary, &actions, &attributes, argv, environ)
    try #require(code == 0, "posix_spawn: \(String(cString: strerror(code)))")
    return pid
}

/// Waits for `pid`; its raw wait status.
func waitFor(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return status
}

/// One line of /proc/PID/stat.
struct ProcessEntry {
    var pid: Int32
    var name: String
    var state: Character
    var parent: Int32
    var group: Int32

    /// Every process on the machine.
    static func all() -> [ProcessEntry] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { Int32($0) } ?? []
        return pids.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
            let text = String(decoding: data, as: UTF8.self)
            // "pid (name) state ppid pgrp ..."; the name may hold spaces and parentheses.
            guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")") else { return nil }
            let rest = text[text.index(after: close)...].split(separator: " ")
            guard rest.count > 3, let state = rest[0].first, let parent = Int32(rest[1]), let group = Int32(rest[2])
            else { return nil }
            return ProcessEntry(pid: pid, name: String(text[text.index(after: open)..<close]), state: state,
                                parent: parent, group: group)
        }
    }

    /// The processes below `root` (not `root` itself).
    static func descendants(of root: Int32, in table: [ProcessEntry]) -> [ProcessEntry] {
        var found: [ProcessEntry] = []
        var frontier: Set<Int32> = [root]
        while !frontier.isEmpty {
            let children = table.filter { frontier.contains($0.parent) && $0.pid != root }
            let new = children.filter { child in !found.contains { $0.pid == child.pid } }
            found += new
            frontier = Set(new.map(\.pid))
        }
        return found
    }

    /// Dead but not yet reaped (this container's init may never reap orphans).
    var isDead: Bool { state == "Z" || state == "X" }
}

/// `trigc simulate` on a fresh design (so Verilator builds), killed while make or the C++
/// compiler runs: nothing it started may survive it.
@Suite struct ChildProcessTests {
    static let buildTools: Set<String> = ["make", "gmake", "g++", "c++", "cc1plus", "clang++", "ccache", "as", "ld"]

    static let canRun = FileManager.default.fileExists(atPath: "/proc/self/stat")
        && (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/verilator")
        }

    @Test(.enabled(if: canRun, "needs Linux /proc and verilator (apt-get install verilator)"),
          arguments: [SIGKILL, SIGTERM])
    func toolsDieWithTrigc(signal: Int32) throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/hlf.ir").status == 0)
        #expect(try trigc("inputs", "\(dir)/hlf.ir", "--events", "20", "-o", "\(dir)/in.h5").status == 0)
        let compile = try trigc("compile", "\(dir)/hlf.ir", "-o", "\(dir)/rtl")
        #expect(compile.status == 0, "\(compile.stderr)")
        let root = try spawnTrigc(["simulate", "\(dir)/rtl", "--input", "\(dir)/in.h5"])
        // Wait for the build to reach make or the compiler, then remember the whole tree.
        var tree: [ProcessEntry] = []
        let deadline = Date().addingTimeInterval(240)
        while Date() < deadline, kill(root, 0) == 0 {
            tree = ProcessEntry.descendants(of: root, in: ProcessEntry.all())
            if tree.contains(where: { Self.buildTools.contains($0.name) }) { break }
            usleep(50_000)
        }
        try #require(tree.contains { Self.buildTools.contains($0.name) },
                     "no build tool appeared under trigc: \(tree.map(\.name))")
        #expect(kill(root, signal) == 0)
        let status = waitFor(root)
        #expect(status & 0x7f == signal, "trigc was not killed by signal \(signal) (wait status \(status))")
        let pids = Set(tree.map(\.pid))
        let groups = Set(tree.map(\.group)).subtracting([getpgrp(), root])
        var survivors: [ProcessEntry] = []
        let limit = Date().addingTimeInterval(5)
        repeat {
            usleep(100_000)
            survivors = ProcessEntry.all().filter { !$0.isDead && (pids.contains($0.pid) || groups.contains($0.group)) }
        } while !survivors.isEmpty && Date() < limit
        #expect(survivors.isEmpty, "still running after trigc died: \(survivors.map { "\($0.pid) \($0.name)" })")
        // Every tool ran in a process group of its own, not trigc's.
        #expect(!tree.contains { $0.group == getpgrp() })
    }
}
