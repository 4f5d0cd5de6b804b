import GraphIR

/// The input scalers of a graph (an analysis): for each graph input, the float `affine` node
/// that reads it, or reads the `masking` node that reads it (where `trigc train` puts it, so
/// that padding is found on raw values). Older `<input>_scaling` dense nodes are found only
/// after ``ScalingToAffine`` made them `affine`.
public struct InputScaler: Equatable, Sendable {
    /// The graph input it scales.
    public var input: String
    /// The `affine` node.
    public var node: String
    /// What the node reads: the input or its masking node.
    public var source: String
    /// Per feature, `x · scale + offset`.
    public var scale: [Float]
    public var offset: [Float]

    /// The scaler of each graph input that has one, keyed by input.
    public static func find(in graph: Graph) -> [String: InputScaler] {
        var found: [String: InputScaler] = [:]
        for input in graph.inputs {
            guard let node = scalerNode(of: input, in: graph), case let .affine(scale, offset) = node.op,
                  let source = node.inputs.first
            else { continue }
            found[input] = InputScaler(input: input, node: node.name, source: source, scale: scale.values, offset: offset.values)
        }
        return found
    }

    static func scalerNode(of input: String, in graph: Graph) -> Node? {
        let sources = [input] + graph.nodes.filter { node in
            if case .masking = node.op { return node.inputs == [input] }
            return false
        }.map(\.name)
        return graph.nodes.first { node in
            guard case .affine = node.op, node.precision == nil, node.inputs.count == 1 else { return false }
            return sources.contains(node.inputs[0])
        }
    }
}

/// Removes every input scaler (``InputScaler/find(in:)``): its readers, and the graph's
/// outputs, read what it read. The result reads features already scaled, as a trigger's
/// hardware does (`trigc evaluate --fixed` applies the scaling on the host in float, since
/// raw features do not fit a narrow fixed-point input). Any other node is left as it is.
///
/// Prerequisites: `scaling-to-affine` (older runs' scalers are `dense` nodes until then).
public struct InputScalerRemoval: GraphPass {
    public static let name = "input-scaler-removal"
    public var name: String { Self.name }
    public var prerequisites: [String] { [ScalingToAffine.name] }

    public init() {}

    public func run(_ graph: Graph) throws -> Graph {
        var result = graph
        for scaler in InputScaler.find(in: graph).values {
            result.replaceUses(of: scaler.node, with: scaler.source)
            result.nodes.removeAll { $0.name == scaler.node }
        }
        return result
    }
}
