/// A request or a model the server cannot serve, as one sentence and the kind of failure
/// that picks the HTTP status and gRPC code (``ServingError/Kind``).
public struct ServingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, from the client's point of view.
    public enum Kind: Equatable, Sendable {
        /// The request is malformed or does not fit the model (HTTP 400, gRPC INVALID_ARGUMENT).
        case badRequest
        /// No such model or version (HTTP 404, gRPC NOT_FOUND).
        case notFound
        /// The request body is over the server's limit (HTTP 413, gRPC RESOURCE_EXHAUSTED).
        case tooLarge
        /// The model cannot answer now: not loaded, or the server is shutting down
        /// (HTTP 503, gRPC UNAVAILABLE).
        case unavailable
        /// The model failed on valid input (HTTP 500, gRPC INTERNAL).
        case internalError

        public static let all: [Kind] = [.badRequest, .notFound, .tooLarge, .unavailable, .internalError]
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// The HTTP status code of this kind.
    public var httpStatus: Int {
        switch kind {
        case .badRequest: 400
        case .notFound: 404
        case .tooLarge: 413
        case .unavailable: 503
        case .internalError: 500
        }
    }

    static func bad(_ message: String) -> ServingError { ServingError(.badRequest, message) }
}

/// A model repository or model configuration the server cannot load: one sentence naming
/// the file.
public struct RepositoryError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
