import BigInt
import FixedPoint
import Testing

/// SplitMix64: a small seeded generator so that a failing case reproduces.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SeededGenerator {
    /// A random format: widths favour the extremes 1, 2, 61, 62; integer bits run from well
    /// below zero to well above the width.
    mutating func format() throws -> FixedFormat {
        let widths = [1, 2, 3, 31, 32, 33, 53, 54, 61, 62]
        let width = Bool.random(using: &self) ? widths.randomElement(using: &self) ?? 1 : Int.random(in: 1...62, using: &self)
        let integerBits = Bool.random(using: &self)
            ? Int.random(in: -70...130, using: &self) : Int.random(in: -2...(width + 2), using: &self)
        return try FixedFormat(
            width: width, integerBits: integerBits, signed: Bool.random(using: &self),
            quantization: QuantizationMode.allCases.randomElement(using: &self) ?? .trn,
            overflow: OverflowMode.allCases.randomElement(using: &self) ?? .wrap)
    }

    /// A random `Int64` of random bit length and sign, sometimes an extreme value.
    mutating func raw() -> Int64 {
        let specials: [Int64] = [0, 1, -1, 2, -2, .max, .min, .min + 1, 1 << 62, -(1 << 62)]
        if Int.random(in: 0..<8, using: &self) == 0 { return specials.randomElement(using: &self) ?? 0 }
        let bits = Int.random(in: 0...64, using: &self)
        let pattern = Int64(bitPattern: next())
        return bits == 64 ? pattern : pattern >> Int64(64 - bits)
    }
}

@Suite("Randomized against the BigInt reference")
struct RandomizedReferenceTests {
    /// Checks one conversion result against the reference and the format's invariants.
    static func check(_ got: Int64, _ want: BigInt, _ format: FixedFormat, _ what: @autoclosure () -> String) {
        #expect(BigInt(got) == want, "\(format) from \(what())")
        #expect(got >= format.minRaw && got <= format.maxRaw, "\(format) from \(what()) is out of range")
        if format.overflow == .satSym {
            #expect(got >= format.symmetricMinRaw, "\(format) from \(what()) is below -max")
        }
    }

    @Test("convert(raw:fractionalBits:) on any Int64 and any binary point", arguments: [1, 2, 3] as [UInt64])
    func rawConversion(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        for _ in 0..<12_000 {
            let format = try random.format()
            let raw = random.raw()
            let sourceBits = format.fractionalBits + Int.random(in: -80...140, using: &random)
            let got = format.convert(raw: raw, fractionalBits: sourceBits)
            let want = Reference.convert(numerator: BigInt(raw), exponent: -sourceBits, to: format)
            Self.check(got, want, format, "raw \(raw) with \(sourceBits) fractional bits (seed \(seed))")
        }
    }

    @Test("quantize(Double) for every kind of Double", arguments: [4, 5, 6] as [UInt64])
    func doubleQuantization(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        for index in 0..<12_000 {
            let format = try random.format()
            let x: Double
            if index.isMultiple(of: 2) {
                // Any bit pattern: every magnitude, subnormals, infinities and NaNs.
                x = Double(bitPattern: random.next())
            } else {
                // Near the range, on and between codes: c + k/8 LSB.
                let code = Int64.random(in: (format.minRaw - 4)...(format.maxRaw + 4), using: &random)
                let eighths = Double(Int.random(in: -8...8, using: &random)) / 8
                x = (Double(code) + eighths) * format.resolution
            }
            Self.check(format.quantize(x), Reference.quantize(x, to: format), format, "\(x) (seed \(seed))")
        }
    }

    @Test("quantize(Float) equals the widened Double", arguments: [7] as [UInt64])
    func floatQuantization(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        for _ in 0..<10_000 {
            let format = try random.format()
            let x = Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
            Self.check(format.quantize(x), Reference.quantize(Double(x), to: format), format, "Float \(x)")
        }
    }

    @Test("convert(raw:from:) between random formats")
    func formatToFormat() throws {
        var random = SeededGenerator(seed: 8)
        for _ in 0..<10_000 {
            let source = try random.format()
            let target = try random.format()
            let raw = Int64.random(in: source.minRaw...source.maxRaw, using: &random)
            let want = Reference.convert(numerator: BigInt(raw), exponent: -source.fractionalBits, to: target)
            Self.check(target.convert(raw: raw, from: source), want, target, "\(source) raw \(raw)")
        }
    }
}
