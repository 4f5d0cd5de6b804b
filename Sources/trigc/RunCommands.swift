import ArgumentParser
import Calibration
import Foundation
import GraphIR
import Interpreter
import ModelIO
import OpenCLBackend
import Passes
import Training

struct InputsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inputs",
        abstract: "Write seeded random input events for a model's inputs to HDF5.",
        discussion: "Features are standard normal. Sequence inputs get a random true length per event, zero rows after it, and a '<input>_length' dataset.")

    @Argument(help: "The model (.ir, or a Keras .h5 / .keras).")
    var model: String

    @Option(parsing: .unconditional, help: "Number of events.")
    var events = 10_000

    @Option(parsing: .unconditional, help: "Seed of the generator.")
    var seed: UInt64 = 1

    @OptionGroup var output: OutputOptions

    func run() throws {
        guard events > 0 else { throw CLIError.badCount(name: "--events", value: events) }
        try OutputFile.check(output.output, overwrite: output.overwrite, inputs: [model])
        let graph = try ModelFile.load(model, keras: .isolated())
        for name in graph.inputs {
            guard let node = graph[name], case let .input(shape) = node.op else { continue }
            try MemoryBudget.check([2, events] + shape + [4], what: "\(events) events of input '\(name)' \(shape)",
                                   advice: "ask for fewer --events")
        }
        try OutputFile.writeHDF5(output.output, overwrite: output.overwrite, inputs: [model]) { file in
            for (name, data) in EventData.random(for: graph, events: events, seed: seed) {
                try file.write(name, HDF5Array(shape: [data.batch.count] + data.batch.shape, values: data.batch.values))
                if let lengths = data.lengths {
                    try file.write("\(name)_length", HDF5Array(shape: [lengths.count], values: lengths))
                }
            }
            try file.setStringAttribute("generator", "trigc inputs --seed \(seed)")
        }
        print("wrote \(events) events for \(graph.inputs.joined(separator: ", ")) to \(output.output)")
    }
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a model on every event of an HDF5 file, in float or bit-exact fixed point, and write its outputs.",
        discussion: "Each output becomes a float32 dataset named after the output node; a fixed-point run also writes '<output>_raw' (int64 raw codes) and the format as an attribute.")

    @Argument(help: "The model (.ir, or a Keras .h5 / .keras).")
    var model: String

    @OptionGroup var data: EventInputOptions

    @Option(help: "Where to run: cpu (the interpreter, float or fixed point), opencl (the first OpenCL device) or opencl:P:D (float only; see 'trigc devices'); default cpu.",
            transform: DeviceSelection.init(parsing:))
    var device = DeviceSelection.cpu

    @OptionGroup var quantize: QuantizeOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try data.checkCount()
        try OutputFile.check(output.output, overwrite: output.overwrite, inputs: runInputs)
        if device != .cpu, let format = quantize.format {
            throw CLIError.fixedOnOpenCL(device: device.description, format: format)
        }
        let loaded = try ModelFile.load(model, keras: .isolated())
        try quantize.validate(for: loaded)
        let graph = try quantize.prepare(loaded)
        let inputs = try data.read(for: graph, model: loaded)
        if device != .cpu {
            try runOnDevice(device, loaded: loaded, graph: graph, inputs: inputs)
            return
        }
        let interpreter = try Interpreter(graph: graph)
        let start = Date()
        let outputs = try interpreter.run(inputs)
        let seconds = Date().timeIntervalSince(start)
        try OutputFile.writeHDF5(output.output, overwrite: output.overwrite, inputs: runInputs) { file in
            // Passes keep the order of the outputs but may rename them (fusion keeps the dense's
            // name): datasets are named after the model's own outputs.
            for (name, node) in zip(loaded.outputs, graph.outputs) {
                guard let result = outputs[node] else { continue }
                let values = result.batch
                try file.write(name, HDF5Array(shape: [values.count] + values.shape, values: values.values))
                if let fixed = result.fixed {
                    try file.write("\(name)_raw", HDF5Array(shape: [fixed.count] + fixed.shape, values: fixed.raw))
                    try file.setStringAttribute("format", "\(fixed.format)", on: name)
                }
            }
            try file.setStringAttribute("model", model)
        }
        let count = inputs.values.first?.count ?? 0
        let mode = quantize.format.map { "fixed \($0)" } ?? (graph.isFixedPoint ? "fixed, the model's own formats" : "float")
        print("ran \(count) events (\(mode)) in \(formatted(seconds, 3)) s "
            + "(\(formatted(Double(count) / max(seconds, 1e-9), 0)) events/s); wrote \(output.output)")
    }

    /// The files `run` reads, which its output must not replace.
    var runInputs: [String] { [model, data.input] + quantize.readFiles }

    /// Events per `predict` batch on a training device.
    static let deviceBatch = 4096

    /// The float graph rebuilt as a ``Model`` on the selected device and predicted in
    /// batches; writes the output dataset as the interpreter path does.
    private func runOnDevice(_ selection: DeviceSelection, loaded: Graph, graph: Graph,
                             inputs: [String: Batch]) throws {
        let device = try selection.makeDevice()
        let network = try Model(graph: graph, device: device)
        let count = inputs.values.first?.count ?? 0
        let start = Date()
        let values = try network.predict(inputs.mapValues(\.values), count: count, batchSize: Self.deviceBatch)
        // An OpenCL device keeps its first failure until asked.
        try device.checkHealth()
        let seconds = Date().timeIntervalSince(start)
        // Named after the model's own output (passes may rename it), as on the CPU.
        let name = loaded.outputs.first ?? graph.outputs.first ?? network.name
        try OutputFile.writeHDF5(output.output, overwrite: output.overwrite, inputs: runInputs) { file in
            try file.write(name, HDF5Array(shape: [count] + network.outputShape, values: values))
            try file.setStringAttribute("model", model)
        }
        print("ran \(count) events (float, \(selection)) in \(formatted(seconds, 3)) s "
            + "(\(formatted(Double(count) / max(seconds, 1e-9), 0)) events/s); wrote \(output.output)")
    }
}

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run a model in float and in fixed point on the same events and print how often they decide alike.")

    @Argument(help: "The model (.ir, or a Keras .h5 / .keras).")
    var model: String

    @OptionGroup var data: EventInputOptions

    @Option(help: ArgumentHelp(
        "The float original of a model that is already quantized (trigc quantize's output).", valueName: "model"))
    var reference: String?

    @OptionGroup var quantize: QuantizeOptions

    func run() throws {
        try data.checkCount()
        let loaded = try ModelFile.load(model, keras: .isolated())
        let floatGraph: Graph
        let fixedGraph: Graph
        if loaded.isFixedPoint, quantize.format == nil {
            // A quantized model runs as it is, against its float original (with --fixed it is
            // quantized again from its codes' values, below).
            guard let reference else {
                throw CLIError.missingOption(name: "--reference", reason: "because \(model) is already quantized and compare needs its float original (or --fixed to quantize it again)")
            }
            let original = try ModelFile.load(reference, keras: .isolated())
            if original.isFixedPoint { throw CLIError.referenceQuantized(reference) }
            floatGraph = try PassPipeline(Pipelines.float).run(original)
            fixedGraph = try PassPipeline([ShapeInference()]).run(loaded)
            try Self.checkOriginal(floatGraph, of: fixedGraph, reference: reference, model: model)
        } else {
            if reference != nil {
                throw CLIError.excludes(first: "--reference", second: loaded.isFixedPoint ? "--fixed" : "a float model (it is its own reference)")
            }
            guard quantize.format != nil else { throw CLIError.needsFixed(flag: "compare") }
            try quantize.validate(for: loaded)
            var floatOptions = quantize
            floatOptions.format = nil
            floatOptions.exactAccumulators = false
            floatOptions.layerOverrides = []
            floatOptions.argmax = false
            floatGraph = try floatOptions.prepare(loaded)
            var fixedOptions = quantize
            fixedOptions.argmax = false
            fixedGraph = try fixedOptions.prepare(loaded)
        }
        let inputs = try data.read(for: floatGraph, model: loaded)
        let floats = try Interpreter(graph: floatGraph).run(inputs)
        let fixeds = try Interpreter(graph: fixedGraph).run(inputs)
        for (name, (floatName, fixedName)) in zip(loaded.outputs, zip(floatGraph.outputs, fixedGraph.outputs)) {
            guard let a = floats[floatName], let b = fixeds[fixedName] else { continue }
            let (x, y) = (a.batch, b.batch)
            let comparison = OutputComparison(float: x.values, fixed: y.values, classes: x.shape.reduce(1, *))
            print(Agreement.report(comparison, output: name, format: quantize.format ?? "\(b.fixed.map { "\($0.format)" } ?? "")"))
            if comparison.events > 0, comparison.agreement < 0.99 {
                FileHandle.standardError.write(Data(Agreement.lowWarning(share: comparison.agreement, events: comparison.events).utf8))
            }
        }
    }

    /// Every node of the quantized graph, but an argmax the quantization added, exists in
    /// the reference with the same op and inputs.
    static func checkOriginal(_ float: Graph, of fixed: Graph, reference: String, model: String) throws {
        for node in fixed.nodes {
            if case .argmax = node.op { continue }
            guard let other = float[node.name] else { throw CLIError.notTheOriginal(reference: reference, model: model, node: "node '\(node.name)'") }
            let sameOp = other.op.keyword == node.op.keyword
                || Set([other.op.keyword, node.op.keyword]) == ["batch_normalization", "affine"]
            guard sameOp, other.inputs == node.inputs else {
                throw CLIError.notTheOriginal(reference: reference, model: model, node: "\(node.op.keyword) node '\(node.name)' reading \(node.inputs)")
            }
        }
    }
}

/// What `compare` prints of an ``OutputComparison``.
enum Agreement {
    /// The warning printed when fewer than 99% of events decide like float.
    static func lowWarning(share: Double, events: Int) -> String {
        "warning: the fixed-point model decides like float on only \(formatted(100 * share, 3))% of \(events) events "
            + "(below 99%); 'trigc quantize --calibrate' chooses formats that keep the decisions.\n"
    }

    static func report(_ c: OutputComparison, output: String, format: String) -> String {
        let head = "\(output) \(format): \(c.events) events, same decision as float on \(formatted(100 * c.agreement, 3))% "
            + "(\(c.events - c.sameDecision) differ)"
        guard let largest = c.maxAbsDiff, let mean = c.meanAbsDiff else { return head + " (the fixed output is the class index)" }
        return head + ", max |float - fixed| \(formatted(largest, 5)), mean \(formatted(mean, 6))"
    }
}

/// A number with a fixed count of decimals.
func formatted(_ value: Double, _ decimals: Int) -> String {
    String(format: "%.\(decimals)f", value)
}
