import FixedPoint

/// Which format of a node's precision a constant tensor is quantized to.
public enum ConstantRole: String, Hashable, Sendable {
    case weight, bias

    /// The role of a tensor attribute (by its text-format name): weights, GRU kernels and an
    /// affine scale are weights; biases and an affine offset are biases. Batch-normalization
    /// statistics have none: they stay float (quantized batch normalization becomes `affine`).
    public init?(attribute: String) {
        switch attribute {
        case "weights", "kernel", "recurrent_kernel", "scale": self = .weight
        case "bias", "offset": self = .bias
        default: return nil
        }
    }

    /// This role's format in `precision`.
    public func format(in precision: LayerPrecision) -> FixedFormat? {
        switch self {
        case .weight: precision.weight
        case .bias: precision.bias
        }
    }
}

extension VerificationCheck {
    /// Constants stored as raw codes (after `constant-quantization`).
    static let codes: [VerificationCheck] = [
        VerificationCheck("codes-in-range", "every code of a quantized tensor lies in its format's range") { _, node in
            for (name, tensor) in node.op.tensorAttributes {
                guard let (raw, format) = tensor.codes else { continue }
                if let i = raw.firstIndex(where: { !(format.minRaw...format.maxRaw).contains($0) }) {
                    return "\(name) code \(i) is \(raw[i]), which \(format) cannot hold"
                }
            }
            return nil
        },
        VerificationCheck(
            "code-formats",
            "codes appear only in fixed point, on weights, biases and affine scale and offset, in the node's weight or bias format"
        ) { _, node in
            for (name, tensor) in node.op.tensorAttributes {
                guard let (_, format) = tensor.codes else { continue }
                guard let precision = node.precision else {
                    return "\(name) holds codes of \(format) but the node computes in float32"
                }
                guard let role = ConstantRole(attribute: name) else {
                    return "\(name) holds codes but \(node.op.keyword) keeps it as float values"
                }
                guard let expected = role.format(in: precision) else {
                    return "\(name) holds codes of \(format) but the node has no \(role.rawValue) format"
                }
                if expected != format {
                    return "\(name) holds codes of \(format) but the node's \(role.rawValue) format is \(expected)"
                }
            }
            return nil
        },
    ]
}
