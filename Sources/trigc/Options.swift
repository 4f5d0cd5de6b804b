import ArgumentParser
import FixedPoint
import GraphIR
import Passes

/// How to turn a float graph into a fixed-point one.
struct QuantizeOptions: ParsableArguments {
    @Option(name: .customLong("fixed"),
            help: "Run in fixed point with this format for weights, biases, results and accumulators, e.g. 'ap_fixed<16,6>'.")
    var format: String?

    @Option(name: .customLong("layer"),
            help: ArgumentHelp("Per-layer override NODE=FORMAT (result, weight, bias and accumulator); repeatable.",
                               valueName: "node=format"))
    var layerOverrides: [String] = []

    @Flag(help: "Size accumulators so that no input in the declared input format can overflow them.")
    var exactAccumulators = false

    @Flag(help: "Replace the final softmax by argmax (the class index only), as trigger hardware does.")
    var argmax = false

    @Option(help: "Entries in each activation table (a power of two).")
    var tableSize = 1024

    /// The parsed default format, or nil for a float run.
    func fixedFormat() throws -> FixedFormat? {
        guard let format else { return nil }
        return try FixedFormat(parsing: format)
    }

    /// The precision options these flags describe, or nil for a float run.
    func precisionOptions() throws -> PrecisionOptions? {
        guard let format = try fixedFormat() else {
            if exactAccumulators || !layerOverrides.isEmpty {
                throw CLIError.needsFixed(flag: exactAccumulators ? "--exact-accumulators" : "--layer")
            }
            return nil
        }
        var options = PrecisionOptions(defaultFormat: format)
        options.exactAccumulators = exactAccumulators
        options.tables.size = tableSize
        for spelling in layerOverrides {
            let parts = spelling.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw CLIError.badOverride(spelling) }
            let layerFormat = try FixedFormat(parsing: parts[1])
            options.overrides[parts[0]] = LayerOverride(
                result: layerFormat, weight: layerFormat, bias: layerFormat, accumulator: layerFormat)
        }
        return options
    }

    /// The graph ready to interpret: shapes inferred, and quantized when a format is given.
    func prepare(_ graph: Graph) throws -> Graph {
        let passes: [any GraphPass]
        if let options = try precisionOptions() {
            passes = Pipelines.quantize(options, decisionOnly: argmax)
        } else {
            passes = Pipelines.float + (argmax ? [SoftmaxToArgmax()] : [])
        }
        for node in layerOverrides.compactMap({ $0.split(separator: "=").first.map(String.init) })
        where graph[node] == nil {
            throw CLIError.unknownLayer(node)
        }
        return try PassPipeline(passes).run(graph)
    }
}

/// Where and whether to write an output file.
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The file to write.")
    var output: String

    @Flag(help: "Replace the output file if it exists (otherwise trigc refuses).")
    var overwrite = false
}
