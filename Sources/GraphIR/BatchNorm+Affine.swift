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

extension Op {
    /// The op with `transform` applied to each of its tensors (attributes otherwise unchanged).
    public func mapTensors(_ transform: (Tensor) -> Tensor) -> Op {
        switch self {
        case let .dense(weights, bias, activation):
            return .dense(weights: transform(weights), bias: transform(bias), activation: activation)
        case var .gru(a):
            (a.kernel, a.recurrentKernel, a.bias) = (transform(a.kernel), transform(a.recurrentKernel), transform(a.bias))
            return .gru(a)
        case var .batchNormalization(bn):
            (bn.gamma, bn.beta, bn.mean, bn.variance) = (transform(bn.gamma), transform(bn.beta), transform(bn.mean),
                                                         transform(bn.variance))
            return .batchNormalization(bn)
        case let .affine(scale, offset):
            return .affine(scale: transform(scale), offset: transform(offset))
        case .input, .activation, .masking, .concatenate, .dropout, .flatten, .argmax:
            return self
        }
    }
}

extension Graph {
    /// The graph with every tensor that holds codes turned back into float values (each
    /// code's real value, exact up to 24 significant bits): what precision assignment
    /// starts from when asked to quantize a graph that was quantized before.
    public func withFloatConstants() -> Graph {
        var result = self
        for i in result.nodes.indices {
            result.nodes[i].op = result.nodes[i].op.mapTensors { tensor in
                tensor.isQuantized ? Tensor(shape: tensor.shape, values: tensor.values) : tensor
            }
        }
        return result
    }
}
