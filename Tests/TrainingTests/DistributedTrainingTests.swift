import Foundation
import Testing
@testable import Training

/// Data-parallel training with ranks as threads of this process (MPI is tested through
/// `mpirun` in CLITests): the same global batch gives the weights of training alone.
@Suite struct DistributedTrainingTests {
    /// ``Collective`` among `size` threads: each `sum` waits for every rank's values and
    /// adds them in rank order.
    final class ThreadCollective: @unchecked Sendable {
        let size: Int
        private let condition = NSCondition()
        private var slots: [[Double]?]
        private var generation = 0
        private var collected = 0
        private var result: [Double] = []

        init(size: Int) {
            self.size = size
            slots = Array(repeating: nil, count: size)
        }

        func exchange(rank: Int, _ values: [Double]) -> [Double] {
            condition.lock()
            defer { condition.unlock() }
            let mine = generation
            slots[rank] = values
            collected += 1
            if collected == size {
                // The last to arrive adds in rank order; the others read the result, which
                // stays until this exchange's slowest reader has come to the next one.
                var total = slots[0] ?? []
                for r in 1..<size { for (i, v) in (slots[r] ?? []).enumerated() { total[i] += v } }
                result = total
                slots = Array(repeating: nil, count: size)
                collected = 0
                generation += 1
                condition.broadcast()
            } else {
                while generation == mine { condition.wait() }
            }
            return result
        }

        func rank(_ r: Int) -> Rank { Rank(rank: r, group: self) }
    }

    final class Rank: Collective {
        let rank: Int
        let group: ThreadCollective
        var size: Int { group.size }
        init(rank: Int, group: ThreadCollective) {
            self.rank = rank
            self.group = group
        }
        func sum(_ values: inout [Float]) throws(TrainingError) {
            values = group.exchange(rank: rank, values.map(Double.init)).map { Float($0) }
        }
        func sum(_ values: inout [Double]) throws(TrainingError) { values = group.exchange(rank: rank, values) }
        func barrier() throws(TrainingError) { _ = group.exchange(rank: rank, []) }
    }

    static func train(ranks: Int, data: TrainingArrays, batch: Int, model: @escaping @Sendable () -> Model = { Model.hlfDNN(seed: 3) })
        throws -> (weights: [String: [Float]], history: [EpochSummary])
    {
        let group = ThreadCollective(size: ranks)
        let results = Results()
        let threads = (0..<ranks).map { r in
            Thread {
                let trainer = Trainer(model: model(), options: TrainingOptions(epochs: 2, batchSize: batch, seed: 5))
                if ranks > 1 { trainer.collective = group.rank(r) }
                let history = try? trainer.fit(data, validation: data)
                results.set(r, trainer.model.weights(), history ?? [])
            }
        }
        threads.forEach { $0.start() }
        while results.count < ranks { Thread.sleep(forTimeInterval: 0.01) }
        let all = results.all
        // Every rank holds the same weights, bit for bit.
        for r in 1..<ranks { #expect(all[r]?.0 == all[0]?.0, "rank \(r) differs from rank 0") }
        return (all[0]?.0 ?? [:], all[0]?.1 ?? [])
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Int: ([String: [Float]], [EpochSummary])] = [:]
        func set(_ r: Int, _ w: [String: [Float]], _ h: [EpochSummary]) { lock.withLock { values[r] = (w, h) } }
        var count: Int { lock.withLock { values.count } }
        var all: [Int: ([String: [Float]], [EpochSummary])] { lock.withLock { values } }
    }

    /// The inclusive model has dropout: its masks follow the event, not the rank.
    @Test func dropoutMasksFollowTheEventNotTheRank() throws {
        let data = syntheticArrays(count: 90, hlfFeatures: 6, steps: 4, features: 3, seed: 2)
        let model: @Sendable () -> Model = { Model.inclusive(timeSteps: 4, features: 3, units: 5, hlfFeatures: 6, seed: 3) }
        let alone = try Self.train(ranks: 1, data: data, batch: 16, model: model)
        let together = try Self.train(ranks: 2, data: data, batch: 16, model: model)
        var largest: Float = 0
        for (name, values) in alone.weights {
            for (a, b) in zip(values, together.weights[name] ?? []) { largest = max(largest, abs(a - b)) }
        }
        #expect(largest <= 1e-6, "largest weight difference \(largest)")
    }

    /// 2 and 3 ranks against one process, including a last batch smaller than the ranks'
    /// count would split evenly (103 events, batch 16: the last has 7).
    @Test(arguments: [2, 3])
    func ranksTrainLikeOneProcess(ranks: Int) throws {
        let data = syntheticArrays(count: 103, seed: 9)
        let alone = try Self.train(ranks: 1, data: data, batch: 16)
        let together = try Self.train(ranks: ranks, data: data, batch: 16)
        #expect(together.history.count == 2)
        var largest: Float = 0
        for (name, values) in alone.weights {
            let other = together.weights[name] ?? []
            #expect(other.count == values.count)
            for (a, b) in zip(values, other) { largest = max(largest, abs(a - b)) }
        }
        // The sums are associated differently (per-rank partial sums), nothing else.
        #expect(largest <= 1e-6, "largest weight difference \(largest)")
        for (a, b) in zip(alone.history, together.history) {
            #expect(abs(a.loss - b.loss) <= 1e-5)
            #expect(abs((a.validationLoss ?? 0) - (b.validationLoss ?? 0)) <= 1e-5)
            #expect(a.accuracy == b.accuracy)
        }
    }
}
