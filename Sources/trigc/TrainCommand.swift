import ArgumentParser
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
            epoch), run.json (options and scalers), model.ir (the scalers as '<input>_scaling' \
            nodes), model-prescaled.ir (no scaling: inputs must be scaled already, as trigger \
            hardware receives them), roc.svg, loss.svg (and PNGs when a converter is present) and \
            metrics.json with the test-split figures.
            """)

    @Option(help: "The model: hlf (DNN on the 14 features), gru (particle sequence), inclusive (both).")
    var model: StudyModelKind

    @Option(help: "The event file (trigc datagen; see Docs/Data.md).")
    var data: String

    @Option(help: "Epochs to train (in total, counting those a resumed run already did).")
    var epochs = 5

    @Option(help: "Events per batch.")
    var batch = 128

    @Option(help: "The run directory.")
    var out: String

    @Option(help: "Seed of the split, the initial weights and the shuffling.")
    var seed: UInt64 = 1

    @Option(help: "Adam's learning rate.")
    var lr: Float = 1e-3

    @Option(help: "GRU units (gru and inclusive models).")
    var units = 50

    @Option(help: "Where to train: cpu (OpenBLAS), opencl (the first OpenCL device) or opencl:P:D (see 'trigc devices').")
    var device = "cpu"

    @Flag(help: "Continue the run in RUN/ from its last checkpoint.")
    var resume = false

    @Flag(help: "Replace an existing RUN/ and start again.")
    var overwrite = false

    func validate() throws {
        guard epochs > 0 else { throw CLIError.badCount(name: "--epochs", value: epochs) }
        guard batch > 0 else { throw CLIError.badCount(name: "--batch", value: batch) }
        guard units > 0 else { throw CLIError.badCount(name: "--units", value: units) }
        if resume && overwrite { throw ValidationError("--resume and --overwrite exclude each other.") }
    }

    func run() throws {
        let run = URL(fileURLWithPath: out, isDirectory: true)
        let config = try checkDirectory(run)
        let events = try EventFile.read(data)
        let prepared = try DataPreparation.prepare(events, options: config.preparation, file: data)
        let selection = try DeviceSelection(parsing: device)
        let trainingDevice = try selection.makeDevice()
        let trained = try config.makeModel(maxParticles: events.maxParticles, device: trainingDevice)
        if !resume {
            if overwrite, FileManager.default.fileExists(atPath: run.path) { try FileManager.default.removeItem(at: run) }
            try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        }
        let inputs = Set(trained.inputs.map(\.name))
        let train = prepared.arrays(prepared.train, inputs: inputs)
        let test = prepared.arrays(prepared.test, inputs: inputs)
        var runConfig = config
        runConfig.hlfScaler = prepared.hlfScaler
        runConfig.particleScaler = prepared.particleScaler
        try runConfig.write(to: run)
        print("training \(model.rawValue) on \(prepared.train.count) events, testing on \(prepared.test.count) "
            + "(balanced from \(events.count), classes \(prepared.train.classCounts)); run directory \(out)")
        fflush(nil)  // the header before the progress lines on stderr

        var options = TrainingOptions(epochs: epochs, batchSize: batch, seed: config.seed)
        let checkpoint = run.appendingPathComponent("checkpoint.trgc")
        options.checkpoint = checkpoint
        let trainer = Trainer(model: trained, optimizer: Adam(learningRate: config.learningRate), options: options)
        if resume, FileManager.default.fileExists(atPath: checkpoint.path) {
            try trainer.resume(from: checkpoint)
            print("resumed after epoch \(trainer.completedEpochs)")
            fflush(nil)
        }
        let bar = ProgressBar()
        trainer.onBatch = { p in
            bar.update(epoch: p.epoch, epochs: epochs, seen: p.seen, total: p.total, loss: p.loss,
                       samplesPerSecond: p.samplesPerSecond)
        }
        trainer.onEpoch = { e in
            bar.finish(epoch: e.epoch, epochs: epochs, total: train.count, loss: e.loss, accuracy: e.accuracy,
                       validationLoss: e.validationLoss, validationAccuracy: e.validationAccuracy,
                       samplesPerSecond: e.samplesPerSecond, seconds: e.seconds)
        }
        let history = try trainer.fit(train, validation: test)
        // An OpenCL device keeps its first failure until asked.
        if let opencl = trainingDevice as? OpenCLDevice { try opencl.check() }

        let scaling = prepared.inputScaling.filter { inputs.contains($0.key) }
        try trained.export(scaling: scaling).write(irFile: run.appendingPathComponent("model.ir"))
        try trained.export().write(irFile: run.appendingPathComponent("model-prescaled.ir"))
        let probabilities = try trained.predict(test.inputs, count: test.count)
        let metrics = ClassificationMetrics(probabilities: probabilities, labels: prepared.test.labels)
        let report = try FigureOutput.write(
            metrics, model: model.rawValue, data: data, history: history, in: run, title: "\(model.rawValue), test split")
        print(FigureOutput.summary(metrics, label: "test"))
        print("model: \(run.appendingPathComponent("model.ir").path)")
        print("plots: \(report.plots.values.sorted().joined(separator: " ")) (\(report.png))")
        print("metrics: \(run.appendingPathComponent("metrics.json").path)")
    }

    /// Checks RUN/ against --resume and --overwrite (changing nothing yet) and returns the
    /// run's settings: the saved ones when resuming.
    private func checkDirectory(_ run: URL) throws -> RunConfig {
        if FileManager.default.fileExists(atPath: run.path) {
            if resume {
                let saved = try RunConfig.read(from: run)
                guard saved.model == model else {
                    throw TrainCLIError.resumeMismatch(run: out, saved: saved.model.rawValue, asked: model.rawValue)
                }
                return saved
            }
            guard overwrite else { throw TrainCLIError.runExists(run: out) }
        } else if resume {
            throw TrainCLIError.nothingToResume(run: out)
        }
        return RunConfig(model: model, data: data, seed: seed, learningRate: lr, units: units,
                         preparation: PreparationOptions(seed: seed))
    }
}

/// The study model a run trains.
enum StudyModelKind: String, ExpressibleByArgument, Codable, CaseIterable {
    case hlf, gru, inclusive
}

/// What `RUN/run.json` records: enough to rebuild the model, the split and the scaling.
struct RunConfig: Codable {
    var model: StudyModelKind
    var data: String
    var seed: UInt64
    var learningRate: Float
    var units: Int
    var testFraction: Double = 0.2
    var balance = true
    var hlfScaler: MinMaxScaler?
    var particleScaler: MinMaxScaler?

    init(model: StudyModelKind, data: String, seed: UInt64, learningRate: Float, units: Int, preparation: PreparationOptions) {
        self.model = model
        self.data = data
        self.seed = seed
        self.learningRate = learningRate
        self.units = units
        testFraction = preparation.testFraction
        balance = preparation.balance
    }

    var preparation: PreparationOptions {
        PreparationOptions(seed: seed, testFraction: testFraction, balance: balance)
    }

    func makeModel(maxParticles: Int, device: any Device) throws -> Model {
        switch model {
        case .hlf:
            Model.hlfDNN(features: EventSchema.hlfFeatureCount, classes: EventSchema.classCount, device: device, seed: seed)
        case .gru:
            Model.particleGRU(timeSteps: maxParticles, features: EventSchema.particleFeatureCount, units: units,
                              classes: EventSchema.classCount, resetAfter: true, device: device, seed: seed)
        case .inclusive:
            Model.inclusive(timeSteps: maxParticles, features: EventSchema.particleFeatureCount, units: units,
                            hlfFeatures: EventSchema.hlfFeatureCount, classes: EventSchema.classCount,
                            resetAfter: true, device: device, seed: seed)
        }
    }

    static func read(from run: URL) throws -> RunConfig {
        let url = run.appendingPathComponent("run.json")
        guard let bytes = try? Data(contentsOf: url) else { throw TrainCLIError.notARun(run: run.path) }
        do { return try JSONDecoder().decode(RunConfig.self, from: bytes) } catch {
            throw TrainCLIError.badRunFile(path: url.path)
        }
    }

    func write(to run: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: run.appendingPathComponent("run.json"), options: .atomic)
    }
}

/// Mistakes with run directories, as one sentence each.
enum TrainCLIError: Error, CustomStringConvertible {
    case runExists(run: String)
    case nothingToResume(run: String)
    case resumeMismatch(run: String, saved: String, asked: String)
    case notARun(run: String)
    case badRunFile(path: String)
    case argmaxHasNoROC

    var description: String {
        switch self {
        case let .runExists(run): "\(run) already exists; pass --resume to continue that run or --overwrite to start again."
        case let .nothingToResume(run): "\(run) does not exist, so there is no run to resume."
        case let .resumeMismatch(run, saved, asked): "\(run) trained the \(saved) model, not \(asked); resume it with --model \(saved)."
        case let .notARun(run): "\(run) is not a training run directory (it has no run.json)."
        case let .badRunFile(path): "\(path) is not a run file written by trigc train."
        case .argmaxHasNoROC: "evaluate needs class probabilities for ROC curves, so --argmax does not apply."
        }
    }
}
