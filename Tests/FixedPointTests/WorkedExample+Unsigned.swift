import FixedPoint
import Testing

// Worked examples for an unsigned format, computed by hand.
//
// Format ap_ufixed<3,1,Q,O>: F = 2, one LSB = 0.25, raw codes 0...7. Negative inputs are
// below the range. Columns: WRAP (low 3 bits), SAT (clamp to 0...7), SAT_ZERO (0 outside
// 0...7), SAT_SYM (for unsigned formats the same as SAT, as in Xilinx).

@Suite("Worked examples, ap_ufixed<3,1>")
struct UnsignedWorkedExampleTests {
    static let table: [QuantizationMode: [Row]] = [
        //           LSBs  WRAP  SAT  SAT_ZERO  SAT_SYM
        .trn: [
            Row(-0.25,   7,   0,   0,   0),  // rounds to -1
            Row( -0.5,   7,   0,   0,   0),  // rounds to -1
            Row( -1.5,   6,   0,   0,   0),  // rounds to -2
            Row(  0.5,   0,   0,   0,   0),  // rounds to 0
            Row(  6.5,   6,   6,   6,   6),  // rounds to 6
            Row(  7.5,   7,   7,   7,   7),  // rounds to 7
            Row(  8.5,   0,   7,   0,   7),  // rounds to 8
        ],
        .trnZero: [
            Row(-0.25,   0,   0,   0,   0),  // rounds to 0
            Row( -0.5,   0,   0,   0,   0),  // rounds to 0
            Row( -1.5,   7,   0,   0,   0),  // rounds to -1
            Row(  0.5,   0,   0,   0,   0),  // rounds to 0
            Row(  6.5,   6,   6,   6,   6),  // rounds to 6
            Row(  7.5,   7,   7,   7,   7),  // rounds to 7
            Row(  8.5,   0,   7,   0,   7),  // rounds to 8
        ],
        .rnd: [
            Row(-0.25,   0,   0,   0,   0),  // rounds to 0
            Row( -0.5,   0,   0,   0,   0),  // rounds to 0
            Row( -1.5,   7,   0,   0,   0),  // rounds to -1
            Row(  0.5,   1,   1,   1,   1),  // rounds to 1
            Row(  6.5,   7,   7,   7,   7),  // rounds to 7
            Row(  7.5,   0,   7,   0,   7),  // rounds to 8
            Row(  8.5,   1,   7,   0,   7),  // rounds to 9
        ],
        .rndZero: [
            Row(-0.25,   0,   0,   0,   0),  // rounds to 0
            Row( -0.5,   0,   0,   0,   0),  // rounds to 0
            Row( -1.5,   7,   0,   0,   0),  // rounds to -1
            Row(  0.5,   0,   0,   0,   0),  // rounds to 0
            Row(  6.5,   6,   6,   6,   6),  // rounds to 6
            Row(  7.5,   7,   7,   7,   7),  // rounds to 7
            Row(  8.5,   0,   7,   0,   7),  // rounds to 8
        ],
        .rndMinInf: [
            Row(-0.25,   0,   0,   0,   0),  // rounds to 0
            Row( -0.5,   7,   0,   0,   0),  // rounds to -1
            Row( -1.5,   6,   0,   0,   0),  // rounds to -2
            Row(  0.5,   0,   0,   0,   0),  // rounds to 0
            Row(  6.5,   6,   6,   6,   6),  // rounds to 6
            Row(  7.5,   7,   7,   7,   7),  // rounds to 7
            Row(  8.5,   0,   7,   0,   7),  // rounds to 8
        ],
        .rndInf: [
            Row(-0.25,   0,   0,   0,   0),  // rounds to 0
            Row( -0.5,   7,   0,   0,   0),  // rounds to -1
            Row( -1.5,   6,   0,   0,   0),  // rounds to -2
            Row(  0.5,   1,   1,   1,   1),  // rounds to 1
            Row(  6.5,   7,   7,   7,   7),  // rounds to 7
            Row(  7.5,   0,   7,   0,   7),  // rounds to 8
            Row(  8.5,   1,   7,   0,   7),  // rounds to 9
        ],
        .rndConv: [
            Row(-0.25,   0,   0,   0,   0),  // rounds to 0
            Row( -0.5,   0,   0,   0,   0),  // rounds to 0
            Row( -1.5,   6,   0,   0,   0),  // rounds to -2
            Row(  0.5,   0,   0,   0,   0),  // rounds to 0
            Row(  6.5,   6,   6,   6,   6),  // rounds to 6
            Row(  7.5,   0,   7,   0,   7),  // rounds to 8
            Row(  8.5,   0,   7,   0,   7),  // rounds to 8
        ],
    ]

    @Test("every quantization × overflow combination", arguments: QuantizationMode.allCases, OverflowMode.allCases)
    func combination(quantization: QuantizationMode, overflow: OverflowMode) throws {
        let format = try FixedFormat(
            width: 3, integerBits: 1, signed: false, quantization: quantization, overflow: overflow)
        checkRows(try #require(Self.table[quantization]), format)
    }
}
