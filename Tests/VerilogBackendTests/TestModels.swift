import FixedPoint
import Foundation
import GraphIR
import Passes
@testable import VerilogBackend

/// Small models and helpers shared by the Verilog tests.
enum TestModels {
    /// A tiny 3 → 4 (relu) → 2 (`last`) model with fixed, readable weights.
    static func tiny(last: ActivationFunction = .softmax, hidden: ActivationFunction = .relu) -> Graph {
        let w1 = Tensor(shape: [3, 4], values: [0.5, -1.25, 0.75, 2.0, -0.375, 1.5, 0.25, -0.625, 1.0, 0.125, -2.5, 0.875])
        let b1 = Tensor(shape: [4], values: [0.1, -0.2, 0.05, 0])
        let w2 = Tensor(shape: [4, 2], values: [1.25, -0.5, -0.75, 1.0, 0.5, 0.25, -1.5, 2.25])
        let b2 = Tensor(shape: [2], values: [0.03, -0.04])
        return Graph(
            name: "tiny",
            nodes: [
                Node(name: "x", op: .input(shape: [3]), shape: [3]),
                Node(name: "dense_1", op: .dense(weights: w1, bias: b1, activation: .linear), inputs: ["x"], shape: [4]),
                Node(name: "act_1", op: .activation(hidden), inputs: ["dense_1"], shape: [4]),
                Node(name: "dense_2", op: .dense(weights: w2, bias: b2, activation: .linear), inputs: ["act_1"], shape: [2]),
                Node(name: "act_2", op: .activation(last), inputs: ["dense_2"], shape: [2]),
            ],
            inputs: ["x"], outputs: ["act_2"])
    }

    /// Runs the quantization pipeline with `format` everywhere.
    /// `gateAccumulator`: every GRU's gate sums in this format (its candidate's keep `format`).
    static func quantized(
        _ graph: Graph, format: String, argmax: Bool = false, tableSize: Int = 1024, gateAccumulator: String? = nil
    ) throws -> Graph {
        var options = PrecisionOptions(defaultFormat: try FixedFormat(parsing: format))
        options.tables.size = tableSize
        if let gateAccumulator {
            let g = try FixedFormat(parsing: gateAccumulator)
            for node in graph.nodes {
                if case .gru = node.op { options.overrides[node.name] = LayerOverride(gateAccumulator: g) }
            }
        }
        return try PassPipeline(Pipelines.quantize(options, decisionOnly: argmax)).run(graph)
    }

    static let verilatorPath: String? = VerilatorSimulator.findTool("verilator")
    static let hasVerilator = verilatorPath != nil
    static let hasIcarus = VerilatorSimulator.findTool("iverilog") != nil
    static let hasYosys = VerilatorSimulator.findTool("yosys") != nil

    /// A fresh temporary directory.
    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("trigc-verilog-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
