import Foundation
import Testing

/// `trigc tune` as a user runs it: a grid, the table and the best export, resuming, a kill
/// in the middle, bad input.
@Suite(.serialized) struct TuneCLITests {
    @Test func aGridWritesTheTableAndTheBestRunAndResumes() throws {
        let dir = try scratch()
        #expect(try trigc("datagen", "--events", "2000", "--seed", "2", "--max-particles", "4", "-o", "\(dir)/ev.h5").status == 0)
        let search = ["tune", "--model", "hlf", "--data", "\(dir)/ev.h5", "--out", "\(dir)/search", "--grid", "lr=1e-3,1e-2",
                      "--epochs", "2", "--parallel", "2"]
        let first = try trigc(arguments: search)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("best: trial-00"))
        let csv = try String(contentsOfFile: "\(dir)/search/results.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 3)
        #expect(csv[0].hasPrefix("trial,lr,mean_auc,auc_QCD"))
        for name in ["best.ir", "best-prescaled.ir", "tune.json", "tune-lr.svg", "trial-001/model.ir", "trial-002/model.ir", "logs/trial-001.log"] {
            #expect(FileManager.default.fileExists(atPath: "\(dir)/search/\(name)"), "\(name)")
        }
        // The best export is the best trial's model, byte for byte.
        let bestLine = first.stdout.split(separator: "\n").first { $0.hasPrefix("best: ") } ?? ""
        let bestTrial = String(bestLine.dropFirst(6).prefix(9))
        #expect(FileManager.default.contents(atPath: "\(dir)/search/best.ir")
            == FileManager.default.contents(atPath: "\(dir)/search/\(bestTrial)/model.ir"))
        // The same command again keeps both trials.
        let again = try trigc(arguments: search)
        #expect(again.status == 0 && again.stdout.contains("(2 already finished)"), "\(again.stdout)")
        // Another search into the folder is refused, in one sentence.
        let other = try trigc(arguments: search.map { $0 == "lr=1e-3,1e-2" ? "lr=3e-3" : $0 })
        #expect(other.status != 0 && other.stderr.contains("holds another search"), "\(other.stderr)")
        #expect(other.stderr.split(separator: "\n").count == 1)
    }

    @Test func aKilledSearchResumesAndItsTrialsEqualStraightRuns() throws {
        let dir = try scratch()
        #expect(try trigc("datagen", "--events", "30000", "--seed", "4", "--max-particles", "4", "-o", "\(dir)/ev.h5").status == 0)
        let search = ["tune", "--model", "hlf", "--data", "\(dir)/ev.h5", "--out", "\(dir)/search", "--grid", "lr=1e-3,2e-3",
                      "--epochs", "5", "--parallel", "1"]
        let process = try launchTrigc(search)
        let checkpoint = "\(dir)/search/trial-001/checkpoint.trgc"
        let deadline = Date().addingTimeInterval(300)
        while process.isRunning, (checkpointEpoch(checkpoint) ?? 0) < 2, Date() < deadline { usleep(2_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the search finished before it could be killed")
        // The trial's trigc train dies with it (supervised), so its checkpoint stops moving.
        usleep(500_000)
        let stopped = checkpointEpoch(checkpoint)
        usleep(1_500_000)
        #expect(checkpointEpoch(checkpoint) == stopped)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/search/trial-001/model.ir"))

        let resumed = try trigc(arguments: search)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        // Each trial equals trigc train with its settings run straight through.
        for (trial, lr) in [("trial-001", "0.001"), ("trial-002", "0.002")] {
            let straight = try trigc(arguments: ["train", "--model", "hlf", "--data", "\(dir)/ev.h5", "--epochs", "5", "--seed", "1",
                                                 "--lr", lr, "--out", "\(dir)/straight-\(trial)"])
            #expect(straight.status == 0, "\(straight.stderr)")
            #expect(FileManager.default.contents(atPath: "\(dir)/search/\(trial)/model.ir")
                == FileManager.default.contents(atPath: "\(dir)/straight-\(trial)/model.ir"), "\(trial)")
        }
    }

    @Test func overwriteClearsTheOldSearchAndChangedDataIsRefused() throws {
        let dir = try scratch()
        #expect(try trigc("datagen", "--events", "1500", "--seed", "2", "--max-particles", "2", "-o", "\(dir)/ev.h5").status == 0)
        let base = ["tune", "--model", "hlf", "--data", "\(dir)/ev.h5", "--out", "\(dir)/s", "--epochs", "1"]
        #expect(try trigc(arguments: base + ["--grid", "lr=1e-3;batch=32,64"]).status == 0)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: "\(dir)/s/trial-002/notes.txt"))
        let again = try trigc(arguments: base + ["--grid", "lr=2e-3", "--overwrite"])
        #expect(again.status == 0, "\(again.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: "\(dir)/s").sorted()
        #expect(!left.contains("tune-batch.svg"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/s/trial-002") == ["notes.txt"], "only what trigc did not write stays")
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/s/logs") == ["trial-001.log"])
        // The data changes under the search: refused in one sentence.
        #expect(try trigc("datagen", "--events", "1400", "--seed", "3", "--max-particles", "2", "-o", "\(dir)/ev.h5", "--overwrite").status == 0)
        let changed = try trigc(arguments: base + ["--grid", "lr=2e-3"])
        #expect(changed.status != 0 && changed.stderr.contains("changed since the search"), "\(changed.stderr)")
    }

    @Test(arguments: [
        (["--grid", "speed=1"], "is not NAME=VALUES"),
        (["--grid", "units=8"], "units applies to the gru and inclusive models"),
        (["--random", "0"], "--random takes 1 to 10000 trials"),
        (["--grid", "lr=1e-3", "--random", "2"], "--grid or --random is needed"),
        (["--grid", "lr=1e-3", "--ranges", "lr=1:2"], "--ranges only applies with --random N"),
        (["--grid", "batch=0"], "batch=0 is not a whole number"),
    ])
    func badSearchesAreOneSentence(arguments: [String], expected: String) throws {
        let dir = try scratch()
        #expect(try trigc("datagen", "--events", "300", "--max-particles", "2", "-o", "\(dir)/ev.h5").status == 0)
        let result = try trigc(arguments: ["tune", "--model", "hlf", "--data", "\(dir)/ev.h5", "--out", "\(dir)/s"] + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/s/tune.json"))
    }
}

/// The training options a physicist expects: splits, balance, schedule, early stopping.
@Suite(.serialized) struct TrainOptionsCLITests {
    @Test func splitsScheduleAndEarlyStopping() throws {
        let dir = try scratch()
        #expect(try trigc("datagen", "--events", "2000", "--seed", "5", "--max-particles", "2", "--class-fractions", "2,1,1",
                          "-o", "\(dir)/ev.h5").status == 0)
        let stopping = try trigc("train", "--model", "hlf", "--data", "\(dir)/ev.h5", "--epochs", "60", "--batch", "16",
                                 "--lr", "0.02", "--validation-split", "0.25", "--test-split", "0.3", "--no-balance",
                                 "--lr-schedule", "cosine", "--early-stopping", "2", "--out", "\(dir)/r")
        #expect(stopping.status == 0, "\(stopping.stderr)")
        // No balancing: all 2000 events, 30% for testing, a quarter of the rest for validation.
        #expect(stopping.stdout.contains("training hlf on 1050 events, validating on 350, testing on 600"), "\(stopping.stdout)")
        #expect(stopping.stdout.contains("stopped early after epoch") || stopping.stdout.contains("exporting epoch"), "\(stopping.stdout)")
        let config = try String(contentsOfFile: "\(dir)/r/run.json", encoding: .utf8)
        for key in ["\"schedule\" : \"cosine\"", "\"earlyStopping\" : 2", "\"validationFraction\" : 0.25", "\"balance\" : false"] {
            #expect(config.contains(key), "\(key)")
        }
        // Resumed, a stopped run stays stopped and exports the same model.
        let before = FileManager.default.contents(atPath: "\(dir)/r/model.ir")
        let resumed = try trigc("train", "--out", "\(dir)/r", "--resume")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(FileManager.default.contents(atPath: "\(dir)/r/model.ir") == before)
        // Early stopping on test events is refused; so is another schedule on resume.
        let noValidation = try trigc("train", "--model", "hlf", "--data", "\(dir)/ev.h5", "--early-stopping", "2", "--out", "\(dir)/x")
        #expect(noValidation.status != 0 && noValidation.stderr.contains("--validation-split"), "\(noValidation.stderr)")
        let other = try trigc("train", "--out", "\(dir)/r", "--resume", "--lr-schedule", "step")
        #expect(other.status != 0 && other.stderr.contains("--lr-schedule"), "\(other.stderr)")
        // Class weights: 'balanced' is kept in run.json as numbers; a bad list is one sentence.
        let weighted = try trigc("train", "--model", "hlf", "--data", "\(dir)/ev.h5", "--no-balance", "--class-weights", "balanced",
                                 "--epochs", "1", "--out", "\(dir)/w")
        #expect(weighted.status == 0, "\(weighted.stderr)")
        let saved = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: "\(dir)/w/run.json"))) as? [String: Any]
        let weights = try #require(saved?["classWeights"] as? [Double])
        #expect(weights.count == 3 && weights[0] < weights[1], "QCD is twice as common as ttbar here: \(weights)")
        let bad = try trigc("train", "--model", "hlf", "--data", "\(dir)/ev.h5", "--class-weights", "1,0,1", "--out", "\(dir)/b")
        #expect(bad.status != 0 && bad.stderr.contains("--class-weights"), "\(bad.stderr)")
        // Label smoothing is kept in run.json; out of range, or changed on resume: one sentence.
        let smoothed = try trigc("train", "--model", "hlf", "--data", "\(dir)/ev.h5", "--label-smoothing", "0.1",
                                 "--epochs", "1", "--out", "\(dir)/s")
        #expect(smoothed.status == 0, "\(smoothed.stderr)")
        let kept = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: "\(dir)/s/run.json"))) as? [String: Any]
        #expect(abs((kept?["labelSmoothing"] as? Double ?? 0) - 0.1) < 1e-6)
        let changed = try trigc("train", "--out", "\(dir)/s", "--resume", "--epochs", "2", "--label-smoothing", "0.2")
        #expect(changed.status != 0 && changed.stderr.contains("--label-smoothing"), "\(changed.stderr)")
        let tooMuch = try trigc("train", "--model", "hlf", "--data", "\(dir)/ev.h5", "--label-smoothing", "1", "--out", "\(dir)/t")
        #expect(tooMuch.status != 0 && tooMuch.stderr.contains("--label-smoothing"), "\(tooMuch.stderr)")
    }

    @Test func validationAndTestFilesAreUsedWhole() throws {
        let dir = try scratch()
        for (name, events, seed) in [("ev", "1500", "1"), ("val", "400", "2"), ("test", "300", "3")] {
            #expect(try trigc("datagen", "--events", events, "--seed", seed, "--max-particles", "2", "-o", "\(dir)/\(name).h5").status == 0)
        }
        let run = try trigc("train", "--model", "hlf", "--data", "\(dir)/ev.h5", "--validation-data", "\(dir)/val.h5",
                            "--test-data", "\(dir)/test.h5", "--epochs", "2", "--out", "\(dir)/r")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("validating on 400, testing on 300"), "\(run.stdout)")
        // The whole training file trains (balanced, nothing held out of it).
        let trained = run.stdout.split(separator: "\n").first { $0.hasPrefix("training hlf on ") } ?? ""
        let count = Int(trained.dropFirst("training hlf on ".count).prefix { $0.isNumber }) ?? 0
        #expect(trained.contains("(balanced from 1500, classes [\(count / 3), \(count / 3), \(count / 3)])"), "\(trained)")
        // evaluate RUN/ uses the run's test file, whole, and agrees with the run's figures.
        let evaluated = try trigc("evaluate", "\(dir)/r", "--out", "\(dir)/e")
        #expect(evaluated.stdout.contains("events: all 300 of"), "\(evaluated.stdout)")
        let auc = run.stdout.split(separator: "\n").first { $0.hasPrefix("test: AUC") }?.dropFirst(6) ?? "?"
        #expect(evaluated.stdout.contains(String(auc)), "\(evaluated.stdout)")
        // A test file changed since: resuming is refused.
        #expect(try trigc("datagen", "--events", "200", "--seed", "9", "--max-particles", "2", "-o", "\(dir)/test.h5", "--overwrite").status == 0)
        let resumed = try trigc("train", "--out", "\(dir)/r", "--resume", "--epochs", "3")
        #expect(resumed.status != 0 && resumed.stderr.contains("test.h5"), "\(resumed.stderr)")
    }
}
