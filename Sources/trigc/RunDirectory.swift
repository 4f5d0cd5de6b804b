import Foundation
import Training

/// A training run directory: `run.json` marks it as trigc's, records what rebuilds the
/// model, the split and the scaling, and lists the files the run wrote (`outputs`).
/// `--overwrite` replaces only those files, never anything else in the folder.
enum RunDirectory {
    static let configFile = "run.json"
    static let checkpointFile = "checkpoint.trgc"
    static let modelFile = "model.ir"

    /// Every name a run can write (what `outputs` may list).
    static let possibleOutputs: Set<String> = [
        configFile, checkpointFile, modelFile, "model-prescaled.ir", "metrics.json",
        "roc.svg", "roc.png", "loss.svg", "loss.png",
    ]

    /// What a run writes before it finishes (listed in run.json from the start).
    static let earlyOutputs = [configFile, checkpointFile]

    /// Whether `name` is a temporary file of an interrupted trigc write (`.NAME.trigc-PID.tmp`,
    /// `.checkpoint.trgc.tmp`): trigc's own, whatever the folder.
    static func isTemporary(_ name: String) -> Bool {
        // Outputs (OutputFile), the checkpoint (Trainer) and PNGs (Figures) each name theirs.
        OutputFile.isTemporaryName(name) || name == ".\(checkpointFile).tmp"
            || (name.hasPrefix(".") && name.contains(".trigc-") && name.hasSuffix(".tmp.png"))
    }

    /// What is at `url` as far as `train` is concerned.
    enum State: Equatable {
        case absent
        /// A folder holding nothing, or only temporary files of interrupted trigc writes.
        case empty
        case run
        /// A file, not a folder.
        case file
        /// A folder with other things in it and no run.json.
        case foreign
    }

    static func state(of url: URL) -> State {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return .absent }
        guard isDirectory.boolValue else { return .file }
        if FileManager.default.fileExists(atPath: url.appendingPathComponent(configFile).path) { return .run }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? ["?"]
        return contents.allSatisfy(isTemporary) ? .empty : .foreign
    }

    /// Removes what the run in `url` wrote (run.json last) and trigc's temporary files,
    /// leaving everything else. A run.json without a list (older trigc) is taken to list the
    /// files such a run always wrote.
    static func clear(_ url: URL, config: RunConfig) throws {
        let legacy = earlyOutputs + [modelFile, "model-prescaled.ir", "metrics.json", "roc.svg", "loss.svg"]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        // Only names a run can write count, whatever a hand-edited run.json lists.
        let listed = Set(config.outputs ?? legacy).intersection(possibleOutputs)
        let owned = listed.union(names.filter(isTemporary))
        for name in owned.sorted() {
            var info = stat()
            let path = url.appendingPathComponent(name).path
            if lstat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
                throw TrainCLIError.cannotClear(run: url.path, file: name, reason: "it is not a regular file")
            }
        }
        for name in owned.sorted() where name != configFile {
            guard unlink(url.appendingPathComponent(name).path) == 0 || errno == ENOENT else {
                throw TrainCLIError.cannotClear(run: url.path, file: name, reason: String(cString: strerror(errno)))
            }
        }
        unlink(url.appendingPathComponent(configFile).path)
    }

    /// Removes trigc's temporary files from a folder that holds nothing else.
    static func removeTemporaries(_ url: URL) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] where isTemporary(name) {
            unlink(url.appendingPathComponent(name).path)
        }
    }
}

/// What identifies the contents of a data file cheaply: its size and modification time. A
/// run refuses to resume on, or evaluate against, a file that changed since it started.
struct FileFingerprint: Codable, Equatable, CustomStringConvertible {
    var bytes: Int
    var modified: Double

    init?(_ path: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int, let date = attributes[.modificationDate] as? Date
        else { return nil }
        bytes = size
        modified = date.timeIntervalSince1970
    }

    var description: String {
        "\(bytes) bytes, modified \(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: modified)))"
    }
}

/// What `RUN/run.json` records: enough to rebuild the model, the split and the scaling.
struct RunConfig: Codable {
    var model: StudyModelKind
    /// The event file, as an absolute path (so that `evaluate RUN/` works from anywhere).
    var data: String
    var seed: UInt64
    var learningRate: Float
    var units: Int
    var testFraction: Double = 0.2
    var balance = true
    var hlfScaler: MinMaxScaler?
    var particleScaler: MinMaxScaler?
    /// The data file as it was when the run started (nil in runs of older trigc).
    var dataFingerprint: FileFingerprint?
    /// The files this run wrote in its folder; what `--overwrite` may replace.
    var outputs: [String]?

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

    /// Reads and checks `RUN/run.json`; a data path saved relative (by older versions) is
    /// taken relative to the current folder, as it was written.
    static func read(from run: URL) throws -> RunConfig {
        let url = run.appendingPathComponent(RunDirectory.configFile)
        guard let bytes = try? Data(contentsOf: url) else { throw TrainCLIError.notARun(run: run.path) }
        let config: RunConfig
        do { config = try JSONDecoder().decode(RunConfig.self, from: bytes) } catch {
            throw TrainCLIError.badRunFile(path: url.path, reason: "it does not parse as a run file written by trigc train")
        }
        guard (0..<1).contains(config.testFraction) else {
            throw TrainCLIError.badRunFile(path: url.path, reason: "its testFraction \(config.testFraction) is not in [0, 1)")
        }
        guard config.learningRate.isFinite, config.learningRate > 0 else {
            throw TrainCLIError.badRunFile(path: url.path, reason: "its learningRate \(config.learningRate) is not positive")
        }
        guard (1...TrainLimits.maxUnits).contains(config.units) else {
            throw TrainCLIError.badRunFile(path: url.path, reason: "its units \(config.units) are not in 1...\(TrainLimits.maxUnits)")
        }
        return config
    }

    /// Refuses a data file that is missing or changed since the run started (a run resumed
    /// or evaluated on other events than it was trained on).
    func checkData(run: String) throws {
        guard FileManager.default.fileExists(atPath: data) else {
            throw TrainCLIError.dataMissing(run: run, data: data)
        }
        if let then = dataFingerprint, let now = FileFingerprint(data), then != now {
            throw TrainCLIError.dataChanged(run: run, data: data, then: "\(then)", now: "\(now)")
        }
    }

    func write(to run: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let bytes: Data
        do { bytes = try encoder.encode(self) } catch {
            throw TrainCLIError.badRunFile(path: run.appendingPathComponent(RunDirectory.configFile).path,
                                           reason: "the settings cannot be encoded")
        }
        try OutputFile.write(bytes, to: run.appendingPathComponent(RunDirectory.configFile).path)
    }
}

/// The sane maxima of `train`'s options, checked before any work.
enum TrainLimits {
    static let maxUnits = 4096
    static let maxEpochs = 1_000_000
    static let maxBatch = 1 << 20
}

/// The absolute, symlink-free form of a path given on the command line.
func absolutePath(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
}

/// Mistakes with run directories, as one sentence each.
enum TrainCLIError: Error, CustomStringConvertible {
    case runExists(run: String)
    case foreignFolder(run: String)
    case notAFolder(run: String)
    case emptyRun(run: String)
    case dataChanged(run: String, data: String, then: String, now: String)
    case dataMissing(run: String, data: String)
    case fewerEpochs(run: String, done: Int, asked: Int)
    case nothingToResume(run: String)
    case resumeMismatch(run: String, saved: String, asked: String)
    case resumeSetting(run: String, option: String, saved: String, asked: String)
    case notARun(run: String)
    case badRunFile(path: String, reason: String)
    case cannotClear(run: String, file: String, reason: String)
    case unfinishedRun(run: String)
    case argmaxHasNoROC

    var description: String {
        switch self {
        case let .runExists(run): "\(run) already exists; pass --resume to continue that run or --overwrite to start again."
        case let .foreignFolder(run):
            "\(run) exists and is not a trigc run directory (it has no run.json), so trigc will not write into it; choose another --out."
        case let .nothingToResume(run): "\(run) does not exist, so there is no run to resume."
        case let .notAFolder(run): "\(run) is a file, not a run directory; choose another --out."
        case let .emptyRun(run): "\(run) holds no run (no run.json), so there is nothing to resume; train without --resume."
        case let .dataChanged(run, data, then, now):
            "\(data) changed since \(run) started (then \(then), now \(now)); train a new run on it, or restore the file."
        case let .dataMissing(run, data):
            "\(run) was trained on \(data), which no longer exists; give its new place with --data."
        case let .fewerEpochs(run, done, asked):
            "\(run) has already trained \(done) epochs; --epochs counts them all, so it must be at least \(done), not \(asked)."
        case let .resumeMismatch(run, saved, asked): "\(run) trained the \(saved) model, not \(asked); resume it with --model \(saved)."
        case let .resumeSetting(run, option, saved, asked):
            "\(run) was started with \(option) \(saved), not \(asked); a resumed run keeps its settings (drop \(option), or start a new run)."
        case let .notARun(run): "\(run) is not a training run directory (it has no run.json)."
        case let .badRunFile(path, reason): "\(path) is not usable: \(reason)."
        case let .cannotClear(run, file, reason): "cannot remove \(file) from \(run) to start again (\(reason))."
        case let .unfinishedRun(run): "\(run) has no model.ir: its training did not finish (continue it with trigc train --resume)."
        case .argmaxHasNoROC: "evaluate needs class probabilities for ROC curves, so --argmax does not apply."
        }
    }
}
