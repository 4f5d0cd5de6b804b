// The full-precision result formats of `ap_fixed` arithmetic: the `mult` and `plus` types of
// `ap_fixed_base::RType`. Results use the default modes (TRN, WRAP), as Xilinx's do; a result
// wider than `FixedFormat.maxWidth` throws instead of wrapping.

extension FixedFormat {
    /// The exact format of `a × b`: width `W1 + W2`, integer bits `I1 + I2`, signed when either
    /// operand is. The product of two raw codes, an `Int64`, is a raw code of this format.
    ///
    /// Throws ``FixedPointError/unsupportedWidth(width:maximum:)`` when `W1 + W2` exceeds
    /// ``maxWidth`` (and ``FixedPointError/unsupportedIntegerBits(_:)`` past ±256).
    public static func product(_ a: FixedFormat, _ b: FixedFormat) throws(FixedPointError) -> FixedFormat {
        try FixedFormat(
            width: a.width + b.width, integerBits: a.integerBits + b.integerBits,
            signed: a.isSigned || b.isSigned)
    }

    /// The exact format of `a + b` (Xilinx's `plus` type): with `F = max(F1, F2)` and
    /// `I = max(I1 + (S2 && !S1), I2 + (S1 && !S2)) + 1` (an unsigned operand gains a bit when
    /// the other is signed), width `I + F`, signed when either operand is.
    ///
    /// Throws ``FixedPointError/unsupportedWidth(width:maximum:)`` when the width exceeds
    /// ``maxWidth``.
    public static func sum(_ a: FixedFormat, _ b: FixedFormat) throws(FixedPointError) -> FixedFormat {
        let aGains = b.isSigned && !a.isSigned ? 1 : 0
        let bGains = a.isSigned && !b.isSigned ? 1 : 0
        let integerBits = max(a.integerBits + aGains, b.integerBits + bGains) + 1
        let fractionalBits = max(a.fractionalBits, b.fractionalBits)
        return try FixedFormat(
            width: integerBits + fractionalBits, integerBits: integerBits,
            signed: a.isSigned || b.isSigned)
    }
}
