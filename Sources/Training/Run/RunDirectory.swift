import Foundation
import GraphIR

/// A training run directory (`trigc train --out RUN`): `run.json` (``RunConfig``) marks it
/// as trigc's, records what rebuilds the model, the split and the scaling, and lists the
/// files the run wrote (`outputs`). Starting a run again replaces only those files, never
/// anything else in the folder. See Docs/Training.md.
public enum RunDirectory {
    public static let configFile = "run.json"
    public static let checkpointFile = "checkpoint.trgc"
    /// The best epoch's checkpoint of a run with early stopping.
    public static let bestCheckpointFile = "best.trgc"
    /// The exported model with its input scalers; its presence says the run finished.
    public static let modelFile = "model.ir"
    /// The exported model without its input scalers (inputs scaled upstream).
    public static let prescaledModelFile = "model-prescaled.ir"
    public static let metricsFile = "metrics.json"
    /// A quantization-aware run's fixed-point model (no scalers): what its training forward
    /// pass computed, formats and constant codes included.
    public static let qatModelFile = "model-qat.ir"

    /// Every name a run can write (what `outputs` may list).
    public static let possibleOutputs: Set<String> = Set(
        [configFile, checkpointFile, bestCheckpointFile, modelFile, prescaledModelFile, qatModelFile]
            + Figures.reportFileNames(prefix: "metrics", history: true))

    /// What a run writes before it finishes (listed in run.json from the start).
    public static let earlyOutputs = [configFile, checkpointFile, bestCheckpointFile]

    /// What a run.json without a list (older trigc) is taken to list: the files such a run
    /// always wrote.
    static let legacyOutputs = earlyOutputs + [modelFile, prescaledModelFile, metricsFile, "roc.svg", "loss.svg"]

    /// Whether `name` is a temporary file of an interrupted trigc write (`.NAME.trigc-PID.tmp`,
    /// `.checkpoint.trgc.tmp`): trigc's own, whatever the folder.
    public static func isTemporary(_ name: String) -> Bool {
        // Outputs (AtomicFile), the checkpoint (Trainer) and PNGs (Figures) each name theirs.
        AtomicFile.isTemporaryName(name) || name == ".\(checkpointFile).tmp"
            || (name.hasPrefix(".") && name.contains(".trigc-") && name.hasSuffix(".tmp.png"))
    }

    /// What is at a path as far as a run is concerned.
    public enum State: Equatable, Sendable {
        case absent
        /// A folder holding nothing, or only temporary files of interrupted trigc writes.
        case empty
        case run
        /// A file, not a folder.
        case file
        /// A folder with other things in it and no run.json.
        case foreign
    }

    public static func state(of url: URL) -> State {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return .absent }
        guard isDirectory.boolValue else { return .file }
        if FileManager.default.fileExists(atPath: url.appendingPathComponent(configFile).path) { return .run }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? ["?"]
        return contents.allSatisfy(isTemporary) ? .empty : .foreign
    }

    /// Removes what the run in `url` wrote (run.json last) and trigc's temporary files,
    /// leaving everything else.
    public static func clear(_ url: URL, config: RunConfig) throws(RunDirectoryError) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        // Only names a run can write count, whatever a hand-edited run.json lists.
        let listed = Set(config.outputs ?? legacyOutputs).intersection(possibleOutputs)
        let owned = listed.union(names.filter(isTemporary))
        for name in owned.sorted() {
            var info = stat()
            let path = url.appendingPathComponent(name).path
            if lstat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
                throw .cannotClear(run: url.path, file: name, reason: "it is not a regular file")
            }
        }
        for name in owned.sorted() where name != configFile {
            guard unlink(url.appendingPathComponent(name).path) == 0 || errno == ENOENT else {
                throw .cannotClear(run: url.path, file: name, reason: String(cString: strerror(errno)))
            }
        }
        unlink(url.appendingPathComponent(configFile).path)
    }

    /// Removes trigc's temporary files from a folder that holds nothing else.
    public static func removeTemporaries(_ url: URL) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] where isTemporary(name) {
            unlink(url.appendingPathComponent(name).path)
        }
    }
}

/// What identifies the contents of a data file cheaply: its size and modification time. A
/// run refuses to resume on, or evaluate against, a file that changed since it started.
public struct FileFingerprint: Codable, Equatable, Sendable, CustomStringConvertible {
    public var bytes: Int
    public var modified: Double

    public init?(_ path: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int, let date = attributes[.modificationDate] as? Date
        else { return nil }
        bytes = size
        modified = date.timeIntervalSince1970
    }

    public var description: String {
        "\(bytes) bytes, modified \(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: modified)))"
    }
}

/// A run directory that cannot be read, written or cleared, as one sentence.
public enum RunDirectoryError: Error, Equatable, Sendable, CustomStringConvertible {
    case notARun(run: String)
    case badRunFile(path: String, reason: String)
    case newerFormat(path: String, version: Int)
    case cannotWrite(path: String, reason: String)
    case cannotClear(run: String, file: String, reason: String)
    case dataChanged(run: String, data: String, then: String, now: String)
    case dataMissing(run: String, data: String)

    public var description: String {
        switch self {
        case let .notARun(run): "\(run) is not a training run directory (it has no run.json)."
        case let .badRunFile(path, reason): "\(path) is not usable: \(reason)."
        case let .newerFormat(path, version):
            "\(path) is not usable: it has run format \(version), and this trigc reads formats up to "
                + "\(RunConfig.currentVersion) (use a newer trigc)."
        case let .cannotWrite(path, reason): "cannot write \(path) (\(reason))."
        case let .cannotClear(run, file, reason): "cannot remove \(file) from \(run) to start again (\(reason))."
        case let .dataChanged(run, data, then, now):
            "\(data) changed since \(run) started (then \(then), now \(now)); train a new run on it, or restore the file."
        case let .dataMissing(run, data):
            "\(run) was trained on \(data), which no longer exists; give its new place with --data."
        }
    }
}
