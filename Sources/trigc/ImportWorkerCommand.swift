import ArgumentParser
import Foundation
import ModelIO
import ToolProcess

/// `trigc _import-worker FILE`: imports a Keras file in a process of its own, for
/// ``KerasImportOptions/isolated(timeout:)``. Hidden: users never call it.
struct ImportWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_import-worker",
        abstract: "Import one Keras file and print it as graph IR (used by trigc itself).",
        shouldDisplay: false)

    @Option(help: "The trigc process that started this worker: the worker dies with it.")
    var parent: Int32?

    @Option(help: "CPU seconds before the system stops the worker.")
    var cpuSeconds = 70

    @Argument(help: "The Keras model (.h5 or .keras).")
    var model: String

    func run() throws {
        // Without --parent (run by hand) the current parent counts.
        guard SupervisedProcess.dieWithParent(parent ?? getppid()) else { throw ExitCode(3) }
        let memory = KerasImportOptions.workerMemory
        KerasImportWorker.limitResources(memoryBytes: memory, cpuSeconds: cpuSeconds)
        // Room below the address-space limit for the runtime and HDF5's own buffers.
        let status = KerasImportWorker.serve(model, limits: ReadLimits(maxBytes: memory / 2))
        if status != 0 { throw ExitCode(status) }
    }
}

extension KerasImportOptions {
    /// How long a worker may take by default, in seconds.
    static let workerTimeout: Double = 60

    /// The worker's address-space limit: half the physical memory, at most 16 GiB.
    static var workerMemory: Int { min(ReadLimits.defaultMaxBytes, 16 << 30) }

    /// Keras files are imported by `trigc _import-worker` in a child process (this same
    /// binary), so that a file that crashes or hangs the HDF5 library becomes one sentence.
    static func isolated(timeout: Double = workerTimeout) -> KerasImportOptions {
        .worker(executable: WorkerProcess.thisExecutable, timeout: timeout)
    }
}
