import Foundation
import GraphIR

/// What a search ranks trials by: the mean one-vs-rest AUC over classes, the last epoch's
/// validation loss, or the accuracy, each on the run's held-out split.
public enum TuningMetric: String, CaseIterable, Codable, Sendable {
    case auc, loss, accuracy

    public var higherIsBetter: Bool { self != .loss }
    public var label: String {
        switch self {
        case .auc: "mean AUC"
        case .loss: "validation loss"
        case .accuracy: "accuracy"
        }
    }

    public func value(of result: TrialResult) -> Double? {
        switch self {
        case .auc: result.meanAUC
        case .loss: result.validationLoss
        case .accuracy: result.accuracy
        }
    }
}

/// A finished (or failed) trial and its figures, read from its run's `metrics.json`.
public struct TrialResult: Codable, Sendable, Equatable {
    public var trial: Trial
    /// Nil when the trial finished; else why it did not (one sentence).
    public var failure: String?
    public var auc: [String: Double]
    public var meanAUC: Double?
    public var accuracy: Double?
    public var validationLoss: Double?
    public var seconds: Double

    public static func failed(_ trial: Trial, _ reason: String, seconds: Double) -> TrialResult {
        TrialResult(trial: trial, failure: reason, auc: [:], meanAUC: nil, accuracy: nil, validationLoss: nil, seconds: seconds)
    }

    /// The figures of a finished run from its `metrics.json` (nil when it is missing or
    /// unreadable: the run did not finish).
    public static func read(_ trial: Trial, metrics url: URL, seconds: Double) -> TrialResult? {
        guard let data = try? Data(contentsOf: url), let report = try? JSONDecoder().decode(FigureReport.self, from: data) else {
            return nil
        }
        let aucs = report.classes.compactMap { report.auc[$0] }
        return TrialResult(
            trial: trial, failure: nil, auc: report.auc,
            meanAUC: aucs.count == report.classes.count && !aucs.isEmpty ? aucs.reduce(0, +) / Double(aucs.count) : nil,
            accuracy: report.accuracy, validationLoss: report.epochs.last?.validationLoss, seconds: seconds)
    }
}

/// A search's record (`tune.json`): what was asked, so that a second `trigc tune` into the
/// same folder resumes it (and refuses a different one), and every result so far.
public struct SearchRecord: Codable, Sendable, Equatable {
    public static let currentVersion = 1
    public var version = SearchRecord.currentVersion
    /// The `trigc train` options shared by every trial (model, data, seed, device ...).
    public var trainArguments: [String]
    public var space: SearchSpace
    public var metric: TuningMetric
    /// The event file as the search started (size and time), so that trials of one search
    /// never mix data.
    public var data: FileFingerprint?
    public var results: [TrialResult] = []

    public init(trainArguments: [String], space: SearchSpace, metric: TuningMetric, data: FileFingerprint? = nil) {
        self.trainArguments = trainArguments
        self.space = space
        self.metric = metric
        self.data = data
    }

    /// Whether `other` asks for the same search (results and data aside).
    public func isSameSearch(as other: SearchRecord) -> Bool {
        version == other.version && trainArguments == other.trainArguments && space == other.space && metric == other.metric
    }

    /// The best finished trial by the metric (the first of equals).
    public var best: TrialResult? {
        var best: (result: TrialResult, value: Double)?
        for result in results {
            guard let value = metric.value(of: result) else { continue }
            if let current = best, metric.higherIsBetter ? value <= current.value : value >= current.value { continue }
            best = (result, value)
        }
        return best?.result
    }

    /// The parameters the trials vary, in a fixed order.
    public var parameters: [Hyperparameter] { space.parameters }

    /// The results as CSV: trial, each parameter, each figure, seconds, failure.
    public func csv(classes: [String]) -> String {
        let header = ["trial"] + parameters.map(\.rawValue) + ["mean_auc"] + classes.map { "auc_\($0)" }
            + ["accuracy", "validation_loss", "seconds", "failure"]
        func cell(_ value: Double?) -> String { value.map { String(format: "%.6g", $0) } ?? "" }
        let rows = results.sorted { $0.trial.number < $1.trial.number }.map { r in
            [r.trial.directoryName] + parameters.map { p in r.trial.values[p].map { p.text($0) } ?? "" }
                + [cell(r.meanAUC)] + classes.map { cell(r.auc[$0]) }
                + [cell(r.accuracy), cell(r.validationLoss), String(format: "%.1f", r.seconds),
                   "\"" + (r.failure ?? "").replacingOccurrences(of: "\"", with: "\"\"") + "\""]
        }
        return ([header] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    public func json() throws(TuningError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { return try encoder.encode(self) } catch { throw .cannotWrite(path: SearchFolder.recordFile, reason: "\(error)") }
    }

    /// The record in `folder`'s `tune.json`, nil when there is none.
    public static func read(in folder: URL) throws(TuningError) -> SearchRecord? {
        let url = folder.appendingPathComponent(SearchFolder.recordFile)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let data = try? Data(contentsOf: url), let record = try? JSONDecoder().decode(SearchRecord.self, from: data),
              record.version == currentVersion
        else { throw .otherSearch(folder: folder.path) }
        return record
    }

    /// Writes `tune.json`, `results.csv` (atomically) into `folder`.
    public func write(in folder: URL, classes: [String]) throws(TuningError) {
        for (name, data) in [(SearchFolder.recordFile, try json()), (SearchFolder.tableFile, Data(csv(classes: classes).utf8))] {
            let url = folder.appendingPathComponent(name)
            do { try AtomicFile.write(data, to: url) } catch { throw .cannotWrite(path: url.path, reason: "\(error)") }
        }
    }
}

extension Figures {
    /// The metric of each finished trial against one parameter, one marker per trial.
    public static func tuningPlot(_ record: SearchRecord, parameter: Hyperparameter) -> LinePlot {
        let points = record.results.compactMap { r -> (x: Double, y: Double)? in
            guard let x = r.trial.values[parameter], let y = record.metric.value(of: r) else { return nil }
            return (x: parameter == .lr ? log10(x) : x, y: y)
        }
        let xs = points.map(\.x), ys = points.map(\.y)
        func padded(_ values: [Double]) -> ClosedRange<Double> {
            let (low, high) = (values.min() ?? 0, values.max() ?? 1)
            let pad = max((high - low) * 0.08, 1e-3 * max(1, abs(high)))
            return (low - pad)...(high + pad)
        }
        return LinePlot(
            title: "\(record.metric.label) against \(parameter.rawValue)",
            xLabel: parameter == .lr ? "log10(learning rate)" : parameter.rawValue, yLabel: record.metric.label,
            xRange: padded(xs), yRange: padded(ys),
            series: [LinePlot.Series(name: "", points: points, color: LinePlot.palette[0], markers: true)])
    }
}
