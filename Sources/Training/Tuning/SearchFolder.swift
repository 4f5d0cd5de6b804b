import Foundation
import GraphIR

/// The layout of a `trigc tune` folder: which files a search writes there, and how
/// `--overwrite` removes them (never anything else), as ``RunDirectory`` is for a run.
public enum SearchFolder {
    /// The search and its results (``SearchRecord``).
    public static let recordFile = "tune.json"
    public static let tableFile = "results.csv"
    /// The best trial's exports, copied from its run.
    public static let bestModelFile = "best.ir"
    public static let bestPrescaledModelFile = "best-prescaled.ir"
    /// Each trial's `trigc train` output, `logs/trial-NNN.log`.
    public static let logsFolder = "logs"

    /// The plot of the metric against `parameter`, without its extension.
    public static func plotName(_ parameter: Hyperparameter) -> String { "tune-\(parameter.rawValue)" }

    /// The log of `trial`.
    public static func log(of trial: Trial, in folder: URL) -> URL {
        folder.appendingPathComponent(logsFolder).appendingPathComponent(trial.directoryName + ".log")
    }

    /// Whether `name` (an entry of the folder) is something a search writes.
    public static func isSearchEntry(_ name: String) -> Bool {
        [recordFile, tableFile, bestModelFile, bestPrescaledModelFile, logsFolder].contains(name) || isPlot(name)
            || name.hasPrefix("trial-") || AtomicFile.isTemporaryName(name)
    }

    static func isPlot(_ name: String) -> Bool {
        name.hasPrefix("tune-") && (name.hasSuffix(".svg") || name.hasSuffix(".png"))
    }

    /// Removes what an earlier search wrote in `folder`: its record, table, exports, plots,
    /// logs and each trial's run files (``RunDirectory/clear(_:config:)``); files trigc did not
    /// write stay, and so do the folders holding them.
    public static func clear(_ folder: URL) throws(RunDirectoryError) {
        let files = FileManager.default
        for name in (try? files.contentsOfDirectory(atPath: folder.path)) ?? [] {
            let url = folder.appendingPathComponent(name)
            if name.hasPrefix("trial-"), RunDirectory.state(of: url) == .run {
                try RunDirectory.clear(url, config: try RunConfig.read(from: url))
                if RunDirectory.state(of: url) == .empty {
                    RunDirectory.removeTemporaries(url)
                    rmdir(url.path)
                }
            } else if name == logsFolder {
                for log in (try? files.contentsOfDirectory(atPath: url.path)) ?? [] where log.hasPrefix("trial-") && log.hasSuffix(".log") {
                    unlink(url.appendingPathComponent(log).path)
                }
                rmdir(url.path)
            } else if [recordFile, tableFile, bestModelFile, bestPrescaledModelFile].contains(name) || isPlot(name) {
                unlink(url.path)
            }
        }
    }
}
