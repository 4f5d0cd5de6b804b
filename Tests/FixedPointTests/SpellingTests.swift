import FixedPoint
import Testing

@Suite("Spelling: parse and print")
struct SpellingTests {
    struct Accepted: Sendable, CustomTestStringConvertible {
        let text: String
        let canonical: String
        var testDescription: String { text }
    }

    static let accepted: [Accepted] = [
        Accepted(text: "ap_fixed<16,6>", canonical: "ap_fixed<16,6>"),
        Accepted(text: "ap_fixed<16,6,AP_RND,AP_SAT>", canonical: "ap_fixed<16,6,AP_RND,AP_SAT>"),
        Accepted(text: "ap_fixed<16,6,AP_TRN,AP_WRAP>", canonical: "ap_fixed<16,6>"),
        Accepted(text: "ap_fixed<16,6,AP_TRN,AP_WRAP,0>", canonical: "ap_fixed<16,6>"),
        Accepted(text: "ap_fixed<16,6,AP_RND_CONV>", canonical: "ap_fixed<16,6,AP_RND_CONV,AP_WRAP>"),
        Accepted(text: "ap_ufixed<8,0,AP_RND,AP_SAT>", canonical: "ap_ufixed<8,0,AP_RND,AP_SAT>"),
        Accepted(text: "fixed<16,6,RND,SAT>", canonical: "ap_fixed<16,6,AP_RND,AP_SAT>"),
        Accepted(text: "ufixed<8,0>", canonical: "ap_ufixed<8,0>"),
        Accepted(text: "fixed<12,-3,RND_MIN_INF,SAT_SYM>", canonical: "ap_fixed<12,-3,AP_RND_MIN_INF,AP_SAT_SYM>"),
        Accepted(text: "  ap_fixed < 18 , 8 , AP_RND_ZERO , AP_SAT_ZERO >  ", canonical: "ap_fixed<18,8,AP_RND_ZERO,AP_SAT_ZERO>"),
        Accepted(text: "ap_fixed<\t4,\n40>", canonical: "ap_fixed<4,40>"),
        Accepted(text: "ap_int<8>", canonical: "ap_fixed<8,8>"),
        Accepted(text: "ap_uint< 62 >", canonical: "ap_ufixed<62,62>"),
        Accepted(text: "ap_fixed<1,1,AP_TRN_ZERO,SAT>", canonical: "ap_fixed<1,1,AP_TRN_ZERO,AP_SAT>"),
    ]

    @Test("accepted spellings and their canonical form", arguments: accepted)
    func accepts(_ c: Accepted) throws {
        let format = try FixedFormat(parsing: c.text)
        #expect(format.description == c.canonical)
        #expect(try FixedFormat(parsing: format.description) == format)
        #expect(FixedFormat(c.text) == format)
    }

    @Test("parsed fields")
    func fields() throws {
        let format = try FixedFormat(parsing: "ap_ufixed<10,-2,AP_RND_INF,AP_SAT_SYM>")
        #expect(format.width == 10)
        #expect(format.integerBits == -2)
        #expect(format.fractionalBits == 12)
        #expect(!format.isSigned)
        #expect(format.quantization == .rndInf)
        #expect(format.overflow == .satSym)
    }

    @Test("every format prints and parses back", arguments: QuantizationMode.allCases, OverflowMode.allCases)
    func roundTrip(quantization: QuantizationMode, overflow: OverflowMode) throws {
        for (width, integerBits) in [(1, 0), (1, 1), (7, -40), (16, 6), (62, 256), (62, -256)] {
            for signed in [true, false] {
                let format = try FixedFormat(
                    width: width, integerBits: integerBits, signed: signed,
                    quantization: quantization, overflow: overflow)
                #expect(try FixedFormat(parsing: format.description) == format)
            }
        }
    }

    struct Rejected: Sendable, CustomTestStringConvertible {
        let text: String
        let reason: String
        var testDescription: String { text }
    }

    static let rejected: [Rejected] = [
        Rejected(text: "ap_fixed<0,0>", reason: "the width 0 is outside 1...62"),
        Rejected(text: "ap_fixed<63,10>", reason: "the width 63 is outside 1...62"),
        Rejected(text: "ap_uint<64>", reason: "the width 64 is outside 1...62"),
        Rejected(text: "ap_fixed<-4,2>", reason: "the width -4 is outside 1...62"),
        Rejected(text: "ap_fixed<x,2>", reason: "the width 'x' is not a whole number"),
        Rejected(text: "ap_fixed<16,6.5>", reason: "the integer bits '6.5' are not a whole number"),
        Rejected(text: "ap_fixed<16,300>", reason: "the integer bits 300 are outside -256...256"),
        Rejected(text: "ap_fixed<16,6,AP_RND,AP_SAT,2>", reason: "saturation bits N = 2 are not supported, only 0"),
        Rejected(text: "ap_fixed<16,6,AP_RND,AP_WRAP,1>", reason: "saturation bits N = 1 are not supported, only 0"),
        Rejected(text: "ap_fixed<16,6,AP_SAT>",
                 reason: "unknown quantization mode 'AP_SAT', expected one of AP_TRN, AP_TRN_ZERO, AP_RND, AP_RND_ZERO, AP_RND_MIN_INF, AP_RND_INF, AP_RND_CONV"),
        Rejected(text: "ap_fixed<16,6,AP_RND,AP_WRAP_SM>",
                 reason: "unknown overflow mode 'AP_WRAP_SM', expected one of AP_WRAP, AP_SAT, AP_SAT_ZERO, AP_SAT_SYM"),
        Rejected(text: "ap_fixed<16>", reason: "ap_fixed takes 2 to 5 arguments (W, I, Q, O, N), not 1"),
        Rejected(text: "ap_int<8,4>", reason: "ap_int takes exactly 1 argument (the width), not 2"),
        Rejected(text: "ap_fixed<16,6,AP_RND,AP_SAT,0,0>", reason: "ap_fixed takes 2 to 5 arguments (W, I, Q, O, N), not 6"),
        Rejected(text: "ap_fixed<16,,AP_RND>", reason: "argument 2 is empty"),
        Rejected(text: "ap_fixed<>", reason: "argument 1 is empty"),
        Rejected(text: "float", reason: "expected a type such as ap_fixed<16,6> with arguments in angle brackets"),
        Rejected(text: "", reason: "expected a type such as ap_fixed<16,6> with arguments in angle brackets"),
        Rejected(text: "ap_fixed<16,6", reason: "the arguments must end with a single '>' at the end"),
        Rejected(text: "ap_fixed<16,6>>", reason: "the arguments must end with a single '>' at the end"),
        Rejected(text: "ap_fixed<16,6> x", reason: "the arguments must end with a single '>' at the end"),
        Rejected(text: "ap_fixed<ap_int<4>,2>", reason: "the arguments must end with a single '>' at the end"),
        Rejected(text: "sc_fixed<16,6>",
                 reason: "unknown type 'sc_fixed', expected ap_fixed, ap_ufixed, fixed, ufixed, ap_int or ap_uint"),
        Rejected(text: "ap fixed<16,6>",
                 reason: "unknown type 'ap fixed', expected ap_fixed, ap_ufixed, fixed, ufixed, ap_int or ap_uint"),
    ]

    @Test("rejected spellings say why", arguments: rejected)
    func rejects(_ c: Rejected) {
        #expect(throws: FixedPointError.invalidSpelling(c.text, reason: c.reason)) {
            try FixedFormat(parsing: c.text)
        }
        #expect(FixedFormat(c.text) == nil)
    }

    @Test("errors read as one sentence")
    func errorText() {
        let error = FixedPointError.invalidSpelling("ap_fixed<0,0>", reason: "the width 0 is outside 1...62")
        #expect(error.description == "'ap_fixed<0,0>' is not a fixed-point format: the width 0 is outside 1...62.")
    }
}
