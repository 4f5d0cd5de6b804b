import Foundation
import Testing
@testable import Training

/// trigc tune's search: spaces, trials, the record, and resuming.
@Suite struct TuningTests {
    @Test func aGridListsEveryCombinationInAFixedOrder() throws {
        let space = try SearchSpace.grid("units=25,50;lr=1e-3,3e-3,1e-2")
        let trials = space.trials
        #expect(trials.count == 6)
        #expect(trials.map(\.number) == Array(1...6))
        #expect(trials[0].values == [.lr: 1e-3, .units: 25])
        #expect(trials[1].values == [.lr: 1e-3, .units: 50])
        #expect(trials[5].values == [.lr: 1e-2, .units: 50])
        #expect(trials[1].trainArguments == ["--lr", "0.001", "--units", "50"])
        #expect(trials[1].directoryName == "trial-002")
        #expect(space.varies(.lr) && !space.varies(.batch))
    }

    @Test(arguments: [
        ("speed=1", "is not NAME=VALUES"), ("lr=1e-3;lr=2e-3", "lr is given twice"), ("lr=", "is not NAME=VALUES"),
        ("batch=12.5", "batch=12.5 is not a whole number"), ("dropout=1.5", "dropout=1.5 is not a number from 0"),
        ("lr=abc", "lr=abc is not a number"), ("", "names no parameter"), ("units=0", "units=0 is not a whole number from 1"),
        ("lr=1e-3,0.001", "lr lists 0.001 twice"),
    ])
    func badSpecsAreOneSentence(spec: String, expected: String) {
        #expect(throws: TuningError.self) { try SearchSpace.grid(spec) }
        do { _ = try SearchSpace.grid(spec) } catch {
            #expect(error.description.contains(expected), "\(error)")
            #expect(error.description.hasSuffix(".") && !error.description.contains("\n"))
        }
    }

    @Test func randomDrawsAreSeededAndInRange() throws {
        let a = try SearchSpace.random(count: 50, ranges: "lr=1e-4:1e-2;batch=32,64;units=10:12;dropout=0:0.5", seed: 3, recurrent: true)
        let b = try SearchSpace.random(count: 50, ranges: "lr=1e-4:1e-2;batch=32,64;units=10:12;dropout=0:0.5", seed: 3, recurrent: true)
        let c = try SearchSpace.random(count: 50, ranges: "lr=1e-4:1e-2;batch=32,64;units=10:12;dropout=0:0.5", seed: 4, recurrent: true)
        #expect(a.trials == b.trials)
        #expect(a.trials != c.trials)
        for trial in a.trials {
            #expect((1e-4...1e-2).contains(trial.values[.lr] ?? -1))
            #expect([32, 64].contains(trial.values[.batch] ?? -1))
            #expect([10, 11, 12].contains(trial.values[.units] ?? -1))
            #expect((0...0.5).contains(trial.values[.dropout] ?? -1))
        }
        // Every integer of an interval comes up, the ends included.
        #expect(Set(a.trials.compactMap { $0.values[.units] }) == [10, 11, 12])
        #expect(try SearchSpace.random(count: 3, ranges: nil, seed: 1, recurrent: false).trials.allSatisfy { $0.values.keys.sorted() == [.lr, .batch] })
        #expect(throws: TuningError.self) { try SearchSpace.random(count: 0, ranges: nil, seed: 1, recurrent: true) }
        #expect(throws: TuningError.self) { try SearchSpace.random(count: 2, ranges: "lr=1e-2:1e-4", seed: 1, recurrent: true) }
    }

    @Test func randomTrialsAreDistinctAndTooSmallSpacesRefused() throws {
        let space = try SearchSpace.random(count: 3, ranges: "units=8:10", seed: 1, recurrent: true)
        #expect(Set(space.trials.map { $0.values[.units] ?? 0 }) == [8, 9, 10])
        try space.checkDistinct()
        let tooSmall = try SearchSpace.random(count: 4, ranges: "units=8:10", seed: 1, recurrent: true)
        #expect(throws: TuningError.badSpec("the ranges hold 3 distinct points, fewer than --random 4")) { try tooSmall.checkDistinct() }
    }

    @Test func theRecordIsPlainJSONInAFixedOrder() throws {
        let space = try SearchSpace.random(count: 2, ranges: "lr=1e-4:1e-2;units=8:64;dropout=0:0.5", seed: 3, recurrent: true)
        var record = SearchRecord(trainArguments: ["--model", "gru"], space: space, metric: .auc)
        record.results = space.trials.map { Self.result($0, auc: 0.9) }
        let text = String(decoding: try record.json(), as: UTF8.self)
        #expect(text.contains("\"interval\" : {"))
        #expect(text.contains("\"high\" : 0.01"))
        #expect(!text.contains("_0"))
        // Parameters are object keys, sorted: the same search gives the same bytes.
        #expect(text.contains("\"values\" : {\n"))
        #expect(try record.json() == (try record.json()))
        #expect(try JSONDecoder().decode(SearchRecord.self, from: try record.json()) == record)
    }

    static func fingerprint(bytes: Int) throws -> FileFingerprint {
        try JSONDecoder().decode(FileFingerprint.self, from: Data(#"{"bytes": \#(bytes), "modified": 2}"#.utf8))
    }

    static func result(_ trial: Trial, auc: Double?, loss: Double? = nil) -> TrialResult {
        guard let auc else { return .failed(trial, "it broke", seconds: 1) }
        return TrialResult(trial: trial, failure: nil, auc: ["QCD": auc, "ttbar": auc, "W+jets": auc], meanAUC: auc,
                           accuracy: auc / 2, validationLoss: loss ?? 1 - auc, seconds: 2)
    }

    @Test func theBestTrialAndTheTable() throws {
        let space = try SearchSpace.grid("lr=1e-3,2e-3,3e-3")
        var record = SearchRecord(trainArguments: ["--model", "hlf"], space: space, metric: .auc)
        let trials = space.trials
        record.results = [Self.result(trials[0], auc: 0.9), Self.result(trials[1], auc: 0.95), Self.result(trials[2], auc: nil)]
        #expect(record.best?.trial.number == 2)
        record.metric = .loss
        record.results[0].validationLoss = 0.01
        #expect(record.best?.trial.number == 1)
        let csv = record.csv(classes: ["QCD", "ttbar", "W+jets"]).split(separator: "\n")
        #expect(csv.count == 4)
        #expect(csv[0] == "trial,lr,mean_auc,auc_QCD,auc_ttbar,auc_W+jets,accuracy,validation_loss,seconds,failure")
        #expect(csv[3].hasPrefix("trial-003,0.003,,,,,,,1.0,\"it broke\""))
        let svg = Figures.tuningPlot(record, parameter: .lr).svg()
        #expect(svg.components(separatedBy: "<circle").count - 1 == 2, "one marker per finished trial")
    }

    @Test func aSearchResumesAndRefusesAnother() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trigc-tune-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let space = try SearchSpace.grid("lr=1e-3,2e-3,3e-3,4e-3")
        let record = SearchRecord(trainArguments: ["--model", "hlf"], space: space, metric: .auc)
        let classes = ["QCD", "ttbar", "W+jets"]
        // The first run: trial 3 fails.
        let first = try HyperparameterSearch(folder: folder, record: record, classes: classes)
        let ran = Counter()
        try first.run(parallel: 3, runTrial: { trial, failedBefore in
            #expect(!failedBefore)
            ran.add(trial.number)
            return Self.result(trial, auc: trial.number == 3 ? nil : 0.9 + Double(trial.number) / 100)
        }, onFinish: { _, _, _ in })
        #expect(ran.values.sorted() == [1, 2, 3, 4])
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("results.csv").path))
        // The same search again runs only the failed trial and keeps the others.
        let second = try HyperparameterSearch(folder: folder, record: record, classes: classes)
        #expect(second.pending.map(\.number) == [3])
        let again = Counter()
        let final = try second.run(parallel: 2, runTrial: { trial, failedBefore in
            #expect(failedBefore, "trial 3 failed in the first run: it starts afresh")
            again.add(trial.number)
            return Self.result(trial, auc: 0.99)
        }, onFinish: { _, _, _ in })
        #expect(again.values == [3])
        #expect(final.results.count == 4 && final.results.allSatisfy { $0.failure == nil })
        #expect(final.best?.trial.number == 3)
        #expect(try SearchRecord.read(in: folder) == final)
        // The same search on changed data is refused.
        var moved = record
        moved.data = try Self.fingerprint(bytes: 1)
        let original = try #require(try SearchRecord.read(in: folder))
        var withData = original
        withData.data = try Self.fingerprint(bytes: 5)
        try withData.write(in: folder, classes: classes)
        #expect(throws: TuningError.self) { try HyperparameterSearch(folder: folder, record: moved, classes: classes) }
        try original.write(in: folder, classes: classes)
        // Another search in the same folder is refused.
        let other = SearchRecord(trainArguments: ["--model", "gru"], space: space, metric: .auc)
        #expect(throws: TuningError.otherSearch(folder: folder.path)) {
            try HyperparameterSearch(folder: folder, record: other, classes: classes)
        }
    }
}

/// Trial numbers seen by concurrent runners.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [Int] = []
    func add(_ value: Int) { lock.withLock { seen.append(value) } }
    var values: [Int] { lock.withLock { seen } }
}
