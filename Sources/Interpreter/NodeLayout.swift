import GraphIR

/// What both modes need to know about a node: its inputs by position, its shape, and where
/// its time-step mask (if any) comes from.
struct NodeLayout: Sendable {
    var name: String
    var op: Op
    /// Positions of the input nodes in `Graph.nodes`.
    var inputs: [Int]
    var shape: [Int]
    /// Values per event.
    var size: Int
    /// The masking node whose mask applies to this value, when the value is a sequence that
    /// reached here from a `masking` node through shape-preserving ops.
    var maskSource: Int?

    /// The number of time steps of a sequence value (`shape[0]` of a `[time, features]`).
    var timeSteps: Int { shape.count >= 2 ? shape[0] : 1 }

    /// The length of the last axis (softmax rows, dense features, batch-norm channels).
    var lastAxis: Int { shape.last ?? 1 }

    /// Resolves input names to positions, checks that every node has a shape, and follows
    /// masks from `masking` nodes to the ops that consume them.
    static func analyze(_ graph: Graph) throws(InterpreterError) -> [NodeLayout] {
        var index: [String: Int] = [:]
        var layouts: [NodeLayout] = []
        for (position, node) in graph.nodes.enumerated() {
            guard let shape = node.shape else { throw .missingShape(node: node.name) }
            var inputs: [Int] = []
            for name in node.inputs {
                guard let i = index[name] else { throw .unknownNodeInput(node: node.name, input: name) }
                inputs.append(i)
            }
            var layout = NodeLayout(
                name: node.name, op: node.op, inputs: inputs, shape: shape,
                size: shape.reduce(1, *), maskSource: nil)
            layout.maskSource = maskSource(of: node.op, position: position, inputs: inputs, layouts: layouts)
            if let source = layout.maskSource, shape.count < 2
                || (source != position && layout.timeSteps != layouts[source].timeSteps)
            {
                layout.maskSource = nil
            }
            layouts.append(layout)
            index[node.name] = position
        }
        return layouts
    }

    /// Which mask travels with the op's output: a masking node makes one; ops that act on
    /// each time step alone keep their input's; everything else drops it.
    private static func maskSource(
        of op: Op, position: Int, inputs: [Int], layouts: [NodeLayout]
    ) -> Int? {
        switch op {
        case .masking:
            return position
        case .dense, .activation, .dropout, .batchNormalization, .affine:
            return inputs.first.flatMap { layouts[$0].maskSource }
        case .input, .gru, .concatenate, .flatten, .argmax:
            return nil
        }
    }
}
