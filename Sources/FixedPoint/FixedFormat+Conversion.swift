// Conversion of exact values into a fixed-point format: quantization first, then overflow,
// exactly as Xilinx `ap_fixed_base` assigns one fixed-point value to another.
//
// Every entry point reduces to `convert(raw:fractionalBits:)`, which takes an exact value
// `raw × 2^-fractionalBits` with any `Int64` raw and any binary point. It never traps:
// right shifts are bounded, the rounding increment is computed from the dropped bits and
// added after the shift, and values that do not fit `Int64` after a left shift are handled
// as an overflow in their direction.

extension FixedFormat {
    /// The smallest raw code that `SAT_SYM` produces: `minRaw + 1` for signed formats wider
    /// than one bit, else `minRaw` (Xilinx sets the lowest bit of the most negative code, which
    /// for a one-bit signed format is that code itself).
    @inlinable
    public var symmetricMinRaw: Int64 {
        isSigned && width > 1 ? minRaw + 1 : minRaw
    }

    /// The smallest representable value, `minRaw × 2^-fractionalBits`.
    public var minValue: Double { value(raw: minRaw) }

    /// The largest representable value, `maxRaw × 2^-fractionalBits`.
    public var maxValue: Double { value(raw: maxRaw) }

    /// The value of one least significant bit, `2^-fractionalBits`.
    public var resolution: Double { value(raw: 1) }

    /// The real number a raw code stands for: `raw × 2^-fractionalBits`.
    ///
    /// Exact whenever `raw` has at most 53 significant bits; otherwise rounded to the nearest
    /// `Double`.
    @inlinable
    public func value(raw: Int64) -> Double {
        Double(sign: .plus, exponent: -fractionalBits, significand: Double(raw))
    }

    /// Converts the exact value `raw × 2^-sourceFractionalBits` into this format: rounds it
    /// to this format's resolution with ``quantization``, then maps values outside
    /// `minRaw...maxRaw` with ``overflow``.
    ///
    /// Any `Int64` raw and any binary point are accepted (the raw need not fit a format); the
    /// function never traps. Matches Xilinx `ap_fixed` assignment bit for bit.
    @inlinable
    public func convert(raw: Int64, fractionalBits sourceFractionalBits: Int) -> Int64 {
        let shift = sourceFractionalBits - fractionalBits
        if shift > 0 {
            return applyOverflow(toExact: roundedShift(raw, right: shift))
        }
        if shift == 0 || raw == 0 {
            return applyOverflow(toExact: raw)
        }
        let left = -shift
        if left < 63 {
            let shifted = raw &<< Int64(left)
            if shifted &>> Int64(left) == raw {
                return applyOverflow(toExact: shifted)
            }
        }
        return applyOverflow(beyondInt64: raw, left: left)
    }

    /// Converts a raw code of format `source` into this format (see
    /// ``convert(raw:fractionalBits:)``; `raw` may be any `Int64`).
    @inlinable
    public func convert(raw: Int64, from source: FixedFormat) -> Int64 {
        convert(raw: raw, fractionalBits: source.fractionalBits)
    }

    /// Quantizes a real number into a raw code of this format, exactly (the `Double` is an
    /// exact binary fraction, so no rounding happens before this format's quantization).
    ///
    /// NaN gives 0. Plus and minus infinity are treated as `±2^1024` (as Xilinx reads their
    /// bit patterns): `WRAP` gives 0, `SAT` and `SAT_SYM` clamp, `SAT_ZERO` gives 0.
    @inlinable
    public func quantize(_ x: Double) -> Int64 {
        let bits = x.bitPattern
        let exponentField = Int((bits >> 52) & 0x7FF)
        let fraction = Int64(bitPattern: bits & 0x000F_FFFF_FFFF_FFFF)
        let negative = bits >> 63 != 0
        let significand: Int64
        let exponent: Int
        if exponentField == 0x7FF {
            if fraction != 0 { return 0 }  // NaN
            significand = 1
            exponent = 1024  // ±infinity read as ±2^1024
        } else if exponentField == 0 {
            if fraction == 0 { return 0 }  // ±0
            significand = fraction  // subnormal
            exponent = -1074
        } else {
            significand = fraction | (1 << 52)
            exponent = exponentField - 1075
        }
        return convert(raw: negative ? -significand : significand, fractionalBits: -exponent)
    }

    /// Quantizes a `Float` exactly, as ``quantize(_:)-(Double)`` does (a `Float` widens to a
    /// `Double` without rounding).
    @inlinable
    public func quantize(_ x: Float) -> Int64 {
        quantize(Double(x))
    }

    // MARK: - The two steps

    /// `raw × 2^-right` rounded to an integer with this format's quantization mode
    /// (`right > 0`). The result has magnitude at most `2^62`, so it cannot overflow.
    @inlinable
    func roundedShift(_ raw: Int64, right: Int) -> Int64 {
        let sign = raw &>> 63  // 0 or -1: the bits above bit 63
        let floor = right < 64 ? raw &>> Int64(right) : sign
        // `half` is the most significant dropped bit, `rest` whether any lower one is set.
        let half: Bool
        let rest: Bool
        let below = right - 1
        if below < 64 {
            half = (raw &>> Int64(below)) & 1 != 0
            let mask = (UInt64(1) &<< UInt64(below)) &- 1
            rest = UInt64(bitPattern: raw) & mask != 0
        } else {
            half = sign != 0  // the dropped bits reach past bit 63: `half` is a sign bit
            rest = raw != 0
        }
        let negative = sign != 0
        let increment: Bool
        switch quantization {
        case .trn: increment = false
        case .trnZero: increment = negative && (half || rest)
        case .rnd: increment = half
        case .rndZero: increment = half && (negative || rest)
        case .rndMinInf: increment = half && rest
        case .rndInf: increment = half && (!negative || rest)
        case .rndConv: increment = half && (floor & 1 != 0 || rest)
        }
        return increment ? floor + 1 : floor
    }

    /// Maps an exact integer (in units of this format's LSB) to a raw code with this format's
    /// overflow mode.
    @inlinable
    func applyOverflow(toExact v: Int64) -> Int64 {
        let low = minRaw
        let high = maxRaw
        switch overflow {
        case .wrap:
            return wrapped(v)
        case .sat:
            return v < low ? low : (v > high ? high : v)
        case .satZero:
            return v < low || v > high ? 0 : v
        case .satSym:
            let symLow = symmetricMinRaw
            return v < symLow ? symLow : (v > high ? high : v)
        }
    }

    /// Maps `raw × 2^left`, known not to fit `Int64` (so outside every format), to a raw code.
    @inlinable
    func applyOverflow(beyondInt64 raw: Int64, left: Int) -> Int64 {
        switch overflow {
        case .wrap:
            // Only the low `width` bits survive; they are zero once the shift passes 63.
            return left < 64 ? wrapped(raw &<< Int64(left)) : 0
        case .sat:
            return raw < 0 ? minRaw : maxRaw
        case .satZero:
            return 0
        case .satSym:
            return raw < 0 ? symmetricMinRaw : maxRaw
        }
    }

    /// The low `width` bits of `v`, sign-extended for signed formats.
    @inlinable
    func wrapped(_ v: Int64) -> Int64 {
        let unused = Int64(64 - width)
        if isSigned {
            return (v &<< unused) &>> unused
        }
        return Int64(bitPattern: (UInt64(bitPattern: v) &<< UInt64(unused)) &>> UInt64(unused))
    }
}
