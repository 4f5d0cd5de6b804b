import Foundation
import GraphIR

/// Where the protocol front ends report each request (the server's Prometheus metrics).
public protocol ServingObserver: Sendable {
    /// One inference request ended: answered (`timing` set) or failed (`error` set).
    /// `seconds` is the whole request, decoding and encoding excluded.
    func inferenceEnded(model: String, protocol: String, seconds: Double, timing: BatchTiming?, error: ServingError?)
}

/// The protocol-independent server: the repository behind the REST and gRPC front ends,
/// with the server's identity and the observer both front ends report to.
public final class InferenceServer: Sendable {
    public let repository: ModelRepository
    public let observer: (any ServingObserver)?
    public static let name = "trigc"
    public static let version = TrigcVersion.string
    /// The KServe v2 / Triton extensions served.
    public static let extensions = ["binary_tensor_data", "model_repository", "statistics_prometheus"]

    public init(repository: ModelRepository, observer: (any ServingObserver)? = nil) {
        self.repository = repository
        self.observer = observer
    }

    /// Runs one request and reports it.
    public func infer(_ request: InferenceRequest, protocol name: String) async throws(ServingError) -> InferenceResponse {
        let start = ContinuousClock.now
        do {
            let (response, timing) = try await repository.infer(request)
            observer?.inferenceEnded(model: request.model, protocol: name, seconds: (ContinuousClock.now - start).seconds,
                                     timing: timing, error: nil)
            return response
        } catch {
            observer?.inferenceEnded(model: request.model, protocol: name, seconds: (ContinuousClock.now - start).seconds,
                                     timing: nil, error: error)
            throw error
        }
    }

    /// A failure to decode a request, reported like a failed inference.
    public func reportRejected(model: String, protocol name: String, _ error: ServingError) {
        observer?.inferenceEnded(model: model, protocol: name, seconds: 0, timing: nil, error: error)
    }
}
