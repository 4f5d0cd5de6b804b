import FixedPoint

extension BatchNormAttributes {
    /// The inference form as one affine map per channel: `scale = gamma / sqrt(variance +
    /// epsilon)` and `shift = beta - mean · scale`, computed in `Double`. This is the only
    /// place the formula is written: the float interpreter, precision assignment and the
    /// `constant-quantization` pass all take it from here.
    public func scaleAndShift() -> (scale: [Double], shift: [Double]) {
        var scale: [Double] = []
        var shift: [Double] = []
        let count = min(gamma.storedCount, beta.storedCount, mean.storedCount, variance.storedCount)
        let (g, b, m, v) = (gamma.values, beta.values, mean.values, variance.values)
        for c in 0..<count {
            let s = Double(g[c]) / (Double(v[c]) + Double(epsilon)).squareRoot()
            scale.append(s)
            shift.append(Double(b[c]) - Double(m[c]) * s)
        }
        return (scale, shift)
    }

    /// The equivalent `affine` op in fixed point: the scale as codes of `weight`, the shift as
    /// codes of `bias` (each quantized once from its `Double` value).
    public func affineCodes(weight: FixedFormat, bias: FixedFormat) -> Op {
        let (scale, shift) = scaleAndShift()
        return .affine(
            scale: Tensor(shape: [scale.count], codes: scale.map { weight.quantize($0) }, format: weight),
            offset: Tensor(shape: [shift.count], codes: shift.map { bias.quantize($0) }, format: bias))
    }
}
