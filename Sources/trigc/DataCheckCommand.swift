import ArgumentParser
import EventIO
import Foundation
import ModelIO
import ToolProcess

/// `trigc _check-data FILE`: reads a data file in a process of its own, exactly as the
/// command that asked will, so that a damaged file that crashes or hangs libhdf5 becomes one
/// sentence (see ``DataFileGuard``). Hidden: users never call it.
struct DataCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_check-data",
        abstract: "Read a data file as trigc will, in a worker process (used by trigc itself).",
        shouldDisplay: false)

    @Flag(help: "Read it as an event file (trigc datagen).")
    var events = false

    @Flag(help: "Read an event file's index and its first and last events, as streaming does.")
    var index = false

    @Option(help: "The trigc process that started this worker: the worker dies with it.")
    var parent: Int32?

    @Option(help: "Read these datasets as numbers (comma-separated).")
    var datasets: String?

    @Argument(help: "The HDF5 file.")
    var file: String

    func run() throws {
        // Without --parent (run by hand) the current parent counts.
        guard SupervisedProcess.dieWithParent(parent ?? getppid()) else { throw ExitCode(3) }
        KerasImportWorker.limitResources(memoryBytes: KerasImportOptions.workerMemory, cpuSeconds: 600)
        do {
            if events { _ = try EventFile.read(file) }
            if index {
                let reader = try EventReader(path: file)
                _ = try reader.read(rows: Set([0, reader.index.count - 1]), particles: true)
            }
            if let datasets {
                let opened = try HDF5File(path: file, limits: ReadLimits(maxBytes: KerasImportOptions.workerMemory / 2))
                for name in datasets.split(separator: ",").map(String.init) where opened.hasDataset(name) {
                    _ = try opened.readFloats(name)
                }
            }
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// Data files are first read by `trigc _check-data` in a child process: libhdf5 1.10 can
/// crash on a damaged file (fuzzing found such files), and a crash in a worker is one
/// sentence instead of a dead trigc. The worker's read is the same as the command's, so a
/// file it reads cleanly is then read in process. The cost is one extra read of the file.
enum DataFileGuard {
    /// Seconds a check of `path` may take: 30 s, and 10 s more per GB of file (a hang in
    /// libhdf5 is CPU-bound; honest reads go at disk speed).
    static func timeout(for path: String) -> Double {
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return 30 + 10 * Double(bytes) / 1e9
    }

    static func checkEvents(_ path: String) throws {
        try check(path, arguments: ["--events"])
    }

    /// Checks what a stream reads before training: the index (labels, lengths, shapes)
    /// and the first and last events.
    static func checkIndex(_ path: String) throws {
        try check(path, arguments: ["--index"])
    }

    static func checkDatasets(_ path: String, names: [String]) throws {
        try check(path, arguments: ["--datasets", names.joined(separator: ",")])
    }

    private static func check(_ path: String, arguments: [String]) throws {
        // Missing or non-HDF5 files get their sentence in process, without a worker.
        guard FileManager.default.fileExists(atPath: path) else { throw ModelIOError.fileNotFound(path: path) }
        let executable = WorkerProcess.thisExecutable
        let result = WorkerProcess.run(executable: executable, arguments: ["_check-data", "--parent", "\(getpid())"] + arguments + [path],
                                       timeout: timeout(for: path))
        if case let .failure(failure) = result { throw CLIError.unreadableData(WorkerProcess.message(failure, path: path)) }
    }
}
