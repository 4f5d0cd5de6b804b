extension VerificationCheck {
    /// Names, references, order, arity, graph inputs and outputs, reachability.
    static let structural: [VerificationCheck] = [
        VerificationCheck("non-empty", "the graph has at least one node") { context in
            context.graph.nodes.isEmpty ? [context.graphError("non-empty", "the graph has no nodes")] : []
        },
        VerificationCheck("unique-names", "node names are non-empty and unique") { context in
            var seen = Set<String>()
            return context.graph.nodes.compactMap { node in
                if node.name.isEmpty {
                    return context.graphError("unique-names", "a '\(node.op.keyword)' node has an empty name")
                }
                guard seen.insert(node.name).inserted else {
                    return VerificationError(
                        check: "unique-names", node: node.name, "node '\(node.name)' is defined twice")
                }
                return nil
            }
        },
        VerificationCheck("known-inputs", "every input of a node names a node of the graph") { context, node in
            node.inputs.first { context.index[$0] == nil }.map { "its input '\($0)' is not a node of the graph" }
        },
        VerificationCheck("topological-order", "every node comes after the nodes it reads") { context, node in
            guard let position = context.index[node.name] else { return nil }
            for input in node.inputs {
                guard let inputPosition = context.index[input] else { continue }
                if input == node.name { return "it reads its own output" }
                if inputPosition > position { return "it reads '\(input)', which is defined after it" }
            }
            return nil
        },
        VerificationCheck("arity", "each op has the number of inputs it takes") { _, node in
            let count = node.inputs.count
            switch node.op.arity {
            case let .some(arity) where arity != count:
                return "\(node.op.keyword) takes \(plural(arity, "input")) but it has \(count)"
            case .none where count == 0:
                return "\(node.op.keyword) takes one or more inputs but it has none"
            default:
                return nil
            }
        },
        VerificationCheck(
            "graph-inputs", "the graph's inputs are exactly its input nodes, each listed once"
        ) { context in
            var errors: [VerificationError] = []
            var listed = Set<String>()
            for name in context.graph.inputs {
                guard listed.insert(name).inserted else {
                    errors.append(context.graphError("graph-inputs", "input '\(name)' is listed twice"))
                    continue
                }
                guard let node = context.node(name) else {
                    errors.append(context.graphError("graph-inputs", "input '\(name)' is not a node of the graph"))
                    continue
                }
                if case .input = node.op { continue }
                errors.append(
                    VerificationError(
                        check: "graph-inputs", node: name,
                        "node '\(name)' is listed as a graph input but is a '\(node.op.keyword)' node"))
            }
            for node in context.graph.nodes where !listed.contains(node.name) {
                if case .input = node.op {
                    errors.append(
                        VerificationError(
                            check: "graph-inputs", node: node.name,
                            "node '\(node.name)' is an input node but not one of the graph's inputs"))
                }
            }
            return errors
        },
        VerificationCheck("graph-outputs", "the graph has outputs, each a node, each listed once") { context in
            if context.graph.outputs.isEmpty {
                return [context.graphError("graph-outputs", "the graph has no outputs")]
            }
            var listed = Set<String>()
            return context.graph.outputs.compactMap { name in
                guard listed.insert(name).inserted else {
                    return context.graphError("graph-outputs", "output '\(name)' is listed twice")
                }
                return context.index[name] == nil
                    ? context.graphError("graph-outputs", "output '\(name)' is not a node of the graph") : nil
            }
        },
        VerificationCheck(
            "reachable", "every node except a graph input contributes to an output (dead nodes are errors)"
        ) { context in
            var live = Set(context.graph.outputs)
            for node in context.graph.nodes.reversed() where live.contains(node.name) {
                live.formUnion(node.inputs)
            }
            let graphInputs = Set(context.graph.inputs)
            return context.graph.nodes.compactMap { node in
                live.contains(node.name) || graphInputs.contains(node.name)
                    ? nil
                    : VerificationError(
                        check: "reachable", node: node.name,
                        "node '\(node.name)' does not contribute to any output")
            }
        },
    ]
}

/// "1 input", "2 inputs".
func plural(_ count: Int, _ noun: String) -> String {
    count == 1 ? "1 \(noun)" : "\(count) \(noun)s"
}
