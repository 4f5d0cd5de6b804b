import Foundation
import GraphIR

/// The study model a run trains.
public enum StudyModelKind: String, Codable, CaseIterable, Sendable {
    case hlf, gru, inclusive
}

/// The learning-rate schedules `trigc train --lr-schedule` offers.
public enum ScheduleKind: String, Codable, CaseIterable, Sendable {
    /// The initial rate throughout.
    case constant
    /// Halve the rate when the validation loss has not improved for 2 epochs (the study's,
    /// Keras's ReduceLROnPlateau).
    case plateau
    /// Halve the rate every 10 epochs.
    case step
    /// Cosine annealing from the initial rate to 0 over the run's epochs.
    case cosine

    /// The schedule for a run of `epochs`.
    public func schedule(epochs: Int) -> LearningRateSchedule {
        switch self {
        case .constant: .constant
        case .plateau: .reduceOnPlateau()
        case .step: .stepDecay(factor: 0.5, every: 10)
        case .cosine: .cosine(epochs: epochs)
        }
    }
}

/// The sane maxima of a run's settings, checked before any work.
public enum TrainLimits {
    public static let maxUnits = 4096
    public static let maxEpochs = 1_000_000
    public static let maxBatch = 1 << 20
    public static let maxChunkEvents = 1 << 24
    public static let dropout: ClosedRange<Float> = 0...0.95
}

/// What `RUN/run.json` records: enough to rebuild the model, the split and the scaling.
///
/// The format is versioned: ``currentVersion`` is written; a file without `version`
/// (written before there was one) is format 1, which reads the same; a newer format is
/// refused rather than misread.
public struct RunConfig: Codable, Equatable, Sendable {
    /// The format this trigc writes. 1: without `version`; 2: with it.
    public static let currentVersion = 2

    /// The run format (nil in runs of older trigc: format 1); see ``formatVersion``.
    public var version: Int?
    public var model: StudyModelKind
    /// The event file, as an absolute path (so that `evaluate RUN/` works from anywhere).
    public var data: String
    public var seed: UInt64
    public var learningRate: Float
    public var units: Int
    /// The GRU models' dropout rate (nil in runs of older trigc: the study's 0.2).
    public var dropout: Float?
    /// Events per batch (nil in runs of older trigc, which did not keep it: a resumed run
    /// then takes `--batch` or 128).
    public var batch: Int?
    /// The epochs the run is to train in all (nil in runs of older trigc: a resumed run then
    /// takes `--epochs` or 5).
    public var epochs: Int?
    public var testFraction: Double = 0.2
    public var balance = true
    /// Share of the training part held out for validation (nil in runs of older trigc: none;
    /// the test split then served as validation).
    public var validationFraction: Double?
    /// The learning-rate schedule (nil in runs of older trigc: constant).
    public var schedule: ScheduleKind?
    /// Early stopping's patience in epochs (nil: none).
    public var earlyStopping: Int?
    /// The training loss's per-class weights, in label order (nil: unweighted).
    public var classWeights: [Float]?
    /// Label smoothing of the training loss (nil: none, also in runs of older trigc).
    public var labelSmoothing: Float?
    /// Event files used whole for validation and for the test figures instead of shares of
    /// `data` (absolute paths; nil: none), with their fingerprints as the run started.
    public var validationData: String?
    public var testData: String?
    public var validationFingerprint: FileFingerprint?
    public var testFingerprint: FileFingerprint?
    public var hlfScaler: MinMaxScaler?
    /// Nil also in a streamed run of the hlf model (which reads no particles).
    public var particleScaler: MinMaxScaler?
    /// Events per chunk of a run that streams its data file (nil: read whole into memory);
    /// a resumed run streams the same way.
    public var chunkEvents: Int?
    /// The data file as it was when the run started (nil in runs of older trigc).
    public var dataFingerprint: FileFingerprint?
    /// Quantization-aware training's settings (nil: a float run).
    public var qat: QATSettings?
    /// The files this run wrote in its folder; what starting it again may replace (nil in
    /// runs of older trigc: ``RunDirectory`` assumes what those always wrote).
    public var outputs: [String]?

    public init(model: StudyModelKind, data: String, seed: UInt64, learningRate: Float, units: Int,
                dropout: Float = StudyModels.dropoutRate, batch: Int = 128, epochs: Int = 5, preparation: PreparationOptions) {
        version = Self.currentVersion
        self.model = model
        self.data = data
        self.seed = seed
        self.learningRate = learningRate
        self.units = units
        self.dropout = dropout
        self.batch = batch
        self.epochs = epochs
        testFraction = preparation.testFraction
        balance = preparation.balance
        validationFraction = preparation.validationFraction > 0 ? preparation.validationFraction : nil
    }

    /// The epochs the run trains in all.
    public var epochCount: Int { epochs ?? 5 }

    /// The batch size the run trains with.
    public var batchSize: Int { batch ?? 128 }

    /// The dropout rate the GRU models train with.
    public var dropoutRate: Float { dropout ?? StudyModels.dropoutRate }

    /// The format the file was written in.
    public var formatVersion: Int { version ?? 1 }

    public var preparation: PreparationOptions {
        PreparationOptions(seed: seed, testFraction: testFraction, balance: balance, validationFraction: validationFraction ?? 0)
    }

    public func makeModel(maxParticles: Int, device: any Device) throws -> Model {
        switch model {
        case .hlf:
            Model.hlfDNN(features: EventSchema.hlfFeatureCount, classes: EventSchema.classCount, device: device, seed: seed)
        case .gru:
            Model.particleGRU(timeSteps: maxParticles, features: EventSchema.particleFeatureCount, units: units,
                              classes: EventSchema.classCount, resetAfter: true, dropout: dropoutRate, device: device, seed: seed)
        case .inclusive:
            Model.inclusive(timeSteps: maxParticles, features: EventSchema.particleFeatureCount, units: units,
                            hlfFeatures: EventSchema.hlfFeatureCount, classes: EventSchema.classCount,
                            resetAfter: true, dropout: dropoutRate, device: device, seed: seed)
        }
    }

    /// Reads and checks `RUN/run.json`. A data path saved relative (by older versions) is
    /// taken relative to the current folder, as it was written.
    public static func read(from run: URL) throws(RunDirectoryError) -> RunConfig {
        let url = run.appendingPathComponent(RunDirectory.configFile)
        guard let bytes = try? Data(contentsOf: url) else { throw .notARun(run: run.path) }
        let config: RunConfig
        do { config = try JSONDecoder().decode(RunConfig.self, from: bytes) } catch {
            throw .badRunFile(path: url.path, reason: "it does not parse as a run file written by trigc train")
        }
        try config.validate(path: url.path)
        return config
    }

    /// Refuses settings no run can have (a hand-edited or damaged run.json), and formats
    /// newer than this trigc reads.
    func validate(path: String) throws(RunDirectoryError) {
        guard formatVersion <= Self.currentVersion else { throw .newerFormat(path: path, version: formatVersion) }
        guard formatVersion >= 1 else {
            throw .badRunFile(path: path, reason: "its version \(formatVersion) is not a run format")
        }
        guard (0..<1).contains(validationFraction ?? 0) else {
            throw .badRunFile(path: path, reason: "its validationFraction \(validationFraction ?? 0) is not in [0, 1)")
        }
        if let earlyStopping, !(1...TrainLimits.maxEpochs).contains(earlyStopping) {
            throw .badRunFile(path: path, reason: "its earlyStopping \(earlyStopping) is not a number of epochs")
        }
        guard (0..<1).contains(testFraction) else {
            throw .badRunFile(path: path, reason: "its testFraction \(testFraction) is not in [0, 1)")
        }
        guard learningRate.isFinite, learningRate > 0 else {
            throw .badRunFile(path: path, reason: "its learningRate \(learningRate) is not positive")
        }
        guard (1...TrainLimits.maxEpochs).contains(epochCount) else {
            throw .badRunFile(path: path, reason: "its epochs \(epochCount) are not in 1...\(TrainLimits.maxEpochs)")
        }
        guard (1...TrainLimits.maxBatch).contains(batchSize) else {
            throw .badRunFile(path: path, reason: "its batch \(batchSize) is not in 1...\(TrainLimits.maxBatch)")
        }
        guard TrainLimits.dropout.contains(dropoutRate) else {
            throw .badRunFile(path: path, reason: "its dropout \(dropoutRate) is not in [0, \(TrainLimits.dropout.upperBound)]")
        }
        guard (1...TrainLimits.maxUnits).contains(units) else {
            throw .badRunFile(path: path, reason: "its units \(units) are not in 1...\(TrainLimits.maxUnits)")
        }
        if let chunkEvents, !(1...TrainLimits.maxChunkEvents).contains(chunkEvents) {
            throw .badRunFile(path: path, reason: "its chunkEvents \(chunkEvents) are not in 1...\(TrainLimits.maxChunkEvents)")
        }
    }

    /// Refuses a data file that is missing or changed since the run started (a run resumed
    /// or evaluated on other events than it was trained on).
    public func checkData(run: String) throws(RunDirectoryError) {
        let files = [(data, dataFingerprint), (validationData, validationFingerprint), (testData, testFingerprint)]
        for case let (path?, fingerprint) in files {
            guard FileManager.default.fileExists(atPath: path) else { throw .dataMissing(run: run, data: path) }
            if let then = fingerprint, let now = FileFingerprint(path), then != now {
                throw .dataChanged(run: run, data: path, then: "\(then)", now: "\(now)")
            }
        }
    }

    /// Writes `RUN/run.json` in the current format (under a temporary name, renamed into place).
    public func write(to run: URL) throws(RunDirectoryError) {
        let url = run.appendingPathComponent(RunDirectory.configFile)
        var current = self
        current.version = Self.currentVersion
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let bytes: Data
        do { bytes = try encoder.encode(current) } catch {
            throw .badRunFile(path: url.path, reason: "the settings cannot be encoded")
        }
        do { try AtomicFile.write(bytes, to: url) } catch {
            var reason = error is CocoaError ? fileErrorReason(error) : "\(error)"
            if reason.hasSuffix(".") { reason.removeLast() }
            throw .cannotWrite(path: url.path, reason: reason)
        }
    }
}

/// How a run trains with quantization-aware training (`trigc train --qat`): the formats as
/// given on the command line (parsed by the CLI, which knows the fixed-point formats), and
/// where its first weights came from.
public struct QATSettings: Codable, Hashable, Sendable {
    /// One format for every value (`--qat`), or nil with `formatsFile`.
    public var format: String?
    /// Per-layer overrides `NODE=FORMAT` (`--qat-layer`).
    public var layers: [String]
    /// Entries in each activation table.
    public var tableSize: Int
    /// Accumulators sized so that no sum overflows (`--qat-exact-accumulators`).
    public var exactAccumulators: Bool?
    /// A quantized graph whose formats to train against (`--qat-formats`), absolute.
    public var formatsFile: String?
    /// The float run whose weights the training started from (`--init`), absolute.
    public var initRun: String?

    public init(format: String?, layers: [String], tableSize: Int, exactAccumulators: Bool = false, formatsFile: String?,
                initRun: String?) {
        self.format = format
        self.exactAccumulators = exactAccumulators ? true : nil
        self.layers = layers
        self.tableSize = tableSize
        self.formatsFile = formatsFile
        self.initRun = initRun
    }
}
