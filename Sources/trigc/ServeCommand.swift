import ArgumentParser
import Foundation
import ModelIO
import Serving

/// `trigc serve`: checks the options, then becomes the `trigc-serve` executable built next
/// to `trigc` (the server and its network packages live there, so that the rest of trigc
/// builds without them).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a model repository over the KServe v2 / Triton protocols (REST and gRPC), bit-exact in fixed point.",
        discussion: ServeOptions.discussion)

    @OptionGroup var options: ServeOptions

    func run() throws {
        let own = WorkerProcess.thisExecutable
        let server = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("trigc-serve").path
        guard FileManager.default.isExecutableFile(atPath: server) else {
            throw CLIError.serverMissing(path: server)
        }
        let arguments = [server] + options.arguments + ["--import-worker", own]
        let argv = arguments.map { strdup($0) } + [nil]
        execv(server, argv)
        throw CLIError.cannotStart(path: server, reason: String(cString: strerror(errno)))
    }
}
