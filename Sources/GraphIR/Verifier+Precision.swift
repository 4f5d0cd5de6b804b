import FixedPoint

extension VerificationCheck {
    /// Fixed-point precisions and activation tables.
    static let precision: [VerificationCheck] = [
        VerificationCheck(
            "uniform-precision", "either every node has a precision (fixed point) or none has (float32)"
        ) { context, node in
            guard node.precision == nil, let fixed = context.firstFixedNode else { return nil }
            return "it has no precision but '\(fixed.name)' has one: a graph is all float32 or all fixed point"
        },
        VerificationCheck("table-references", "every table a precision names is in the graph's tables") { context, node in
            guard let tables = node.precision?.tables else { return nil }
            for (role, name) in tables.sorted(by: { $0.key < $1.key }) where context.graph.tables[name] == nil {
                return "its \(role.rawValue) table '\(name)' is not one of the graph's tables"
            }
            return nil
        },
        VerificationCheck(
            "tables-well-formed",
            "a table has a power-of-two number of entries, a lower bound and entries its formats hold"
        ) { context in
            context.graph.tables.sorted { $0.key < $1.key }.compactMap { name, table in
                table.problem.map { context.graphError("tables-well-formed", "table '\(name)' \($0)") }
            }
        },
        VerificationCheck(
            "required-formats",
            "in a fixed-point graph each node has the weight, bias, accumulator formats and tables its op uses"
        ) { context, node in
            guard let precision = node.precision else { return nil }
            let needs = node.op.precisionNeeds
            let formats: [(String, FixedFormat?)] = [
                ("weight", precision.weight), ("bias", precision.bias), ("accumulator", precision.accumulator),
            ]
            for (name, format) in formats where needs.formats.contains(name) && format == nil {
                return "\(node.op.keyword) in fixed point needs \(name == "accumulator" ? "an" : "a") \(name) format but has none"
            }
            for (role, function) in needs.tables.sorted(by: { $0.key < $1.key }) {
                guard let tableName = precision.tables[role] else {
                    return "\(node.op.keyword) in fixed point needs a \(role.rawValue) table (\(function.rawValue)) "
                        + "but has none"
                }
                if let table = context.graph.tables[tableName], table.function != function {
                    return "its \(role.rawValue) table '\(tableName)' samples \(table.function.rawValue) "
                        + "but the node needs \(function.rawValue)"
                }
            }
            return nil
        },
        VerificationCheck("gate-accumulator", "only a GRU has a gate accumulator format") { _, node in
            guard node.precision?.gateAccumulator != nil else { return nil }
            if case .gru = node.op { return nil }
            return "\(node.op.keyword) has a gate_accumulator format, which only a GRU uses"
        },
    ]
}

extension ActivationTable {
    /// What is wrong with the table (a predicate phrase), or `nil`.
    var problem: String? {
        let count = entries.count
        if count == 0 || count & (count - 1) != 0 {
            return "has \(count) entries, not a power of two"
        }
        if !(-1024...1024).contains(log2Step) {
            return "has log2 step \(log2Step), outside -1024...1024"
        }
        if !(inputFormat.minRaw...inputFormat.maxRaw).contains(lowerBoundRaw) {
            return "has lower bound raw \(lowerBoundRaw), which \(inputFormat.description) cannot hold"
        }
        if let i = entries.firstIndex(where: { !(outputFormat.minRaw...outputFormat.maxRaw).contains($0) }) {
            return "entry \(i) is \(entries[i]), which \(outputFormat.description) cannot hold"
        }
        return nil
    }
}

/// The formats and tables an op uses in fixed point.
struct PrecisionNeeds {
    var formats: Set<String> = []
    var tables: [TableRole: TableFunction] = [:]

    mutating func add(_ activation: ActivationFunction, role: TableRole) {
        switch activation {
        case .linear, .relu: break
        case .leakyRelu: formats.insert("weight")
        case .hardSigmoid: formats.formUnion(["weight", "bias"])
        case .tanh: tables[role] = .tanh
        case .sigmoid: tables[role] = .sigmoid
        case .softmax:
            tables[.exp] = .exp
            tables[.reciprocal] = .reciprocal
        }
    }
}

extension Op {
    var precisionNeeds: PrecisionNeeds {
        var needs = PrecisionNeeds()
        let arithmetic: Set<String> = ["weight", "bias", "accumulator"]
        switch self {
        case let .dense(_, _, activation):
            needs.formats = arithmetic
            needs.add(activation, role: .activation)
        case let .activation(activation):
            needs.add(activation, role: .activation)
        case let .gru(a):
            needs.formats = arithmetic
            needs.add(a.activation, role: .activation)
            needs.add(a.recurrentActivation, role: .recurrentActivation)
        case .batchNormalization, .affine:
            needs.formats = arithmetic
        case .input, .masking, .concatenate, .dropout, .flatten, .argmax:
            break
        }
        return needs
    }
}
