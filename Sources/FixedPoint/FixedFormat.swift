/// How a value with more fractional bits than the target is rounded: the seven
/// quantization modes of Xilinx `ap_fixed`, with their `ap_fixed` spellings.
public enum QuantizationMode: String, CaseIterable, Hashable, Sendable {
    /// Truncate toward minus infinity (drop the low bits). The default.
    case trn = "TRN"
    /// Truncate toward zero.
    case trnZero = "TRN_ZERO"
    /// Round to nearest, ties toward plus infinity.
    case rnd = "RND"
    /// Round to nearest, ties toward zero.
    case rndZero = "RND_ZERO"
    /// Round to nearest, ties toward minus infinity.
    case rndMinInf = "RND_MIN_INF"
    /// Round to nearest, ties away from zero.
    case rndInf = "RND_INF"
    /// Round to nearest, ties to even (convergent rounding).
    case rndConv = "RND_CONV"
}

/// What happens to a value outside the representable range: the four overflow modes of
/// Xilinx `ap_fixed`, with their `ap_fixed` spellings.
public enum OverflowMode: String, CaseIterable, Hashable, Sendable {
    /// Keep the low `width` bits (two's complement wrap-around). The default.
    case wrap = "WRAP"
    /// Clamp to the minimum or maximum.
    case sat = "SAT"
    /// Any overflow gives zero.
    case satZero = "SAT_ZERO"
    /// Clamp symmetrically: to `max` or `-max` (signed), never to the most negative code.
    case satSym = "SAT_SYM"
}

/// A fixed-point number format with exactly the semantics of Xilinx `ap_fixed<W,I,Q,O>`
/// (signed) and `ap_ufixed<W,I,Q,O>` (unsigned).
///
/// A value is stored as an integer `raw` of `width` bits; it stands for
/// `raw × 2^-(width - integerBits)`. `integerBits` may be negative or exceed `width`.
/// Raw values are held in `Int64`; widths above ``FixedFormat/maxWidth`` are rejected.
public struct FixedFormat: Hashable, Sendable {
    /// The widest format the `Int64` raw representation holds with headroom for rounding.
    public static let maxWidth = 62

    /// Total bits of a raw code, `1...maxWidth`.
    public let width: Int
    /// Bits left of the binary point (the sign bit included for signed formats); may be
    /// negative or exceed `width`.
    public let integerBits: Int
    /// Whether raw codes are two's complement (`ap_fixed`) or unsigned (`ap_ufixed`).
    public let isSigned: Bool
    /// How values with more fractional bits are rounded into this format.
    public let quantization: QuantizationMode
    /// How values outside `minRaw...maxRaw` are mapped into this format.
    public let overflow: OverflowMode

    /// Creates a format, or throws when the width is outside `1...maxWidth` or the
    /// integer bits put the binary point unreasonably far away (`|integerBits| > 256`).
    public init(
        width: Int, integerBits: Int, signed: Bool = true,
        quantization: QuantizationMode = .trn, overflow: OverflowMode = .wrap
    ) throws(FixedPointError) {
        guard (1...Self.maxWidth).contains(width) else {
            throw .unsupportedWidth(width: width, maximum: Self.maxWidth)
        }
        guard abs(integerBits) <= 256 else {
            throw .unsupportedIntegerBits(integerBits)
        }
        self.width = width
        self.integerBits = integerBits
        self.isSigned = signed
        self.quantization = quantization
        self.overflow = overflow
    }

    /// Bits right of the binary point; a value is `raw × 2^-fractionalBits`.
    @inlinable
    public var fractionalBits: Int { width - integerBits }

    /// The smallest raw code: `-2^(width-1)` signed, `0` unsigned.
    @inlinable
    public var minRaw: Int64 { isSigned ? -(Int64(1) &<< Int64(width - 1)) : 0 }

    /// The largest raw code: `2^(width-1) - 1` signed, `2^width - 1` unsigned.
    @inlinable
    public var maxRaw: Int64 {
        isSigned ? (Int64(1) &<< Int64(width - 1)) - 1 : (Int64(1) &<< Int64(width)) - 1
    }

    /// Whether `raw` sits at a bound a saturating format clamps to, where a value may have
    /// been clipped: the largest code, or the smallest (`SAT`) or its negation (`SAT_SYM`);
    /// an unsigned 0 (a ReLU's floor) is not counted. False for `WRAP` and `SAT_ZERO`, whose
    /// overflows leave no mark at a bound.
    @inlinable
    public func isAtSaturationBound(_ raw: Int64) -> Bool {
        switch overflow {
        case .sat: raw == maxRaw || (raw == minRaw && raw != 0)
        case .satSym: raw == maxRaw || (isSigned && raw == -maxRaw)
        case .wrap, .satZero: false
        }
    }

    /// The same format with other rounding and overflow modes.
    public func with(quantization: QuantizationMode? = nil, overflow: OverflowMode? = nil) -> FixedFormat {
        // Width and integer bits are unchanged, so the checks of `init` still hold.
        var copy = self
        copy = FixedFormat(
            unchecked: width, integerBits, isSigned,
            quantization ?? self.quantization, overflow ?? self.overflow)
        return copy
    }

    init(unchecked width: Int, _ integerBits: Int, _ signed: Bool, _ q: QuantizationMode, _ o: OverflowMode) {
        self.width = width
        self.integerBits = integerBits
        self.isSigned = signed
        self.quantization = q
        self.overflow = o
    }
}

/// Everything that can go wrong building, parsing or combining fixed-point formats.
public enum FixedPointError: Error, Hashable, Sendable {
    /// A width outside `1...maximum` (also a product or sum format that would be too wide).
    case unsupportedWidth(width: Int, maximum: Int)
    /// Integer bits beyond ±256.
    case unsupportedIntegerBits(Int)
    /// A format spelling (such as `ap_fixed<16,6>`) that does not parse; `reason` says why.
    case invalidSpelling(String, reason: String)
}

extension FixedPointError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .unsupportedWidth(width, maximum):
            return "fixed-point width \(width) is not supported: widths run from 1 to \(maximum) bits."
        case let .unsupportedIntegerBits(bits):
            return "fixed-point integer bits \(bits) are out of range: at most 256 either way."
        case let .invalidSpelling(text, reason):
            return "'\(text)' is not a fixed-point format: \(reason)."
        }
    }
}
