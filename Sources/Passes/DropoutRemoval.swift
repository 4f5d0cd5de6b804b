import GraphIR

/// Removes every `dropout` node (an identity at inference), making its readers and the
/// graph's outputs read the dropout's input instead.
///
/// The dropout's shape and precision go with it: run this before precision assignment, or a
/// dropout that changed the format (conv to its result format) silently stops doing so.
/// When a graph output was a dropout whose input is already an output, the duplicate output
/// entry is dropped.
///
/// Prerequisites: none.
public struct DropoutRemoval: GraphPass {
    public static let name = "dropout-removal"
    public var name: String { Self.name }
    public var prerequisites: [String] { [] }

    public init() {}

    public func run(_ graph: Graph) throws -> Graph {
        var result = graph
        for name in graph.nodes.map(\.name) {
            // Look the node up in the result: an earlier removal may have rewired its input.
            guard let node = result[name], case .dropout = node.op, let source = node.inputs.first,
                node.inputs.count == 1
            else { continue }
            result.replaceUses(of: node.name, with: source)
            result.nodes.removeAll { $0.name == node.name }
        }
        var seen = Set<String>()
        result.outputs = result.outputs.filter { seen.insert($0).inserted }
        return result
    }
}
