import FixedPoint
import GraphIR
import Interpreter
import Passes

/// Small hand-made graphs, formats, tables and random data for the interpreter tests.
enum TestGraphs {
    static func format(
        _ width: Int, _ integerBits: Int, _ q: QuantizationMode = .trn, _ o: OverflowMode = .wrap,
        signed: Bool = true
    ) throws -> FixedFormat {
        try FixedFormat(width: width, integerBits: integerBits, signed: signed, quantization: q, overflow: o)
    }

    static func tensor(_ shape: [Int], limit: Float, seed: UInt64) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in rng.nextFloat(limit: limit) })
    }

    static func values(_ count: Int, limit: Float, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in rng.nextFloat(limit: limit) }
    }

    static func batch(_ count: Int, _ shape: [Int], limit: Float = 2, seed: UInt64 = 3) -> Batch {
        Batch(count: count, shape: shape, values: values(count * shape.reduce(1, *), limit: limit, seed: seed))
    }

    /// A table with `2^log2Size` entries sampling `function` (midpoints) over
    /// `[lowerBound, lowerBound + size · 2^log2Step)`; written here, not by the Passes builder.
    static func table(
        _ function: TableFunction, input: FixedFormat, lowerBound: Double, log2Step: Int, size: Int,
        output: FixedFormat
    ) -> ActivationTable {
        let step = Double(sign: .plus, exponent: log2Step, significand: 1)
        let lowerBound = max(lowerBound, input.value(raw: input.minRaw))  // the verifier wants it representable
        let entries = (0..<size).map { i in output.quantize(function(lowerBound + (Double(i) + 0.5) * step)) }
        let lowerRaw = Int64(lowerBound * Double(sign: .plus, exponent: input.fractionalBits, significand: 1))
        return ActivationTable(function: function, inputFormat: input, lowerBoundRaw: lowerRaw, log2Step: log2Step,
                               outputFormat: output, entries: entries)
    }

    /// tanh, sigmoid, exp and reciprocal tables with the given input format.
    static func tables(input: FixedFormat) throws -> [String: ActivationTable] {
        let out = try format(18, 2)
        return [
            "tanh": table(.tanh, input: input, lowerBound: -4, log2Step: -5, size: 256, output: out),
            "sigmoid": table(.sigmoid, input: input, lowerBound: -8, log2Step: -4, size: 256, output: out),
            "exp": table(.exp, input: input, lowerBound: -8, log2Step: -5, size: 256, output: try format(18, 8)),
            "reciprocal": table(.reciprocal, input: try format(18, 8), lowerBound: 0.5, log2Step: -3, size: 512,
                                output: try format(18, 4)),
        ]
    }

    static let tableRoles: [TableRole: String] = [
        .activation: "tanh", .recurrentActivation: "sigmoid", .exp: "exp", .reciprocal: "reciprocal",
    ]

    /// Gives every node the same precision (the tables an op needs by role).
    static func quantized(_ graph: Graph, _ p: LayerPrecision, tables: [String: ActivationTable]) -> Graph {
        var g = graph
        for i in g.nodes.indices {
            var precision = p
            if case let .activation(function) = g.nodes[i].op, function == .sigmoid {
                precision.tables[.activation] = "sigmoid"
            }
            if case let .dense(_, _, function) = g.nodes[i].op, function == .sigmoid {
                precision.tables[.activation] = "sigmoid"
            }
            g.nodes[i].precision = precision
        }
        g.tables = tables
        return g
    }

    /// input [n] → dense(out, activation).
    static func dense(inputs n: Int, outputs m: Int, activation: ActivationFunction, seed: UInt64 = 11) -> Graph {
        Graph(name: "dense", nodes: [
            Node(name: "x", op: .input(shape: [n]), shape: [n]),
            Node(name: "d", op: .dense(weights: tensor([n, m], limit: 1, seed: seed),
                                       bias: tensor([m], limit: 0.5, seed: seed + 1), activation: activation),
                 inputs: ["x"], shape: [m]),
        ], inputs: ["x"], outputs: ["d"])
    }

    /// input [n] → activation.
    static func activation(_ function: ActivationFunction, size n: Int) -> Graph {
        Graph(name: "act", nodes: [
            Node(name: "x", op: .input(shape: [n]), shape: [n]),
            Node(name: "a", op: .activation(function), inputs: ["x"], shape: [n]),
        ], inputs: ["x"], outputs: ["a"])
    }

    static func gruAttributes(features: Int, units: Int, resetAfter: Bool, seed: UInt64 = 21) -> GRUAttributes {
        GRUAttributes(
            units: units, resetAfter: resetAfter,
            kernel: tensor([features, 3 * units], limit: 0.8, seed: seed),
            recurrentKernel: tensor([units, 3 * units], limit: 0.8, seed: seed + 1),
            bias: tensor(resetAfter ? [2, 3 * units] : [3 * units], limit: 0.3, seed: seed + 2))
    }

    /// input [T, F] → masking(0) → gru(units).
    static func gru(steps: Int, features: Int, units: Int, resetAfter: Bool) -> Graph {
        Graph(name: "gru", nodes: [
            Node(name: "seq", op: .input(shape: [steps, features]), shape: [steps, features]),
            Node(name: "mask", op: .masking(value: 0), inputs: ["seq"], shape: [steps, features]),
            Node(name: "gru", op: .gru(gruAttributes(features: features, units: units, resetAfter: resetAfter)),
                 inputs: ["mask"], shape: [units]),
        ], inputs: ["seq"], outputs: ["gru"])
    }

    /// A small inclusive-shaped model: seq [T, F] → masking → gru(u) → dropout, hlf [h] →
    /// dropout; concatenate → dense(5, relu) → dense(3, softmax).
    static func inclusive(steps: Int, features: Int, units: Int, hlf: Int, resetAfter: Bool) -> Graph {
        Graph(name: "inclusive", nodes: [
            Node(name: "seq", op: .input(shape: [steps, features]), shape: [steps, features]),
            Node(name: "hlf", op: .input(shape: [hlf]), shape: [hlf]),
            Node(name: "mask", op: .masking(value: 0), inputs: ["seq"], shape: [steps, features]),
            Node(name: "gru", op: .gru(gruAttributes(features: features, units: units, resetAfter: resetAfter)),
                 inputs: ["mask"], shape: [units]),
            Node(name: "drop1", op: .dropout(rate: 0.2), inputs: ["gru"], shape: [units]),
            Node(name: "drop2", op: .dropout(rate: 0.2), inputs: ["hlf"], shape: [hlf]),
            Node(name: "cat", op: .concatenate(axis: -1), inputs: ["drop1", "drop2"], shape: [units + hlf]),
            Node(name: "d1", op: .dense(weights: tensor([units + hlf, 5], limit: 0.7, seed: 31),
                                        bias: tensor([5], limit: 0.2, seed: 32), activation: .relu),
                 inputs: ["cat"], shape: [5]),
            Node(name: "d2", op: .dense(weights: tensor([5, 3], limit: 0.7, seed: 33),
                                        bias: tensor([3], limit: 0.2, seed: 34), activation: .softmax),
                 inputs: ["d1"], shape: [3]),
        ], inputs: ["seq", "hlf"], outputs: ["d2"])
    }

    /// Sequences whose events end in zero padding: event `e` keeps `lengths[e]` steps.
    static func paddedSequences(count: Int, steps: Int, features: Int, seed: UInt64) -> (Batch, [Int]) {
        var values = self.values(count * steps * features, limit: 1.5, seed: seed)
        var lengths: [Int] = []
        for e in 0..<count {
            let length = e % (steps + 1)
            lengths.append(length)
            for t in length..<steps {
                for f in 0..<features { values[(e * steps + t) * features + f] = 0 }
            }
        }
        return (Batch(count: count, shape: [steps, features], values: values), lengths)
    }
}

/// The graph with its constants as codes, as `Pipelines.quantize` leaves them: the fixed-point
/// interpreter reads codes and refuses float constants (a float graph is returned as it is).
func coded(_ graph: Graph) throws -> Graph {
    try ConstantQuantization().quantize(graph)
}
