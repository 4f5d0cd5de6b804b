import GraphIR

/// An affine preprocessing step over an input's last axis, `x' = x · scale + offset` (the
/// MinMax scaler: `scale = 1/(max - min)`, `offset = -min/(max - min)`).
public struct InputScaling: Hashable, Sendable {
    public var scale: [Float]
    public var offset: [Float]

    public init(scale: [Float], offset: [Float]) {
        precondition(scale.count == offset.count, "InputScaling: \(scale.count) scales and \(offset.count) offsets")
        self.scale = scale
        self.offset = offset
    }

    /// Scales row-major `values` (rows of `scale.count` features) in place: every whole
    /// row, or only those in `rows` (the real particle rows, so padding stays zero).
    public func apply(_ values: inout [Float], rows: [Int]? = nil) {
        let n = scale.count
        guard n > 0 else { return }
        for r in rows ?? Array(0..<(values.count / n)) where (r + 1) * n <= values.count {
            for j in 0..<n { values[r * n + j] = values[r * n + j] * scale[j] + offset[j] }
        }
    }
}

extension Model {
    /// The trained model as a float GraphIR graph: one `input` node per model input, then one
    /// node per layer named as the layer (`dense_1`, `gru`, ...; a Dense keeps its
    /// activation fused), every node shaped. The float interpreter runs it exactly like
    /// the training forward pass in inference mode.
    ///
    /// `scaling` adds, per input, an `affine` node `<input>_scaling` with per-feature `scale`
    /// and `offset`, right after the input, or right after the Masking layer
    /// that reads the input (so padding is recognised on raw values; the mask travels through
    /// the affine node to the GRU).
    public func export(name: String? = nil, scaling: [String: InputScaling] = [:]) -> Graph {
        var graphNodes: [Node] = []
        var alias: [String: String] = [:]
        func scalingNode(for input: ModelInput, after source: String) {
            guard let s = scaling[input.name] else { return }
            let f = input.shape.last ?? 1
            precondition(s.scale.count == f, "export: scaling for '\(input.name)' has \(s.scale.count) values, not \(f)")
            let scaled = "\(input.name)_scaling"
            graphNodes.append(Node(
                name: scaled, op: .affine(scale: Tensor(shape: [f], values: s.scale),
                                          offset: Tensor(shape: [f], values: s.offset)),
                inputs: [source], shape: input.shape))
            alias[source] = scaled
        }
        let maskedInputs = Set(nodes.compactMap { node -> Int? in
            guard node.layer is Masking, case let .input(slot) = node.sources.first else { return nil }
            return slot
        })
        for (slot, input) in inputs.enumerated() {
            graphNodes.append(Node(name: input.name, op: .input(shape: input.shape), shape: input.shape))
            if !maskedInputs.contains(slot) { scalingNode(for: input, after: input.name) }
        }
        for node in nodes {
            let sources = node.sources.map { source -> String in
                let name = switch source {
                case let .input(slot): inputs[slot].name
                case let .node(index): nodes[index].layer.name
                }
                return alias[name] ?? name
            }
            graphNodes.append(Node(name: node.layer.name, op: node.layer.exportOp(device: device),
                                   inputs: sources, shape: node.shape))
            if node.layer is Masking, case let .input(slot) = node.sources.first {
                scalingNode(for: inputs[slot], after: node.layer.name)
            }
        }
        return Graph(name: name ?? self.name, nodes: graphNodes, inputs: inputs.map(\.name),
                     outputs: nodes.last.map { [$0.layer.name] } ?? [])
    }
}
