import Foundation
import GraphIR
#if canImport(Glibc)
import Glibc
#endif

/// How ``KerasImporter/load(_:options:)`` reads a file.
public struct KerasImportOptions: Hashable, Sendable {
    /// Where the import runs.
    public enum Isolation: Hashable, Sendable {
        /// In this process: the default for the library and its tests.
        case inProcess
        /// In a child process, so that a damaged file that crashes or hangs the HDF5 C library
        /// becomes one sentence: `executable` is run with `arguments` and then the file's path,
        /// and must behave as ``KerasImportWorker/serve(_:limits:)``. It is killed after
        /// `timeout` seconds.
        case subprocess(executable: String, arguments: [String], timeout: Double)
    }

    public var isolation: Isolation
    /// What reading the file may allocate (in process; a worker sets its own).
    public var limits: ReadLimits

    public init(isolation: Isolation = .inProcess, limits: ReadLimits = ReadLimits()) {
        self.isolation = isolation
        self.limits = limits
    }

    /// Imports in `trigc _import-worker`, run from `executable` (a trigc binary), killed after
    /// `timeout` seconds and limited to that much CPU time and ten seconds more.
    public static func worker(executable: String, timeout: Double = 60) -> KerasImportOptions {
        let cpu = Int(min(max(timeout, 1), 1e6).rounded(.up)) + 10
        return KerasImportOptions(isolation: .subprocess(
            executable: executable, arguments: ["_import-worker", "--cpu-seconds", "\(cpu)", "--parent", "\(getpid())"],
            timeout: timeout))
    }
}

/// The first line a worker prints, before the graph as `.ir` text.
private struct WorkerHeader: Codable {
    var format: String
    var kerasVersion: String?
    var era: String
    var backend: String?
}

/// The child-process side of ``KerasImportOptions/Isolation/subprocess(executable:arguments:timeout:)``.
public enum KerasImportWorker {
    /// Limits this process to `memoryBytes` of address space and `cpuSeconds` of CPU time,
    /// and turns core files off (a crash on a damaged file is expected, not debugged).
    public static func limitResources(memoryBytes: Int, cpuSeconds: Int) {
        #if canImport(Glibc)
        // The CPU limit's soft value sends SIGXCPU (read as a timeout; its default action is
        // restored and it is unblocked, as both are inherited across exec); the hard one, SIGKILL.
        signal(SIGXCPU, SIG_DFL)
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGXCPU)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        let limits = [(RLIMIT_AS, memoryBytes, memoryBytes), (RLIMIT_CPU, cpuSeconds, cpuSeconds + 5), (RLIMIT_CORE, 0, 0)]
        for (resource, soft, hard) in limits {
            var limit = rlimit(rlim_cur: rlim_t(max(soft, 0)), rlim_max: rlim_t(max(hard, 0)))
            _ = setrlimit(__rlimit_resource_t(resource.rawValue), &limit)
        }
        #endif
    }

    /// Imports `path` in this process and prints a header line and the graph as `.ir` text
    /// to standard output; returns the exit status: 0, or 1 after printing the error's
    /// sentence to standard error.
    public static func serve(_ path: String, limits: ReadLimits = ReadLimits()) -> Int32 {
        do {
            let model = try KerasImporter.load(path, options: KerasImportOptions(limits: limits))
            let header = WorkerHeader(
                format: model.format.rawValue, kerasVersion: model.kerasVersion, era: model.era.rawValue,
                backend: model.backend)
            let json = (try? JSONEncoder().encode(header)) ?? Data()
            FileHandle.standardOutput.write(json + Data("\n".utf8) + Data(model.graph.printed().utf8))
            return 0
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            return 1
        }
    }
}

extension KerasImporter {
    /// Runs a worker on `path` and reads back its model.
    static func loadInWorker(
        _ path: String, executable: String, arguments: [String], timeout: Double
    ) throws(KerasImportError) -> KerasModel {
        switch WorkerProcess.run(executable: executable, arguments: arguments + [path], timeout: timeout) {
        case let .success(outcome): return try decode(outcome.stdout, path: path)
        case let .failure(failure): throw .worker(path: path, failure: failure)
        }
    }

    /// A worker's output: the header line, then the graph text.
    private static func decode(_ output: Data, path: String) throws(KerasImportError) -> KerasModel {
        let bad = { (reason: String) in KerasImportError.worker(path: path, failure: .badOutput(reason: reason)) }
        guard let newline = output.firstIndex(of: UInt8(ascii: "\n")),
              let header = try? JSONDecoder().decode(WorkerHeader.self, from: output[..<newline]),
              let format = KerasFormat(rawValue: header.format), let era = KerasEra(rawValue: header.era)
        else { throw bad("its output has no valid header line") }
        let text = String(decoding: output[(newline + 1)...], as: UTF8.self)
        let graph: Graph
        do {
            graph = try Graph.parse(text, fileName: path)
            try graph.verify()
        } catch {
            throw bad("its graph did not read back: \(error)")
        }
        return KerasModel(graph: graph, format: format, kerasVersion: header.kerasVersion, era: era, backend: header.backend)
    }
}
