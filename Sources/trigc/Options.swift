import ArgumentParser
import FixedPoint
import Foundation
import GraphIR
import Interpreter
import ModelIO
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

    @Option(parsing: .unconditional, help: "Entries in each activation table (a power of two, at most 65536).")
    var tableSize = 1024

    @Option(help: ArgumentHelp(
        "Give each layer the integer bits of its value range on these events (an HDF5 file like run's --input; for evaluate, 'events' means its own chosen events), keeping the --fixed width and modes.",
        valueName: "data.h5"))
    var profile: String?

    @Option(parsing: .unconditional, help: "At most this many events of --profile.")
    var profileEvents = 10_000

    @Option(parsing: .unconditional, help: "Extra integer bits above each profiled range (headroom for unseen events).")
    var profileMargin = 1

    /// The parsed default format, or nil for a float run.
    func fixedFormat() throws -> FixedFormat? {
        guard let format else { return nil }
        return try FixedFormat(parsing: format)
    }

    /// The precision options these flags describe, or nil for a float run.
    func precisionOptions() throws -> PrecisionOptions? {
        try checkCounts()
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

    /// The ranges of the numeric options (checked for float runs too, so that a typo is
    /// never silently ignored).
    func checkCounts() throws {
        guard tableSize >= 2, tableSize <= 65536, tableSize & (tableSize - 1) == 0 else {
            throw CLIError.outOfRange(name: "--table-size", value: "\(tableSize)", range: "a power of two from 2 to 65536")
        }
        if profileEvents <= 0 { throw CLIError.badCount(name: "--profile-events", value: profileEvents) }
        guard (0...32).contains(profileMargin) else {
            throw CLIError.outOfRange(name: "--profile-margin", value: "\(profileMargin)", range: "0 to 32")
        }
    }

    /// Checks every quantization option against `graph` before any work: formats, table
    /// size, layer names, the --profile file and its counts.
    func validate(for graph: Graph) throws {
        guard let options = try precisionOptions() else {
            if profile != nil { throw CLIError.needsFixed(flag: "--profile") }
            return
        }
        for name in options.overrides.keys where graph[name] == nil { throw CLIError.unknownLayer(name) }
        if let profile, profile != "events", !FileManager.default.fileExists(atPath: profile) {
            throw ModelIOError.fileNotFound(path: profile)
        }
    }

    /// The graph ready to interpret: shapes inferred, and quantized when a format is given
    /// (with `--profile`, from the ranges of `profileInputs` when given, else of the
    /// --profile file's events; a float run ignores --profile).
    func prepare(_ graph: Graph, profileInputs: [String: Batch]? = nil) throws -> Graph {
        let passes: [any GraphPass]
        if var options = try precisionOptions() {
            if profile != nil || profileInputs != nil {
                options.profile = try rangeProfile(graph, inputs: profileInputs)
                options.profileMargin = profileMargin
            }
            passes = Pipelines.quantize(options, decisionOnly: argmax)
        } else {
            // A graph quantized before constants were codes gets them here (a float graph is unchanged).
            passes = Pipelines.float + (argmax ? [SoftmaxToArgmax()] : []) + [ConstantQuantization()]
        }
        for node in layerOverrides.compactMap({ $0.split(separator: "=").first.map(String.init) })
        where graph[node] == nil {
            throw CLIError.unknownLayer(node)
        }
        return try PassPipeline(passes).run(graph)
    }
}

extension QuantizeOptions {
    /// The ranges of `graph`'s nodes on `inputs` (else on the --profile file's events), at
    /// most --profile-events of them, traced in float.
    func rangeProfile(_ graph: Graph, inputs: [String: Batch]?) throws -> RangeProfile {
        let floatGraph = try Profiling.floatGraph(graph, argmax: argmax)
        let source: String
        let batches: [String: Batch]
        if let inputs {
            (source, batches) = ("the chosen events", inputs)
        } else if let profile {
            (source, batches) = (profile, try EventData.read(profile, for: floatGraph, limit: profileEvents))
        } else {
            return RangeProfile()
        }
        let result = try Profiling.profile(floatGraph, inputs: batches, limit: profileEvents)
        FileHandle.standardError.write(Data(
            "profile: ranges of \(result.events) events of \(source), margin \(profileMargin) integer bit(s)\n".utf8))
        return result
    }
}

/// Where and whether to write an output file.
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The file to write.")
    var output: String

    @Flag(help: "Replace the output file if it exists (otherwise trigc refuses).")
    var overwrite = false
}
