/// A broken graph: which node (when one is to blame) and what is wrong with it.
///
/// `message` is one sentence naming the node (or the graph), e.g. "node 'dense_2': weights
/// are [50, 20] but its input 'dense_1' gives 40 features".
public struct VerificationError: Error, Hashable, Sendable {
    public var node: String?
    public var message: String
    /// The name of the ``VerificationCheck`` that failed (`nil` for errors made elsewhere).
    public var check: String?

    public init(node: String?, _ message: String) {
        self.node = node
        self.message = message
        self.check = nil
    }

    public init(check: String, node: String?, _ message: String) {
        self.node = node
        self.message = message
        self.check = check
    }
}

extension VerificationError: CustomStringConvertible {
    public var description: String { message }
}

/// One structural rule of the IR, kept as data: a name, a one-line summary (listed in
/// `Docs/IR.md`) and the function that finds its violations.
public struct VerificationCheck: Sendable {
    public let name: String
    public let summary: String
    let run: @Sendable (VerifierContext) -> [VerificationError]

    init(_ name: String, _ summary: String, graph run: @escaping @Sendable (VerifierContext) -> [VerificationError]) {
        self.name = name
        self.summary = summary
        self.run = run
    }

    /// A check run on every node; the body returns what is wrong (without the node prefix).
    init(_ name: String, _ summary: String, node body: @escaping @Sendable (VerifierContext, Node) -> String?) {
        self.init(name, summary) { context in
            context.graph.nodes.compactMap { node in
                body(context, node).map { VerificationError(check: name, node: node.name, "node '\(node.name)': \($0)") }
            }
        }
    }

    /// The checks in the order they run, in two stages: the structural ones (names,
    /// references, order, arity, inputs and outputs) must all pass before the others run,
    /// since those assume every reference resolves.
    public static let stages: [[VerificationCheck]] = [structural, values + precision + codes]

    /// Every check, in order.
    public static var all: [VerificationCheck] { stages.flatMap { $0 } }
}

extension Graph {
    /// Checks every rule in ``VerificationCheck/all``; throws the first violation found.
    public func verify() throws(VerificationError) {
        if let first = verificationErrors().first { throw first }
    }

    /// All violations of the first stage of checks that has any (see
    /// ``VerificationCheck/stages``); empty when the graph is well formed.
    public func verificationErrors() -> [VerificationError] {
        let context = VerifierContext(graph: self)
        for stage in VerificationCheck.stages {
            let errors = stage.flatMap { $0.run(context) }
            if !errors.isEmpty { return errors }
        }
        return []
    }
}

/// What the checks share: the graph and lookups by name.
struct VerifierContext: Sendable {
    let graph: Graph
    /// The position of the first node of each name.
    let index: [String: Int]
    /// The first node with a precision, if any (found once: checks run per node).
    let firstFixedNode: Node?

    init(graph: Graph) {
        self.graph = graph
        self.index = graph.indexByName
        self.firstFixedNode = graph.nodes.first { $0.precision != nil }
    }

    func node(_ name: String) -> Node? {
        index[name].map { graph.nodes[$0] }
    }

    /// The node's per-event shape: its own, or for an input its op's shape.
    func shape(of name: String) -> [Int]? {
        guard let node = node(name) else { return nil }
        if let shape = node.shape { return shape }
        if case let .input(shape) = node.op { return shape }
        return nil
    }

    /// The shape of the node's only input, with that input's name, when known.
    func inputShape(of node: Node) -> (name: String, shape: [Int])? {
        guard let name = node.inputs.first, let shape = shape(of: name) else { return nil }
        return (name, shape)
    }

    func graphError(_ check: String, _ message: String) -> VerificationError {
        VerificationError(check: check, node: nil, "graph '\(graph.name)': \(message)")
    }
}

/// "[50, 20]".
func describe(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
