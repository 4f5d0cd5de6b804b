import ArgumentParser

/// The options of `trigc serve`, shared by the `trigc` command (which checks them and then
/// runs the `trigc-serve` executable) and `trigc-serve` itself.
public struct ServeOptions: ParsableArguments, Sendable {
    @Option(help: ArgumentHelp("The model repository: DIR/<model>/config.json and DIR/<model>/<version>/model.ir (or .h5, .keras).",
                               valueName: "dir"))
    public var modelRepository: String

    @Option(help: "Address to listen on.")
    public var host = "127.0.0.1"

    @Option(parsing: .unconditional, help: "KServe v2 REST port (0: any free port).")
    public var httpPort = 8000

    @Option(parsing: .unconditional, help: "KServe v2 gRPC port (0: any free port).")
    public var grpcPort = 8001

    @Option(parsing: .unconditional, help: "Prometheus metrics port (0: any free port).")
    public var metricsPort = 8002

    @Option(parsing: .unconditional, help: "The largest request accepted, in bytes (REST body or gRPC message).")
    public var maxRequestBytes = 64 << 20

    public init() {}

    public mutating func validate() throws {
        for (flag, port) in [("--http-port", httpPort), ("--grpc-port", grpcPort), ("--metrics-port", metricsPort)]
        where !(0...65535).contains(port) {
            throw ServeOptionError.badPort(flag: flag, port: port)
        }
        let fixed = [httpPort, grpcPort, metricsPort].filter { $0 != 0 }
        if Set(fixed).count != fixed.count { throw ServeOptionError.samePorts }
        guard (1024...(1 << 31)).contains(maxRequestBytes) else {
            throw ServeOptionError.badRequestLimit(maxRequestBytes)
        }
    }

    /// The options as command-line arguments.
    public var arguments: [String] {
        ["--model-repository", modelRepository, "--host", host, "--http-port", "\(httpPort)", "--grpc-port", "\(grpcPort)",
         "--metrics-port", "\(metricsPort)", "--max-request-bytes", "\(maxRequestBytes)"]
    }

    /// The discussion both commands print in their help.
    public static let discussion = """
        DIR/<model>/config.json says how to serve each model ({"backend": "fixed"|"float"|"opencl"|"rtl", \
        "fixed": "ap_fixed<16,6>", "max_batch_size": 1024, "dynamic_batching": {"max_queue_delay_microseconds": 100}}); \
        DIR/<model>/<version>/model.ir (or model.h5, model.keras) holds each version. Prints 'trigc serve: ready: …' \
        once listening. SIGTERM or SIGINT: stop accepting, answer every accepted request, exit 0. See Docs/Serving.md.
        """
}

/// A `trigc serve` / `trigc-serve` option out of range, as one sentence.
public enum ServeOptionError: Error, Equatable, CustomStringConvertible {
    case badPort(flag: String, port: Int)
    case samePorts
    case badRequestLimit(Int)

    public var description: String {
        switch self {
        case let .badPort(flag, port): "\(flag) must be a port from 0 to 65535, not \(port)."
        case .samePorts: "--http-port, --grpc-port and --metrics-port must differ."
        case let .badRequestLimit(bytes): "--max-request-bytes must be from 1024 to 2147483648, not \(bytes)."
        }
    }
}
