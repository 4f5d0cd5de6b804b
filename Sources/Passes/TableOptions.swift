import FixedPoint
import GraphIR

/// Sizes, input ranges and output formats of the activation tables that precision
/// assignment builds. Defaults and their measured errors are listed in `Docs/Passes.md`.
///
/// Each table is first cut to the range its input format can hold, with its step never finer
/// than that format's resolution (see ``PrecisionAssignment``), so a narrow input format gets
/// a smaller table with the same step.
public struct TableOptions: Hashable, Sendable {
    /// Entries of every table before it is cut to its input format: 1024. A power of two.
    public var size: Int
    /// The tanh table's input range: `[-8, 8)` (tanh(8) is within 2.3e-7 of 1).
    public var tanhRange: Range<Double>
    /// The sigmoid table's input range: `[-8, 8)` (sigmoid(-8) = 3.4e-4).
    public var sigmoidRange: Range<Double>
    /// The softmax exp table's input range, for `d = v - max ≤ 0`: `[-8, 0)`.
    public var expRange: Range<Double>
    /// The tanh table's output format; `nil` (the default) means the node's result format
    /// with rounding to nearest (`RND`) and saturation (`SAT`) while the table is built.
    public var tanhOutputFormat: FixedFormat?
    /// The sigmoid table's output format; `nil` as for ``tanhOutputFormat``.
    public var sigmoidOutputFormat: FixedFormat?
    /// The exp table's output format: `ap_ufixed<18,0,AP_RND,AP_SAT>` (entries are in (0, 1)
    /// because they sample `exp` at step midpoints below 0).
    public var expOutputFormat: FixedFormat
    /// The reciprocal table's output format: `ap_ufixed<18,1,AP_RND,AP_SAT>` (the sum of exps
    /// can fall just below 1, so `1/sum` just above it).
    public var reciprocalOutputFormat: FixedFormat

    public init(
        size: Int = 1024, tanhRange: Range<Double> = -8..<8, sigmoidRange: Range<Double> = -8..<8,
        expRange: Range<Double> = -8..<0, tanhOutputFormat: FixedFormat? = nil,
        sigmoidOutputFormat: FixedFormat? = nil, expOutputFormat: FixedFormat = .expTableOutput,
        reciprocalOutputFormat: FixedFormat = .reciprocalTableOutput
    ) {
        self.size = size
        self.tanhRange = tanhRange
        self.sigmoidRange = sigmoidRange
        self.expRange = expRange
        self.tanhOutputFormat = tanhOutputFormat
        self.sigmoidOutputFormat = sigmoidOutputFormat
        self.expOutputFormat = expOutputFormat
        self.reciprocalOutputFormat = reciprocalOutputFormat
    }
}

extension FixedFormat {
    /// `ap_ufixed<18,0,AP_RND,AP_SAT>`: the default output format of softmax exp tables.
    public static let expTableOutput = FixedFormat.constant(
        width: 18, integerBits: 0, signed: false, quantization: .rnd, overflow: .sat)
    /// `ap_ufixed<18,1,AP_RND,AP_SAT>`: the default output format of softmax reciprocal tables.
    public static let reciprocalTableOutput = FixedFormat.constant(
        width: 18, integerBits: 1, signed: false, quantization: .rnd, overflow: .sat)
}
