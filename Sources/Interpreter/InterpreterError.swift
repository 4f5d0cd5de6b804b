import FixedPoint
import GraphIR

/// Everything that stops the interpreter, each case rendered as one sentence naming the
/// graph, node or input at fault.
public enum InterpreterError: Error, Hashable, Sendable {
    /// The graph failed verification.
    case invalidGraph(graph: String, VerificationError)
    /// Some nodes carry a precision and some do not.
    case mixedPrecision(graph: String, floatNode: String, fixedNode: String)
    /// A node has no shape: run shape inference first.
    case missingShape(node: String)
    /// A node reads a value no earlier node produces.
    case unknownNodeInput(node: String, input: String)
    /// A graph output or input names no node.
    case unknownNode(graph: String, name: String)
    /// `run` was not given a value for a graph input.
    case missingInput(name: String)
    /// `run` was given a value for something that is not a graph input.
    case unexpectedInput(name: String)
    /// An input batch has the wrong per-event shape.
    case wrongInputShape(input: String, expected: [Int], got: [Int])
    /// The input batches hold different numbers of events.
    case mismatchedEventCounts(input: String, count: Int, expected: Int)
    /// A fixed-point node lacks a format its op needs (`role` is weight, bias, accumulator).
    case missingFormat(node: String, role: String)
    /// A fixed-point node lacks an activation table, or names one the graph does not hold.
    case missingTable(node: String, role: TableRole, name: String?)
    /// The op, attribute or format combination is not something the interpreter evaluates.
    case unsupported(node: String, reason: String)
    /// A fixed-point node holds a constant as float values (or codes of another format than
    /// its precision's): the `constant-quantization` pass has not run.
    case floatConstants(node: String, attribute: String)
}

extension InterpreterError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .invalidGraph(graph, error):
            let message = error.message.hasSuffix(".") ? String(error.message.dropLast()) : error.message
            return "graph '\(graph)' is invalid: \(message)."
        case let .mixedPrecision(graph, floatNode, fixedNode):
            return "graph '\(graph)' mixes float and fixed point: node '\(floatNode)' has no precision "
                + "but node '\(fixedNode)' has one; quantize every node or none."
        case let .missingShape(node):
            return "node '\(node)' has no shape; run shape inference before interpreting the graph."
        case let .unknownNodeInput(node, input):
            return "node '\(node)' reads '\(input)', which no earlier node produces."
        case let .unknownNode(graph, name):
            return "graph '\(graph)' lists '\(name)' as an input or output, but has no node of that name."
        case let .missingInput(name):
            return "no batch was given for graph input '\(name)'."
        case let .unexpectedInput(name):
            return "a batch was given for '\(name)', which is not an input of the graph."
        case let .wrongInputShape(input, expected, got):
            return "input '\(input)' expects events of shape \(expected) but was given shape \(got)."
        case let .mismatchedEventCounts(input, count, expected):
            return "input '\(input)' holds \(count) events while the other inputs hold \(expected)."
        case let .missingFormat(node, role):
            return "fixed-point node '\(node)' has no \(role) format, which its op needs."
        case let .missingTable(node, role, name):
            if let name {
                return "node '\(node)' uses table '\(name)' for its \(role.rawValue) role, "
                    + "but the graph holds no table of that name."
            }
            return "fixed-point node '\(node)' has no \(role.rawValue) table, which its activation needs."
        case let .unsupported(node, reason):
            return "node '\(node)' cannot be interpreted: \(reason)."
        case let .floatConstants(node, attribute):
            return "fixed-point node '\(node)' does not hold its \(attribute) as codes of its own format; "
                + "run the constant-quantization pass (the last pass of Pipelines.quantize) first."
        }
    }
}

/// The raw codes of a constant of a fixed-point node, which must be codes of `format` (what
/// the `constant-quantization` pass stores; the interpreter never converts a float constant).
func constantCodes(_ tensor: Tensor, _ format: FixedFormat, node: String, attribute: String) throws(InterpreterError) -> [Int64] {
    guard let (raw, stored) = tensor.codes, stored == format else {
        throw .floatConstants(node: node, attribute: attribute)
    }
    return raw
}
