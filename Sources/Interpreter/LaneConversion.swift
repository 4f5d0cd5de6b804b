import FixedPoint

/// Eight events' values in `Int32` lanes: the unit of the SIMD fixed-point kernels.
typealias Lane = SIMD8<Int32>

/// What a conversion does with values outside the target range, on `Int32` lanes.
enum LaneOverflow: Sendable {
    /// The values cannot leave the range.
    case none
    /// Keep the low `bits` bits, sign-extended (signed WRAP, `bits ≤ 32`).
    case wrapSigned(bits: Int32)
    /// Keep the low bits under `mask` (unsigned WRAP, width ≤ 31).
    case wrapUnsigned(mask: Int32)
    /// Clamp to `low...high` (SAT, SAT_SYM).
    case clamp(low: Int32, high: Int32)
    /// Zero outside `low...high` (SAT_ZERO).
    case zero(low: Int32, high: Int32)

    /// The overflow handling of `format` for values known to lie in `range` (raw units of
    /// `format`), or `nil` when it cannot be done exactly on `Int32` lanes.
    init?(_ format: FixedFormat, range: ClosedRange<Int64>) {
        guard format.fitsInt32 else { return nil }
        if range.lowerBound >= format.minRaw && range.upperBound <= format.maxRaw {
            self = .none
            return
        }
        switch format.overflow {
        case .wrap:
            self = format.isSigned
                ? .wrapSigned(bits: Int32(format.width))
                : .wrapUnsigned(mask: Int32(truncatingIfNeeded: format.maxRaw))
        case .sat:
            self = .clamp(low: Int32(format.minRaw), high: Int32(format.maxRaw))
        case .satSym:
            self = .clamp(low: Int32(format.symmetricMinRaw), high: Int32(format.maxRaw))
        case .satZero:
            self = .zero(low: Int32(format.minRaw), high: Int32(format.maxRaw))
        }
    }

    @inline(__always)
    func apply(_ v: Lane) -> Lane {
        switch self {
        case .none:
            return v
        case let .wrapSigned(bits):
            let unused = 32 &- bits
            return (v &<< unused) &>> unused
        case let .wrapUnsigned(mask):
            return v & Lane(repeating: mask)
        case let .clamp(low, high):
            return pointwiseMax(pointwiseMin(v, Lane(repeating: high)), Lane(repeating: low))
        case let .zero(low, high):
            // Lanes the clamp changes become 0: `d ≠ 0` ⇔ the sign bit of `d | -d` is set.
            let d = pointwiseMax(pointwiseMin(v, Lane(repeating: high)), Lane(repeating: low)) &- v
            return v & ~((d | (0 &- d)) &>> 31)
        }
    }

    /// Whether the result depends only on the value modulo 2^32 (so wrapping `Int32`
    /// arithmetic before it is harmless).
    var isModular: Bool {
        switch self {
        case .wrapSigned, .wrapUnsigned: true
        case .none, .clamp, .zero: false
        }
    }
}

/// A conversion of `Int32` lanes from one binary point to a format: a rounding shift (TRN
/// or RND) or an exact left shift, then the format's overflow.
struct LaneConversion: Sendable {
    let right: Int32
    let left: Int32
    /// Added before the right shift (`2^(right-1)` for RND, else 0).
    let round: Int32
    let overflow: LaneOverflow
    /// The range of the shifted values before overflow handling.
    let shiftedRange: ClosedRange<Int64>

    /// Converts values in `range` with `sourceBits` fractional bits to `format`, or `nil`
    /// when `Int32` lanes cannot do it exactly.
    init?(from sourceBits: Int, range: ClosedRange<Int64>, to format: FixedFormat) {
        guard range.lowerBound >= Int64(Int32.min), range.upperBound <= Int64(Int32.max) else { return nil }
        let shift = sourceBits - format.fractionalBits
        var low = range.lowerBound
        var high = range.upperBound
        if shift > 0 {
            guard shift <= 30 else { return nil }
            switch format.quantization {
            case .trn: round = 0
            case .rnd: round = Int32(1) << Int32(shift - 1)
            case .trnZero, .rndZero, .rndMinInf, .rndInf, .rndConv: return nil
            }
            guard high + Int64(round) <= Int64(Int32.max) else { return nil }
            right = Int32(shift)
            left = 0
            low = (low + Int64(round)) >> Int64(shift)
            high = (high + Int64(round)) >> Int64(shift)
        } else {
            guard -shift <= 31 else { return nil }
            right = 0
            left = Int32(-shift)
            round = 0
            low <<= Int64(-shift)
            high <<= Int64(-shift)
        }
        guard let overflow = LaneOverflow(format, range: low...high) else { return nil }
        // A left shift past Int32 is only harmless when the overflow is modular.
        if low < Int64(Int32.min) || high > Int64(Int32.max) {
            guard overflow.isModular else { return nil }
        }
        self.overflow = overflow
        shiftedRange = low...high
    }

    @inline(__always)
    func apply(_ v: Lane) -> Lane {
        var r = v
        if right > 0 {
            r = (r &+ Lane(repeating: round)) &>> right
        } else if left > 0 {
            r = r &<< left
        }
        return overflow.apply(r)
    }
}

extension FixedFormat {
    /// Whether every raw code of the format fits an `Int32`.
    var fitsInt32: Bool { minRaw >= Int64(Int32.min) && maxRaw <= Int64(Int32.max) }

    /// The range of raw codes.
    var rawRange: ClosedRange<Int64> { minRaw...maxRaw }
}

extension LaneConversion {
    /// The range of the converted values.
    var resultRange: ClosedRange<Int64> {
        switch overflow {
        case .none: shiftedRange
        case let .wrapSigned(bits): -(Int64(1) << Int64(bits - 1)) ... (Int64(1) << Int64(bits - 1)) - 1
        case let .wrapUnsigned(mask): 0...Int64(mask)
        case let .clamp(low, high): Int64(low)...Int64(high)
        case let .zero(low, high): min(Int64(low), 0)...max(Int64(high), 0)
        }
    }
}

/// Marks in `active` the events whose step `t` is live (`mask[e·steps + t] == 0`) for a block
/// of `n` events; false when none is (the whole step is skipped). Used by the fixed and the
/// float GRU block paths alike.
@inline(__always)
func liveLanes(
    _ mask: UnsafePointer<UInt8>, step t: Int, steps: Int, count n: Int, into active: UnsafeMutablePointer<UInt8>
) -> Bool {
    var any = false
    for e in 0..<n {
        active[e] = mask[e * steps + t] == 0 ? 1 : 0
        any = any || active[e] != 0
    }
    return any
}
