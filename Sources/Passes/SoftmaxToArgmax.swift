import GraphIR

/// Replaces each final softmax by an argmax, for hardware that only needs the decision.
///
/// A final softmax is a graph output that nothing else reads and that is either a standalone
/// `activation(.softmax)` node (it becomes an `argmax` node of the same name) or a dense with
/// a fused softmax (the dense becomes linear and a new `argmax` node named `<dense>_argmax`
/// becomes the output). Softmax is monotonic, so the decision is unchanged in float; in fixed
/// point the argmax of the logits is at least as sharp as that of quantized probabilities
/// (which can tie). The argmax output is the class index, shape `[1]`.
///
/// On a quantized graph the argmax gets the narrowest unsigned integer format holding the
/// largest index (as precision assignment would give it), the dense keeps its formats but
/// drops its softmax tables, and tables nothing uses any more leave ``Graph/tables``. The
/// usual place is before precision assignment (`Pipelines.quantize(decisionOnly: true)`).
///
/// Throws when the graph has no final softmax, or when one is over a value that is not a
/// vector. Outputs that are not softmaxes are left alone.
///
/// Prerequisites: `shape-inference`.
public struct SoftmaxToArgmax: GraphPass {
    public static let name = "softmax-to-argmax"
    public var name: String { Self.name }
    public var prerequisites: [String] { [ShapeInference.name] }

    public init() {}

    public func run(_ graph: Graph) throws -> Graph {
        try replace(graph)
    }

    /// The pass with its typed error.
    public func replace(_ graph: Graph) throws(SoftmaxToArgmaxError) -> Graph {
        var result = graph
        var replaced = 0
        for output in graph.outputs {
            guard let index = result.nodes.firstIndex(where: { $0.name == output }),
                result.useCounts()[output] == 1
            else { continue }
            let node = result.nodes[index]
            if case .activation(.softmax) = node.op {
                try Self.check(node)
                result.nodes[index].op = .argmax
                result.nodes[index].shape = [1]
                result.nodes[index].precision = Self.argmaxPrecision(after: node)
            } else if case let .dense(weights, bias, .softmax) = node.op {
                try Self.check(node)
                result.nodes[index].op = .dense(weights: weights, bias: bias, activation: .linear)
                result.nodes[index].precision?.tables = [:]
                let argmax = Node(
                    name: result.freshName("\(node.name)_argmax"), op: .argmax, inputs: [node.name], shape: [1],
                    precision: Self.argmaxPrecision(after: node))
                result.outputs = result.outputs.map { $0 == node.name ? argmax.name : $0 }
                result.nodes.insert(argmax, at: index + 1)
            } else {
                continue
            }
            replaced += 1
        }
        if replaced == 0 { throw .noFinalSoftmax(graph: graph.name) }
        let used = Set(result.nodes.flatMap { $0.precision?.tables.values.map { $0 } ?? [] })
        result.tables = result.tables.filter { used.contains($0.key) }
        return result
    }

    /// `nil` for a float node, else the default argmax precision for its classes.
    private static func argmaxPrecision(after softmax: Node) -> LayerPrecision? {
        guard softmax.precision != nil else { return nil }
        return LayerPrecision(result: PrecisionAssignment.argmaxFormat(classes: softmax.shape?.last ?? 1))
    }

    private static func check(_ node: Node) throws(SoftmaxToArgmaxError) {
        guard let shape = node.shape else { throw .missingShape(node: node.name) }
        guard shape.count == 1 else { throw .notVector(node: node.name, shape: shape) }
    }
}

/// Why ``SoftmaxToArgmax`` could not replace a softmax.
public enum SoftmaxToArgmaxError: Error, Hashable, Sendable {
    /// No graph output is a softmax read by nothing else.
    case noFinalSoftmax(graph: String)
    /// The softmax node has no shape (shape inference has not run).
    case missingShape(node: String)
    /// The softmax is over a value of rank other than 1, where one argmax is not its decision.
    case notVector(node: String, shape: [Int])
}

extension SoftmaxToArgmaxError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .noFinalSoftmax(graph):
            return "graph '\(graph)' has no output that is a softmax read by nothing else, so there is "
                + "nothing to replace by an argmax."
        case let .missingShape(node):
            return "node '\(node)' has no shape: run shape inference before replacing its softmax by an argmax."
        case let .notVector(node, shape):
            return "node '\(node)' applies softmax to a value of shape \(render(shape)); only a vector's "
                + "softmax can be replaced by one argmax."
        }
    }
}
