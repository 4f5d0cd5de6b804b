import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Hummingbird
import Logging
import ModelIO
import NIOCore
import Serving
import ServingGRPC
import ServiceLifecycle

/// `trigc serve` (the `trigc` command runs this executable): KServe v2 REST, gRPC and
/// Prometheus metrics over a model repository, until SIGTERM or SIGINT.
@main
struct TrigcServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigc serve",
        abstract: "Serve a model repository over the KServe v2 / Triton protocols (REST and gRPC).",
        discussion: ServeOptions.discussion)

    @OptionGroup var options: ServeOptions

    @Option(help: ArgumentHelp("The trigc executable that imports Keras files in a worker process.", visibility: .hidden))
    var importWorker: String?

    func run() async throws {
        var logger = Logger(label: "trigc-serve")
        logger.logLevel = .warning
        let repository = try loadRepository()
        let metrics = ServingMetrics(repository: repository)
        metrics.register(models: repository.index().map(\.name))
        let server = InferenceServer(repository: repository, observer: metrics)
        for entry in repository.index() {
            let model = try? repository.model(entry.name, version: entry.version)
            let what = model.map { "\($0.platform), max batch \($0.config.maxBatchSize), inputs \($0.inputs.map { "\($0.name)\($0.shape)" }.joined(separator: " "))" } ?? ""
            FileHandle.standardError.write(Data("  \(entry.name) v\(entry.version): \(what)\n".utf8))
        }

        let ready = ReadyLine(host: options.host)
        let http = Application(
            router: RESTRoutes(server: server, maxRequestBytes: options.maxRequestBytes).router(),
            configuration: .init(address: .hostname(options.host, port: options.httpPort), serverName: "trigc"),
            onServerRunning: { channel in await ready.listening("HTTP", channel.localAddress?.port) },
            logger: logger)
        let metricsApp = Application(
            router: metrics.router(),
            configuration: .init(address: .hostname(options.host, port: options.metricsPort), serverName: "trigc-metrics"),
            onServerRunning: { channel in await ready.listening("metrics", channel.localAddress?.port) },
            logger: logger)
        let grpcServer = GRPCServer(
            transport: .http2NIOPosix(
                address: .ipv4(host: options.host, port: options.grpcPort), transportSecurity: .plaintext,
                config: .defaults { $0.rpc.maxRequestPayloadSize = InferenceService.transportLimit(options.maxRequestBytes) }),
            services: [InferenceService(server: server, maxRequestBytes: options.maxRequestBytes)])
        let grpc = GRPCService(server: grpcServer, ready: ready)
        let draining = DrainingService(repository: repository)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: draining), .init(service: metricsApp), .init(service: http), .init(service: grpc)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            repository.shutdown()
            throw Failure(message: "the server stopped: \(Self.describe(error))")
        }
        // Every accepted request has been answered by now; end the batchers and our files.
        repository.shutdown()
        FileHandle.standardError.write(Data("trigc serve: stopped; every accepted request was answered.\n".utf8))
    }

    /// The repository with every model loaded; a failure as one sentence.
    func loadRepository() throws(Failure) -> ModelRepository {
        let repository: ModelRepository
        do {
            repository = try ModelRepository(root: options.modelRepository, keras: kerasOptions()) { line in
                FileHandle.standardError.write(Data("  \(line)\n".utf8))
            }
            let names = repository.modelNames()
            FileHandle.standardError.write(Data("trigc serve: loading \(names.count) model(s) from \(options.modelRepository)…\n".utf8))
            try repository.loadAll()
        } catch {
            throw Failure(message: error.message)
        }
        return repository
    }

    func kerasOptions() -> KerasImportOptions {
        guard let importWorker else { return KerasImportOptions() }
        return KerasImportOptions(isolation: .subprocess(
            executable: importWorker, arguments: ["_import-worker", "--cpu-seconds", "70", "--parent", "\(getpid())"], timeout: 60))
    }

    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("Address already in use") || text.contains("EADDRINUSE") { return "a port is already in use (\(text))." }
        return text
    }
}

/// A failure already phrased as one sentence.
struct Failure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Prints `trigc serve: ready …` once the three listeners are up, with the ports they got.
actor ReadyLine {
    let host: String
    var ports: [String: Int] = [:]

    init(host: String) { self.host = host }

    func listening(_ what: String, _ port: Int?) {
        ports[what] = port ?? -1
        guard ports.count == 3, let http = ports["HTTP"], let grpc = ports["gRPC"], let metrics = ports["metrics"] else { return }
        FileHandle.standardOutput.write(Data(
            "trigc serve: ready: HTTP \(host):\(http), gRPC \(host):\(grpc), metrics http://\(host):\(metrics)/metrics\n".utf8))
    }
}

/// The gRPC server as a service of the group: graceful shutdown lets running RPCs finish.
struct GRPCService: Service {
    let server: GRPCServer<HTTP2ServerTransport.Posix>
    let ready: ReadyLine

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.serve() }
                if let address = try await server.listeningAddress {
                    await ready.listening("gRPC", address.ipv4?.port ?? address.ipv6?.port)
                }
            }
        } onGracefulShutdown: {
            server.beginGracefulShutdown()
        }
    }
}

/// Marks the server not ready as soon as shutdown begins (load balancers stop sending).
struct DrainingService: Service {
    let repository: ModelRepository

    func run() async throws {
        try? await gracefulShutdown()
        repository.beginDraining()
    }
}
