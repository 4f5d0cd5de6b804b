import BigInt
import FixedPoint
import Testing

@Suite("Product and sum formats")
struct ArithmeticFormatTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let a: String
        let b: String
        let product: String
        let sum: String
        var testDescription: String { "\(a), \(b)" }
    }

    // Hand-computed from the ap_fixed RType rules: product <W1+W2, I1+I2>; sum with
    // F = max(F1, F2), I = max(I1 + (S2 && !S1), I2 + (S1 && !S2)) + 1, W = I + F.
    static let cases: [Case] = [
        Case(a: "ap_fixed<16,6>", b: "ap_fixed<16,6>", product: "ap_fixed<32,12>", sum: "ap_fixed<17,7>"),
        Case(a: "ap_fixed<8,3>", b: "ap_fixed<12,2>", product: "ap_fixed<20,5>", sum: "ap_fixed<14,4>"),
        Case(a: "ap_ufixed<8,3>", b: "ap_ufixed<4,4>", product: "ap_ufixed<12,7>", sum: "ap_ufixed<10,5>"),
        // Mixed signs: the unsigned operand gains a bit before the max.
        Case(a: "ap_ufixed<8,3>", b: "ap_fixed<8,3>", product: "ap_fixed<16,6>", sum: "ap_fixed<10,5>"),
        Case(a: "ap_fixed<8,3>", b: "ap_ufixed<8,3>", product: "ap_fixed<16,6>", sum: "ap_fixed<10,5>"),
        Case(a: "ap_fixed<8,6>", b: "ap_ufixed<8,3>", product: "ap_fixed<16,9>", sum: "ap_fixed<12,7>"),
        // Negative integer bits and integer bits beyond the width.
        Case(a: "ap_fixed<8,-2>", b: "ap_fixed<4,10>", product: "ap_fixed<12,8>", sum: "ap_fixed<21,11>"),
        Case(a: "ap_ufixed<4,-3>", b: "ap_ufixed<4,-3>", product: "ap_ufixed<8,-6>", sum: "ap_ufixed<5,-2>"),
        // Modes of the operands do not carry over: results are TRN, WRAP.
        Case(a: "ap_fixed<8,3,AP_RND,AP_SAT>", b: "ap_fixed<8,3,AP_RND_CONV,AP_SAT_SYM>",
             product: "ap_fixed<16,6>", sum: "ap_fixed<9,4>"),
        Case(a: "ap_fixed<31,1>", b: "ap_fixed<31,30>", product: "ap_fixed<62,31>", sum: "ap_fixed<61,31>"),
    ]

    @Test("result formats", arguments: cases)
    func resultFormats(_ c: Case) throws {
        let a = try FixedFormat(parsing: c.a)
        let b = try FixedFormat(parsing: c.b)
        #expect(try FixedFormat.product(a, b).description == c.product)
        #expect(try FixedFormat.sum(a, b).description == c.sum)
    }

    @Test("too wide results throw instead of wrapping")
    func tooWide() throws {
        let a = try FixedFormat(parsing: "ap_fixed<32,16>")
        let b = try FixedFormat(parsing: "ap_fixed<31,16>")
        #expect(throws: FixedPointError.unsupportedWidth(width: 63, maximum: 62)) { try FixedFormat.product(a, b) }
        let wide = try FixedFormat(parsing: "ap_fixed<62,1>")
        let coarse = try FixedFormat(parsing: "ap_ufixed<8,8>")
        // I = max(1 + 0, 8 + 1) + 1 = 10, F = 61: width 71.
        #expect(throws: FixedPointError.unsupportedWidth(width: 71, maximum: 62)) { try FixedFormat.sum(wide, coarse) }
        #expect(try FixedFormat.product(try FixedFormat(parsing: "ap_fixed<31,1>"), b).width == 62)
    }

    /// Every product and every sum of two codes, aligned exactly, is a code of the result
    /// format (checked at the corners, where the range is tightest).
    @Test("extreme operands fit the result", arguments: cases)
    func extremesFit(_ c: Case) throws {
        let a = try FixedFormat(parsing: c.a)
        let b = try FixedFormat(parsing: c.b)
        let product = try FixedFormat.product(a, b)
        let sum = try FixedFormat.sum(a, b)
        for x in [a.minRaw, a.maxRaw, 0] {
            for y in [b.minRaw, b.maxRaw, 0] {
                let exactProduct = BigInt(x) * BigInt(y)
                #expect(exactProduct >= BigInt(product.minRaw) && exactProduct <= BigInt(product.maxRaw))
                // The sum in the sum format's scale: shift each operand up to F.
                let exactSum = BigInt(x) << (sum.fractionalBits - a.fractionalBits)
                    + BigInt(y) << (sum.fractionalBits - b.fractionalBits)
                #expect(exactSum >= BigInt(sum.minRaw) && exactSum <= BigInt(sum.maxRaw))
                // convert into the result format changes nothing.
                if exactProduct.bitWidth <= 64 {
                    let raw = Int64(exactProduct)
                    #expect(product.convert(raw: raw, fractionalBits: a.fractionalBits + b.fractionalBits) == raw)
                }
            }
        }
    }
}
