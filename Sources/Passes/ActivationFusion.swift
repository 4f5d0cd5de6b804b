import GraphIR

/// Folds an `activation` node into the `dense` node before it.
///
/// Fuses when the dense has activation `.linear`, the activation is the dense's only reader,
/// and the dense is not a graph output. Every activation function fuses (linear, relu, leaky
/// ReLU, hard sigmoid, tanh, sigmoid, softmax); in fixed point the fused node applies the
/// activation to the dense's accumulator value (see the per-op rules in `Docs/Interpreter.md`).
///
/// Naming: the fused node keeps the **dense's** name (and its weights); the activation node
/// disappears and its readers and graph outputs now read the dense. A per-layer precision
/// override for the fused layer must therefore use the dense's name.
///
/// Nodes that already carry a precision are left alone, since fusing would change their
/// numerics (the activation would read the accumulator instead of the dense's result): run
/// this before precision assignment.
///
/// Prerequisites: none.
public struct ActivationFusion: GraphPass {
    public static let name = "activation-fusion"
    public var name: String { Self.name }
    public var prerequisites: [String] { [] }

    public init() {}

    public func run(_ graph: Graph) throws -> Graph {
        var result = graph
        for node in graph.nodes {
            guard case let .activation(function) = node.op, node.precision == nil,
                let denseName = node.inputs.first, node.inputs.count == 1,
                let index = result.nodes.firstIndex(where: { $0.name == denseName }),
                case let .dense(weights, bias, .linear) = result.nodes[index].op,
                result.nodes[index].precision == nil,
                !result.isOutput(denseName), result.useCounts()[denseName] == 1
            else { continue }
            result.nodes[index].op = .dense(weights: weights, bias: bias, activation: function)
            result.nodes.removeAll { $0.name == node.name }
            result.replaceUses(of: node.name, with: denseName)
        }
        return result
    }
}
