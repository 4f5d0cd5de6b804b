import ArgumentParser
import Distributed
import EventIO
import Foundation
import GraphIR
import OpenCLBackend
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one of the study's classifiers on an event file and export it to graph IR.",
        discussion: """
            The events are balanced by undersampling, shuffled and split 80/20 by --seed; MinMax \
            scalers are fitted on the training part. RUN/ receives checkpoint.trgc (after every \
            epoch), run.json (options and scalers), model.ir (the scalers as affine '<input>_scaling' \
            nodes), model-prescaled.ir (no scaling: inputs must be scaled already, as trigger \
            hardware receives them), roc.svg, rejection.svg, loss.svg, lr.svg (and PNGs when a converter is present) and \
            metrics.json with the test-split figures.
            """)

    @Option(help: "The model: hlf (DNN on the 14 features), gru (particle sequence), inclusive (both); a resumed run defaults to its own.")
    var model: StudyModelKind?

    @Option(help: "The event file (trigc datagen; see Docs/Data.md); a resumed run defaults to its own.")
    var data: String?

    @Option(parsing: .unconditional, help: "Epochs to train (in total, counting those a resumed run already did; default 5, a resumed run's own target).")
    var epochs: Int?

    @Option(parsing: .unconditional, help: "Events per batch (at most the training events; default 128, a resumed run's own).")
    var batch: Int?

    @Option(help: "The run directory.")
    var out: String

    @Option(parsing: .unconditional, help: "Seed of the split, the initial weights and the shuffling (default 1).")
    var seed: UInt64?

    @Option(parsing: .unconditional, help: "Adam's learning rate (default 0.001).")
    var lr: Float?

    @Option(parsing: .unconditional, help: "GRU units (gru and inclusive models; default 50).")
    var units: Int?

    @Option(parsing: .unconditional, help: "Dropout rate of the gru and inclusive models (default 0.2, the study's).")
    var dropout: Float?

    @Option(parsing: .unconditional, help: "Share of the events held out for testing (default 0.2).")
    var testSplit: Double?

    @Option(parsing: .unconditional, help: "Share of the training events held out for validation, never test events (default 0: the per-epoch validation figures are the test split's, as before).")
    var validationSplit: Double?

    @Option(help: "An event file used whole for validation (instead of --validation-split).")
    var validationData: String?

    @Option(help: "An event file used whole for the test figures (instead of the --test-split share of --data).")
    var testData: String?

    @Option(help: "Weights of the classes in the training loss: W_QCD,W_ttbar,W_W+jets, or 'balanced' (inverse class frequency of the training events; with --no-balance).")
    var classWeights: String?

    @Option(parsing: .unconditional, help: "Label smoothing of the training loss (Keras's label_smoothing): targets y·(1 - ε) + ε/3, from 0 to below 1 (default 0). Validation and test figures use the plain labels.")
    var labelSmoothing: Float?

    /// `--class-weights` read (nil when absent; a bad spelling is refused by validate()).
    private var parsedClassWeights: ClassWeights? { classWeights.flatMap { ClassWeights(parsing: $0) } }

    @Flag(help: "Keep the classes' natural shares instead of undersampling them to the smallest.")
    var noBalance = false

    @Option(help: "Learning-rate schedule: constant (default), plateau (halve after 2 epochs without improvement), step (halve every 10 epochs) or cosine.")
    var lrSchedule: ScheduleKind?

    @Option(parsing: .unconditional, help: "Stop after this many epochs without a better validation loss and export the best epoch (needs --validation-split).")
    var earlyStopping: Int?

    @Option(help: "Where to train: cpu (OpenBLAS), opencl (the first OpenCL device) or opencl:P:D (see 'trigc devices'); default cpu.",
            transform: DeviceSelection.init(parsing:))
    var device = DeviceSelection.cpu

    @OptionGroup(title: "Quantization-aware training") var qat: QATTrainOptions

    @Flag(help: "Continue the run in RUN/ from its last checkpoint (with the settings it was started with).")
    var resume = false

    @Flag(help: "Start RUN/ again: replaces the files an earlier trigc train wrote there (never other files).")
    var overwrite = false

    @Flag(help: "Stream the event file in chunks instead of reading it whole: memory stays bounded whatever the file's size (on by itself when the file is over a quarter of the physical memory; see Docs/Training.md).")
    var stream = false

    @Option(parsing: .unconditional, help: "Events per chunk when streaming (implies --stream; default: 64 MiB of features).")
    var chunkEvents: Int?

    @Flag(help: "One rank of an MPI job (mpirun -np N trigc train ... --distributed): each rank trains its share of every batch, rank 0 writes RUN/ (Docs/Distributed.md).")
    var distributed = false

    func validate() throws {
        if let epochs, !(1...TrainLimits.maxEpochs).contains(epochs) {
            throw CLIError.outOfRange(name: "--epochs", value: "\(epochs)", range: "1 to \(TrainLimits.maxEpochs)")
        }
        if let batch, !(1...TrainLimits.maxBatch).contains(batch) {
            throw CLIError.outOfRange(name: "--batch", value: "\(batch)", range: "1 to \(TrainLimits.maxBatch)")
        }
        if let units, !(1...TrainLimits.maxUnits).contains(units) {
            throw CLIError.outOfRange(name: "--units", value: "\(units)", range: "1 to \(TrainLimits.maxUnits)")
        }
        if let lr, !(lr.isFinite && lr > 0) {
            throw CLIError.outOfRange(name: "--lr", value: "\(lr)", range: "a positive finite number")
        }
        if let dropout, !TrainLimits.dropout.contains(dropout) {
            throw CLIError.outOfRange(name: "--dropout", value: "\(dropout)", range: "from 0 to \(TrainLimits.dropout.upperBound)")
        }
        if dropout != nil, model == .hlf { throw CLIError.needsOption(flag: "--dropout", needs: "--model gru or inclusive") }
        for (name, share) in [("--test-split", testSplit), ("--validation-split", validationSplit)] {
            if let share, !(share >= 0 && share < 0.9) { throw CLIError.outOfRange(name: name, value: "\(share)", range: "from 0 to below 0.9") }
        }
        if let chunkEvents, !(1...TrainLimits.maxChunkEvents).contains(chunkEvents) {
            throw CLIError.outOfRange(name: "--chunk-events", value: "\(chunkEvents)", range: "1 to \(TrainLimits.maxChunkEvents)")
        }
        if let earlyStopping, !(1...TrainLimits.maxEpochs).contains(earlyStopping) {
            throw CLIError.outOfRange(name: "--early-stopping", value: "\(earlyStopping)", range: "1 to \(TrainLimits.maxEpochs) epochs")
        }
        if let labelSmoothing, !(labelSmoothing >= 0 && labelSmoothing < 1) {
            throw CLIError.outOfRange(name: "--label-smoothing", value: "\(labelSmoothing)", range: "from 0 to below 1")
        }
        if let classWeights, parsedClassWeights == nil {
            throw CLIError.badList(name: "--class-weights", value: classWeights, expected: "three positive numbers such as 1,2,1, or balanced")
        }
        if validationData != nil, validationSplit != nil { throw CLIError.excludes(first: "--validation-data", second: "--validation-split") }
        if testData != nil, testSplit != nil { throw CLIError.excludes(first: "--test-data", second: "--test-split") }
        if resume, validationData != nil || testData != nil {
            throw CLIError.excludes(first: "--resume", second: validationData != nil ? "--validation-data" : "--test-data")
        }
        if earlyStopping != nil, !resume, (validationSplit ?? 0) <= 0, validationData == nil {
            throw CLIError.needsOption(flag: "--early-stopping", needs: "--validation-split F or --validation-data FILE (validation events must not be the test events)")
        }
        if resume && overwrite { throw CLIError.excludes(first: "--resume", second: "--overwrite") }
        try qat.check(resume: resume, dropout: dropout)
        if !resume && data == nil { throw CLIError.missingOption(name: "--data", reason: "to train a new run") }
        if !resume && model == nil { throw CLIError.missingOption(name: "--model", reason: "to train a new run") }
    }

    func run() throws {
        let collective = distributed ? try MPICollective() : nil
        defer { collective?.finish() }
        if let collective, collective.size == 1 {
            FileHandle.standardError.write(Data("warning: --distributed in a single process (not started by mpirun): training alone.\n".utf8))
        }
        // Only rank 0 writes the run directory and prints; the others compute alike.
        let lead = (collective?.rank ?? 0) == 0
        let run = URL(fileURLWithPath: out, isDirectory: true)
        var config = try checkDirectory(run)
        if resume { try config.checkData(run: out) }
        // A new run streams when asked or when the file is too large; a resumed one as it started.
        let streaming = resume ? config.chunkEvents != nil : stream || chunkEvents != nil || Self.tooLargeForMemory(config.data)
        if !resume {
            config.chunkEvents = chunkEvents
            if streaming, !stream, chunkEvents == nil, lead {
                FileHandle.standardError.write(Data("note: \(config.data) is over a quarter of the physical memory: streaming it in chunks (--stream).\n".utf8))
            }
        }
        let data = try loadData(&config, streaming: streaming)
        let batch = config.batchSize
        let epochs = config.epochCount
        if let collective, batch < collective.size {
            throw CLIError.outOfRange(name: "--batch", value: "\(batch)", range: "at least the number of ranks (\(collective.size)) with --distributed")
        }
        if !resume, let weighting = parsedClassWeights {
            config.classWeights = weighting.weights(classCounts: data.trainClassCounts)
        }
        let trainingDevice = try device.makeDevice()
        let trained = try config.makeModel(maxParticles: data.maxParticles, device: trainingDevice)
        // A run killed before its first checkpoint starts over on resume: from its --init weights.
        let continuing = resume && FileManager.default.fileExists(atPath: run.appendingPathComponent(RunDirectory.checkpointFile).path)
        let fixedForward = try config.qat.map { try $0.forward(for: trained, model: config.model, data: data, resume: continuing) }
        // Everything is checked: only now is anything in RUN/ created or replaced.
        if !resume && lead {
            switch RunDirectory.state(of: run) {
            case .run: try RunDirectory.clear(run, config: try RunConfig.read(from: run))
            case .empty: RunDirectory.removeTemporaries(run)
            case .absent, .file, .foreign: break
            }
            if RunDirectory.state(of: run) == .absent {
                do { try FileManager.default.createDirectory(at: run, withIntermediateDirectories: false) } catch {
                    throw CLIError.cannotWrite(path: out, reason: "cannot make the folder; does its parent folder exist?")
                }
            }
            config.dataFingerprint = FileFingerprint(config.data)
            config.validationFingerprint = config.validationData.flatMap(FileFingerprint.init)
            config.testFingerprint = config.testData.flatMap(FileFingerprint.init)
            config.outputs = RunDirectory.earlyOutputs
        }
        let inputs = Set(trained.inputs.map(\.name))
        var runConfig = config
        runConfig.hlfScaler = data.hlfScaler
        runConfig.particleScaler = data.particleScaler
        if lead { try runConfig.write(to: run) }
        try collective?.barrier()  // RUN/ is ready before any rank reads a checkpoint from it
        if let collective, lead { print("distributed: \(collective.size) ranks, each \(batch / collective.size)–\((batch + collective.size - 1) / collective.size) events of every batch of \(batch)") }
        let validating = data.validation.map { "validating on \($0.count), " } ?? ""
        if lead { print("training \(config.model.rawValue) on \(data.train.count) events, \(validating)testing on \(data.test.count) "
            + "(balanced from \(data.fileEvents), classes \(data.trainClassCounts)); run directory \(out)") }
        if lead, let chunk = config.chunkEvents { print("streaming \(config.data) in chunks of \(chunk) events") }
        fflush(nil)  // the header before the progress lines on stderr

        var options = TrainingOptions(epochs: epochs, batchSize: batch, seed: config.seed)
        let checkpoint = run.appendingPathComponent(RunDirectory.checkpointFile)
        options.checkpoint = lead ? checkpoint : nil
        options.earlyStopping = config.earlyStopping
        options.classWeights = config.classWeights
        options.labelSmoothing = config.labelSmoothing ?? 0
        options.bestCheckpoint = lead && config.earlyStopping != nil ? run.appendingPathComponent(RunDirectory.bestCheckpointFile) : nil
        let trainer = Trainer(model: trained, optimizer: Adam(learningRate: config.learningRate),
                              schedule: (config.schedule ?? .constant).schedule(epochs: epochs), options: options)
        trainer.collective = collective
        trainer.exactForward = fixedForward
        if resume, FileManager.default.fileExists(atPath: checkpoint.path) {
            try trainer.resume(from: checkpoint)
            guard trainer.completedEpochs <= epochs else {
                throw CLIError.fewerEpochs(run: out, done: trainer.completedEpochs, asked: epochs)
            }
            if lead { print("resumed after epoch \(trainer.completedEpochs)") }
            fflush(nil)
        }
        let bar = ProgressBar()
        trainer.onBatch = { p in
            guard lead else { return }
            bar.update(epoch: p.epoch, epochs: epochs, seen: p.seen, total: p.total, loss: p.loss,
                       samplesPerSecond: p.samplesPerSecond)
        }
        trainer.onEpoch = { e in
            guard lead else { return }
            bar.finish(epoch: e.epoch, epochs: epochs, total: data.train.count, loss: e.loss, accuracy: e.accuracy,
                       validationLoss: e.validationLoss, validationAccuracy: e.validationAccuracy,
                       samplesPerSecond: e.samplesPerSecond, seconds: e.seconds)
        }
        // Validation on held-out training events when the run has them; else, as runs always
        // did, on the test split.
        let history = try trainer.fit(source: data.train, validation: data.validation ?? data.test)
        guard lead else { return }
        if config.earlyStopping != nil, let best = trainer.bestEpoch {
            let loss = history.first { $0.epoch == best }?.validationLoss.map { String(format: "%.4f", $0) } ?? "?"
            print(trainer.stoppedEarly
                ? "stopped early after epoch \(trainer.completedEpochs) (no better validation loss for \(config.earlyStopping ?? 0)); exporting epoch \(best) (validation loss \(loss))"
                : "exporting epoch \(best), the best validation loss (\(loss))")
        }
        let probabilities = try fixedForward.map { try QATSettings.predict($0, model: trained, source: data.test) }
            ?? trained.predict(source: data.test)
        try trainingDevice.checkHealth()

        // model.ir last: its presence says the run finished.
        let scaling = data.inputScaling.filter { inputs.contains($0.key) }
        try trained.export().write(irFile: run.appendingPathComponent(RunDirectory.prescaledModelFile))
        if let fixedForward {
            try fixedForward.quantizedGraph(trained).write(irFile: run.appendingPathComponent(RunDirectory.qatModelFile))
        }
        let metrics = ClassificationMetrics(probabilities: probabilities, labels: data.testLabels)
        let report = try Figures.writeReport(
            metrics, model: config.model.rawValue, data: config.data, history: history, in: run,
            title: "\(config.model.rawValue), test split")
        try trained.export(scaling: scaling).write(irFile: run.appendingPathComponent(RunDirectory.modelFile))
        // The list of what this run wrote, for a later --overwrite (figures by their names).
        let figures = report.plots.values.map { URL(fileURLWithPath: $0).lastPathComponent }
        runConfig.outputs = RunDirectory.earlyOutputs + [RunDirectory.modelFile, RunDirectory.prescaledModelFile, RunDirectory.metricsFile]
            + (fixedForward == nil ? [] : [RunDirectory.qatModelFile]) + figures.sorted()
        try runConfig.write(to: run)
        print(figureSummary(metrics, label: "test"))
        print("model: \(run.appendingPathComponent(RunDirectory.modelFile).path)")
        if fixedForward != nil {
            print("fixed-point model (the test figures above are its): \(run.appendingPathComponent(RunDirectory.qatModelFile).path)")
        }
        print("plots: \(report.plots.values.sorted().joined(separator: " ")) (\(report.png))")
        print("metrics: \(run.appendingPathComponent(RunDirectory.metricsFile).path)")
    }

    /// Checks RUN/ against --resume and --overwrite (changing nothing yet) and returns the
    /// run's settings: the saved ones when resuming, which options may not contradict.
    private func checkDirectory(_ run: URL) throws -> RunConfig {
        let dataPath = data.map(absolutePath)
        switch RunDirectory.state(of: run) {
        case .run where resume:
            let saved = try RunConfig.read(from: run)
            if let model, saved.model != model {
                throw CLIError.resumeMismatch(run: out, saved: saved.model.rawValue, asked: model.rawValue)
            }
            // Settings older runs did not keep (nil) take what is asked now; the hlf model has
            // no units or dropout to contradict.
            let gru = saved.model != .hlf
            let asked: [(String, String?, String)] = [
                ("--data", dataPath, saved.data), ("--seed", seed.map { "\($0)" }, "\(saved.seed)"),
                ("--lr", lr.map { "\($0)" }, "\(saved.learningRate)"),
                ("--units", gru ? units.map { "\($0)" } : nil, "\(saved.units)"),
                ("--dropout", gru ? dropout.map { "\($0)" } : nil, saved.dropout.map { "\($0)" } ?? dropout.map { "\($0)" } ?? "0.2"),
                ("--test-split", testSplit.map { "\($0)" }, "\(saved.testFraction)"),
                ("--validation-split", validationSplit.map { "\($0)" }, "\(saved.validationFraction ?? 0)"),
                ("--no-balance", noBalance ? "true" : nil, "\(!saved.balance)"),
                ("--lr-schedule", lrSchedule.map(\.rawValue), (saved.schedule ?? .constant).rawValue),
                ("--early-stopping", earlyStopping.map { "\($0)" }, saved.earlyStopping.map { "\($0)" } ?? "none"),
                ("--class-weights", classWeights, saved.classWeights == nil ? "none" : classWeights ?? ""),
                ("--label-smoothing", labelSmoothing.map { "\($0)" }, "\(saved.labelSmoothing ?? 0)"),
                // Runs of older trigc did not keep their batch: any --batch continues them.
                ("--batch", batch.map { "\($0)" }, saved.batch.map { "\($0)" } ?? batch.map { "\($0)" } ?? "128"),
                // A run reads its data as it started: streamed in chunks of its size, or whole.
                ("--stream", stream ? "true" : nil, "\(saved.chunkEvents != nil)"),
                ("--chunk-events", chunkEvents.map { "\($0)" }, saved.chunkEvents.map { "\($0)" } ?? "none (read whole)"),
            ]
            for case let (option, value?, kept) in asked where value != kept {
                throw CLIError.resumeSetting(run: out, option: option, saved: kept, asked: value)
            }
            var resumed = saved
            if resumed.batch == nil { resumed.batch = batch }
            if resumed.dropout == nil, gru { resumed.dropout = dropout }
            // --epochs may raise a resumed run's target; it becomes the run's own.
            if let epochs { resumed.epochs = epochs }
            return resumed
        case .run:
            if !overwrite { throw CLIError.runExists(run: out) }
        case .empty:
            if resume { throw CLIError.emptyRun(run: out) }
        case .absent:
            if resume { throw CLIError.nothingToResume(run: out) }
        case .file:
            throw CLIError.notAFolder(run: out)
        case .foreign:
            throw resume ? RunDirectoryError.notARun(run: out) : CLIError.foreignFolder(run: out)
        }
        let seed = seed ?? 1
        var config = RunConfig(
            model: model ?? .hlf, data: dataPath ?? "", seed: seed, learningRate: lr ?? 1e-3, units: units ?? 50,
            dropout: dropout ?? StudyModels.dropoutRate, batch: batch ?? 128, epochs: epochs ?? 5,
            preparation: PreparationOptions(seed: seed, testFraction: testData != nil ? 0 : testSplit ?? 0.2, balance: !noBalance,
                                            validationFraction: validationSplit ?? 0))
        config.schedule = lrSchedule
        config.earlyStopping = earlyStopping
        config.labelSmoothing = labelSmoothing.flatMap { $0 > 0 ? $0 : nil }
        config.validationData = validationData.map(absolutePath)
        config.testData = testData.map(absolutePath)
        if qat.isSet {
            config.qat = qat.settings()
            // The fixed-point pass is the inference graph: no dropout.
            config.dropout = 0
        }
        return config
    }
}

extension StudyModelKind: ExpressibleByArgument {}
extension ScheduleKind: ExpressibleByArgument {}

/// The absolute, symlink-free form of a path given on the command line.
func absolutePath(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
}
