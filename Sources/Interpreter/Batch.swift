import FixedPoint
import Foundation

/// A batch of float events: `count` events, each of per-event `shape`, stored row-major as
/// `values[event × elementsPerEvent + element]`.
public struct Batch: Hashable, Sendable {
    /// The number of events.
    public var count: Int
    /// The per-event shape (the batch axis is implicit).
    public var shape: [Int]
    /// `count × shape.reduce(1, *)` values, event after event.
    public var values: [Float]

    /// A batch from its values; `values.count` must be `count × shape.reduce(1, *)`.
    public init(count: Int, shape: [Int], values: [Float]) {
        precondition(count >= 0 && values.count == count * shape.reduce(1, *),
                     "Batch: \(values.count) values do not make \(count) events of shape \(shape)")
        self.count = count
        self.shape = shape
        self.values = values
    }

    /// A batch of one event.
    public init(event values: [Float], shape: [Int]) {
        self.init(count: 1, shape: shape, values: values)
    }

    /// The number of values in one event.
    public var elementsPerEvent: Int { shape.reduce(1, *) }

    /// The values of one event.
    public func event(_ index: Int) -> ArraySlice<Float> {
        let n = elementsPerEvent
        return values[index * n ..< (index + 1) * n]
    }
}

/// A batch of fixed-point events: raw codes of `format`, laid out like ``Batch``.
public struct FixedBatch: Hashable, Sendable {
    public var count: Int
    public var shape: [Int]
    /// Raw codes (`value = raw × 2^-format.fractionalBits`), event after event.
    public var raw: [Int64]
    public var format: FixedFormat

    public init(count: Int, shape: [Int], raw: [Int64], format: FixedFormat) {
        precondition(count >= 0 && raw.count == count * shape.reduce(1, *),
                     "FixedBatch: \(raw.count) codes do not make \(count) events of shape \(shape)")
        self.count = count
        self.shape = shape
        self.raw = raw
        self.format = format
    }

    /// The number of values in one event.
    public var elementsPerEvent: Int { shape.reduce(1, *) }

    /// The real values the raw codes stand for (rounded to `Float`).
    public var values: [Float] { raw.map { Float(format.value(raw: $0)) } }

    /// The raw codes of one event.
    public func event(_ index: Int) -> ArraySlice<Int64> {
        let n = elementsPerEvent
        return raw[index * n ..< (index + 1) * n]
    }
}

/// One value the interpreter returns: float32 values or fixed-point raw codes.
public enum InterpreterOutput: Hashable, Sendable {
    case float(Batch)
    case fixed(FixedBatch)

    /// The values as floats (real values of fixed-point codes).
    public var batch: Batch {
        switch self {
        case let .float(batch): batch
        case let .fixed(fixed): Batch(count: fixed.count, shape: fixed.shape, values: fixed.values)
        }
    }

    /// The fixed-point codes, or `nil` for a float value.
    public var fixed: FixedBatch? {
        if case let .fixed(fixed) = self { fixed } else { nil }
    }
}

/// How the interpreter runs.
public struct InterpreterOptions: Hashable, Sendable {
    /// Worker threads; events are split across them in blocks. Defaults to every core.
    public var threads: Int
    /// Events per block (each worker evaluates the whole graph on one block at a time).
    public var blockSize: Int
    /// Use the specialised fixed-point kernels (SIMD dense, fast input quantization) where
    /// they are exact; `false` forces the generic scalar `Int64` path everywhere.
    public var fastPaths: Bool

    public init(
        threads: Int = ProcessInfo.processInfo.activeProcessorCount, blockSize: Int = 256,
        fastPaths: Bool = true
    ) {
        self.threads = max(1, threads)
        self.blockSize = max(16, (blockSize + 15) / 16 * 16)
        self.fastPaths = fastPaths
    }
}

/// Whether the interpreter computes in float32 or in bit-exact fixed point.
public enum InterpreterMode: String, Hashable, Sendable {
    case float
    case fixed
}
