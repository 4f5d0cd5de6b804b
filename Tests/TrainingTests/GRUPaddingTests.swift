import GraphIR
import Testing

@testable import Training

/// The GRU stops at the last step any event of the batch has live: trailing padding must
/// change nothing, in the loss, the gradients or the trained weights.
@Suite struct GRUPaddingTests {
    /// `count` events of `live` real steps (2 to 5) padded to `steps` (≥ 5) with zeros.
    static func data(count: Int, steps: Int) -> TrainingArrays {
        var rng = SplitMix64(seed: 8)
        func uniform() -> Float { Float(rng.next() >> 40) * 0x1p-24 }
        var sequences: [Float] = [], labels: [Float] = []
        for e in 0..<count {
            let live = 2 + e % 4
            for t in 0..<steps {
                for _ in 0..<19 { sequences.append(t < live ? uniform() + 0.01 : 0) }
            }
            labels += (0..<3).map { $0 == e % 3 ? 1 : 0 }
        }
        return TrainingArrays(count: count, hlf: nil, sequences: sequences, labels: labels)
    }

    @Test(arguments: [true, false])
    func trailingPaddingChangesNothing(resetAfter: Bool) throws {
        func train(steps: Int) throws -> ([String: [Float]], Double) {
            let model = Model.particleGRU(timeSteps: steps, features: 19, units: 6, resetAfter: resetAfter, dropout: 0, seed: 4)
            let trainer = Trainer(model: model, optimizer: SGD(learningRate: 0.5),
                                  options: TrainingOptions(epochs: 3, batchSize: 8, seed: 2))
            let loss = try trainer.fit(Self.data(count: 24, steps: steps)).last?.loss ?? .nan
            return (model.weights(), loss)
        }
        let (short, shortLoss) = try train(steps: 5)
        let (long, longLoss) = try train(steps: 40)
        // The same sums over fewer zero rows: equal up to the gemm's blocking (1e-6).
        #expect(abs(shortLoss - longLoss) <= 1e-6 * abs(shortLoss))
        for (name, a) in short {
            let b = try #require(long[name])
            for (x, y) in zip(a, b) { #expect(abs(x - y) <= 1e-6 + 1e-5 * abs(x), "\(name): \(x) vs \(y)") }
        }
    }

    @Test func liveStepsFindTheLastLiveStepOfTheBatch() {
        // 2 events × 5 steps, 1 = live.
        #expect(GRU.liveSteps(mask: [1, 1, 0, 0, 0, 1, 0, 1, 0, 0], batch: 2, steps: 5) == 3)
        #expect(GRU.liveSteps(mask: [0, 0, 0, 0, 0, 0], batch: 2, steps: 3) == 0)
        #expect(GRU.liveSteps(mask: [1, 1, 1], batch: 1, steps: 3) == 3)
    }
}
