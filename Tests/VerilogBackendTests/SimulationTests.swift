import FixedPoint
import Foundation
import GraphIR
import Interpreter
import Passes
import Testing
@testable import VerilogBackend

/// Compiles a quantized graph into `directory`, simulates random events and compares every
/// bit with the interpreter.
struct SimulationCase {
    let graph: Graph
    let options: VerilogOptions
    let directory: URL
    let design: VerilogDesign

    init(_ graph: Graph, options: VerilogOptions = VerilogOptions(), label: String) throws {
        self.graph = graph
        self.options = options
        directory = try TestModels.temporaryDirectory(label)
        design = try VerilogLowering.lower(graph, options: options)
        let files = try VerilogPrinter().print(design.hardware)
        try DesignDirectory.write(design, files: files, graph: graph, to: directory, overwrite: false)
    }

    /// Random inputs scaled to cover the input range and its overflow; sequences get a random
    /// length with zero (masked) steps after it and, now and then, a zero step inside.
    func inputs(events: Int, seed: UInt64 = 7) -> [String: Batch] {
        var rng = SplitMix64(seed: seed)
        var batches: [String: Batch] = [:]
        for name in graph.inputs {
            guard case let .input(shape) = graph[name]?.op else { continue }
            let size = shape.reduce(1, *)
            var values = (0..<(events * size)).map { _ in rng.nextFloat(limit: 6) }
            if shape.count == 2 {
                let (steps, features) = (shape[0], shape[1])
                for e in 0..<events {
                    let length = 1 + Int(rng.next() % UInt64(steps))
                    let hole = rng.next() % 4 == 0 ? Int(rng.next() % UInt64(steps)) : steps
                    for t in 0..<steps where t >= length || t == hole {
                        for f in 0..<features { values[e * size + t * features + f] = 0 }
                    }
                }
            }
            batches[name] = Batch(count: events, shape: shape, values: values)
        }
        return batches
    }

    /// Simulates and compares; returns the comparison, the run and the stream.
    func simulate(
        events: Int, gaps: Bool = false, icarus: Bool = false
    ) throws -> (SimulationComparison, SimulationRun, EventStream) {
        let batches = inputs(events: events)
        let interpreter = try Interpreter(graph: graph)
        let outputs = try interpreter.run(batches)
        let expected = try #require(outputs[graph.outputs[0]]?.fixed?.raw)
        let raw = EventStream.rawCodes(graph: graph, inputs: batches.mapValues(\.values))
        let stream = try EventStream(report: design.report, raw: raw, events: events)
        let simulator: any RTLSimulator = icarus
            ? try IcarusSimulator(directory: directory) : try VerilatorSimulator(directory: directory)
        try simulator.build()
        let run = try simulator.run(stream, gaps: gaps, seed: 3)
        let output = design.report.output
        let comparison = SimulationComparison(expected: expected, actual: run.outputs, events: events,
                                              features: output.features, width: output.width)
        return (comparison, run, stream)
    }
}

/// A small model per row: a format (every quantization and overflow mode appears) and the
/// two activations.
let tinyCases: [(String, ActivationFunction, ActivationFunction)] = [
    ("ap_fixed<16,6>", .relu, .softmax),
    ("ap_fixed<16,6,AP_RND,AP_SAT>", .tanh, .sigmoid),
    ("ap_fixed<12,4,AP_RND_CONV,AP_SAT_SYM>", .leakyRelu(alpha: 0.3), .hardSigmoid(slope: 0.2, offset: 0.5)),
    ("ap_fixed<14,5,AP_TRN_ZERO,AP_SAT_ZERO>", .sigmoid, .tanh),
    ("ap_fixed<10,3,AP_RND_ZERO,AP_WRAP>", .relu, .leakyRelu(alpha: -0.75)),
    ("ap_fixed<13,5,AP_RND_MIN_INF,AP_SAT>", .hardSigmoid(slope: 1.0 / 6, offset: 0.5), .softmax),
    ("ap_fixed<12,5,AP_RND_INF,AP_WRAP>", .tanh, .linear),
    ("ap_ufixed<12,4,AP_RND,AP_SAT>", .relu, .linear),
]

@Suite(.enabled(if: TestModels.hasVerilator, "verilator is not installed (apt-get install verilator)"), .serialized)
struct SimulationTests {
    @Test(arguments: tinyCases)
    func tinyIsBitExact(format: String, hidden: ActivationFunction, last: ActivationFunction) throws {
        let graph = try TestModels.quantized(TestModels.tiny(last: last, hidden: hidden), format: format, tableSize: 256)
        let sim = try SimulationCase(graph, label: "tiny")
        let (comparison, run, _) = try sim.simulate(events: 2000)
        #expect(comparison.isExact, "\(format) \(hidden) \(last): \(comparison.text)")
        #expect(run.latency == sim.design.report.latency)
        #expect(run.initiationInterval == 1)
        // The same design under random valid/ready gaps: same outputs, in order.
        let (gapped, gappedRun, _) = try sim.simulate(events: 500, gaps: true)
        #expect(gapped.isExact, "with gaps: \(gapped.text)")
        #expect(gappedRun.outputCycles.count == 500)
    }
}

/// The HLF DNN rows: format, multipliers, argmax output, adder levels per pipeline stage.
let hlfCases: [(String, MultiplierMapping, Bool, Int?)] = [
    ("ap_fixed<16,6>", .dsp, false, nil),
    ("ap_fixed<16,6>", .shiftAdd, false, nil),
    ("ap_fixed<10,4>", .shiftAdd, false, nil),
    ("ap_fixed<18,8>", .dsp, false, nil),
    ("ap_fixed<16,6>", .dsp, true, 2),
]

@Suite(.enabled(if: TestModels.hasVerilator, "verilator is not installed (apt-get install verilator)"), .serialized)
struct HLFSimulationTests {
    @Test(arguments: hlfCases)
    func hlfIsBitExact(format: String, multipliers: MultiplierMapping, argmax: Bool, levels: Int?) throws {
        let graph = try TestModels.quantized(Graph.hlfDNN(), format: format, argmax: argmax)
        let options = VerilogOptions(multipliers: multipliers, adderLevelsPerStage: levels)
        let sim = try SimulationCase(graph, options: options, label: "hlf")
        let (comparison, run, _) = try sim.simulate(events: 2000)
        #expect(comparison.isExact, "\(format) \(multipliers): \(comparison.text)")
        #expect(run.latency == sim.design.report.latency)
        #expect(run.initiationInterval == 1)
        if format == "ap_fixed<16,6>", levels == nil {
            #expect(sim.design.report.latency <= 8)
        }
    }
}

@Suite(.enabled(if: TestModels.hasVerilator, "verilator is not installed (apt-get install verilator)"), .serialized)
struct PlantedFaultTests {
    /// Flips the lowest bit of the first constant multiplier coefficient in the generated
    /// Verilog: the comparison must catch it.
    @Test func flippedCoefficientBitIsCaught() throws {
        let graph = try TestModels.quantized(TestModels.tiny(last: .linear), format: "ap_fixed<16,6>")
        let sim = try SimulationCase(graph, label: "fault")
        let (clean, _, _) = try sim.simulate(events: 2000)
        #expect(clean.isExact, "\(clean.text)")
        let url = sim.directory.appendingPathComponent("layer_dense_1.v")
        var text = try String(contentsOf: url, encoding: .utf8)
        let match = try #require(text.firstMatch(of: /\* \$signed\((\d+)'h([0-9a-f]+)\);/))
        let value = try #require(UInt64(match.output.2, radix: 16))
        text.replaceSubrange(match.output.2.startIndex..<match.output.2.endIndex, with: String(value ^ 1, radix: 16))
        try Data(text.utf8).write(to: url)
        let (faulty, _, _) = try sim.simulate(events: 2000)
        #expect(!faulty.isExact)
        #expect(faulty.mismatchedEvents > 0)
        // The debug top shows where it starts: the first dense layer.
        let event = try #require(faulty.firstMismatches.first?.event)
        let batches = sim.inputs(events: 2000).mapValues { batch in
            Batch(count: 1, shape: batch.shape, values: Array(batch.event(event)))
        }
        let debug = try VerilatorSimulator(directory: sim.directory, debug: true)
        try debug.build()
        let stream = try EventStream(report: sim.design.report,
                                     raw: EventStream.rawCodes(graph: graph, inputs: batches.mapValues(\.values)), events: 1)
        let run = try debug.run(stream, gaps: false, seed: 1)
        let values = try Interpreter(graph: graph).trace(batches)
        let trace = LayerTrace(event: event, report: sim.design.report, raw: run.outputs) { values[$0]?.fixed?.raw }
        #expect(trace.firstDivergence == "dense_1", "\(trace.text)")
        #expect(trace.rows.first { $0.node == "x" }?.matches == true)
    }
}
