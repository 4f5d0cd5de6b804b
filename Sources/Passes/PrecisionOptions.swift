import FixedPoint
import GraphIR

/// Settings of ``PrecisionAssignment``.
public struct PrecisionOptions: Hashable, Sendable {
    /// The format of every result, weight, bias and accumulator nobody overrides:
    /// `ap_fixed<16,6>` (TRN, WRAP), as hls4ml's default.
    public var defaultFormat: FixedFormat
    /// Per-node formats by node name (after fusion a fused layer goes by its dense's name).
    /// An override wins over both the default and the exact accumulator; see ``LayerOverride``.
    public var overrides: [String: LayerOverride]
    /// Size every dense, GRU and batch-normalization accumulator so that no sum can ever
    /// overflow or round, for any input in the declared input formats (see
    /// `Docs/Passes.md`). Off by default: accumulators are then `defaultFormat`.
    public var exactAccumulators: Bool
    /// Sizes, ranges and output formats of the activation tables.
    public var tables: TableOptions
    /// Observed ranges of calibration events. With a profile every node keeps the default's
    /// **width** and modes, but its integer bits follow its range: results (and accumulators,
    /// unless ``exactAccumulators``) get `RangeProfile.integerBits(max |value|) +
    /// profileMargin`, weights and biases the bits of the layer's own largest `|w|` and
    /// `|b|` (no margin: they are known exactly). Nodes the profile lacks keep the default.
    /// `nil` (the default): every node gets ``defaultFormat``. Overrides still win.
    public var profile: RangeProfile?
    /// Extra integer bits on top of each profiled result and accumulator range, as headroom
    /// for events beyond the calibration set: 1 by default (twice the largest value seen).
    public var profileMargin: Int

    public init(
        defaultFormat: FixedFormat = .apFixed16_6, overrides: [String: LayerOverride] = [:],
        exactAccumulators: Bool = false, tables: TableOptions = TableOptions(),
        profile: RangeProfile? = nil, profileMargin: Int = 1
    ) {
        self.defaultFormat = defaultFormat
        self.overrides = overrides
        self.exactAccumulators = exactAccumulators
        self.tables = tables
        self.profile = profile
        self.profileMargin = profileMargin
    }
}

/// Formats for one node; `nil` fields keep what precision assignment would choose.
///
/// Formats the node's op does not use (a weight format on a relu, an accumulator on a
/// flatten) are ignored, so one override can set "everything of this layer"; an override
/// naming a node the graph lacks is an error. An `accumulator` set here is used
/// as is even with ``PrecisionOptions/exactAccumulators`` (that node's sums may then
/// overflow); `result`, `weight` and `bias` overrides feed into the exact bound of this and
/// later nodes.
public struct LayerOverride: Hashable, Sendable {
    public var result: FixedFormat?
    public var weight: FixedFormat?
    public var bias: FixedFormat?
    public var accumulator: FixedFormat?
    /// A GRU's gate sums (z and r), when they should differ from its `accumulator`: used as
    /// is (also with exact accumulators); the gate table then reads this format.
    public var gateAccumulator: FixedFormat?
    /// This node's activation tables by role (size and output format), over
    /// ``PrecisionOptions/tables``: a GRU's gate table is `.recurrentActivation`, its
    /// candidate table `.activation`; softmax has `.exp` and `.reciprocal`.
    public var tables: [TableRole: TableOverride]

    public init(
        result: FixedFormat? = nil, weight: FixedFormat? = nil, bias: FixedFormat? = nil,
        accumulator: FixedFormat? = nil, gateAccumulator: FixedFormat? = nil, tables: [TableRole: TableOverride] = [:]
    ) {
        self.result = result
        self.weight = weight
        self.bias = bias
        self.accumulator = accumulator
        self.gateAccumulator = gateAccumulator
        self.tables = tables
    }
}

/// One activation table of one node; `nil` fields keep ``TableOptions``.
public struct TableOverride: Hashable, Sendable {
    /// The most entries a table may have: 65,536.
    public static let maxSize = 65536

    /// Entries before the table is cut to its input format (a power of two).
    public var size: Int?
    /// The format of the table's entries (for a GRU gate: the format of z and r).
    public var outputFormat: FixedFormat?

    public init(size: Int? = nil, outputFormat: FixedFormat? = nil) {
        self.size = size
        self.outputFormat = outputFormat
    }
}

extension FixedFormat {
    /// `ap_fixed<16,6>` (TRN, WRAP): the default format of precision assignment.
    public static let apFixed16_6 = FixedFormat.constant(width: 16, integerBits: 6)

    /// A format the code spells out as a literal; a bad literal is a programmer mistake.
    static func constant(
        width: Int, integerBits: Int, signed: Bool = true, quantization: QuantizationMode = .trn,
        overflow: OverflowMode = .wrap
    ) -> FixedFormat {
        do {
            return try FixedFormat(
                width: width, integerBits: integerBits, signed: signed, quantization: quantization,
                overflow: overflow)
        } catch {
            preconditionFailure("built-in fixed-point format is invalid: \(error)")
        }
    }
}
