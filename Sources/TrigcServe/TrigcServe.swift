import ArgumentParser
import Foundation
import GraphIR
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
        discussion: ServeOptions.discussion,
        version: TrigcVersion.string)

    @OptionGroup var options: ServeOptions

    @Option(help: ArgumentHelp("The trigc executable that imports Keras files in a worker process.", visibility: .hidden))
    var importWorker: String?

    func run() async throws {
        var logger = Logger(label: "trigc-serve")
        // trigc serve reports its own failures as sentences; the libraries' logs stay quiet.
        logger.logLevel = .critical
        // Every port is checked before the (possibly long) model loading.
        try PortCheck.check(host: options.host, ports: [
            ("--http-port", options.httpPort), ("--grpc-port", options.grpcPort), ("--metrics-port", options.metricsPort),
        ])
        // A signal while loading stops trigc serve cleanly; the service group takes signals over once listening.
        let early = EarlyStop()
        let repository = try loadRepository(early: early)
        early.end()
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
            router: try RESTRoutes(server: server, maxRequestBytes: options.maxRequestBytes).router(),
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
                address: options.host.contains(":")
                    ? .ipv6(host: options.host, port: options.grpcPort) : .ipv4(host: options.host, port: options.grpcPort),
                transportSecurity: .plaintext,
                config: .defaults { $0.rpc.maxRequestPayloadSize = InferenceService.transportLimit(options.maxRequestBytes) }),
            services: [InferenceService(server: server, maxRequestBytes: options.maxRequestBytes)])
        let servers = Servers(http: http, metrics: metricsApp, grpc: GRPCService(server: grpcServer, ready: ready),
                              repository: repository)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: servers)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
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

    /// The repository with every model loaded; a failure as one sentence (the server's own
    /// files removed).
    func loadRepository(early: EarlyStop) throws(Failure) -> ModelRepository {
        let repository: ModelRepository
        do {
            repository = try ModelRepository(root: options.modelRepository, keras: kerasOptions()) { line in
                FileHandle.standardError.write(Data("  \(line)\n".utf8))
            }
        } catch {
            throw Failure(message: error.message)
        }
        early.repository = repository
        let names = repository.modelNames()
        FileHandle.standardError.write(Data("trigc serve: loading \(names.count) model(s) from \(options.modelRepository)…\n".utf8))
        do {
            try repository.loadAll()
        } catch {
            repository.shutdown()
            throw Failure(message: error.message)
        }
        return repository
    }

    func kerasOptions() -> KerasImportOptions {
        importWorker.map { .worker(executable: $0) } ?? KerasImportOptions()
    }

    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("Address already in use") { return "a port became busy between the check and listening; try again." }
        return text.hasSuffix(".") ? text : text + "."
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
        let url = host.contains(":") ? "[\(host)]" : host
        FileHandle.standardOutput.write(Data(
            "trigc serve: ready: HTTP \(url):\(http), gRPC \(url):\(grpc), metrics http://\(url):\(metrics)/metrics\n".utf8))
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

/// The three listeners as one service, so that shutdown reaches them all at once: readiness
/// turns 503, REST, gRPC and metrics stop accepting together, and each finishes what it
/// accepted. (A service group would stop its services one after the other.)
struct Servers: Service {
    let http: Application<RouterResponder<BasicRequestContext>>
    let metrics: Application<RouterResponder<BasicRequestContext>>
    let grpc: GRPCService
    let repository: ModelRepository

    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await http.run() }
            group.addTask { try await metrics.run() }
            group.addTask { try await grpc.run() }
            group.addTask {
                try? await gracefulShutdown()
                repository.beginDraining()
            }
        }
    }
}

/// SIGTERM or SIGINT before the server listens: remove the server's own files, exit 0.
final class EarlyStop: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()
    private var _repository: ModelRepository?
    var repository: ModelRepository? {
        get { lock.withLock { _repository } }
        set { lock.withLock { _repository = newValue } }
    }

    init() {
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                repository?.removeOwnFiles()
                FileHandle.standardError.write(Data("trigc serve: stopped while loading models.\n".utf8))
                exit(0)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Hands the signals over (the service group installs its own handlers).
    func end() {
        for source in sources { source.cancel() }
    }
}
