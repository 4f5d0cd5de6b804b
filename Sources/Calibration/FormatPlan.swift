import FixedPoint
import GraphIR
import Passes

/// One value's format in a calibration plan: a width, and integer bits that follow the
/// value's calibrated magnitude at that width.
struct ValuePlan: Hashable, Sendable {
    /// Total bits.
    var width: Int
    /// The largest `|value|` on the calibration events (weights and biases: exactly).
    var magnitude: Double
    /// Integer bits fixed by the value's meaning rather than its range (table outputs of
    /// tanh and sigmoid: 1, saturating just below 1); `nil`: from ``magnitude``.
    var integerBits: Int?
    var signed = true
    /// `AP_RND` (else `AP_TRN`). Constants and table entries are computed once, so rounding
    /// them costs nothing in hardware.
    var rounding = true
    /// `AP_SAT` (else `AP_WRAP` with one more integer bit as headroom).
    var saturation = true
    /// Integer bits added to (negative: taken from) what the range needs: fewer trade rare
    /// saturation for resolution.
    var integerOffset = 0

    /// The format: `width` bits, the integer bits `magnitude` needs (one more when
    /// wrapping), signed unless said otherwise.
    func format() throws -> FixedFormat {
        let bits = integerBits
            ?? RangeProfile.integerBits(magnitude: magnitude, width: width, signed: signed) + (saturation ? 0 : 1)
                + integerOffset
        return try FixedFormat(
            width: width, integerBits: bits, signed: signed, quantization: rounding ? .rnd : .trn,
            overflow: saturation ? .sat : .wrap)
    }
}

/// The plan of one activation table: entries before cutting, and its output format.
struct TablePlan: Hashable, Sendable {
    var size: Int
    var output: ValuePlan
}

/// Which value of a node a plan entry sets.
enum ValueRole: Hashable, Sendable, Comparable {
    case result, weight, bias, accumulator
    /// A GRU's gate sums (z, r), sized apart from its candidate's (``accumulator``).
    case gateAccumulator
    case table(TableRole)

    /// Results and sums: the values whose integer bits trade range against resolution.
    var isComputed: Bool { [.result, .accumulator, .gateAccumulator].contains(self) }

    var name: String {
        switch self {
        case .result: "result"
        case .weight: "weight"
        case .bias: "bias"
        case .accumulator: "accumulator"
        case .gateAccumulator: "gate accumulator"
        case let .table(role): "\(role.rawValue) table"
        }
    }
}

/// The formats of every value of a graph that calibration chooses, by node name.
struct NodePlan: Hashable, Sendable {
    var values: [ValueRole: ValuePlan] = [:]
    var tables: [TableRole: TablePlan] = [:]
}

struct FormatPlan: Hashable, Sendable {
    var nodes: [String: NodePlan]

    /// Every value of every node at `width` bits, integer bits from `magnitudes`, tables of
    /// `tableSize` entries: the starting point of the search.
    static func uniform(
        _ graph: Graph, magnitudes: [String: ValueMagnitudes], width: Int, tableSize: Int,
        accumulatorExtraBits: Int = 0
    ) -> FormatPlan {
        var nodes: [String: NodePlan] = [:]
        for node in graph.nodes {
            let m = magnitudes[node.name] ?? ValueMagnitudes()
            var plan = NodePlan()
            func value(_ role: ValueRole, _ magnitude: Double?) {
                let bits = role == .accumulator || role == .gateAccumulator ? width + accumulatorExtraBits : width
                plan.values[role] = ValuePlan(width: bits, magnitude: magnitude ?? 1)
            }
            func table(_ role: TableRole, integerBits: Int, signed: Bool = true) {
                plan.tables[role] = TablePlan(
                    size: tableSize,
                    output: ValuePlan(width: width, magnitude: 1, integerBits: integerBits, signed: signed))
            }
            func tables(for function: ActivationFunction, role: TableRole) {
                switch function {
                case .tanh, .sigmoid: table(role, integerBits: 1)
                case .softmax:
                    table(.exp, integerBits: 0, signed: false)
                    table(.reciprocal, integerBits: 1, signed: false)
                case .linear, .relu, .leakyRelu, .hardSigmoid: break
                }
            }
            switch node.op {
            case .masking, .dropout, .flatten, .argmax:
                break
            case .input, .concatenate:
                value(.result, m.result)
            case let .dense(_, _, activation):
                value(.result, m.result)
                value(.weight, m.weight)
                value(.bias, m.bias)
                value(.accumulator, m.accumulator)
                tables(for: activation, role: .activation)
            case let .activation(function):
                value(.result, m.result)
                if m.weight != nil { value(.weight, m.weight) }
                if m.bias != nil { value(.bias, m.bias) }
                tables(for: function, role: .activation)
            case let .gru(gru):
                value(.result, m.result)
                value(.weight, m.weight)
                value(.bias, m.bias)
                value(.accumulator, m.accumulator)
                if m.gateAccumulator != nil { value(.gateAccumulator, m.gateAccumulator) }
                tables(for: gru.activation, role: .activation)
                tables(for: gru.recurrentActivation, role: .recurrentActivation)
            case .batchNormalization, .affine:
                value(.result, m.result)
                value(.weight, m.weight)
                value(.bias, m.bias)
                value(.accumulator, m.accumulator)
            }
            nodes[node.name] = plan
        }
        return FormatPlan(nodes: nodes)
    }

    /// Precision options that give every node of `graph` exactly this plan's formats;
    /// nodes that only pass values on (masking, dropout, flatten) keep their input's format.
    func options(for graph: Graph, tableSize: Int) throws -> PrecisionOptions {
        var options = PrecisionOptions()
        options.tables.size = tableSize
        var results: [String: FixedFormat] = [:]
        for node in graph.nodes {
            guard let plan = nodes[node.name] else { continue }
            var layer = LayerOverride()
            layer.result = try plan.values[.result]?.format()
            if layer.result == nil, case .argmax = node.op {
                // argmax keeps the narrowest index format.
            } else if layer.result == nil, let input = node.inputs.first {
                layer.result = results[input]
            }
            layer.weight = try plan.values[.weight]?.format()
            layer.bias = try plan.values[.bias]?.format()
            layer.accumulator = try plan.values[.accumulator]?.format()
            layer.gateAccumulator = try plan.values[.gateAccumulator]?.format()
            for (role, table) in plan.tables {
                layer.tables[role] = TableOverride(size: table.size, outputFormat: try table.output.format())
            }
            if let result = layer.result { results[node.name] = result }
            options.overrides[node.name] = layer
        }
        return options
    }

    /// This plan with every GRU's gate sums in its accumulator (sized for both ranges), or
    /// nil when no node has a gate accumulator of its own.
    func sharingGRUSums() -> FormatPlan? {
        var copy = self
        for (name, node) in nodes {
            guard let gates = node.values[.gateAccumulator] else { continue }
            copy.nodes[name]?.values[.gateAccumulator] = nil
            if let sums = node.values[.accumulator] {
                copy.nodes[name]?.values[.accumulator]?.magnitude = max(sums.magnitude, gates.magnitude)
            }
        }
        return copy == self ? nil : copy
    }

    /// Every (node, role) this plan sets, in a stable order.
    var entries: [(node: String, role: ValueRole)] {
        nodes.keys.sorted().flatMap { name in
            let plan = nodes[name] ?? NodePlan()
            return plan.values.keys.sorted().map { (name, $0) } + plan.tables.keys.sorted().map { (name, .table($0)) }
        }
    }

    /// The width of one entry.
    func width(_ node: String, _ role: ValueRole) -> Int? {
        switch role {
        case let .table(t): nodes[node]?.tables[t]?.output.width
        default: nodes[node]?.values[role]?.width
        }
    }

    /// This plan with one entry's width changed.
    func with(_ node: String, _ role: ValueRole, width: Int) -> FormatPlan {
        var copy = self
        switch role {
        case let .table(t): copy.nodes[node]?.tables[t]?.output.width = width
        default: copy.nodes[node]?.values[role]?.width = width
        }
        return copy
    }
}
