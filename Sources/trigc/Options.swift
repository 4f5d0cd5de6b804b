import ArgumentParser
import FixedPoint
import Foundation
import GraphIR
import Interpreter
import Calibration
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
    var profile: ProfileSource?

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
        return try Self.precisionOptions(format, layerOverrides: layerOverrides, tableSize: tableSize,
                                         exactAccumulators: exactAccumulators)
    }

    /// Precision options from a format, `NODE=FORMAT` overrides (result, weight, bias and
    /// accumulator of that node), a table size and the exact-accumulator rule: what
    /// `--fixed` / `--layer` and `train --qat` / `--qat-layer` both describe.
    static func precisionOptions(
        _ format: FixedFormat, layerOverrides: [String], tableSize: Int, exactAccumulators: Bool
    ) throws -> PrecisionOptions {
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

    /// Throws unless `size` is a table size: a power of two from 2 to 65536.
    static func checkTableSize(_ size: Int, option: String) throws {
        guard size >= 2, size <= 65536, size & (size - 1) == 0 else {
            throw CLIError.outOfRange(name: option, value: "\(size)", range: "a power of two from 2 to 65536")
        }
    }

    /// The ranges of the numeric options (checked for float runs too, so that a typo is
    /// never silently ignored).
    func checkCounts() throws {
        try Self.checkTableSize(tableSize, option: "--table-size")
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
        if let path = profile?.file, !FileManager.default.fileExists(atPath: path) {
            throw ModelIOError.fileNotFound(path: path)
        }
    }

    /// The graph ready to interpret: shapes inferred, and quantized when a format is given
    /// (with `--profile`, from the ranges of `profileInputs` when given, else of the
    /// --profile file's events; a float run ignores --profile). A profiled quantization is
    /// kept only when it decides like float at least as often as the same formats without
    /// the profile, on the profile's events (``ProfileChoice``).
    func prepare(_ graph: Graph, profileInputs: [String: Batch]? = nil) throws -> Graph {
        for node in layerOverrides.compactMap({ $0.split(separator: "=").first.map(String.init) })
        where graph[node] == nil {
            throw CLIError.unknownLayer(node)
        }
        guard var options = try precisionOptions() else {
            // A graph quantized before constants were codes gets them here (a float graph is unchanged).
            return try PassPipeline(Pipelines.forRunning(nil, decisionOnly: argmax)).run(graph)
        }
        guard profile != nil || profileInputs != nil, let (ranges, events) = try rangeProfile(graph, inputs: profileInputs)
        else {
            return try PassPipeline(Pipelines.forRunning(options, decisionOnly: argmax)).run(graph)
        }
        options.profile = ranges
        options.profileMargin = profileMargin
        let outcome = try ProfileChoice.choose(graph, options: options, decisionOnly: argmax, data: CalibrationData(inputs: events))
        let kept = outcome.keptProfile ? "kept the profiled formats" : "kept the plain formats (the profile would lower agreement)"
        FileHandle.standardError.write(Data(String(
            format: "profile: agreement with float on those events %.3f%% profiled, %.3f%% without; %@\n",
            100 * outcome.profiledAgreement, 100 * outcome.plainAgreement, kept).utf8))
        let best = max(outcome.profiledAgreement, outcome.plainAgreement)
        if best < 0.99 {
            FileHandle.standardError.write(Data(Agreement.lowWarning(share: best, events: events.values.first?.count ?? 0).utf8))
        }
        return outcome.graph
    }
}

extension QuantizeOptions {
    /// The ranges of `graph`'s nodes on `inputs` (else on the --profile file's events), at
    /// most --profile-events of them, traced in float; and those events. `nil` without events.
    func rangeProfile(_ graph: Graph, inputs: [String: Batch]?) throws -> (RangeProfile, [String: Batch])? {
        let floatGraph = try RangeTracer.floatGraph(graph, argmax: argmax)
        let source: String
        let batches: [String: Batch]
        if let inputs {
            (source, batches) = ("the chosen events", inputs)
        } else if let path = profile?.file {
            (source, batches) = (path, try EventData.read(path, for: floatGraph, limit: profileEvents))
        } else if profile == .chosenEvents {
            throw CLIError.badList(name: "--profile", value: "events", expected: "a data file here (only evaluate profiles its own chosen events)")
        } else {
            return nil
        }
        let count = min(profileEvents, batches.values.map(\.count).min() ?? 0)
        let kept = batches.mapValues { batch in
            Batch(count: count, shape: batch.shape, values: Array(batch.values.prefix(count * batch.elementsPerEvent)))
        }
        let result = try RangeTracer.profile(floatGraph, inputs: kept, limit: count)
        FileHandle.standardError.write(Data(
            "profile: ranges of \(result.events) events of \(source), margin \(profileMargin) integer bit(s)\n".utf8))
        return (result, kept)
    }
}

/// Where `--profile` takes its events: a data file, or (for `evaluate`, spelled `events`)
/// the command's own chosen events.
enum ProfileSource: ExpressibleByArgument, Equatable {
    case file(String)
    case chosenEvents

    init?(argument: String) {
        self = argument == "events" ? .chosenEvents : .file(argument)
    }

    var file: String? {
        if case let .file(path) = self { path } else { nil }
    }
}

extension QuantizeOptions {
    /// The files these options read (the --profile file), which no output may replace.
    var readFiles: [String] { profile?.file.map { [$0] } ?? [] }
}

/// Where and whether to write an output file.
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The file to write.")
    var output: String

    @Flag(help: "Replace the output file if it exists (otherwise trigc refuses).")
    var overwrite = false
}

/// The events a command reads: a data file with one dataset per model input, optionally only
/// its first events, and which dataset each input reads.
struct EventInputOptions: ParsableArguments {
    @Option(help: "The HDF5 file with one dataset per model input.")
    var input: String

    @Option(parsing: .unconditional, help: "Only the first N events.")
    var events: Int?

    @OptionGroup var datasets: InputDatasetOptions

    /// Refuses an event count that is not positive (checked before any work).
    func checkCount() throws {
        if let events, events <= 0 { throw CLIError.badCount(name: "--events", value: events) }
    }

    /// The batches of `graph`'s inputs; `--input-dataset` is checked against `model`'s
    /// inputs (the graph as loaded, before passes).
    func read(for graph: Graph, model: Graph) throws -> [String: Batch] {
        try checkCount()
        return try EventData.read(input, for: graph, limit: events, datasets: try datasets.map(for: model))
    }
}

/// Which dataset of a data file each model input reads (by default the one named after it).
struct InputDatasetOptions: ParsableArguments {
    @Option(name: .customLong("input-dataset"), help: ArgumentHelp(
        "Read model input INPUT from dataset NAME of the data file; repeatable.", valueName: "input=name"))
    var inputDatasets: [String] = []

    /// `--input-dataset` as input → dataset.
    func map() throws -> [String: String] {
        var map: [String: String] = [:]
        for spelling in inputDatasets {
            let parts = spelling.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw CLIError.badList(name: "--input-dataset", value: spelling, expected: "INPUT=DATASET")
            }
            guard map[parts[0]] == nil else {
                throw CLIError.badList(name: "--input-dataset", value: spelling, expected: "one INPUT=DATASET per input ('\(parts[0])' is given twice)")
            }
            map[parts[0]] = parts[1]
        }
        return map
    }

    /// The map, checked against `graph`'s inputs.
    func map(for graph: Graph) throws -> [String: String] {
        let map = try map()
        for name in map.keys.sorted() where !graph.inputs.contains(name) {
            throw CLIError.badList(name: "--input-dataset", value: name,
                                   expected: "one of the model's inputs (\(graph.inputs.joined(separator: ", ")))")
        }
        return map
    }
}
