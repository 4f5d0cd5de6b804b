import GraphIR

// Use analysis and the one rewrite the structural passes share: who reads a node's value,
// and sending those readers (and the graph's outputs) to another node.

extension Graph {
    /// How many times each node's value is read: once per appearance in another node's
    /// inputs, plus once per appearance in the graph's outputs.
    public func useCounts() -> [String: Int] {
        var counts: [String: Int] = [:]
        for node in nodes {
            for input in node.inputs { counts[input, default: 0] += 1 }
        }
        for output in outputs { counts[output, default: 0] += 1 }
        return counts
    }

    /// Whether the node's value is one of the graph's outputs.
    public func isOutput(_ name: String) -> Bool {
        outputs.contains(name)
    }

    /// Makes every reader of `old` (node inputs and graph outputs) read `new` instead.
    mutating func replaceUses(of old: String, with new: String) {
        for i in nodes.indices {
            nodes[i].inputs = nodes[i].inputs.map { $0 == old ? new : $0 }
        }
        outputs = outputs.map { $0 == old ? new : $0 }
    }

    /// A node name not yet used in the graph: `base`, else `base_2`, `base_3`, ...
    func freshName(_ base: String) -> String {
        let taken = Set(nodes.map(\.name))
        if !taken.contains(base) { return base }
        var n = 2
        while taken.contains("\(base)_\(n)") { n += 1 }
        return "\(base)_\(n)"
    }
}
