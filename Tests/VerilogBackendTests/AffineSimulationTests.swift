import FixedPoint
import Foundation
import GraphIR
import Interpreter
import Passes
import Testing
@testable import VerilogBackend

/// Models with `affine` nodes: input scalers on a vector (one register stage) and on a
/// streamed sequence after masking (combinational, the mask travelling on), and a batch
/// normalization that constant-quantization turned into affine codes.
enum AffineModels {
    /// The small inclusive model with scalers after `hlf_input` and after `masking`, as
    /// `trigc train` exports them.
    static func scaledInclusive() -> Graph {
        var graph = Graph.inclusive(timeSteps: 8, features: 6, units: 4, hlfFeatures: 5, seed: 3)
        func insert(_ name: String, after source: String, features: Int, shape: [Int], scale: [Float], offset: [Float]) {
            let node = Node(name: name, op: .affine(scale: Tensor(shape: [features], values: scale),
                                                    offset: Tensor(shape: [features], values: offset)),
                            inputs: [source], shape: shape)
            let index = (graph.nodes.firstIndex { $0.name == source } ?? 0) + 1
            for i in graph.nodes.indices where graph.nodes[i].inputs.contains(source) {
                graph.nodes[i].inputs = graph.nodes[i].inputs.map { $0 == source ? name : $0 }
            }
            graph.nodes.insert(node, at: index)
        }
        insert("hlf_input_scaling", after: "hlf_input", features: 5, shape: [5],
               scale: [0.5, 0.25, 1.5, -0.75, 0.125], offset: [0.1, -0.3, 0, 0.25, 0.5])
        insert("gru_input_scaling", after: "masking", features: 6, shape: [8, 6],
               scale: [0.2, 0.4, 0.6, 0.8, 1.0, 1.2], offset: [0.05, 0, -0.05, 0.1, 0, 0.2])
        return graph
    }

    /// x [3] → dense 4 → batch normalization → relu → dense 2 → softmax.
    static func batchNormalized() -> Graph {
        var graph = TestModels.tiny(last: .softmax, hidden: .relu)
        let bn = BatchNormAttributes(
            gamma: Tensor(shape: [4], values: [1.5, 0.5, -1, 2]), beta: Tensor(shape: [4], values: [0.1, 0, -0.2, 0.3]),
            mean: Tensor(shape: [4], values: [0.5, -1, 0, 0.25]), variance: Tensor(shape: [4], values: [1, 4, 0.25, 2]),
            epsilon: 0.001)
        graph.nodes.insert(Node(name: "bn", op: .batchNormalization(bn), inputs: ["dense_1"], shape: [4]), at: 2)
        graph.nodes[3].inputs = ["bn"]
        return graph
    }
}

@Suite(.enabled(if: TestModels.hasVerilator, "verilator is not installed (apt-get install verilator)"), .serialized)
struct AffineSimulationTests {
    @Test(arguments: ["ap_fixed<16,6>", "ap_fixed<14,5,AP_RND,AP_SAT>"])
    func scaledInclusiveIsBitExact(format: String) throws {
        let graph = try TestModels.quantized(AffineModels.scaledInclusive(), format: format)
        guard case .affine = graph["gru_input_scaling"]?.op, case .affine = graph["hlf_input_scaling"]?.op else {
            Issue.record("the scalers are not affine nodes")
            return
        }
        let sim = try SimulationCase(graph, label: "affine-inclusive")
        let (comparison, run, stream) = try sim.simulate(events: 2000)
        #expect(comparison.isExact, "\(format): \(comparison.text)")
        let timing = run.timing(report: sim.design.report, stream: stream)
        #expect(timing.ok, "\(timing.text)")
        // The vector scaler is one register stage, the sequence scaler none.
        let layers = Dictionary(uniqueKeysWithValues: sim.design.report.layers.map { ($0.node, $0) })
        #expect(layers["hlf_input_scaling"]?.latency == 1 && layers["gru_input_scaling"]?.latency == 0)
        #expect(layers["hlf_input_scaling"]?.op == "affine")
        #expect(sim.design.report.sequence?.maskCode == 0)
    }

    @Test func batchNormalizationAsAffineIsBitExact() throws {
        let graph = try TestModels.quantized(AffineModels.batchNormalized(), format: "ap_fixed<16,6,AP_RND,AP_SAT>")
        guard case .affine = graph["bn"]?.op else {
            Issue.record("batch normalization did not become affine")
            return
        }
        let sim = try SimulationCase(graph, label: "affine-bn")
        let (comparison, run, _) = try sim.simulate(events: 2000)
        #expect(comparison.isExact, "\(comparison.text)")
        #expect(run.latency == sim.design.report.latency)
    }
}

struct AffineLoweringTests {
    @Test func floatConstantsAreRefused() throws {
        let passes = Pipelines.quantize().filter { $0.name != ConstantQuantization.name }
        let graph = try PassPipeline(passes).run(TestModels.tiny())
        #expect {
            _ = try VerilogLowering.lower(graph)
        } throws: { error in
            "\(error)".contains("dense_1") && "\(error)".contains("constant-quantization")
        }
        let bn = try PassPipeline(passes).run(AffineModels.batchNormalized())
        #expect {
            _ = try VerilogLowering.lower(bn)
        } throws: { error in
            "\(error)".contains("dense_1") || "\(error)".contains("'bn'")
        }
    }
}

struct UnsupportedFormatTests {
    /// A format the hardware mapping cannot convert (a 62-bit gate sum saturating into the
    /// gate table's input) is refused in one sentence that names the layer.
    @Test func anUnsupportedFormatNamesItsLayer() throws {
        let model = Graph.particleGRU(timeSteps: 4, features: 3, units: 2)
        let graph = try TestModels.quantized(model, format: "ap_fixed<16,6,AP_RND,AP_SAT>", tableSize: 256,
                                             gateAccumulator: "ap_fixed<62,60,AP_RND,AP_SAT>")
        var edited = graph
        // The gate table keeps a 16-bit input, so the gate sums must saturate into it.
        let narrow = try FixedFormat(parsing: "ap_fixed<16,6,AP_RND,AP_SAT>")
        for (name, table) in graph.tables where table.function == .sigmoid {
            edited.tables[name] = try ActivationTable.make(
                function: .sigmoid, inputFormat: narrow, lowerBound: -8, upperBound: 8, size: 256,
                outputFormat: table.outputFormat)
        }
        #expect {
            _ = try VerilogLowering.lower(edited)
        } throws: { error in
            "\(error)".hasPrefix("layer 'gru' cannot be lowered to Verilog: the backend does not support")
        }
    }
}
