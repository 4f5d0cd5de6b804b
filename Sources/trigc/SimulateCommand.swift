import ArgumentParser
import Foundation
import GraphIR
import Interpreter
import ModelIO
import VerilogBackend

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a compiled design with Verilator and compare every output bit with the interpreter.",
        discussion: """
            Re-runs the quantized graph saved in DESIGN/model.ir in the fixed-point interpreter, \
            streams the same events through the RTL, and exits non-zero on any differing bit or \
            when the measured latency or II differs from the report.
            """)

    @Argument(help: "The design directory written by 'trigc compile'.")
    var design: String

    @Option(help: "The HDF5 file with one dataset per model input.")
    var input: String

    @Option(help: "Only the first N events.")
    var events: Int?

    @Flag(help: "Random gaps in in_valid and out_ready (latency is then not checked).")
    var gaps = false

    func run() throws {
        if let events, events <= 0 { throw CLIError.badCount(name: "--events", value: events) }
        let directory = URL(fileURLWithPath: design)
        let simulator = try VerilatorSimulator(directory: directory)
        let graph = try ModelFile.load(directory.appendingPathComponent(DesignDirectory.modelFile).path)
        let inputs = try EventData.read(input, for: graph, limit: events)
        guard let inputName = graph.inputs.first, let batch = inputs[inputName],
              let inputFormat = graph[inputName]?.precision?.result, let outputName = graph.outputs.first
        else { throw VerilogError.badDesign(path: design, reason: "its model.ir is not a one-input fixed-point graph") }
        let interpreter = try Interpreter(graph: graph)
        guard let expected = try interpreter.run(inputs)[outputName]?.fixed?.raw else {
            throw VerilogError.badDesign(path: design, reason: "its model.ir is not fixed point")
        }
        let clock = ContinuousClock()
        let buildStart = clock.now
        let built = try simulator.build()
        let buildTime = clock.now - buildStart
        let raw = batch.values.map { inputFormat.quantize($0) }
        let runStart = clock.now
        let run = try simulator.run(inputs: raw, events: batch.count, gaps: gaps)
        let runTime = clock.now - runStart
        let report = simulator.report
        let comparison = SimulationComparison(expected: expected, actual: run.outputs, events: batch.count,
                                              features: report.output.features, width: report.output.width)
        print("verilator build: \(built ? "built in \(buildTime)" : "cached"); simulated \(batch.count) events in \(runTime)")
        print(comparison.text)
        var failed = !comparison.isExact
        if let first = comparison.firstMismatches.first {
            print(try trace(interpreter, batch: batch, inputName: inputName, event: first.event))
        }
        if !gaps {
            let latency = run.latency.map(String.init) ?? "varying"
            let ii = run.initiationInterval.map(String.init) ?? "n/a"
            print("measured latency \(latency) cycles (report \(report.latency)), II \(ii) (report \(report.initiationInterval))")
            if run.latency != report.latency || (batch.count > 1 && run.initiationInterval != report.initiationInterval) {
                failed = true
            }
        }
        if failed { throw ExitCode.failure }
    }

    /// The interpreter's value at every node for one event, to see where the RTL diverges.
    func trace(_ interpreter: Interpreter, batch: Batch, inputName: String, event: Int) throws -> String {
        let one = Batch(event: Array(batch.event(event)), shape: batch.shape)
        let values = try interpreter.trace([inputName: one])
        var lines = ["interpreter trace of event \(event) (raw codes per node):"]
        for node in interpreter.graph.nodes {
            guard let fixed = values[node.name]?.fixed else { continue }
            lines.append("  \(node.name) [\(fixed.format)]: \(fixed.raw)")
        }
        return lines.joined(separator: "\n")
    }
}
