import GraphIR

/// The human-readable summary `trigc ir check` prints: one row per node.
struct GraphSummary {
    let text: String

    init(_ graph: Graph) {
        var rows: [[String]] = [["node", "op", "inputs", "shape", "parameters", "type"]]
        var total = 0
        for node in graph.nodes {
            let parameters = Self.parameterCount(node.op)
            total += parameters
            rows.append([
                node.name, Self.opText(node.op), node.inputs.joined(separator: ", "),
                node.shape.map { "\($0)" } ?? "?", parameters == 0 ? "" : "\(parameters)",
                Self.typeText(node.type),
            ])
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = ["graph \"\(graph.name)\": \(graph.nodes.count) nodes, \(total) parameters, "
            + "inputs \(graph.inputs.joined(separator: ", ")), outputs \(graph.outputs.joined(separator: ", "))"]
        for row in rows {
            lines.append(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingTrailingSpaces())
        }
        if !graph.tables.isEmpty {
            lines.append("activation tables:")
            for (name, table) in graph.tables.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(name): \(table.function.rawValue), \(table.entries.count) entries over "
                    + "[\(table.lowerBound), \(table.lowerBound + table.step * Double(table.entries.count))), "
                    + "\(table.inputFormat) -> \(table.outputFormat)")
            }
        }
        lines.append("verified: ok")
        text = lines.joined(separator: "\n")
    }

    static func parameterCount(_ op: Op) -> Int {
        switch op {
        case let .dense(weights, bias, _): weights.elementCount + bias.elementCount
        case let .gru(gru): gru.kernel.elementCount + gru.recurrentKernel.elementCount + gru.bias.elementCount
        case let .batchNormalization(bn): bn.gamma.elementCount * 4
        case let .affine(scale, offset): scale.elementCount + offset.elementCount
        case .input, .activation, .masking, .concatenate, .dropout, .flatten, .argmax: 0
        }
    }

    static func opText(_ op: Op) -> String {
        switch op {
        case let .dense(_, _, activation): activation == .linear ? "dense" : "dense+\(activationText(activation))"
        case let .activation(activation): activationText(activation)
        case let .gru(gru): "gru(\(gru.units)\(gru.resetAfter ? ", reset_after" : ""))"
        case let .masking(value): "masking(\(value))"
        case let .dropout(rate): "dropout(\(rate))"
        case .input, .concatenate, .batchNormalization, .affine, .flatten, .argmax: op.keyword
        }
    }

    static func activationText(_ activation: ActivationFunction) -> String {
        switch activation {
        case .linear: "linear"
        case .relu: "relu"
        case let .leakyRelu(alpha): "leaky_relu(\(alpha))"
        case .tanh: "tanh"
        case .sigmoid: "sigmoid"
        case .hardSigmoid: "hard_sigmoid"
        case .softmax: "softmax"
        }
    }

    static func typeText(_ type: ValueType) -> String {
        switch type {
        case .float32: "float32"
        case let .fixed(format): "\(format)"
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
