import Hummingbird
import NIOCore
import Prometheus
import Serving
import Synchronization

/// The server's Prometheus metrics (served at `/metrics` on the metrics port): requests and
/// failures by model, protocol and reason; request, queue and compute time; batch sizes.
final class ServingMetrics: ServingObserver, Sendable {
    let registry = PrometheusCollectorRegistry()
    let repository: ModelRepository

    static let timeBuckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .seconds(5),
    ]
    static var requests: MetricNameDescriptor { descriptor("requests", "total", "Inference requests received.") }
    static var failures: MetricNameDescriptor { descriptor("failures", "total", "Inference requests answered with an error.") }
    static var requestTime: MetricNameDescriptor { descriptor("request", "seconds", "Time from a request's checks to its answer.") }
    static var queueTime: MetricNameDescriptor { descriptor("queue", "seconds", "Time a request waited for its batch.") }
    static var computeTime: MetricNameDescriptor { descriptor("compute", "seconds", "Compute time of the batch a request ran in.") }
    static var batchEvents: MetricNameDescriptor { descriptor("batch", "events", "Events in the batch a request ran in.") }

    static func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "trigc", subsystem: "inference", metricName: name, unitName: unit, helpText: help)
    }

    static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384]

    init(repository: ModelRepository) {
        self.repository = repository
    }

    /// Makes every model's request counters, at zero, so that `/metrics` lists the served
    /// models before their first request.
    func register(models: [String]) {
        for model in Set(models) {
            for name in ["http", "grpc"] { _ = series(model: model, protocol: name) }
        }
    }

    /// The metrics of one model and protocol, made once.
    struct Series {
        let requests: Counter
        let failures: [String: Counter]
        let requestTime: DurationHistogram
        let queueTime: DurationHistogram
        let computeTime: DurationHistogram
        let batchEvents: ValueHistogram
    }

    private let series = Mutex<[String: Series]>([:])

    func series(model: String, protocol name: String) -> Series {
        let key = model + "\u{0}" + name
        if let found = series.withLock({ $0[key] }) { return found }
        let model = [("model", model)]
        let made = Series(
            requests: registry.makeCounter(descriptor: Self.requests, labels: model + [("protocol", name)]),
            failures: Dictionary(uniqueKeysWithValues: ServingError.Kind.all.map { kind in
                let reason = Self.reason(kind)
                return (reason, registry.makeCounter(descriptor: Self.failures, labels: model + [("protocol", name), ("reason", reason)]))
            }),
            requestTime: registry.makeDurationHistogram(descriptor: Self.requestTime, labels: model, buckets: Self.timeBuckets),
            queueTime: registry.makeDurationHistogram(descriptor: Self.queueTime, labels: model, buckets: Self.timeBuckets),
            computeTime: registry.makeDurationHistogram(descriptor: Self.computeTime, labels: model, buckets: Self.timeBuckets),
            batchEvents: registry.makeValueHistogram(descriptor: Self.batchEvents, labels: model, buckets: Self.batchBuckets))
        series.withLock { $0[key] = made }
        return made
    }

    /// A model served now or since the start (its requests keep their label after an unload).
    func known(_ model: String) -> Bool {
        series.withLock { $0[model + "\u{0}http"] != nil } || !repository.versions(of: model).isEmpty
    }

    func inferenceEnded(model: String, protocol name: String, seconds: Double, timing: BatchTiming?, error: ServingError?) {
        // Only served models become label values: a client cannot grow the metrics at will.
        let label = known(model) ? model : "_unknown"
        let metrics = series(model: label, protocol: name)
        metrics.requests.increment()
        if let error {
            metrics.failures[Self.reason(error.kind)]?.increment()
            return
        }
        guard let timing else { return }
        metrics.requestTime.record(.nanoseconds(Int64(seconds * 1e9)))
        metrics.queueTime.record(.nanoseconds(Int64(timing.queueSeconds * 1e9)))
        metrics.computeTime.record(.nanoseconds(Int64(timing.computeSeconds * 1e9)))
        metrics.batchEvents.record(Double(timing.batchEvents))
    }

    static func reason(_ kind: ServingError.Kind) -> String {
        switch kind {
        case .badRequest: "bad_request"
        case .notFound: "not_found"
        case .tooLarge: "too_large"
        case .unavailable: "unavailable"
        case .internalError: "internal"
        }
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: self.registry.emitToBuffer())))
        }
        return router
    }
}
