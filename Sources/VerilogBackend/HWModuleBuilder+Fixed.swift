import FixedPoint

/// A hardware value read as a fixed-point number: `raw × 2^-fractionalBits`, with `raw` the
/// value's bits as two's complement (`signed`) or unsigned.
struct FixedSignal {
    var value: HWValue
    var width: Int
    var signed: Bool
    var fractionalBits: Int

    /// The signal of a raw code of `format`.
    init(_ value: HWValue, format: FixedFormat) {
        self.init(value, width: format.width, signed: format.isSigned, fractionalBits: format.fractionalBits)
    }

    init(_ value: HWValue, width: Int, signed: Bool, fractionalBits: Int) {
        self.value = value
        self.width = width
        self.signed = signed
        self.fractionalBits = fractionalBits
    }

    /// The smallest and largest raw codes the signal can hold.
    var rawRange: (low: Int64, high: Int64) {
        signed ? (-(Int64(1) << Int64(width - 1)), (Int64(1) << Int64(width - 1)) - 1)
            : (0, (Int64(1) << Int64(width)) - 1)
    }
}

extension HWModuleBuilder {
    /// The hardware form of `format.convert(raw:fractionalBits:)`: quantization of the dropped
    /// bits (a rounding increment computed from them, as `FixedFormat` does), then the overflow
    /// mode (wrap by truncation, saturation by compare and mux). Bit exact for every mode.
    mutating func convert(_ x: FixedSignal, to format: FixedFormat, name: String? = nil) throws(VerilogError) -> HWValue {
        var v = x.value
        var w = x.width
        let s = x.signed
        let shift = x.fractionalBits - format.fractionalBits
        if shift > 0 {
            if w < shift + 1 {
                v = extend(v, to: shift + 1, signed: s)
                w = shift + 1
            }
            let floorWidth = w - shift
            let floor = extract(v, low: shift, width: floorWidth)
            if let increment = roundingIncrement(v, width: w, shift: shift, signed: s, floor: floor,
                                                 mode: format.quantization) {
                let wide = extend(floor, to: floorWidth + 1, signed: s)
                v = add(.add(wide, extend(increment, to: floorWidth + 1, signed: false), signed: s),
                        width: floorWidth + 1)
                w = floorWidth + 1
            } else {
                v = floor
                w = floorWidth
            }
        } else if shift < 0 {
            v = add(.concat([v, constant(0, width: -shift)]), width: w - shift)
            w -= shift
        }
        return try overflow(FixedSignal(v, width: w, signed: s, fractionalBits: format.fractionalBits),
                            to: format, name: name)
    }

    /// The one-bit increment added to the floor for a rounding mode, or nil for `TRN`.
    private mutating func roundingIncrement(
        _ v: HWValue, width w: Int, shift: Int, signed: Bool, floor: HWValue, mode: QuantizationMode
    ) -> HWValue? {
        if mode == .trn { return nil }
        let half = bit(v, shift - 1)
        let rest = shift >= 2 ? add(.reduceOr(extract(v, low: 0, width: shift - 1)), width: 1) : constant(0, width: 1)
        let negative = signed ? bit(v, w - 1) : constant(0, width: 1)
        switch mode {
        case .trn:
            return nil
        case .trnZero:
            return and([negative, or([half, rest])])
        case .rnd:
            return half
        case .rndZero:
            return and([half, or([negative, rest])])
        case .rndMinInf:
            return and([half, rest])
        case .rndInf:
            return and([half, or([not(negative), rest])])
        case .rndConv:
            return and([half, or([bit(floor, 0), rest])])
        }
    }

    /// Maps an integer already in `format`'s scale to a raw code with the overflow mode.
    mutating func overflow(_ q: FixedSignal, to format: FixedFormat, name: String? = nil) throws(VerilogError) -> HWValue {
        let fitted = resize(q.value, to: format.width, signed: q.signed)
        if format.overflow == .wrap {
            return name == nil ? fitted : extract(fitted, low: 0, width: format.width, name: name)
        }
        guard q.width <= 62 else {
            throw .unsupported(what: "a saturating conversion of a \(q.width)-bit value to \(format)")
        }
        let (qLow, qHigh) = q.rawRange
        let low = format.overflow == .satSym ? format.symmetricMinRaw : format.minRaw
        let high = format.maxRaw
        let under: HWValue? = qLow < low
            ? compare(q.signed ? .slt : .ult, q.value, constant(low, width: q.width)) : nil
        let over: HWValue? = qHigh > high
            ? compare(q.signed ? .sgt : .ugt, q.value, constant(high, width: q.width)) : nil
        var result = fitted
        switch format.overflow {
        case .wrap:
            break
        case .sat, .satSym:
            if let under { result = mux(under, constant(low, width: format.width), result) }
            if let over { result = mux(over, constant(high, width: format.width), result) }
        case .satZero:
            let flags = [under, over].compactMap { $0 }
            if !flags.isEmpty { result = mux(or(flags), constant(0, width: format.width), result) }
        }
        return extract(result, low: 0, width: format.width, name: name)
    }
}
