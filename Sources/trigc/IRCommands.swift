import ArgumentParser
import GraphIR
import ModelIO
import Passes
import Training

struct IRCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse and verify a graph IR file, then print its layers, shapes, parameters and formats.")

    @Argument(help: "The model (.ir, or a Keras .h5 / .keras).")
    var model: String

    func run() throws {
        let graph = try PassPipeline([ShapeInference()]).run(try ModelFile.load(model, keras: .isolated()))
        print(GraphSummary(graph).text)
    }
}

struct IRExample: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example",
        abstract: "Write one of the study's three model shapes with seeded weights.",
        discussion: "hlf: 14 -> Dense 50, 20, 10 relu -> 3 softmax. gru: Masking -> GRU(50) -> 3. inclusive: the GRU branch and 14 features -> Dense 25 relu -> 3.")

    @Argument(help: "The model shape.")
    var name: StudyModelKind

    @Option(parsing: .unconditional, help: "Seed of the weights.")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Features per particle (gru, inclusive).")
    var features = 19

    @Option(parsing: .unconditional, help: "GRU units (gru, inclusive).")
    var units = 50

    @Flag(help: "Use the GRU's reset-before convention (Keras reset_after=False).")
    var resetBefore = false

    @Option(parsing: .unconditional, help: "Particles per event (gru, inclusive).")
    var timeSteps = 801

    @Flag(help: "Write the weights to a binary sidecar file next to the text.")
    var sidecar = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        for (flag, value, most) in [("--time-steps", timeSteps, 100_000), ("--features", features, 4096), ("--units", units, 4096)]
        where !(1...most).contains(value) {
            throw CLIError.outOfRange(name: flag, value: "\(value)", range: "1 to \(most)")
        }
        try OutputFile.check(output.output, overwrite: output.overwrite)
        let graph: Graph
        switch name {
        case .hlf: graph = .hlfDNN(seed: seed)
        case .gru:
            graph = .particleGRU(timeSteps: timeSteps, features: features, units: units, resetAfter: !resetBefore, seed: seed)
        case .inclusive:
            graph = .inclusive(
                timeSteps: timeSteps, features: features, units: units, resetAfter: !resetBefore, seed: seed)
        }
        try ModelFile.save(graph, to: output.output, overwrite: output.overwrite, sidecar: sidecar)
        print("wrote \(output.output)")
    }
}

struct IRQuantize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Run the quantization pipeline and write the fixed-point graph IR (formats and tables included).")

    @Argument(help: "The model (.ir, or a Keras .h5 / .keras).")
    var model: String

    @OptionGroup var quantize: QuantizeOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        guard quantize.format != nil else { throw CLIError.needsFixed(flag: "ir quantize") }
        try OutputFile.check(output.output, overwrite: output.overwrite, inputs: [model] + quantize.readFiles)
        let graph = try quantize.prepare(try ModelFile.load(model, keras: .isolated()))
        try ModelFile.save(graph, to: output.output, overwrite: output.overwrite, sidecar: false)
        print("wrote \(output.output) (\(graph.nodes.count) nodes, \(graph.tables.count) activation tables)")
    }
}
