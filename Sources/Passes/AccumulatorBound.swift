import FixedPoint
import GraphIR

/// The analysis behind exact accumulators: the largest magnitude any sum of a layer can take
/// for any input in its declared format, from the layer's actual quantized weights.
///
/// Sums are in raw units of `2^-fractionalBits`, where `fractionalBits` is large enough for
/// every product and the bias to be exact (`max(F_W + F_x, F_B)`). The bound for output `j`
/// is `Σ_i |w_ij| · max|x| + |b_j|`; since every term is bounded on its own, each product,
/// the bias and every partial sum also fit. A signed format of ``width`` bits with
/// ``fractionalBits`` fractional bits holds `[-magnitudeRaw, magnitudeRaw]`.
public struct AccumulatorBound: Hashable, Sendable {
    /// Fractional bits of the accumulator.
    public var fractionalBits: Int
    /// The largest `|sum|`, as a raw code of scale `2^-fractionalBits`; `Int64.max` when it
    /// does not fit 63 bits.
    public var magnitudeRaw: Int64

    /// Bits of the narrowest signed format holding `±magnitudeRaw`: one more than the bit
    /// length of `magnitudeRaw` (64 when the magnitude did not fit).
    public var width: Int {
        magnitudeRaw == Int64.max ? 64 : Int64.bitWidth - magnitudeRaw.leadingZeroBitCount + 1
    }

    /// The signed accumulator format, with `modes`' quantization and overflow modes.
    public func format(modes: FixedFormat) throws(FixedPointError) -> FixedFormat {
        try FixedFormat(
            width: width, integerBits: width - fractionalBits, signed: true,
            quantization: modes.quantization, overflow: modes.overflow)
    }

    /// A dense layer (`weights` `[in, out]`, `bias` `[out]`) reading values of format `input`.
    public static func dense(
        weights: Tensor, bias: Tensor, input: FixedFormat, weight: FixedFormat, biasFormat: FixedFormat
    ) -> AccumulatorBound {
        let f = max(weight.fractionalBits + input.fractionalBits, biasFormat.fractionalBits)
        let x = Term(input.maxMagnitudeRaw, input.fractionalBits)
        let columns = columnBounds(weights, weight, x, scale: f)
        let magnitude = columns.indices.map { j in
            columns[j].adding(Term(magnitudeOf: bias.values[j], biasFormat).scaled(to: f))
        }
        return AccumulatorBound(fractionalBits: f, magnitudeRaw: magnitude.map(\.raw).max() ?? 0)
    }

    /// Batch normalization with the quantized `scale` and `shift` of each channel.
    public static func batchNormalization(
        scale: [Double], shift: [Double], input: FixedFormat, weight: FixedFormat, biasFormat: FixedFormat
    ) -> AccumulatorBound {
        let f = max(weight.fractionalBits + input.fractionalBits, biasFormat.fractionalBits)
        let x = Term(input.maxMagnitudeRaw, input.fractionalBits)
        let magnitude = zip(scale, shift).map { s, b in
            Term(magnitudeOf: s, weight).times(x).scaled(to: f).adding(Term(magnitudeOf: b, biasFormat).scaled(to: f))
        }
        return AccumulatorBound(fractionalBits: f, magnitudeRaw: magnitude.map(\.raw).max() ?? 0)
    }

    /// A GRU reading `input` with its state in `state`. `gateMagnitude` bounds `|r|`, the
    /// reset gate's value (`(raw, fractionalBits)`; 1 for sigmoid-like gates). Covers, per
    /// column, the sum of the input and recurrent linear parts (with `r · hh` for
    /// `resetAfter`, rounding included).
    public static func gru(
        _ gru: GRUAttributes, input: FixedFormat, state: FixedFormat, weight: FixedFormat,
        biasFormat: FixedFormat, gateMagnitude: (raw: Int64, fractionalBits: Int)
    ) -> AccumulatorBound {
        let f = max(
            weight.fractionalBits + input.fractionalBits, weight.fractionalBits + state.fractionalBits,
            biasFormat.fractionalBits)
        let x = Term(input.maxMagnitudeRaw, input.fractionalBits)
        let h = Term(state.maxMagnitudeRaw, state.fractionalBits)
        let inputPart = columnBounds(gru.kernel, weight, x, scale: f)
        let recurrentPart = columnBounds(gru.recurrentKernel, weight, h, scale: f)
        let width = 3 * gru.units
        let gate = Term(gateMagnitude.raw, gateMagnitude.fractionalBits)
        var magnitude: [Term] = []
        for j in 0..<width {
            let inputBias = Term(magnitudeOf: gru.bias.values[j], biasFormat).scaled(to: f)
            let xPart = inputPart[j].adding(inputBias)
            var hPart = recurrentPart[j]
            if gru.resetAfter {
                hPart = hPart.adding(Term(magnitudeOf: gru.bias.values[width + j], biasFormat).scaled(to: f))
            }
            if j >= 2 * gru.units && gru.resetAfter {
                // conv(r · hh → A): at most |r| · |hh|, plus one unit for rounding.
                hPart = gate.times(hPart).scaledUp(to: f).adding(Term(1, f))
            }
            magnitude.append(xPart.adding(hPart))
        }
        return AccumulatorBound(fractionalBits: f, magnitudeRaw: magnitude.map(\.raw).max() ?? 0)
    }

    public init(fractionalBits: Int, magnitudeRaw: Int64) {
        self.fractionalBits = fractionalBits
        self.magnitudeRaw = magnitudeRaw
    }

    /// `Σ_i |w_ij| · x` for each column `j` of a `[in, out]` kernel, in scale `f`.
    static func columnBounds(_ kernel: Tensor, _ weight: FixedFormat, _ x: Term, scale f: Int) -> [Term] {
        let rows = kernel.shape.first ?? 0
        let columns = kernel.shape.count == 2 ? kernel.shape[1] : 0
        var sums = [Int64](repeating: 0, count: columns)
        let codes = kernel.quantized(to: weight).codes?.raw ?? []
        for i in 0..<rows {
            for j in 0..<columns where i * columns + j < codes.count {
                let w = codes[i * columns + j]
                sums[j] = saturatingAdd(sums[j], abs(w))  // |w| < 2^62: quantized codes fit the format
            }
        }
        // Σ|w| · x: the magnitudes are summed in the weight's scale, then multiplied once.
        return sums.map { Term($0, weight.fractionalBits).times(x).scaled(to: f) }
    }
}

/// A non-negative magnitude `raw × 2^-fractionalBits` with saturating arithmetic: `Int64.max`
/// stands for "too large for 63 bits", which no format can hold anyway.
struct Term {
    var raw: Int64
    var fractionalBits: Int

    init(_ raw: Int64, _ fractionalBits: Int) {
        self.raw = raw
        self.fractionalBits = fractionalBits
    }

    /// The magnitude of `value` quantized to `format`.
    init(magnitudeOf value: Float, _ format: FixedFormat) {
        self.init(magnitudeOf: Double(value), format)
    }

    init(magnitudeOf value: Double, _ format: FixedFormat) {
        let q = format.quantize(value)
        self.init(q == Int64.min ? Int64.max : abs(q), format.fractionalBits)
    }

    func times(_ other: Term) -> Term {
        let (p, overflow) = raw.multipliedReportingOverflow(by: other.raw)
        return Term(overflow ? Int64.max : p, fractionalBits + other.fractionalBits)
    }

    /// The same magnitude in a scale with at least as many fractional bits (exact).
    func scaled(to f: Int) -> Term {
        let shift = f - fractionalBits
        precondition(shift >= 0, "scaled(to:) only adds fractional bits")
        if raw == 0 { return Term(0, f) }
        if raw == Int64.max || shift >= 63 || raw > Int64.max >> Int64(shift) { return Term(Int64.max, f) }
        return Term(raw << Int64(shift), f)
    }

    /// The magnitude in scale `f`, rounded up when `f` has fewer fractional bits.
    func scaledUp(to f: Int) -> Term {
        let shift = fractionalBits - f
        if shift <= 0 { return scaled(to: f) }
        if raw == Int64.max { return Term(Int64.max, f) }
        if shift >= 63 { return Term(raw == 0 ? 0 : 1, f) }
        let mask = (Int64(1) << Int64(shift)) - 1
        return Term((raw >> Int64(shift)) + (raw & mask == 0 ? 0 : 1), f)
    }

    func adding(_ other: Term) -> Term {
        precondition(fractionalBits == other.fractionalBits, "terms must share a scale")
        return Term(saturatingAdd(raw, other.raw), fractionalBits)
    }
}

func saturatingAdd(_ a: Int64, _ b: Int64) -> Int64 {
    let (s, overflow) = a.addingReportingOverflow(b)
    return overflow ? Int64.max : s
}

extension FixedFormat {
    /// The largest magnitude of any value, as a raw code: `2^(W-1)` signed, `2^W - 1` unsigned.
    var maxMagnitudeRaw: Int64 { isSigned ? -minRaw : maxRaw }
}
