import Foundation
import Interpreter

/// What one request's share of a combined batch took.
public struct BatchTiming: Sendable {
    /// From the request's arrival in the queue to the start of its batch.
    public var queueSeconds: Double
    /// The whole batch's compute time.
    public var computeSeconds: Double
    /// Events in the combined batch.
    public var batchEvents: Int
    /// Requests in the combined batch.
    public var batchRequests: Int
}

/// Queues the requests to one model and runs them together: a batch starts when it holds
/// `maxBatchSize` events or when its first request has waited `maxQueueDelay`, and takes
/// whatever is queued then, up to `maxBatchSize` events, in arrival order. Each request gets
/// exactly its own events' outputs: every backend computes each event independently of the
/// others in its batch, so the answer equals running the request alone (bit for bit for
/// the fixed-point interpreter; tested).
///
/// Batches run one at a time on a thread of the batcher's own, never on Swift's cooperative
/// pool (a long batch must not starve the network code) — except a small request (at most
/// `inlineEvents`) to a model that is idle and has no queue delay: it runs at once on the
/// caller's thread, saving two thread hand-offs (most of a one-event request's cost);
/// requests arriving meanwhile queue for the batcher's thread as usual.
public final class DynamicBatcher: @unchecked Sendable {
    public let maxBatchSize: Int
    public let maxQueueDelay: Double
    private let backend: any ModelBackend
    /// Values per event of each input and output tensor, to split and join batches.
    private let inputShapes: [String: [Int]]
    private let outputWidths: [String: Int]

    private struct Pending {
        var inputs: [String: Batch]
        var count: Int
        var arrival: ContinuousClock.Instant
        var answer: @Sendable (Result<([String: TensorValues], BatchTiming), ServingError>) -> Void
    }

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [Pending] = []
    private var queuedEvents = 0
    private var stopping = false
    private var finished = false
    /// A batch is running (on the batcher's thread or inline).
    private var running = false
    /// The most events of a request run inline (0: never).
    private let inlineEvents: Int

    public init(backend: any ModelBackend, inputShapes: [String: [Int]], outputWidths: [String: Int],
                maxBatchSize: Int, maxQueueDelayMicroseconds: Int, inlineEvents: Int = 0, label: String) {
        self.backend = backend
        self.inputShapes = inputShapes
        self.outputWidths = outputWidths
        self.maxBatchSize = maxBatchSize
        self.maxQueueDelay = Double(maxQueueDelayMicroseconds) * 1e-6
        self.inlineEvents = maxQueueDelayMicroseconds == 0 ? inlineEvents : 0
        // The thread keeps the batcher alive until ``stop()`` lets it end.
        let thread = Thread { self.work() }
        thread.name = "trigc-batch-\(label)"
        thread.start()
    }

    /// Queues `count` events and returns their outputs once their batch has run. The inputs
    /// are checked by the caller (names, shapes); `count` is at most ``maxBatchSize``.
    public func submit(_ inputs: [String: Batch], count: Int) async throws(ServingError) -> ([String: TensorValues], BatchTiming) {
        if count <= inlineEvents, let answer = runInlineIfIdle(inputs, count: count) { return try answer.get() }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<([String: TensorValues], BatchTiming), ServingError>, Never>) in
            enqueue(Pending(inputs: inputs, count: count, arrival: .now) { continuation.resume(returning: $0) })
        }
        return try result.get()
    }

    private func enqueue(_ pending: Pending) {
        condition.lock()
        if stopping {
            condition.unlock()
            pending.answer(.failure(ServingError(.unavailable, "the model is being unloaded or the server is shutting down.")))
            return
        }
        queue.append(pending)
        queuedEvents += pending.count
        condition.signal()
        condition.unlock()
    }

    /// Runs the request on this thread when no batch is running or queued; nil otherwise.
    private func runInlineIfIdle(_ inputs: [String: Batch], count: Int) -> Result<([String: TensorValues], BatchTiming), ServingError>? {
        condition.lock()
        guard !stopping, !running, queue.isEmpty else {
            condition.unlock()
            return nil
        }
        running = true
        condition.unlock()
        let box = AnswerBox()
        run([Pending(inputs: inputs, count: count, arrival: .now) { box.answer = $0 }], events: count)
        condition.lock()
        running = false
        // Requests that queued meanwhile are the batcher thread's.
        condition.broadcast()
        condition.unlock()
        return box.answer
    }

    /// Refuses new requests, runs every queued one, and returns when the last has been
    /// answered.
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished || running { condition.wait() }
        condition.unlock()
    }

    private func work() {
        condition.lock()
        while true {
            while (queue.isEmpty || running) && !(stopping && !running) { condition.wait() }
            if queue.isEmpty { break }
            // Wait for the batch to fill, up to the first request's deadline.
            let deadline = Date(timeIntervalSinceNow: max(0, maxQueueDelay - (ContinuousClock.now - queue[0].arrival).seconds))
            while queuedEvents < maxBatchSize && !stopping && Date() < deadline {
                if !condition.wait(until: deadline) { break }
            }
            var taken: [Pending] = []
            var events = 0
            while let next = queue.first, taken.isEmpty || events + next.count <= maxBatchSize {
                taken.append(next)
                events += next.count
                queue.removeFirst()
            }
            queuedEvents -= events
            running = true
            condition.unlock()
            run(taken, events: events)
            condition.lock()
            running = false
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private func run(_ taken: [Pending], events: Int) {
        let start = ContinuousClock.now
        let joined: [String: Batch]
        if taken.count == 1 {
            joined = taken[0].inputs
        } else {
            var batches: [String: Batch] = [:]
            for (name, shape) in inputShapes {
                var values: [Float] = []
                values.reserveCapacity(events * shape.reduce(1, *))
                for pending in taken { values += pending.inputs[name]?.values ?? [] }
                batches[name] = Batch(count: events, shape: shape, values: values)
            }
            joined = batches
        }
        let outcome: Result<[String: TensorValues], ServingError>
        do {
            outcome = .success(try backend.run(joined, count: events))
        } catch let error as ServingError {
            outcome = .failure(error)
        } catch {
            outcome = .failure(ServingError(.internalError, "the model failed on this batch: \(error)"))
        }
        let computeSeconds = (ContinuousClock.now - start).seconds
        var offset = 0
        for pending in taken {
            let timing = BatchTiming(queueSeconds: (start - pending.arrival).seconds, computeSeconds: computeSeconds,
                                     batchEvents: events, batchRequests: taken.count)
            switch outcome {
            case let .success(outputs):
                var mine: [String: TensorValues] = [:]
                for (name, values) in outputs {
                    let width = outputWidths[name] ?? (values.count / max(events, 1))
                    mine[name] = taken.count == 1 ? values : values.slice((offset * width)..<((offset + pending.count) * width))
                }
                pending.answer(.success((mine, timing)))
            case let .failure(error):
                pending.answer(.failure(error))
            }
            offset += pending.count
        }
    }
}

/// The answer of an inline run (set and read on the same thread).
private final class AnswerBox: @unchecked Sendable {
    var answer: Result<([String: TensorValues], BatchTiming), ServingError>?
}

extension Duration {
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}
