import GraphIR

/// Why shape inference could not give a node a shape. Each case names the node; the
/// description is one sentence.
public enum ShapeInferenceError: Error, Hashable, Sendable {
    /// The node reads `input`, which is not defined before it.
    case unknownInput(node: String, input: String)
    /// The op takes `expected` inputs (`nil`: one or more) but the node has `actual`.
    case wrongInputCount(node: String, op: String, expected: Int?, actual: Int)
    /// An input node whose `shape` field disagrees with the shape in its op.
    case declaredShapeMismatch(node: String, declared: [Int], op: [Int])
    /// An input node whose shape has a dimension below 1.
    case invalidShape(node: String, shape: [Int])
    /// A shape with more than ``ShapeInference/maxElements`` values per event (or whose
    /// dimensions multiply past Int.max).
    case shapeTooLarge(node: String, shape: [Int])
    /// The node's input has the wrong rank; `expected` describes the rank needed.
    case wrongRank(node: String, op: String, input: String, shape: [Int], expected: String)
    /// The input's last axis does not have the size the node's weights expect.
    case featureMismatch(node: String, op: String, input: String, features: Int, expected: Int)
    /// A weight tensor of the node has the wrong shape; `expected` is a shape ("[14, 50]") or
    /// a rank ("of rank 2").
    case tensorShape(node: String, tensor: String, shape: [Int], expected: String)
    /// A weight tensor holds a different number of values than its shape says.
    case tensorSize(node: String, tensor: String, shape: [Int], count: Int)
    /// A concatenation axis outside the inputs' rank.
    case axisOutOfRange(node: String, axis: Int, rank: Int)
    /// Two inputs of a concatenation differ in rank or off the joined axis.
    case concatenateMismatch(node: String, axis: Int, input: String, shape: [Int], first: String, firstShape: [Int])
}

extension ShapeInferenceError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .unknownInput(node, input):
            return "node '\(node)': its input '\(input)' is not defined before it."
        case let .wrongInputCount(node, op, expected, actual):
            let wanted = expected.map { $0 == 1 ? "1 input" : "\($0) inputs" } ?? "one or more inputs"
            return "node '\(node)': \(op) takes \(wanted) but it has \(actual)."
        case let .declaredShapeMismatch(node, declared, op):
            return "input node '\(node)' declares shape \(render(declared)) but its op says \(render(op))."
        case let .invalidShape(node, shape):
            return "input node '\(node)' has shape \(render(shape)), but every dimension must be at least 1."
        case let .shapeTooLarge(node, shape):
            return "node '\(node)' has shape \(render(shape)), more than the \(ShapeInference.maxElements) values per event "
                + "trigc handles."
        case let .wrongRank(node, op, input, shape, expected):
            return "node '\(node)': \(op) needs \(expected) input, but its input '\(input)' has shape \(render(shape))."
        case let .featureMismatch(node, op, input, features, expected):
            return "node '\(node)': \(op) weights expect \(expected) input features but its input '\(input)' "
                + "gives \(features)."
        case let .tensorShape(node, tensor, shape, expected):
            return "node '\(node)': \(tensor) has shape \(render(shape)) but must be \(expected)."
        case let .tensorSize(node, tensor, shape, count):
            return "node '\(node)': \(tensor) has shape \(render(shape)) but holds \(count) values."
        case let .axisOutOfRange(node, axis, rank):
            return "node '\(node)': concatenation axis \(axis) is out of range for inputs of rank \(rank)."
        case let .concatenateMismatch(node, axis, input, shape, first, firstShape):
            return "node '\(node)': cannot concatenate '\(input)' \(render(shape)) with '\(first)' "
                + "\(render(firstShape)) along axis \(axis): ranks and all other dimensions must match."
        }
    }
}

/// "[50, 20]".
func render(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
