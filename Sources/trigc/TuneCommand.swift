import ArgumentParser
import Foundation
import GraphIR
import ModelIO
import OpenCLBackend
import ToolProcess
import Training

/// `trigc tune`: a hyper-parameter search, each trial a `trigc train` run of its own.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Search hyper-parameters: one trigc train run per trial (a grid or random points), several at once; keep the best.",
        discussion: """
            Parameters: lr, batch, units, dropout, epochs. --grid 'lr=1e-3,3e-3;units=25,50' runs every \
            combination; --random N draws N points from --ranges 'lr=1e-4:1e-2;batch=64,128,256' \
            (LOW:HIGH is log-uniform for lr, uniform otherwise; a list is a set of choices; default: \
            lr 1e-4:1e-2, batch 64,128,256, and for gru and inclusive units 16:100, dropout 0:0.5). OUT/ receives trial-NNN/ (a \
            run directory each), logs/trial-NNN.log, tune.json and results.csv (after every trial), \
            tune-PARAMETER.svg/png (the metric against each parameter) and best.ir / best-prescaled.ir \
            (the best trial's export). Trials are ranked by the metric on each run's held-out split. \
            Run the same command again to resume an interrupted search: finished trials are kept, \
            interrupted ones continue from their last checkpoint.
            """)

    @Option(help: "The model: hlf, gru or inclusive.")
    var model: StudyModelKind

    @Option(help: "The event file (trigc datagen).")
    var data: String

    @Option(help: "The search's folder.")
    var out: String

    @Option(help: "A grid: NAME=V1,V2;NAME=... (every combination).")
    var grid: String?

    @Option(parsing: .unconditional, help: "Random search: the number of trials.")
    var random: Int?

    @Option(help: "With --random: NAME=LOW:HIGH or NAME=V1,V2;... (default: the study's neighbourhood).")
    var ranges: String?

    @Option(parsing: .unconditional, help: "Epochs per trial, unless epochs is searched.")
    var epochs = 5

    @Option(parsing: .unconditional, help: "Seed of every trial's split, weights and shuffles, and of the random draws.")
    var seed: UInt64 = 1

    @Option(help: "What ranks the trials: auc (mean over classes), loss (validation) or accuracy.")
    var metric: TuningMetric = .auc

    @Option(parsing: .unconditional, help: "Trials run at once (local processes).")
    var parallel = 1

    @Option(help: "Where each trial trains: cpu, opencl or opencl:P:D; default cpu.", transform: DeviceSelection.init(parsing:))
    var device = DeviceSelection.cpu

    @Flag(help: "Start the search in OUT/ again (trials replace only the files trigc wrote).")
    var overwrite = false

    func validate() throws {
        guard (grid == nil) != (random == nil) else {
            throw CLIError.missingOption(name: "--grid or --random", reason: "(exactly one of them)")
        }
        if ranges != nil, random == nil { throw CLIError.needsOption(flag: "--ranges", needs: "--random N") }
        guard (1...TrainLimits.maxEpochs).contains(epochs) else {
            throw CLIError.outOfRange(name: "--epochs", value: "\(epochs)", range: "1 to \(TrainLimits.maxEpochs)")
        }
        guard (1...64).contains(parallel) else {
            throw CLIError.outOfRange(name: "--parallel", value: "\(parallel)", range: "1 to 64")
        }
    }

    func run() throws {
        let recurrent = model != .hlf
        let space = try random.map { count throws in try SearchSpace.random(count: count, ranges: ranges, seed: seed, recurrent: recurrent) }
            ?? SearchSpace.grid(grid ?? "")
        for parameter in [Hyperparameter.units, .dropout] where !recurrent && space.varies(parameter) {
            throw TuningError.badSpec("\(parameter.rawValue) applies to the gru and inclusive models, not hlf")
        }
        try space.checkDistinct()
        try DataFileGuard.checkEvents(data)
        let folder = URL(fileURLWithPath: absolutePath(out), isDirectory: true)
        let dataPath = absolutePath(data)
        var shared = ["--model", model.rawValue, "--data", dataPath, "--seed", "\(seed)", "--device", device.description]
        if !space.varies(.epochs) { shared += ["--epochs", "\(epochs)"] }
        let trialArguments = shared
        try prepareFolder(folder)
        if overwrite { try SearchFolder.clear(folder) }
        let classes = EventClass.allCases.map(\.name)
        let search = try HyperparameterSearch(
            folder: folder, record: SearchRecord(trainArguments: shared, space: space, metric: metric, data: FileFingerprint(dataPath)),
            classes: classes)
        let total = space.trials.count
        let pending = search.pending
        print("tune: \(total) trials of \(model.rawValue) (\(total - pending.count) already finished), \(parallel) at once; folder \(folder.path)")
        let trigc = WorkerProcess.thisExecutable
        let record = try search.run(parallel: parallel, runTrial: { [overwrite, metric] trial, failedBefore in
            // A trial that failed before starts afresh (its checkpoint may be the cause).
            Self.runTrial(trial, trigc: trigc, shared: trialArguments, folder: folder, restart: overwrite || failedBefore, metric: metric)
        }, onFinish: { [metric] result, done, total in
            print(Self.line(result, metric: metric, done: done, total: total))
            fflush(nil)
        })
        try finish(record, folder: folder)
    }

    /// Creates OUT/, or checks that it is empty or holds a search.
    func prepareFolder(_ folder: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw CLIError.notASearchFolder(path: folder.path) }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            guard entries.allSatisfy(SearchFolder.isSearchEntry) else { throw CLIError.foreignFilesInSearch(path: folder.path) }
        } else {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
    }

    /// One trial: `trigc train` into OUT/trial-NNN (continued from its checkpoint when an
    /// earlier search was interrupted), its output in OUT/logs/trial-NNN.log.
    static func runTrial(_ trial: Trial, trigc: String, shared: [String], folder: URL, restart: Bool,
                         metric: TuningMetric) -> TrialResult {
        let start = Date()
        let run = folder.appendingPathComponent(trial.directoryName)
        let metrics = run.appendingPathComponent(RunDirectory.metricsFile)
        if !restart, let done = TrialResult.read(trial, metrics: metrics, seconds: 0) { return done }
        let resumable = !restart && FileManager.default.fileExists(atPath: run.appendingPathComponent(RunDirectory.checkpointFile).path)
        // A resumed trial gets the same options (trigc train checks them against its run.json).
        var arguments = ["train", "--out", run.path] + shared + trial.trainArguments
        if resumable {
            arguments.append("--resume")
        } else if FileManager.default.fileExists(atPath: run.path) {
            arguments.append("--overwrite")
        }
        let logURL = SearchFolder.log(of: trial, in: folder)
        try? FileManager.default.createDirectory(at: logURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        let log = logURL.path
        var lastError = ""
        let status = (try? SupervisedProcess.run(trigc, arguments, in: folder.path, log: log) { line in
            if line.hasPrefix("Error: ") { lastError = String(line.dropFirst(7)) }
        }) ?? -1
        let seconds = Date().timeIntervalSince(start)
        guard status == 0, let result = TrialResult.read(trial, metrics: metrics, seconds: seconds) else {
            let reason = lastError.isEmpty ? "trigc train exited with status \(status) (see \(log))" : lastError
            return .failed(trial, reason, seconds: seconds)
        }
        return result
    }

    static func line(_ result: TrialResult, metric: TuningMetric, done: Int, total: Int) -> String {
        let head = "\(result.trial.directoryName) (\(result.trial.summary))"
        if let failure = result.failure { return "\(head): failed: \(failure)" }
        let value = metric.value(of: result).map { String(format: "%.4f", $0) } ?? "n/a"
        return "\(head): \(metric.label) \(value), \(String(format: "%.0f", result.seconds)) s [\(done)/\(total) finished]"
    }

    /// The best trial's export, the plots, and a summary; fails when a trial failed.
    func finish(_ record: SearchRecord, folder: URL) throws {
        guard let best = record.best else { throw TuningError.noResults }
        let run = folder.appendingPathComponent(best.trial.directoryName)
        for (source, target) in [(RunDirectory.modelFile, SearchFolder.bestModelFile), (RunDirectory.prescaledModelFile, SearchFolder.bestPrescaledModelFile)] {
            let data = try Data(contentsOf: run.appendingPathComponent(source))
            try AtomicFile.write(data, to: folder.appendingPathComponent(target))
        }
        let converter = Figures.pngConverter()
        var plots: [String] = []
        for parameter in record.parameters {
            let written = try Figures.write(Figures.tuningPlot(record, parameter: parameter), name: SearchFolder.plotName(parameter),
                                            in: folder, converter: converter)
            plots += [written.svg] + (written.png.map { [$0] } ?? [])
        }
        let value = metric.value(of: best).map { String(format: "%.4f", $0) } ?? "n/a"
        print("best: \(best.trial.directoryName) (\(best.trial.summary)), \(metric.label) \(value)")
        print("model: \(folder.appendingPathComponent(SearchFolder.bestModelFile).path)")
        print("results: \(folder.appendingPathComponent(SearchFolder.tableFile).path) \(folder.appendingPathComponent(SearchFolder.recordFile).path)")
        if !plots.isEmpty { print("plots: \(plots.joined(separator: " "))") }
        let failed = record.results.filter { $0.failure != nil }
        if !failed.isEmpty {
            throw CLIError.trialsFailed(count: failed.count, total: record.space.trials.count, first: failed[0].trial.directoryName)
        }
    }
}

extension TuningMetric: ExpressibleByArgument {}
