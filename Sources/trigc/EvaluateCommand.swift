import ArgumentParser
import Foundation
import EventIO
import GraphIR
import Passes
import Interpreter
import ModelIO
import Training

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "ROC curves, AUC and accuracy of a trained model on an event file, in float or bit-exact fixed point.",
        discussion: """
            TARGET is a run directory (its model.ir, and by default the run's own test split and \
            data file; with another --data file, all of its events) or a model .ir (by default \
            every event of --data). The model reads raw \
            features: its affine input scalers scale them. A fixed-point run (--fixed) moves that \
            scaling to the host in float (raw features such as MT in GeV^2 do not fit a narrow \
            fixed-point input) and quantizes the rest; it also runs the float model and reports \
            how often the two decide alike. Figures go to --out (default: the run directory).
            """)

    @Argument(help: "A run directory (trigc train) or a model (.ir).")
    var target: String

    @Option(help: "The event file (default: the run's).")
    var data: String?

    @Option(help: "Which events: test (the run's 80/20 split by its seed) or all.")
    var split: EvaluationSplit?

    @Option(parsing: .unconditional, help: "Seed of the split when TARGET is a model file and --split test.")
    var seed: UInt64 = 1

    @Option(help: "Directory for the ROC plot and the JSON of figures.")
    var out: String?

    @Option(help: ArgumentHelp(
        "Also write the chosen events' inputs, already scaled, to this HDF5 file (one dataset per input, plus 'label'): what the scaler-free RUN/model-prescaled.ir and its hardware read.",
        valueName: "file"))
    var writeInputs: String?

    @Flag(help: "Replace the --write-inputs file and the figure files (evaluate-*.svg, .png, .json) if they exist.")
    var overwrite = false

    @OptionGroup var quantize: QuantizeOptions

    func run() throws {
        guard !quantize.argmax else { throw CLIError.argmaxHasNoROC }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) else {
            throw ModelIOError.fileNotFound(path: target)
        }
        let isRun = isDirectory.boolValue
        let runURL = URL(fileURLWithPath: target, isDirectory: true)
        let config = isRun ? try RunConfig.read(from: runURL) : nil
        let modelPath = isRun ? runURL.appendingPathComponent(RunDirectory.modelFile).path : target
        if isRun, !FileManager.default.fileExists(atPath: modelPath) { throw CLIError.unfinishedRun(run: target) }
        // A run with a test file of its own is evaluated on that file, whole.
        guard let dataPath = data ?? config?.testData ?? config?.data else {
            throw CLIError.dataNeededForModel
        }
        if let config, data == nil { try config.checkData(run: target) }
        let readFiles = [modelPath, dataPath] + quantize.readFiles
        if let writeInputs { try OutputFile.check(writeInputs, overwrite: overwrite, inputs: readFiles) }
        if let out {
            // The folder itself may be new; its parent must exist.
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory)
            if exists && !isDirectory.boolValue { throw CLIError.cannotWrite(path: out, reason: "it is a file, not a folder") }
            if !exists { try OutputFile.check(out, overwrite: false) }
        }
        let loaded = try ModelFile.load(modelPath, keras: .isolated())
        try quantize.validate(for: loaded)
        // A quantization-aware run is evaluated in fixed point as it was trained (unless --fixed says otherwise).
        let qatFile = isRun && config?.qat != nil && quantize.format == nil
            ? runURL.appendingPathComponent(RunDirectory.qatModelFile).path : nil
        let fixedLabel = quantize.format ?? qatFile.map { _ in "\(RunDirectory.qatModelFile) (quantization-aware)" }
        let directory = out.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? (isRun ? runURL : nil)
        if let directory, FileManager.default.fileExists(atPath: directory.path) {
            let prefixes = ["evaluate-float"] + (fixedLabel == nil ? [] : ["evaluate-fixed"])
            for prefix in prefixes {
                for name in Figures.reportFileNames(prefix: prefix, history: false) {
                    try OutputFile.check(directory.appendingPathComponent(name).path, overwrite: overwrite, inputs: readFiles)
                }
            }
        }
        let chosen: EventDataset
        // A run's test split exists only in the run's own file: another file is used whole.
        let ownData = config.map { absolutePath(dataPath) == $0.data && $0.testData == nil } ?? false
        let which = split ?? (isRun && ownData ? .test : .all)
        let options = config?.preparation ?? PreparationOptions(seed: seed)
        if which == .test, config?.chunkEvents != nil || TrainCommand.tooLargeForMemory(dataPath) {
            // A streamed run's file, or one too large to read whole: only the test split's rows.
            try DataFileGuard.checkIndex(dataPath)
            let reader = try EventReader(path: dataPath)
            let test = try DataPreparation.splitIndices(labels: reader.index.labels, options: options, file: dataPath).test
            let (rows, positions) = try reader.read(rows: test, particles: true)
            chosen = rows.subset(positions)
            print("events: the test split, \(chosen.count) of the \(reader.index.count) in \(dataPath) (balanced, seed \(options.seed); "
                + "only these read)")
        } else {
            try DataFileGuard.checkEvents(dataPath)
            let events = try EventFile.read(dataPath)
            switch which {
            case .all:
                chosen = events
                print("events: all \(events.count) of \(dataPath)")
            case .test:
                chosen = try DataPreparation.prepare(events, options: options, file: dataPath).test
                print("events: the test split, \(chosen.count) of the \(events.count) in \(dataPath) (balanced, seed \(options.seed))")
            }
        }

        let scalers = InputScaler.find(in: try ScalingToAffine().run(loaded))
        for input in loaded.inputs where scalers[input] == nil {
            FileHandle.standardError.write(Data(("note: \(modelPath) has no affine scaler on '\(input)', so '\(input)' "
                + "reads the raw features of \(dataPath); use a model exported with its scaler (RUN/model.ir).\n").utf8))
        }
        var floatOptions = quantize
        floatOptions.format = nil
        floatOptions.layerOverrides = []
        floatOptions.exactAccumulators = false
        let floatGraph = try floatOptions.prepare(loaded)
        let floatInputs = try ModelInputs.batches(chosen, for: floatGraph, scaling: [:], file: dataPath)
        let floatOut = try Self.probabilities(try Interpreter(graph: floatGraph).run(floatInputs), graph: floatGraph)
        let floatMetrics = ClassificationMetrics(probabilities: floatOut, labels: chosen.labels)
        print(figureSummary(floatMetrics, label: "float (\(chosen.count) events)"))

        // Everything is computed before any figure is written: a failure writes nothing.
        var fixedResult: (metrics: ClassificationMetrics, agreement: Double, format: String)?
        if let format = fixedLabel {
            let (core, scaling) = try ModelInputs.splitScaling(loaded)
            // --profile events: the ranges of the chosen events themselves, scaled as the core reads them.
            let profileInputs = quantize.profile == .chosenEvents
                ? try ModelInputs.batches(chosen, for: core, scaling: scaling, file: dataPath) : nil
            let fixedGraph = try qatFile.map { try PassPipeline(Pipelines.loadQuantized).run(Graph.load(irFile: URL(fileURLWithPath: $0))) }
                ?? quantize.prepare(core, profileInputs: profileInputs)
            let fixedInputs = try ModelInputs.batches(chosen, for: fixedGraph, scaling: scaling, file: dataPath)
            let fixedOut = try Self.probabilities(try Interpreter(graph: fixedGraph).run(fixedInputs), graph: fixedGraph)
            let fixedMetrics = ClassificationMetrics(probabilities: fixedOut, labels: chosen.labels)
            let agreement = ClassificationMetrics.decisionAgreement(floatOut, fixedOut)
            print(figureSummary(fixedMetrics, label: "fixed \(format)"))
            print("decision agreement fixed vs float: \(formatted(100 * agreement, 3))% of \(chosen.count) events")
            // A quantization-aware model is not meant to decide like its float shadow weights.
            if agreement < 0.99, qatFile == nil {
                FileHandle.standardError.write(Data(Agreement.lowWarning(share: agreement, events: chosen.count).utf8))
            }
            fixedResult = (fixedMetrics, agreement, format)
        }
        var written: [FigureReport] = []
        if let directory {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            written.append(try Figures.writeReport(
                floatMetrics, model: "\(modelPath) float", data: dataPath, history: [], in: directory,
                title: "float, \(chosen.count) events", prefix: "evaluate-float"))
            if let (fixedMetrics, agreement, format) = fixedResult {
                written.append(try Figures.writeReport(
                    fixedMetrics, model: "\(modelPath) fixed \(format)", data: dataPath, history: [], in: directory,
                    title: "fixed \(format), \(chosen.count) events", prefix: "evaluate-fixed",
                    extra: ["format": format, "decision_agreement": String(agreement)],
                    overlay: (reference: floatMetrics, label: "float", own: format)))
            }
        }
        if let writeInputs {
            let (core, scaling) = try ModelInputs.splitScaling(loaded)
            let scaled = try ModelInputs.batches(chosen, for: core, scaling: scaling, file: dataPath)
            try OutputFile.writeHDF5(writeInputs, overwrite: overwrite, inputs: readFiles) { file in
                for (name, batch) in scaled {
                    try file.write(name, HDF5Array(shape: [batch.count] + batch.shape, values: batch.values))
                }
                try file.write("label", HDF5Array(shape: [chosen.count], values: chosen.labels.map { Int64($0) }))
            }
            print("scaled inputs of \(chosen.count) events: \(writeInputs)")
        }
        for report in written {
            print("plots: \(report.plots.values.sorted().joined(separator: " ")) (\(report.png))")
        }
    }

    /// The model's single output as `count × classes` probabilities.
    static func probabilities(_ outputs: [String: InterpreterOutput], graph: Graph) throws -> [Float] {
        guard let name = graph.outputs.first, let output = outputs[name] else {
            throw CLIError.noOutput
        }
        return output.batch.values
    }
}

/// Which events `evaluate` uses.
enum EvaluationSplit: String, ExpressibleByArgument {
    case test, all
}

/// Event-file features as the interpreter's input batches.
enum ModelInputs {
    /// Batches for the study's inputs (``StudyInput``), raw or scaled on the host by
    /// `scaling` (particle rows: the real ones only, so padding stays zero and is still masked).
    static func batches(_ data: EventDataset, for graph: Graph, scaling: [String: InputScaling], file: String) throws -> [String: Batch] {
        var result: [String: Batch] = [:]
        for name in graph.inputs {
            guard let node = graph[name], case let .input(shape) = node.op else { continue }
            var values: [Float]
            var rows: [Int]?
            switch StudyInput(name: name) {
            case .hlf:
                values = data.hlf
                guard shape == [EventSchema.hlfFeatureCount] else {
                    throw CLIError.inputShape(file: file, input: "'\(name)'", expected: shape, found: [data.count, EventSchema.hlfFeatureCount])
                }
            case .particles:
                values = data.particles
                rows = DataPreparation.realRows(of: data)
                guard shape == [data.maxParticles, EventSchema.particleFeatureCount] else {
                    throw CLIError.inputShape(file: file, input: "'\(name)'", expected: shape,
                                              found: [data.count, data.maxParticles, EventSchema.particleFeatureCount])
                }
            case nil:
                throw CLIError.notAStudyInput(name)
            }
            scaling[name]?.apply(&values, rows: rows)
            result[name] = Batch(count: data.count, shape: shape, values: values)
        }
        return result
    }

    /// The graph without its input scalers (``Pipelines/hostScaled``), and those scalings by input.
    static func splitScaling(_ loaded: Graph) throws -> (Graph, [String: InputScaling]) {
        let scalers = InputScaler.find(in: try ScalingToAffine().run(loaded))
        let core = try PassPipeline(Pipelines.hostScaled).run(loaded)
        return (core, scalers.mapValues { InputScaling(scale: $0.scale, offset: $0.offset) })
    }
}

/// One line: AUC per class and accuracy (and a warning for classes without an AUC).
func figureSummary(_ metrics: ClassificationMetrics, label: String) -> String {
    let aucs = zip(EventClass.allCases, metrics.roc).map { "\($0.name) \($1.isDefined ? formatted($1.auc, 4) : "n/a")" }
        .joined(separator: ", ")
    let undefined = zip(EventClass.allCases, metrics.roc).filter { !$1.isDefined }.map(\.0.name)
    if !undefined.isEmpty {
        FileHandle.standardError.write(Data(("warning: \(label): no AUC for \(undefined.joined(separator: ", ")): "
            + "those \(metrics.events) events do not hold both that class and another.\n").utf8))
    }
    return "\(label): AUC \(aucs); accuracy \(formatted(metrics.accuracy, 4))"
}
