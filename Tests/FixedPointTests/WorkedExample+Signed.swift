import FixedPoint
import Testing

// Worked examples for all 28 quantization × overflow combinations, computed by hand.
//
// Format ap_fixed<4,2,Q,O>: F = 2, one LSB = 0.25, raw codes -8...7 (values -2.0...1.75).
// Inputs are in LSBs. Each row's comment gives the rounded integer before overflow; the four
// columns are then the final codes for WRAP (low 4 bits, sign-extended), SAT (clamp to
// -8...7), SAT_ZERO (0 when outside -8...7) and SAT_SYM (clamp to -7...7).
//
// Rounding of a tie: RND up, RND_ZERO toward 0, RND_MIN_INF down, RND_INF away from 0,
// RND_CONV to even; TRN is floor, TRN_ZERO toward 0 for any dropped bits.

/// One worked example: an input in units of the format's LSB (quarter-LSB steps, so ties and
/// non-ties both occur) and the expected raw code under each overflow mode.
struct Row: Sendable {
    let lsbs: Double
    let wrap: Int64
    let sat: Int64
    let satZero: Int64
    let satSym: Int64

    init(_ lsbs: Double, _ wrap: Int64, _ sat: Int64, _ satZero: Int64, _ satSym: Int64) {
        (self.lsbs, self.wrap, self.sat, self.satZero, self.satSym) = (lsbs, wrap, sat, satZero, satSym)
    }

    func expected(_ overflow: OverflowMode) -> Int64 {
        switch overflow {
        case .wrap: wrap
        case .sat: sat
        case .satZero: satZero
        case .satSym: satSym
        }
    }
}

/// Checks every row for `format` through each entry point: the exact raw value `lsbs × 4`
/// with two more fractional bits, the `Double` `lsbs × 2^-F`, and the same as a `Float`.
func checkRows(_ rows: [Row], _ format: FixedFormat) {
    for row in rows {
        let expected = row.expected(format.overflow)
        let raw = Int64(row.lsbs * 4)
        #expect(
            format.convert(raw: raw, fractionalBits: format.fractionalBits + 2) == expected,
            "\(format) from \(row.lsbs) LSB (raw)")
        let real = row.lsbs * format.resolution
        #expect(format.quantize(real) == expected, "\(format) from \(real)")
        #expect(format.quantize(Float(real)) == expected, "\(format) from Float \(real)")
    }
}

@Suite("Worked examples, ap_fixed<4,2>")
struct SignedWorkedExampleTests {
    static let table: [QuantizationMode: [Row]] = [
        //           LSBs  WRAP  SAT  SAT_ZERO  SAT_SYM
        .trn: [
            Row(  0.5,   0,   0,   0,   0),  // rounds to 0
            Row( -0.5,  -1,  -1,  -1,  -1),  // rounds to -1
            Row(  1.5,   1,   1,   1,   1),  // rounds to 1
            Row( -1.5,  -2,  -2,  -2,  -2),  // rounds to -2
            Row( 0.25,   0,   0,   0,   0),  // rounds to 0
            Row(-0.75,  -1,  -1,  -1,  -1),  // rounds to -1
            Row(  2.5,   2,   2,   2,   2),  // rounds to 2
            Row( -2.5,  -3,  -3,  -3,  -3),  // rounds to -3
            Row(  6.5,   6,   6,   6,   6),  // rounds to 6
            Row(    7,   7,   7,   7,   7),  // rounds to 7
            Row( 7.25,   7,   7,   7,   7),  // rounds to 7
            Row(  7.5,   7,   7,   7,   7),  // rounds to 7
            Row(    8,  -8,   7,   0,   7),  // rounds to 8
            Row(-7.75,  -8,  -8,  -8,  -7),  // rounds to -8
            Row(   -8,  -8,  -8,  -8,  -7),  // rounds to -8
            Row(-8.25,   7,  -8,   0,  -7),  // rounds to -9
            Row( -8.5,   7,  -8,   0,  -7),  // rounds to -9
            Row(-9.25,   6,  -8,   0,  -7),  // rounds to -10
        ],
        .trnZero: [
            Row(  0.5,   0,   0,   0,   0),  // rounds to 0
            Row( -0.5,   0,   0,   0,   0),  // rounds to 0
            Row(  1.5,   1,   1,   1,   1),  // rounds to 1
            Row( -1.5,  -1,  -1,  -1,  -1),  // rounds to -1
            Row( 0.25,   0,   0,   0,   0),  // rounds to 0
            Row(-0.75,   0,   0,   0,   0),  // rounds to 0
            Row(  2.5,   2,   2,   2,   2),  // rounds to 2
            Row( -2.5,  -2,  -2,  -2,  -2),  // rounds to -2
            Row(  6.5,   6,   6,   6,   6),  // rounds to 6
            Row(    7,   7,   7,   7,   7),  // rounds to 7
            Row( 7.25,   7,   7,   7,   7),  // rounds to 7
            Row(  7.5,   7,   7,   7,   7),  // rounds to 7
            Row(    8,  -8,   7,   0,   7),  // rounds to 8
            Row(-7.75,  -7,  -7,  -7,  -7),  // rounds to -7
            Row(   -8,  -8,  -8,  -8,  -7),  // rounds to -8
            Row(-8.25,  -8,  -8,  -8,  -7),  // rounds to -8
            Row( -8.5,  -8,  -8,  -8,  -7),  // rounds to -8
            Row(-9.25,   7,  -8,   0,  -7),  // rounds to -9
        ],
        .rnd: [
            Row(  0.5,   1,   1,   1,   1),  // rounds to 1
            Row( -0.5,   0,   0,   0,   0),  // rounds to 0
            Row(  1.5,   2,   2,   2,   2),  // rounds to 2
            Row( -1.5,  -1,  -1,  -1,  -1),  // rounds to -1
            Row( 0.25,   0,   0,   0,   0),  // rounds to 0
            Row(-0.75,  -1,  -1,  -1,  -1),  // rounds to -1
            Row(  2.5,   3,   3,   3,   3),  // rounds to 3
            Row( -2.5,  -2,  -2,  -2,  -2),  // rounds to -2
            Row(  6.5,   7,   7,   7,   7),  // rounds to 7
            Row(    7,   7,   7,   7,   7),  // rounds to 7
            Row( 7.25,   7,   7,   7,   7),  // rounds to 7
            Row(  7.5,  -8,   7,   0,   7),  // rounds to 8
            Row(    8,  -8,   7,   0,   7),  // rounds to 8
            Row(-7.75,  -8,  -8,  -8,  -7),  // rounds to -8
            Row(   -8,  -8,  -8,  -8,  -7),  // rounds to -8
            Row(-8.25,  -8,  -8,  -8,  -7),  // rounds to -8
            Row( -8.5,  -8,  -8,  -8,  -7),  // rounds to -8
            Row(-9.25,   7,  -8,   0,  -7),  // rounds to -9
        ],
        .rndZero: [
            Row(  0.5,   0,   0,   0,   0),  // rounds to 0
            Row( -0.5,   0,   0,   0,   0),  // rounds to 0
            Row(  1.5,   1,   1,   1,   1),  // rounds to 1
            Row( -1.5,  -1,  -1,  -1,  -1),  // rounds to -1
            Row( 0.25,   0,   0,   0,   0),  // rounds to 0
            Row(-0.75,  -1,  -1,  -1,  -1),  // rounds to -1
            Row(  2.5,   2,   2,   2,   2),  // rounds to 2
            Row( -2.5,  -2,  -2,  -2,  -2),  // rounds to -2
            Row(  6.5,   6,   6,   6,   6),  // rounds to 6
            Row(    7,   7,   7,   7,   7),  // rounds to 7
            Row( 7.25,   7,   7,   7,   7),  // rounds to 7
            Row(  7.5,   7,   7,   7,   7),  // rounds to 7
            Row(    8,  -8,   7,   0,   7),  // rounds to 8
            Row(-7.75,  -8,  -8,  -8,  -7),  // rounds to -8
            Row(   -8,  -8,  -8,  -8,  -7),  // rounds to -8
            Row(-8.25,  -8,  -8,  -8,  -7),  // rounds to -8
            Row( -8.5,  -8,  -8,  -8,  -7),  // rounds to -8
            Row(-9.25,   7,  -8,   0,  -7),  // rounds to -9
        ],
        .rndMinInf: [
            Row(  0.5,   0,   0,   0,   0),  // rounds to 0
            Row( -0.5,  -1,  -1,  -1,  -1),  // rounds to -1
            Row(  1.5,   1,   1,   1,   1),  // rounds to 1
            Row( -1.5,  -2,  -2,  -2,  -2),  // rounds to -2
            Row( 0.25,   0,   0,   0,   0),  // rounds to 0
            Row(-0.75,  -1,  -1,  -1,  -1),  // rounds to -1
            Row(  2.5,   2,   2,   2,   2),  // rounds to 2
            Row( -2.5,  -3,  -3,  -3,  -3),  // rounds to -3
            Row(  6.5,   6,   6,   6,   6),  // rounds to 6
            Row(    7,   7,   7,   7,   7),  // rounds to 7
            Row( 7.25,   7,   7,   7,   7),  // rounds to 7
            Row(  7.5,   7,   7,   7,   7),  // rounds to 7
            Row(    8,  -8,   7,   0,   7),  // rounds to 8
            Row(-7.75,  -8,  -8,  -8,  -7),  // rounds to -8
            Row(   -8,  -8,  -8,  -8,  -7),  // rounds to -8
            Row(-8.25,  -8,  -8,  -8,  -7),  // rounds to -8
            Row( -8.5,   7,  -8,   0,  -7),  // rounds to -9
            Row(-9.25,   7,  -8,   0,  -7),  // rounds to -9
        ],
        .rndInf: [
            Row(  0.5,   1,   1,   1,   1),  // rounds to 1
            Row( -0.5,  -1,  -1,  -1,  -1),  // rounds to -1
            Row(  1.5,   2,   2,   2,   2),  // rounds to 2
            Row( -1.5,  -2,  -2,  -2,  -2),  // rounds to -2
            Row( 0.25,   0,   0,   0,   0),  // rounds to 0
            Row(-0.75,  -1,  -1,  -1,  -1),  // rounds to -1
            Row(  2.5,   3,   3,   3,   3),  // rounds to 3
            Row( -2.5,  -3,  -3,  -3,  -3),  // rounds to -3
            Row(  6.5,   7,   7,   7,   7),  // rounds to 7
            Row(    7,   7,   7,   7,   7),  // rounds to 7
            Row( 7.25,   7,   7,   7,   7),  // rounds to 7
            Row(  7.5,  -8,   7,   0,   7),  // rounds to 8
            Row(    8,  -8,   7,   0,   7),  // rounds to 8
            Row(-7.75,  -8,  -8,  -8,  -7),  // rounds to -8
            Row(   -8,  -8,  -8,  -8,  -7),  // rounds to -8
            Row(-8.25,  -8,  -8,  -8,  -7),  // rounds to -8
            Row( -8.5,   7,  -8,   0,  -7),  // rounds to -9
            Row(-9.25,   7,  -8,   0,  -7),  // rounds to -9
        ],
        .rndConv: [
            Row(  0.5,   0,   0,   0,   0),  // rounds to 0
            Row( -0.5,   0,   0,   0,   0),  // rounds to 0
            Row(  1.5,   2,   2,   2,   2),  // rounds to 2
            Row( -1.5,  -2,  -2,  -2,  -2),  // rounds to -2
            Row( 0.25,   0,   0,   0,   0),  // rounds to 0
            Row(-0.75,  -1,  -1,  -1,  -1),  // rounds to -1
            Row(  2.5,   2,   2,   2,   2),  // rounds to 2
            Row( -2.5,  -2,  -2,  -2,  -2),  // rounds to -2
            Row(  6.5,   6,   6,   6,   6),  // rounds to 6
            Row(    7,   7,   7,   7,   7),  // rounds to 7
            Row( 7.25,   7,   7,   7,   7),  // rounds to 7
            Row(  7.5,  -8,   7,   0,   7),  // rounds to 8
            Row(    8,  -8,   7,   0,   7),  // rounds to 8
            Row(-7.75,  -8,  -8,  -8,  -7),  // rounds to -8
            Row(   -8,  -8,  -8,  -8,  -7),  // rounds to -8
            Row(-8.25,  -8,  -8,  -8,  -7),  // rounds to -8
            Row( -8.5,  -8,  -8,  -8,  -7),  // rounds to -8
            Row(-9.25,   7,  -8,   0,  -7),  // rounds to -9
        ],
    ]

    @Test("every quantization × overflow combination", arguments: QuantizationMode.allCases, OverflowMode.allCases)
    func combination(quantization: QuantizationMode, overflow: OverflowMode) throws {
        let format = try FixedFormat(width: 4, integerBits: 2, quantization: quantization, overflow: overflow)
        let rows = try #require(Self.table[quantization])
        #expect(rows.count == 18)
        checkRows(rows, format)
    }
}
