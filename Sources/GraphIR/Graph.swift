import FixedPoint

/// One operation in a graph: a unique name, the op, the names of its inputs, and what
/// shape inference and precision assignment have learned about it.
public struct Node: Hashable, Sendable {
    public var name: String
    public var op: Op
    /// Names of the nodes whose outputs this node consumes, in order.
    public var inputs: [String]
    /// The per-event output shape, once known (inputs know theirs from the start).
    public var shape: [Int]?
    /// Fixed-point formats; `nil` means the node computes in float32.
    public var precision: LayerPrecision?

    public init(
        name: String, op: Op, inputs: [String] = [], shape: [Int]? = nil,
        precision: LayerPrecision? = nil
    ) {
        self.name = name
        self.op = op
        self.inputs = inputs
        self.shape = shape
        self.precision = precision
    }

    /// The type of the values the node produces.
    public var type: ValueType {
        if let precision { .fixed(precision.result) } else { .float32 }
    }
}

/// A dataflow graph: nodes in topological order, named inputs and outputs, and the
/// activation tables its fixed-point nodes share.
public struct Graph: Hashable, Sendable {
    public var name: String
    /// Every node, in an order where each node comes after its inputs.
    public var nodes: [Node]
    /// Names of the `input` nodes, in the order the model takes them.
    public var inputs: [String]
    /// Names of the nodes whose values the model returns, in order.
    public var outputs: [String]
    /// Activation tables by name, referenced from ``LayerPrecision/tables``.
    public var tables: [String: ActivationTable]

    public init(
        name: String, nodes: [Node], inputs: [String], outputs: [String],
        tables: [String: ActivationTable] = [:]
    ) {
        self.name = name
        self.nodes = nodes
        self.inputs = inputs
        self.outputs = outputs
        self.tables = tables
    }

    /// The node with the given name.
    public subscript(name: String) -> Node? {
        nodes.first { $0.name == name }
    }

    /// The position of each node by name.
    public var indexByName: [String: Int] {
        Dictionary(nodes.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Whether the graph has been quantized (every node carries a precision).
    public var isFixedPoint: Bool { !nodes.isEmpty && nodes.allSatisfy { $0.precision != nil } }
}
