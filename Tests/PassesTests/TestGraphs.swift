import FixedPoint
import GraphIR
@testable import Passes

/// Small graphs for pass tests, built node by node.
struct GraphBuilder {
    var nodes: [Node] = []
    var inputs: [String] = []

    mutating func input(_ name: String, _ shape: [Int]) -> String {
        inputs.append(name)
        nodes.append(Node(name: name, op: .input(shape: shape), shape: shape))
        return name
    }

    @discardableResult
    mutating func add(_ name: String, _ op: Op, _ inputs: [String], shape: [Int]? = nil) -> String {
        nodes.append(Node(name: name, op: op, inputs: inputs, shape: shape))
        return name
    }

    func graph(_ outputs: [String], name: String = "test") -> Graph {
        Graph(name: name, nodes: nodes, inputs: inputs, outputs: outputs)
    }
}

/// A dense op with deterministic weights `w[i][j] = (i - j) / 8` and bias `j / 16`.
func dense(_ inputs: Int, _ outputs: Int, _ activation: ActivationFunction = .linear) -> Op {
    let weights = (0..<inputs).flatMap { i in (0..<outputs).map { j in Float(i - j) / 8 } }
    let bias = (0..<outputs).map { Float($0) / 16 }
    return .dense(
        weights: Tensor(shape: [inputs, outputs], values: weights),
        bias: Tensor(shape: [outputs], values: bias), activation: activation)
}

/// A GRU op with deterministic small weights.
func gru(features: Int, units: Int, resetAfter: Bool = true) -> Op {
    func values(_ count: Int, _ salt: Int) -> [Float] {
        (0..<count).map { Float(($0 * 7 + salt) % 11 - 5) / 10 }
    }
    let attributes = GRUAttributes(
        units: units, resetAfter: resetAfter,
        kernel: Tensor(shape: [features, 3 * units], values: values(features * 3 * units, 1)),
        recurrentKernel: Tensor(shape: [units, 3 * units], values: values(units * 3 * units, 2)),
        bias: resetAfter
            ? Tensor(shape: [2, 3 * units], values: values(6 * units, 3))
            : Tensor(shape: [3 * units], values: values(3 * units, 3)))
    return .gru(attributes)
}

/// The graph with the shapes of all but its input nodes erased.
func withoutShapes(_ graph: Graph) -> Graph {
    var copy = graph
    for i in copy.nodes.indices {
        if case .input = copy.nodes[i].op { continue }
        copy.nodes[i].shape = nil
    }
    return copy
}

/// A format literal for tests.
func format(_ width: Int, _ integerBits: Int, signed: Bool = true) -> FixedFormat {
    FixedFormat.constant(width: width, integerBits: integerBits, signed: signed)
}

/// The three example networks, small enough for quick tests.
let examples: [Graph] = [
    .hlfDNN(seed: 3),
    .particleGRU(timeSteps: 12, features: 5, units: 6, seed: 3),
    .particleGRU(timeSteps: 12, features: 5, units: 6, resetAfter: false, seed: 4),
    .inclusive(timeSteps: 12, features: 5, units: 6, hlfFeatures: 4, seed: 5),
]
