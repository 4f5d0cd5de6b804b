import FixedPoint
import Testing

@Suite("Edge cases of conversion")
struct EdgeCaseTests {
    static func format(_ text: String) throws -> FixedFormat { try FixedFormat(parsing: text) }

    @Test("Int64.min shifted right by 64 is the tie -0.5 LSB")
    func extremeTie() throws {
        let expected: [QuantizationMode: Int64] = [
            .trn: -1, .trnZero: 0, .rnd: 0, .rndZero: 0, .rndMinInf: -1, .rndInf: -1, .rndConv: 0,
        ]
        for (mode, code) in expected {
            let f = try FixedFormat(width: 8, integerBits: 8, quantization: mode)
            #expect(f.convert(raw: .min, fractionalBits: 64) == code, "\(f)")
            // Far beyond: -2^63 × 2^-2000 is a tiny negative number, not a tie; only the
            // floor (TRN) moves it to -1.
            #expect(f.convert(raw: .min, fractionalBits: 2000) == (mode == .trn ? -1 : 0), "\(f)")
        }
    }

    @Test("huge left shifts overflow in their direction without trapping")
    func hugeLeftShifts() throws {
        #expect(try Self.format("ap_fixed<8,4,AP_TRN,AP_SAT>").convert(raw: .max, fractionalBits: -100) == 127)
        #expect(try Self.format("ap_fixed<8,4,AP_TRN,AP_SAT>").convert(raw: -3, fractionalBits: -100) == -128)
        #expect(try Self.format("ap_fixed<8,4,AP_TRN,AP_SAT_SYM>").convert(raw: -3, fractionalBits: -100) == -127)
        #expect(try Self.format("ap_fixed<8,4,AP_TRN,AP_SAT_ZERO>").convert(raw: -3, fractionalBits: -100) == 0)
        #expect(try Self.format("ap_fixed<8,4>").convert(raw: -3, fractionalBits: -100) == 0)
        // 5 × 2^61 does not fit Int64; its low 62 bits are 2^61, the most negative code.
        #expect(try Self.format("ap_fixed<62,62>").convert(raw: 5, fractionalBits: -61) == -(1 << 61))
        #expect(try Self.format("ap_ufixed<62,62>").convert(raw: 5, fractionalBits: -61) == 1 << 61)
        #expect(try Self.format("ap_ufixed<62,62,AP_TRN,AP_SAT>").convert(raw: -5, fractionalBits: -61) == 0)
    }

    @Test("NaN gives 0 and infinities overflow", arguments: OverflowMode.allCases)
    func specialDoubles(overflow: OverflowMode) throws {
        for mode in QuantizationMode.allCases {
            let f = try FixedFormat(width: 8, integerBits: 3, quantization: mode, overflow: overflow)
            #expect(f.quantize(Double.nan) == 0)
            #expect(f.quantize(-Double.nan) == 0)
            #expect(f.quantize(Float.nan) == 0)
            #expect(f.quantize(-0.0) == 0)
            let (up, down): (Int64, Int64) = switch overflow {
            case .wrap: (0, 0)
            case .sat: (127, -128)
            case .satZero: (0, 0)
            case .satSym: (127, -127)
            }
            #expect(f.quantize(Double.infinity) == up)
            #expect(f.quantize(-Double.infinity) == down)
            #expect(f.quantize(Float.infinity) == up)
        }
    }

    @Test("SAT_SYM never gives the most negative code, except with one bit (as Xilinx)")
    func saturateSymmetric() throws {
        let f = try Self.format("ap_fixed<4,4,AP_TRN,AP_SAT_SYM>")
        #expect(f.quantize(-8.0) == -7)  // exactly the most negative value
        #expect(f.quantize(-7.5) == -7)  // TRN: floor to -8, then clamps
        #expect(f.quantize(-7.0) == -7)
        let rounding = try Self.format("ap_fixed<4,4,AP_RND_INF,AP_SAT_SYM>")
        #expect(rounding.quantize(-7.5) == -7)  // rounds to -8, then clamps
        let one = try Self.format("ap_fixed<1,1,AP_TRN,AP_SAT_SYM>")
        #expect(one.symmetricMinRaw == -1)
        #expect(one.quantize(-1.0) == -1)
        #expect(one.quantize(-5.0) == -1)
        #expect(one.quantize(3.0) == 0)
        let unsigned = try Self.format("ap_ufixed<4,4,AP_TRN,AP_SAT_SYM>")
        #expect(unsigned.quantize(-3.0) == 0)
        #expect(unsigned.quantize(20.0) == 15)
    }

    @Test("negative integer bits and integer bits beyond the width")
    func unusualBinaryPoints() throws {
        let small = try Self.format("ap_fixed<4,-2,AP_RND,AP_SAT>")  // LSB 2^-6, range ±2^-3
        #expect(small.quantize(0.0625) == 4)
        #expect(small.quantize(0.2) == 7)
        #expect(small.quantize(-0.125) == -8)
        let coarse = try Self.format("ap_fixed<4,10,AP_RND_CONV,AP_WRAP>")  // LSB 64
        #expect(coarse.quantize(96.0) == 2)  // 1.5 LSB: tie to even
        #expect(coarse.quantize(160.0) == 2)  // 2.5 LSB: tie to even
        #expect(coarse.quantize(512.0) == -8)  // 8 LSB wraps
    }

    @Test("value(raw:) and the range")
    func values() throws {
        let f = try Self.format("ap_fixed<16,6>")
        #expect(f.value(raw: -512) == -0.5)
        #expect(f.resolution == 0x1p-10)
        #expect(f.minValue == -32)
        #expect(f.maxValue == 32 - 0x1p-10)
        let u = try Self.format("ap_ufixed<8,-2>")
        #expect(u.maxValue == 255 * 0x1p-10)
        #expect(u.minValue == 0)
        let wide = try Self.format("ap_fixed<62,-256>")
        #expect(wide.value(raw: 1) == 0x1p-318)
        #expect(wide.quantize(wide.value(raw: -12345)) == -12345)
    }

    @Test("saturation bounds: the codes each overflow mode clamps to")
    func saturationBounds() throws {
        let sat = try Self.format("ap_fixed<8,2,AP_TRN,AP_SAT>")
        #expect(sat.isAtSaturationBound(127) && sat.isAtSaturationBound(-128))
        #expect(!sat.isAtSaturationBound(126) && !sat.isAtSaturationBound(0))
        let sym = try Self.format("ap_fixed<8,2,AP_TRN,AP_SAT_SYM>")
        #expect(sym.isAtSaturationBound(127) && sym.isAtSaturationBound(-127) && !sym.isAtSaturationBound(-128))
        let unsigned = try Self.format("ap_ufixed<8,2,AP_TRN,AP_SAT>")
        #expect(unsigned.isAtSaturationBound(255) && !unsigned.isAtSaturationBound(0))
        for spelling in ["ap_fixed<8,2>", "ap_fixed<8,2,AP_TRN,AP_SAT_ZERO>"] {
            let format = try Self.format(spelling)
            #expect(!format.isAtSaturationBound(127) && !format.isAtSaturationBound(-128), "\(spelling)")
        }
    }
}
