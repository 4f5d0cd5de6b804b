import ArgumentParser
import Calibration
import Foundation
import GraphIR
import Interpreter
import ModelIO
import Passes

struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Choose every fixed-point format of a model from calibration events and write the quantized IR.",
        discussion: """
            Runs the float model on the --calibrate events, measures the range of every value \
            (GRU internals included) and searches widths, rounding and table sizes until the \
            fixed-point model decides like float on --target-agreement of the events, using as \
            few bits as it can. Prints a per-layer table, the final figures and a resource proxy, \
            and writes a quantized IR that run, compare, compile and simulate take as it is. \
            When the target is out of reach within --max-width it says so, writes the best model \
            found and exits with status 2. See Docs/Calibration.md.
            """)

    @Argument(help: "The float model (.ir, or a Keras .h5 / .keras).")
    var model: String

    @Option(help: ArgumentHelp(
        "Calibration events: an HDF5 file with one dataset per model input (and optionally 'label').",
        valueName: "data.h5"))
    var calibrate: String

    @OptionGroup var datasets: InputDatasetOptions

    @Option(parsing: .unconditional, help: "At most this many calibration events (the first ones).")
    var calibrationEvents = 10_000

    @Option(parsing: .unconditional, help: "The target of --metric: 0.999 asks that 99.9% of events decide like float.")
    var targetAgreement = 0.999

    @Option(parsing: .unconditional, help: "Judge --target-agreement by the lower bound at this confidence on the agreeing share (0: the measured share).")
    var confidence = 0.95

    @Option(help: "agreement (decisions like float) or auc (every class keeps the target share of its float AUC; needs 'label').")
    var metric: CalibrationMetric = .agreement

    @Option(parsing: .unconditional, help: "The widest format any value may get.")
    var maxWidth = 18

    @Option(parsing: .unconditional, help: "Bits accumulators (sums inside a layer) may have beyond --max-width.")
    var accumulatorExtraBits = 0

    @Option(parsing: .unconditional, help: "Narrowing keeps the RMS output difference within this factor of its starting point's (0: no limit).")
    var errorBudget = 1.5

    @Option(parsing: .unconditional, help: "The narrowest format any value may get.")
    var minWidth = 4

    @Option(parsing: .unconditional, help: "Also require max |fixed - float| over every output value at most this (ignored with --argmax; a negative value: no limit).")
    var maxAbsDiff = 0.05

    @Flag(help: "List the width/accuracy points of every uniform width, not only up to the first that meets the target.")
    var pareto = false

    @Flag(help: "Replace the final softmax by argmax (the class index only), as trigger hardware does.")
    var argmax = false

    @Option(parsing: .unconditional, help: "Entries of each activation table before the search shrinks them (a power of two from 16 to 65536).")
    var tableSize = 4096

    @Option(help: ArgumentHelp(
        "Also report the result on these held-out events (same layout as --calibrate).", valueName: "data.h5"))
    var check: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        let settings = try self.settings()
        let datasets = try self.datasets.map()
        let reads = [model, calibrate] + (check.map { [$0] } ?? [])
        try OutputFile.check(output.output, overwrite: output.overwrite, inputs: reads)
        let graph = try ModelFile.load(model, keras: .isolated())
        if graph.isFixedPoint { throw CLIError.alreadyQuantized(model) }
        for name in datasets.keys where !graph.inputs.contains(name) {
            throw CLIError.unknownInput(name, inputs: graph.inputs)
        }
        let shaped = try PassPipeline([ShapeInference()]).run(graph)
        let calibration = try Self.read(calibrate, for: shaped, limit: calibrationEvents, datasets: datasets)
        // The held-out events are read before the search, so a bad file costs no search time.
        let held = try check.map { try Self.read($0, for: shaped, limit: nil, datasets: datasets) }
        let started = Date()
        let calibrator = try Calibrator(graph: graph, data: calibration, settings: settings) { line in
            FileHandle.standardError.write(Data("calibrate: \(line)\n".utf8))
        }
        let result = try calibrator.run()
        print(CalibrationText.layers(result))
        print(CalibrationText.points(result, settings: settings))
        print(CalibrationText.summary(result, settings: settings, seconds: Date().timeIntervalSince(started)))
        if let check, let held {
            print(CalibrationText.check(try calibrator.evaluate(result.graph, on: held), file: check, events: held.count))
        }
        try ModelFile.save(result.graph, to: output.output, overwrite: output.overwrite, sidecar: false)
        print("wrote \(output.output) (\(result.graph.nodes.count) nodes, \(result.graph.tables.count) activation tables)")
        if !result.reached {
            throw CLIError.outOfReach(
                target: settings.target, metric: settings.metric, maxWidth: settings.maxWidth,
                reached: Self.judged(result.score, settings, tooFew: result.tooFewEvents), written: output.output)
        }
    }

    /// The settings these options describe, checked.
    func settings() throws -> CalibrationSettings {
        guard targetAgreement.isFinite, targetAgreement > 0, targetAgreement <= 1 else {
            throw CLIError.outOfRange(name: "--target-agreement", value: "\(targetAgreement)", range: "above 0 and at most 1")
        }
        guard (2...32).contains(minWidth), (minWidth...32).contains(maxWidth) else {
            throw CLIError.outOfRange(name: "--min-width/--max-width", value: "\(minWidth)/\(maxWidth)",
                                      range: "2 ≤ min ≤ max ≤ 32")
        }
        guard maxAbsDiff.isFinite else {
            throw CLIError.outOfRange(name: "--max-abs-diff", value: "\(maxAbsDiff)", range: "a number")
        }
        guard tableSize >= 16, tableSize <= 65536, tableSize & (tableSize - 1) == 0 else {
            throw CLIError.outOfRange(name: "--table-size", value: "\(tableSize)", range: "a power of two from 16 to 65536")
        }
        guard errorBudget.isFinite, errorBudget == 0 || errorBudget >= 1 else {
            throw CLIError.outOfRange(name: "--error-budget", value: "\(errorBudget)", range: "0 or at least 1")
        }
        guard (0...16).contains(accumulatorExtraBits), maxWidth + accumulatorExtraBits <= 32 else {
            throw CLIError.outOfRange(name: "--accumulator-extra-bits", value: "\(accumulatorExtraBits)",
                                      range: "0 to 16, with --max-width plus it at most 32")
        }
        guard confidence.isFinite, confidence >= 0, confidence < 1 else {
            throw CLIError.outOfRange(name: "--confidence", value: "\(confidence)", range: "0 or more and below 1")
        }
        if calibrationEvents <= 0 { throw CLIError.badCount(name: "--calibration-events", value: calibrationEvents) }
        return CalibrationSettings(
            target: targetAgreement, maxWidth: maxWidth, minWidth: minWidth, metric: metric, maxAbsDiff: maxAbsDiff < 0 ? nil : maxAbsDiff,
            decisionOnly: argmax, tableSize: tableSize, pareto: pareto, confidence: confidence,
            accumulatorExtraBits: accumulatorExtraBits, errorBudget: errorBudget)
    }

    /// What the target was judged against: the agreement's lower bound where it was used.
    static func judged(_ score: CalibrationScore, _ settings: CalibrationSettings, tooFew: Bool) -> (value: Double, bound: Bool) {
        if settings.metric == .agreement, settings.confidence > 0, !tooFew {
            return (score.agreementBound(z: settings.z), true)
        }
        return (score.value(settings.metric), false)
    }

    /// The events of `path` for `graph`'s inputs, with the 'label' dataset when it has one.
    static func read(_ path: String, for graph: Graph, limit: Int?, datasets: [String: String]) throws -> CalibrationData {
        let inputs = try EventData.read(path, for: graph, limit: limit, datasets: datasets)
        let count = inputs.values.first?.count ?? 0
        let file = try HDF5File(path: path)
        var labels: [Int32]?
        if file.hasDataset("label") {
            let array = try file.readFloats("label")
            if array.shape.count == 1, array.shape[0] >= count, array.values.prefix(count).allSatisfy({ $0 >= 0 && $0 < 1e6 && $0 == $0.rounded() }) {
                labels = array.values.prefix(count).map { Int32($0) }
            } else {
                throw CLIError.badLabels(file: path)
            }
        }
        return CalibrationData(inputs: inputs, labels: labels)
    }
}

extension CalibrationMetric: ExpressibleByArgument {}
