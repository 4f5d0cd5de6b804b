import FixedPoint
import Foundation
import GraphIR
import Interpreter
import Testing
@testable import VerilogBackend

/// Reuse factors, GRUs over streamed sequences and two-input models, each bit for bit
/// against the interpreter, with the measured timing checked against the report.
@Suite(.enabled(if: TestModels.hasVerilator, "verilator is not installed (apt-get install verilator)"), .serialized)
struct ReuseSimulationTests {
    @Test func hlfAtReuseFourIsBitExactWithIIFour() throws {
        let graph = try TestModels.quantized(Graph.hlfDNN(), format: "ap_fixed<16,6>")
        let sim = try SimulationCase(graph, options: VerilogOptions(reuseFactor: 4), label: "hlf-r4")
        let (comparison, run, stream) = try sim.simulate(events: 2000)
        #expect(comparison.isExact, "\(comparison.text)")
        #expect(run.initiationInterval == 4)
        let timing = run.timing(report: sim.design.report, stream: stream)
        #expect(timing.ok, "\(timing.text)")
        let (gapped, _, _) = try sim.simulate(events: 300, gaps: true)
        #expect(gapped.isExact, "with gaps: \(gapped.text)")
    }

    @Test func tinyAtReuseThreeIsBitExact() throws {
        let graph = try TestModels.quantized(TestModels.tiny(last: .softmax, hidden: .tanh), format: "ap_fixed<14,5,AP_RND,AP_SAT>",
                                             tableSize: 128)
        let sim = try SimulationCase(graph, options: VerilogOptions(reuseFactor: 3), label: "tiny-r3")
        let (comparison, run, stream) = try sim.simulate(events: 1000)
        #expect(comparison.isExact, "\(comparison.text)")
        #expect(run.timing(report: sim.design.report, stream: stream).ok)
    }
}

/// The sequence models: masked GRUs with variable lengths and the two-input inclusive shape;
/// the last two with gate sums in a format of their own (`gate_accumulator`), fully parallel
/// and time-multiplexed.
let sequenceCases: [(String, Graph, Int, String?)] = [
    ("gru-reset-after", Graph.particleGRU(timeSteps: 8, features: 6, units: 4, resetAfter: true), 1, nil),
    ("gru-reset-before", Graph.particleGRU(timeSteps: 8, features: 6, units: 4, resetAfter: false), 1, nil),
    ("gru-reuse-3", Graph.particleGRU(timeSteps: 8, features: 6, units: 4, resetAfter: true), 3, nil),
    ("inclusive", Graph.inclusive(timeSteps: 8, features: 6, units: 4, hlfFeatures: 5), 1, nil),
    ("gru-gates", Graph.particleGRU(timeSteps: 8, features: 6, units: 4, resetAfter: true), 1,
     "ap_fixed<14,5,AP_RND,AP_SAT>"),
    ("gru-gates-reuse-2", Graph.particleGRU(timeSteps: 8, features: 6, units: 4, resetAfter: false), 2,
     "ap_fixed<12,3,AP_RND,AP_SAT>"),
]

@Suite(.enabled(if: TestModels.hasVerilator, "verilator is not installed (apt-get install verilator)"), .serialized)
struct SequenceSimulationTests {
    @Test(arguments: sequenceCases)
    func sequenceModelIsBitExact(label: String, model: Graph, reuse: Int, gateAccumulator: String?) throws {
        let graph = try TestModels.quantized(model, format: "ap_fixed<16,6>", tableSize: 1024, gateAccumulator: gateAccumulator)
        if let gateAccumulator {
            let gru = graph.nodes.first { if case .gru = $0.op { true } else { false } }
            #expect(gru?.precision?.gateAccumulator?.description == gateAccumulator)
        }
        let sim = try SimulationCase(graph, options: VerilogOptions(reuseFactor: reuse), label: label)
        let (comparison, run, stream) = try sim.simulate(events: 3000)
        #expect(comparison.isExact, "\(label): \(comparison.text)")
        let timing = run.timing(report: sim.design.report, stream: stream)
        #expect(timing.ok, "\(label): \(timing.text)")
        // Variable lengths: the trailing padding is not sent.
        #expect(Set(zip(stream.firstBeat, stream.lastBeat).map { $1 - $0 + 1 }).count > 3)
        #expect(sim.design.report.sequence?.maskCode == 0)
    }

    @Test func inclusiveUnderGapsIsBitExact() throws {
        let graph = try TestModels.quantized(Graph.inclusive(timeSteps: 8, features: 6, units: 4, hlfFeatures: 5),
                                             format: "ap_fixed<16,6>")
        let sim = try SimulationCase(graph, options: VerilogOptions(reuseFactor: 2), label: "inclusive-gaps")
        let (comparison, _, _) = try sim.simulate(events: 500, gaps: true)
        #expect(comparison.isExact, "\(comparison.text)")
    }
}

@Suite(.enabled(if: TestModels.hasIcarus, "iverilog is not installed (apt-get install iverilog)"), .serialized)
struct IcarusSimulationTests {
    @Test func tinyOnIcarusIsBitExact() throws {
        let graph = try TestModels.quantized(TestModels.tiny(last: .softmax, hidden: .sigmoid), format: "ap_fixed<16,6>",
                                             tableSize: 64)
        let sim = try SimulationCase(graph, label: "icarus")
        let (comparison, run, stream) = try sim.simulate(events: 300, icarus: true)
        #expect(comparison.isExact, "\(comparison.text)")
        #expect(run.timing(report: sim.design.report, stream: stream).ok)
    }

    @Test func gruOnIcarusIsBitExact() throws {
        let graph = try TestModels.quantized(Graph.inclusive(timeSteps: 4, features: 3, units: 2, hlfFeatures: 2),
                                             format: "ap_fixed<16,6>", tableSize: 256)
        let sim = try SimulationCase(graph, options: VerilogOptions(reuseFactor: 2), label: "icarus-gru")
        let (comparison, run, stream) = try sim.simulate(events: 200, icarus: true)
        #expect(comparison.isExact, "\(comparison.text)")
        #expect(run.timing(report: sim.design.report, stream: stream).ok)
    }
}
