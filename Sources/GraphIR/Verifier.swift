/// A broken graph: which node (when one is to blame) and what is wrong with it.
public struct VerificationError: Error, Hashable, Sendable {
    public var node: String?
    public var message: String

    public init(node: String?, _ message: String) {
        self.node = node
        self.message = message
    }
}

extension Graph {
    /// Checks the graph's structural invariants; throws the first violation found.
    public func verify() throws(VerificationError) {
        var seen = Set<String>()
        for node in nodes {
            guard seen.insert(node.name).inserted else {
                throw VerificationError(node: node.name, "node '\(node.name)' is defined twice")
            }
        }
    }
}
