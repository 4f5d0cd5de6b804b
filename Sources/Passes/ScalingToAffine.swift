import GraphIR

/// Rewrites the input scalers that `trigc train` exported before the `affine` op existed: a
/// linear `dense` node named `<input>_scaling` with square, diagonal float weights that reads
/// the graph input `<input>` (or the `masking` node that reads it) becomes an `affine` node
/// of the same name, shape and precision, with the diagonal as `scale` and the bias as
/// `offset`. Both compute `x·scale + offset` per feature (the zero products add nothing, in
/// float and in fixed point), so old run directories keep working. Any other node is left as
/// it is.
///
/// Prerequisites: none. Both standard pipelines run it first.
public struct ScalingToAffine: GraphPass {
    public static let name = "scaling-to-affine"
    public var name: String { Self.name }
    public var prerequisites: [String] { [] }

    public init() {}

    public func run(_ graph: Graph) throws -> Graph {
        var result = graph
        for input in graph.inputs {
            guard let index = result.nodes.firstIndex(where: { $0.name == "\(input)_scaling" }),
                  let source = result.nodes[index].inputs.first, result.nodes[index].inputs.count == 1,
                  Self.readsInput(source, input: input, in: result),
                  case let .dense(weights, bias, .linear) = result.nodes[index].op,
                  let scale = Self.diagonal(weights), !bias.isQuantized, bias.shape == [scale.count],
                  bias.storedCount == scale.count
            else { continue }
            result.nodes[index].op = .affine(scale: Tensor(shape: [scale.count], values: scale), offset: bias)
        }
        return result
    }

    /// Whether `source` is the graph input `input` or a masking node reading it.
    static func readsInput(_ source: String, input: String, in graph: Graph) -> Bool {
        if source == input { return true }
        guard let node = graph[source], case .masking = node.op else { return false }
        return node.inputs == [input]
    }

    /// The diagonal of a square float `[f, f]` matrix whose other entries are all zero.
    static func diagonal(_ weights: Tensor) -> [Float]? {
        guard case let .float(values) = weights.storage, weights.shape.count == 2,
              weights.shape[0] == weights.shape[1], values.count == weights.shape[0] * weights.shape[1]
        else { return nil }
        let f = weights.shape[0]
        for i in 0..<f {
            for j in 0..<f where i != j && values[i * f + j] != 0 { return nil }
        }
        return (0..<f).map { values[$0 * f + $0] }
    }
}
