import Foundation
import Testing
@testable import Training

struct TrainerTests {
    static func inclusive(seed: UInt64) -> Model {
        Model.inclusive(timeSteps: 4, features: 3, units: 5, hlfFeatures: 6, seed: seed)
    }

    static let train = syntheticArrays(count: 70, hlfFeatures: 6, steps: 4, features: 3, seed: 1)
    static let validation = syntheticArrays(count: 30, hlfFeatures: 6, steps: 4, features: 3, seed: 2)

    func options(epochs: Int, seed: UInt64 = 7, checkpoint: URL? = nil) -> TrainingOptions {
        TrainingOptions(epochs: epochs, batchSize: 16, seed: seed, checkpoint: checkpoint)
    }

    @Test func sameSeedGivesIdenticalWeights() throws {
        func run(_ seed: UInt64) throws -> [String: [Float]] {
            let trainer = Trainer(model: Self.inclusive(seed: 3), optimizer: Adam(), options: options(epochs: 2, seed: seed))
            try trainer.fit(Self.train, validation: Self.validation)
            return trainer.model.weights()
        }
        let first = try run(7)
        #expect(first == (try run(7)))
        #expect(first != (try run(8)))
    }

    @Test func hlfTrainingReducesLossAndReportsProgress() throws {
        let data = syntheticArrays(count: 256, seed: 4)
        let trainer = Trainer(model: Model.hlfDNN(seed: 1), options: TrainingOptions(epochs: 4, batchSize: 32))
        var batches = 0
        trainer.onBatch = { p in
            batches += 1
            #expect(p.seen <= p.total && p.loss.isFinite && p.samplesPerSecond > 0)
        }
        let history = try trainer.fit(data, validation: data)
        #expect(batches == 4 * 8)
        #expect(history.count == 4)
        #expect(history[3].loss < history[0].loss)
        #expect(history.allSatisfy { $0.validationLoss != nil })
    }

    /// 3 epochs straight vs 1 epoch, a checkpoint, and 2 more epochs in a fresh trainer.
    @Test func resumeGivesIdenticalWeights() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("trigc-resume-\(UInt64.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let checkpoint = directory.appendingPathComponent("checkpoint.trgc")
        let schedule = LearningRateSchedule.reduceOnPlateau(factor: 0.5, patience: 1)

        let straight = Trainer(model: Self.inclusive(seed: 3), schedule: schedule, options: options(epochs: 3))
        try straight.fit(Self.train, validation: Self.validation)

        let first = Trainer(model: Self.inclusive(seed: 3), schedule: schedule, options: options(epochs: 1, checkpoint: checkpoint))
        try first.fit(Self.train, validation: Self.validation)
        let resumed = Trainer(model: Self.inclusive(seed: 99), schedule: schedule,
                              options: options(epochs: 3, checkpoint: checkpoint))
        try resumed.resume(from: checkpoint)
        #expect(resumed.completedEpochs == 1)
        try resumed.fit(Self.train, validation: Self.validation)
        #expect(resumed.model.weights() == straight.model.weights())
        #expect(resumed.history.map(\.loss) == straight.history.map(\.loss))
        #expect(resumed.history.map(\.validationLoss) == straight.history.map(\.validationLoss))
        #expect(resumed.history.map(\.learningRate) == straight.history.map(\.learningRate))
        #expect(resumed.optimizer.learningRate == straight.optimizer.learningRate)
    }

    @Test func badInputsAreReported() throws {
        let trainer = Trainer(model: Model.hlfDNN(), options: TrainingOptions(epochs: 1))
        #expect(throws: TrainingError.missingInput(name: "hlf_input")) {
            try trainer.fit(TrainingArrays(count: 2, inputs: [:], labels: [Float](repeating: 0, count: 6)))
        }
        #expect(throws: TrainingError.wrongLabelSize(expected: 6, got: 5)) {
            try trainer.fit(TrainingArrays(count: 2, hlf: [Float](repeating: 0, count: 28), sequences: nil,
                                           labels: [Float](repeating: 0, count: 5)))
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("trigc-not-a-checkpoint")
        try Data("hello".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: TrainingError.self) { try trainer.resume(from: url) }
    }
}
