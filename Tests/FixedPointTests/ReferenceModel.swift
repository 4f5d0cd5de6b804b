import BigInt
import FixedPoint

/// An independent, deliberately plain formulation of `ap_fixed` conversion over exact
/// rationals `numerator × 2^exponent` held in `BigInt`: floor division with a remainder,
/// explicit tie handling, modular wrap. It shares no code with the library.
enum Reference {
    /// The raw code `format` gives the exact value `numerator × 2^exponent`.
    static func convert(numerator: BigInt, exponent: Int, to format: FixedFormat) -> BigInt {
        let rounded = round(numerator: numerator, exponent: exponent + format.fractionalBits, format.quantization)
        return applyOverflow(rounded, format)
    }

    /// The raw code `format` gives `x` (NaN → 0; ±infinity read as ±2^1024).
    static func quantize(_ x: Double, to format: FixedFormat) -> BigInt {
        if x.isNaN || x == 0 { return 0 }
        if x.isInfinite {
            return convert(numerator: x < 0 ? -1 : 1, exponent: 1024, to: format)
        }
        // x = significand × 2^exponent with significand in [1, 2): 52 more bits make it whole.
        let magnitude = BigInt(exactly: x.magnitude.significand * 0x1p52)
        guard let magnitude else { fatalError("significand of \(x) is not a whole number after scaling") }
        return convert(numerator: x < 0 ? -magnitude : magnitude, exponent: Int(x.exponent) - 52, to: format)
    }

    /// `numerator × 2^scale` rounded to an integer with `mode`.
    static func round(numerator: BigInt, exponent scale: Int, _ mode: QuantizationMode) -> BigInt {
        if scale >= 0 { return numerator << scale }
        let divisor = BigInt(1) << -scale
        var (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: divisor)
        if remainder < 0 {  // make it a floor division: 0 <= remainder < divisor
            quotient -= 1
            remainder += divisor
        }
        if remainder == 0 { return quotient }
        let negative = numerator < 0
        let twice = remainder * 2
        let up = quotient + 1
        switch mode {
        case .trn: return quotient
        case .trnZero: return negative ? up : quotient
        case .rnd, .rndZero, .rndMinInf, .rndInf, .rndConv:
            if twice < divisor { return quotient }
            if twice > divisor { return up }
            switch mode {  // an exact tie between quotient and up
            case .rnd: return up
            case .rndZero: return negative ? up : quotient
            case .rndMinInf: return quotient
            case .rndInf: return negative ? quotient : up
            case .rndConv: return quotient.isMultiple(of: 2) ? quotient : up
            case .trn, .trnZero: fatalError("not a rounding mode")
            }
        }
    }

    /// The raw code for the integer `value` (in LSBs) under `format`'s overflow mode.
    static func applyOverflow(_ value: BigInt, _ format: FixedFormat) -> BigInt {
        let width = format.width
        let span = BigInt(1) << width
        let low: BigInt = format.isSigned ? -(BigInt(1) << (width - 1)) : 0
        let high: BigInt = format.isSigned ? (BigInt(1) << (width - 1)) - 1 : span - 1
        // Xilinx ORs 1 into the most negative code; with one bit that is the code itself.
        let symmetricLow = format.isSigned && width > 1 ? low + 1 : low
        switch format.overflow {
        case .wrap:
            var modulo = value.quotientAndRemainder(dividingBy: span).remainder
            if modulo < 0 { modulo += span }
            return modulo > high ? modulo - span : modulo
        case .sat: return min(max(value, low), high)
        case .satZero: return value < low || value > high ? 0 : value
        case .satSym: return min(max(value, symmetricLow), high)
        }
    }
}
