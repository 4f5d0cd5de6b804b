import FixedPoint
import GraphIR

/// Observed value ranges of a graph's nodes: the largest magnitude each node's result (and,
/// where known, its accumulator) took on a set of calibration events, by node name.
///
/// An analysis, not a pass: Passes only holds the data. It is filled from float evaluations
/// (the CLI traces the float graph after `Pipelines.float` with the interpreter), whose node
/// names equal those of the quantization pipeline's graph since both fuse alike. Precision
/// assignment reads it through ``PrecisionOptions/profile`` (see `Docs/Passes.md`).
///
/// `accumulators` holds the pre-activation value of dense layers (for a linear dense or a
/// batch normalization it equals the result; for a GRU its candidate's sums, and
/// `gateAccumulators` its gates' sums); a node without one gets a bound derived from its
/// inputs' ranges and its weights (``PrecisionAssignment``). Non-finite values are never
/// recorded.
public struct RangeProfile: Hashable, Sendable {
    /// Calibration events seen.
    public var events: Int
    /// `max |result|` per node name.
    public var results: [String: Double]
    /// `max |accumulator|` (the pre-activation sum) per node name, where measured.
    public var accumulators: [String: Double]
    /// `max |gate sum|` (a GRU's z and r projections and pre-activations) per node name.
    public var gateAccumulators: [String: Double]

    public init(
        events: Int = 0, results: [String: Double] = [:], accumulators: [String: Double] = [:],
        gateAccumulators: [String: Double] = [:]
    ) {
        self.events = events
        self.results = results
        self.accumulators = accumulators
        self.gateAccumulators = gateAccumulators
    }

    /// Widens `node`'s result range to cover `values` (non-finite values are skipped).
    public mutating func record<C: Collection>(result node: String, values: C) where C.Element == Float {
        results[node] = Self.merged(results[node], values.lazy.map { Double($0) })
    }

    /// Widens `node`'s accumulator range to cover `values` (non-finite values are skipped).
    public mutating func record<C: Collection>(accumulator node: String, values: C) where C.Element == Double {
        accumulators[node] = Self.merged(accumulators[node], values)
    }

    /// Widens a GRU's gate-sum range to cover `values` (non-finite values are skipped).
    public mutating func record<C: Collection>(gateAccumulator node: String, values: C) where C.Element == Double {
        gateAccumulators[node] = Self.merged(gateAccumulators[node], values)
    }

    /// Both profiles' ranges, each node's the wider of the two; events add up.
    public func merging(_ other: RangeProfile) -> RangeProfile {
        RangeProfile(
            events: events + other.events,
            results: results.merging(other.results, uniquingKeysWith: Swift.max),
            accumulators: accumulators.merging(other.accumulators, uniquingKeysWith: Swift.max),
            gateAccumulators: gateAccumulators.merging(other.gateAccumulators, uniquingKeysWith: Swift.max))
    }

    /// `max |result|` of `node`, when profiled.
    public func result(_ node: String) -> Double? { results[node] }

    /// `max |accumulator|` of `node`, when measured.
    public func accumulator(_ node: String) -> Double? { accumulators[node] }

    /// `max |gate sum|` of a GRU `node`, when measured.
    public func gateAccumulator(_ node: String) -> Double? { gateAccumulators[node] }

    static func merged<S: Sequence>(_ current: Double?, _ values: S) -> Double? where S.Element == Double {
        var m = current
        for v in values where v.isFinite {
            let a = Swift.abs(v)
            if m.map({ a > $0 }) ?? true { m = a }
        }
        return m
    }

    /// The fewest integer bits (at least 1) for which a format of `width` bits holds every
    /// value of magnitude up to `magnitude`: `m ≤ 2^(I-1) − 2^(I−W)` signed, `m ≤ 2^I −
    /// 2^(I−W)` unsigned. For signed formats this is `ceil(log2 m) + 1` (the sign bit), one
    /// more when `m` lies within one resolution step below a power of two (so rounding to
    /// nearest cannot overflow). A non-finite or negative `magnitude` counts as 0.
    public static func integerBits(magnitude: Double, width: Int, signed: Bool = true) -> Int {
        guard magnitude.isFinite, magnitude > 0 else { return 1 }
        func power(_ e: Int) -> Double { Double(sign: .plus, exponent: e, significand: 1) }
        func holds(_ i: Int) -> Bool {
            magnitude <= power(signed ? i - 1 : i) - power(i - width)
        }
        var bits = 1
        while !holds(bits) && bits < 256 { bits += 1 }
        return bits
    }
}
