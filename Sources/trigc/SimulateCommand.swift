import ArgumentParser
import Foundation
import GraphIR
import Passes
import Interpreter
import ModelIO
import VerilogBackend

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a compiled design (Verilator or Icarus) and compare every output bit with the interpreter.",
        discussion: """
            Re-runs the quantized graph saved in DESIGN/model.ir in the fixed-point interpreter, \
            streams the same events through the RTL, and exits non-zero on any differing bit or \
            when the measured latency or II differs from the report. On a mismatch it simulates \
            the debug top and shows, per layer, where RTL and interpreter part ways.
            """)

    @Argument(help: "The design directory written by 'trigc compile'.")
    var design: String

    @OptionGroup var data: EventInputOptions

    @Option(help: "The simulator: verilator (fast) or icarus (small runs).")
    var simulator = SimulatorKind.verilator

    @Flag(help: "Random gaps in in_valid and out_ready (timing is then not checked; Verilator only).")
    var gaps = false

    func run() throws {
        try data.checkCount()
        let directory = URL(fileURLWithPath: design)
        let rtl = try simulator.open(directory: directory)
        let report = rtl.report
        // A design compiled before constants were codes: its model.ir gets them here, once.
        let graph = try PassPipeline(Pipelines.loadQuantized).run(
            try ModelFile.load(directory.appendingPathComponent(DesignDirectory.modelFile).path))
        let inputs = try data.read(for: graph, model: graph)
        guard let outputName = graph.outputs.first, let count = inputs.values.first?.count else {
            throw VerilogError.badDesign(path: design, reason: "its model.ir has no output")
        }
        let interpreter = try Interpreter(graph: graph)
        guard let expected = try interpreter.run(inputs)[outputName]?.fixed?.raw else {
            throw VerilogError.badDesign(path: design, reason: "its model.ir is not fixed point")
        }
        let stream = try EventStream(report: report, raw: EventStream.rawCodes(graph: graph, inputs: inputs.mapValues(\.values)),
                                     events: count)
        let clock = ContinuousClock()
        let buildStart = clock.now
        let built = try rtl.build()
        let buildTime = clock.now - buildStart
        let runStart = clock.now
        let run = try rtl.run(stream, gaps: gaps && simulator == .verilator, seed: 1)
        let runTime = clock.now - runStart
        let comparison = SimulationComparison(expected: expected, actual: run.outputs, events: count,
                                              features: report.output.features, width: report.output.width)
        print("\(simulator) build: \(built ? "built in \(Self.seconds(buildTime))" : "cached"); simulated \(count) events "
            + "(\(stream.beats) beats) in \(Self.seconds(runTime))")
        print(comparison.text)
        var failed = !comparison.isExact
        if !comparison.isExact {
            try printTraces(comparison, directory: directory, graph: graph, interpreter: interpreter, inputs: inputs,
                            report: report)
        }
        if !(gaps && simulator == .verilator) {
            let (text, ok) = run.timing(report: report, stream: stream)
            print(text)
            if !ok { failed = true }
        }
        if failed { throw ExitCode.failure }
    }

    /// Simulates the debug top on the first mismatching events and prints, per layer, the
    /// RTL's and the interpreter's raw codes.
    func printTraces(
        _ comparison: SimulationComparison, directory: URL, graph: Graph, interpreter: Interpreter,
        inputs: [String: Batch], report: DesignReport
    ) throws {
        let picked = comparison.firstMismatches.prefix(3).map(\.event)
        var one: [String: Batch] = [:]
        for (name, batch) in inputs {
            let values = picked.flatMap { batch.event($0) }
            one[name] = Batch(count: picked.count, shape: batch.shape, values: values)
        }
        let debug = try VerilatorSimulator(directory: directory, debug: true)
        print("building the debug top to trace the first mismatching events…")
        try debug.build()
        let stream = try EventStream(report: report, raw: EventStream.rawCodes(graph: graph, inputs: one.mapValues(\.values)),
                                     events: picked.count)
        let run = try debug.run(stream, gaps: false, seed: 1)
        let values = try interpreter.trace(one)
        let perEvent = debug.outputPacking.features
        for (k, event) in picked.enumerated() where (k + 1) * perEvent <= run.outputs.count {
            let trace = LayerTrace(event: event, report: report, raw: Array(run.outputs[(k * perEvent)..<((k + 1) * perEvent)])) { node in
                guard let fixed = values[node]?.fixed else { return nil }
                let size = fixed.raw.count / max(picked.count, 1)
                return Array(fixed.raw[(k * size)..<((k + 1) * size)])
            }
            print(trace.text)
        }
    }

    /// A duration as seconds with two decimals.
    static func seconds(_ duration: Duration) -> String {
        let (whole, attoseconds) = duration.components
        return formatted(Double(whole) + Double(attoseconds) * 1e-18, 2) + " s"
    }
}

extension SimulatorKind: ExpressibleByArgument {}
