import FixedPoint
import Foundation
import GraphIR
import Interpreter
import Passes
import VerilogBackend

/// The Verilog backend: compile-to-Verilog time of the HLF DNN against the 1 s target, and a
/// Verilator run of 10^6 events at `ap_fixed<16,6>` compared bit for bit with the interpreter.
func verilogBench() throws {
    section("Verilog backend (HLF DNN, ap_fixed<16,6>, reuse 1)")
    let graph = try PassPipeline(Pipelines.quantize(PrecisionOptions(defaultFormat: try FixedFormat(parsing: "ap_fixed<16,6>"))))
        .run(Graph.hlfDNN())
    var design: VerilogDesign?
    var files: [VerilogFile] = []
    let compile = try seconds {
        let lowered = try VerilogLowering.lower(graph)
        files = try VerilogPrinter().print(lowered.hardware)
        design = lowered
    }
    guard let design else { return }
    row("compile to Verilog (lower + print)", String(format: "%.3f s", compile))
    ratio("  target 1 s / measured", 1 / compile)
    row("latency, II", "\(design.report.latency) cycles, \(design.report.initiationInterval)")
    guard ToolRunner.find("verilator") != nil else {
        row("Verilator simulation", "skipped: verilator is not installed (apt-get install verilator)")
        return
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trigc-bench-verilog")
    // The bench's own folder; one from before design manifests would be refused.
    if (try? DesignManifest.read(directory)) == nil { try? FileManager.default.removeItem(at: directory) }
    try DesignDirectory.write(design, files: files, graph: graph, to: directory, overwrite: true)
    let simulator = try VerilatorSimulator(directory: directory)
    let build = try seconds { try simulator.build() }
    row("Verilator build", String(format: "%.1f s", build))
    let events = 1_000_000
    var rng = SplitMix64(seed: 11)
    let features = design.report.inputs[0].features
    let values = (0..<(events * features)).map { _ in Float(Double(rng.next() >> 11) * 0x1p-53 * 12 - 6) }
    let batch = Batch(count: events, shape: [features], values: values)
    let expected = try Interpreter(graph: graph).run([graph.inputs[0]: batch])[graph.outputs[0]]?.fixed?.raw ?? []
    let stream = try EventStream(report: design.report, raw: EventStream.rawCodes(graph: graph, inputs: [graph.inputs[0]: values]),
                                 events: events)
    var run: SimulationRun?
    let simulate = try seconds { run = try simulator.run(stream, gaps: false, seed: 1) }
    let comparison = SimulationComparison(expected: expected, actual: run?.outputs ?? [], events: events,
                                          features: design.report.output.features, width: design.report.output.width)
    row("Verilator simulation of 10^6 events", String(format: "%.1f s, %.0f events/s", simulate, Double(events) / simulate))
    row("mismatching events / bits", "\(comparison.mismatchedEvents) / \(comparison.mismatchedBits)")
}
