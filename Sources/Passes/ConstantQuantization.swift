import FixedPoint
import GraphIR

/// Stores the constants of a quantized graph as raw integer codes, once: dense weights and
/// biases, GRU kernels and biases, and affine scales and offsets become codes of the node's
/// `weight` and `bias` formats (`FixedFormat.quantize` of each float value, through
/// `Tensor.quantized(to:)`), and a fixed-point `batch_normalization` becomes an `affine`
/// node of the same name and precision whose scale and offset are the codes of
/// `BatchNormAttributes.scaleAndShift()` (quantized from `Double`).
///
/// After it no consumer converts a constant: the fixed-point interpreter and the Verilog
/// backend read the codes as they are (and refuse float constants in a fixed-point graph).
/// Float nodes (no precision) are left as they are, and so are tensors that already hold
/// codes of the right format, so the pass is idempotent: it also upgrades a quantized graph
/// written before codes existed (what `trigc` does when it loads one).
///
/// Prerequisites: none (it acts on the nodes precision assignment gave a precision; the
/// quantization pipeline runs it last).
public struct ConstantQuantization: GraphPass {
    public static let name = "constant-quantization"
    public var name: String { Self.name }
    public var prerequisites: [String] { [] }

    public init() {}

    public func run(_ graph: Graph) throws -> Graph {
        try quantize(graph)
    }

    /// The pass with its typed error.
    public func quantize(_ graph: Graph) throws(ConstantQuantizationError) -> Graph {
        var result = graph
        for i in result.nodes.indices {
            guard let precision = result.nodes[i].precision else { continue }
            result.nodes[i].op = try Self.quantized(result.nodes[i].op, precision: precision, node: result.nodes[i].name)
        }
        return result
    }

    /// Whether some node of a fixed-point graph still holds float constants (the pass has
    /// work to do).
    public static func needed(_ graph: Graph) -> Bool {
        graph.nodes.contains { node in
            guard node.precision != nil else { return false }
            if case .batchNormalization = node.op { return true }
            return node.op.tensorAttributes.contains { ConstantRole(attribute: $0.name) != nil && !$0.tensor.isQuantized }
        }
    }

    static func quantized(_ op: Op, precision: LayerPrecision, node: String) throws(ConstantQuantizationError) -> Op {
        func formats() throws(ConstantQuantizationError) -> (weight: FixedFormat, bias: FixedFormat) {
            guard let w = precision.weight else { throw .missingFormat(node: node, op: op.keyword, role: .weight) }
            guard let b = precision.bias else { throw .missingFormat(node: node, op: op.keyword, role: .bias) }
            return (w, b)
        }
        switch op {
        case let .dense(weights, bias, activation):
            let (w, b) = try formats()
            return .dense(weights: weights.quantized(to: w), bias: bias.quantized(to: b), activation: activation)
        case var .gru(a):
            let (w, b) = try formats()
            a.kernel = a.kernel.quantized(to: w)
            a.recurrentKernel = a.recurrentKernel.quantized(to: w)
            a.bias = a.bias.quantized(to: b)
            return .gru(a)
        case let .batchNormalization(bn):
            let (w, b) = try formats()
            return bn.affineCodes(weight: w, bias: b)
        case let .affine(scale, offset):
            let (w, b) = try formats()
            return .affine(scale: scale.quantized(to: w), offset: offset.quantized(to: b))
        case .input, .activation, .masking, .concatenate, .dropout, .flatten, .argmax:
            return op
        }
    }
}

/// Why ``ConstantQuantization`` could not store a node's constants as codes.
public enum ConstantQuantizationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The node's precision lacks the format its constants are quantized to.
    case missingFormat(node: String, op: String, role: ConstantRole)

    public var description: String {
        switch self {
        case let .missingFormat(node, op, role):
            "\(op) node '\(node)' has no \(role.rawValue) format to quantize its constants to."
        }
    }
}
