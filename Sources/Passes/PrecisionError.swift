import FixedPoint
import GraphIR

/// Why ``PrecisionAssignment`` could not give the graph formats. Each case names the node.
public enum PrecisionError: Error, Hashable, Sendable {
    /// An override names a node the graph does not have.
    case unknownOverride(node: String, graph: String)
    /// The node has no shape: shape inference has not run.
    case missingShape(node: String)
    /// An exact accumulator would need more bits than ``FixedFormat/maxWidth``.
    case accumulatorTooWide(node: String, width: Int, maximum: Int)
    /// A format derived from others (a widened table input, an exact accumulator) is invalid.
    case invalidFormat(node: String, FixedPointError)
    /// The activation cannot be used where it is (softmax as a GRU activation).
    case unsupportedActivation(node: String, activation: String, role: String)
    /// An activation table could not be built.
    case table(node: String, ActivationTableError)
    /// An argmax result format that cannot hold the largest class index.
    case argmaxFormatTooSmall(node: String, classes: Int, format: FixedFormat)
}

extension PrecisionError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .unknownOverride(node, graph):
            return "a precision override names node '\(node)', which graph '\(graph)' does not have "
                + "(a fused activation goes by its dense's name)."
        case let .missingShape(node):
            return "node '\(node)' has no shape: run shape inference before precision assignment."
        case let .accumulatorTooWide(node, width, maximum):
            return "node '\(node)' needs a \(width)-bit accumulator for exact sums, but fixed-point formats "
                + "stop at \(maximum) bits: narrow its input, weight or bias formats, or override its accumulator."
        case let .invalidFormat(node, error):
            return "node '\(node)': \(error)"
        case let .unsupportedActivation(node, activation, role):
            return "node '\(node)' uses \(activation) as its \(role), which fixed point does not support there."
        case let .table(node, error):
            return "node '\(node)': \(error)"
        case let .argmaxFormatTooSmall(node, classes, format):
            return "argmax node '\(node)' chooses among \(classes) classes, but its result format \(format) "
                + "cannot hold the index \(classes - 1)."
        }
    }
}
