import Foundation
import Testing
@testable import Training

/// Validation held out of the training part, early stopping with the best epoch's weights
/// (also across a resume), and the cosine schedule.
@Suite struct EarlyStoppingTests {
    @Test func validationComesFromTheTrainingPartNeverTheTestPart() throws {
        let events = EventGenerator(maxParticles: 4).generate(events: 600, seed: 3)
        let plain = try DataPreparation.prepare(events, options: PreparationOptions(seed: 2))
        let held = try DataPreparation.prepare(events, options: PreparationOptions(seed: 2, validationFraction: 0.25))
        let validation = try #require(held.validation)
        #expect(plain.validation == nil)
        // The test split is the same; validation plus training is the old training part.
        #expect(held.test.hlf == plain.test.hlf)
        #expect(held.train.count + validation.count == plain.train.count)
        #expect(validation.count == Int((Double(plain.train.count) * 0.25).rounded()))
        func rows(_ d: EventDataset) -> Set<[Float]> {
            Set((0..<d.count).map { Array(d.hlf[$0 * 14 ..< ($0 + 1) * 14]) })
        }
        #expect(rows(validation).isDisjoint(with: rows(held.test)))
        #expect(rows(validation).isDisjoint(with: rows(held.train)))
        // The scalers see only what is trained on.
        #expect(held.hlfScaler == MinMaxScaler.fit(held.train.hlf, features: 14))
    }

    static let train = syntheticArrays(count: 200, seed: 11)
    static let validation = syntheticArrays(count: 60, seed: 12)

    func trainer(epochs: Int, patience: Int?, checkpoint: URL? = nil, best: URL? = nil) -> Trainer {
        Trainer(model: Model.hlfDNN(seed: 4), optimizer: Adam(learningRate: 0.05),
                options: TrainingOptions(epochs: epochs, batchSize: 16, seed: 3, checkpoint: checkpoint,
                                         earlyStopping: patience, bestCheckpoint: best))
    }

    @Test func stopsAndEndsWithTheBestEpochsWeights() throws {
        let stopping = trainer(epochs: 40, patience: 2)
        let history = try stopping.fit(Self.train, validation: Self.validation)
        let best = try #require(stopping.bestEpoch)
        #expect(stopping.stoppedEarly, "a rate of 0.05 on noise overfits within 40 epochs")
        #expect(history.count == best + 2, "it stops the second epoch without improvement")
        #expect(history.allSatisfy { ($0.validationLoss ?? 0) >= (history[best - 1].validationLoss ?? 0) })
        // The weights are those of a run trained exactly `best` epochs.
        let straight = trainer(epochs: best, patience: nil)
        try straight.fit(Self.train, validation: Self.validation)
        #expect(stopping.model.weights() == straight.model.weights())
    }

    @Test func aResumedRunStaysStoppedAndRestoresTheBestFromItsFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trigc-es-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let checkpoint = folder.appendingPathComponent("c.trgc"), best = folder.appendingPathComponent("b.trgc")
        let first = trainer(epochs: 40, patience: 2, checkpoint: checkpoint, best: best)
        try first.fit(Self.train, validation: Self.validation)
        // A fresh process: resumed from the last epoch's checkpoint, it trains no further.
        let second = trainer(epochs: 40, patience: 2, checkpoint: checkpoint, best: best)
        try second.resume(from: checkpoint)
        let history = try second.fit(Self.train, validation: Self.validation)
        #expect(history.count == first.history.count)
        #expect(second.model.weights() == first.model.weights())
        #expect(throws: TrainingError.self) { try trainer(epochs: 3, patience: 1).fit(Self.train) }
    }

    @Test func classWeightsParseAndBalance() {
        #expect(ClassWeights(parsing: "1,2,0.5") == .given([1, 2, 0.5]))
        for bad in ["1,2", "1,0,1", "1,,1", "a,b,c", "1,2,3,4", "nan,1,1"] { #expect(ClassWeights(parsing: bad) == nil, "\(bad)") }
        #expect(ClassWeights.balanced.weights(classCounts: [200, 100, 100]) == [Float(400) / 600, Float(400) / 300, Float(400) / 300])
        #expect(ClassWeights.given([1, 2, 3]).weights(classCounts: [5, 5, 5]) == [1, 2, 3])
    }

    /// Label smoothing trains on `y·(1 − ε) + ε/3`: one plain gradient step with ε = 0.1 is
    /// the step on labels smoothed by hand, and differs from the step without smoothing.
    @Test func labelSmoothingTrainsOnSmoothedTargets() throws {
        func step(_ data: TrainingArrays, smoothing: Float) throws -> [String: [Float]] {
            let model = Model.hlfDNN(features: 14, seed: 4)
            var options = TrainingOptions(epochs: 1, batchSize: data.count, shuffle: false)
            options.labelSmoothing = smoothing
            try Trainer(model: model, optimizer: SGD(learningRate: 0.5), options: options).fit(data)
            return model.weights()
        }
        var byHand = Self.train
        byHand.labels = Self.train.labels.map { $0 * (1 - Float(0.1)) + Float(0.1) / 3 }
        let smoothed = try step(Self.train, smoothing: 0.1)
        #expect(smoothed == (try step(byHand, smoothing: 0)))
        #expect(smoothed != (try step(Self.train, smoothing: 0)))
    }

    @Test func cosineAnnealsToTheMinimum() {
        var state = ScheduleState(initialRate: 0.01)
        let rates = (1...10).map { state.rate(after: 1, next: $0, current: 0.01, schedule: .cosine(epochs: 10, minimum: 0.001)) }
        #expect(abs(rates[4] - 0.0055) < 1e-6, "half way: the mean of the ends")
        #expect(abs(rates[9] - 0.001) < 1e-9)
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(ScheduleKind.allCases.map { $0.schedule(epochs: 10) }
            == [.constant, .reduceOnPlateau(), .stepDecay(factor: 0.5, every: 10), .cosine(epochs: 10)])
    }
}
