import Foundation
import GraphIR
import Testing
@testable import Training

struct DataPreparationTests {
    @Test func scalerFitsOnTrainingRowsAndMapsThemToTheUnitRange() {
        let values: [Float] = [1, 10, 5, 3, 20, 5, -1, 15, 5, 100, 100, 100]
        let scaler = MinMaxScaler.fit(values, features: 3, rows: [0, 1, 2])
        #expect(scaler.minimum == [-1, 10, 5])
        #expect(scaler.maximum == [3, 20, 5])
        #expect(scaler.scale == [0.25, 0.1, 1])
        var scaled = values
        scaler.apply(&scaled, rows: [0, 1, 2])
        #expect(Array(scaled[0..<9]) == [0.5, 0, 0, 1, 1, 0, 0, 0.5, 0])
        #expect(Array(scaled[9..<12]) == [100, 100, 100], "rows not asked for stay as they are")
        // The export's scaling is the same arithmetic.
        let export = scaler.inputScaling
        for j in 0..<3 { #expect(values[3 + j] * export.scale[j] + export.offset[j] == scaled[3 + j]) }
    }

    @Test(arguments: [[100, 50, 70], [10, 400, 33], [7, 7, 7]])
    func undersamplingBalancesTheClasses(counts: [Int]) {
        var labels: [Int32] = []
        for (c, n) in counts.enumerated() { labels += [Int32](repeating: Int32(c), count: n) }
        var rng = SplitMix64(seed: 3)
        DataPreparation.shuffle(&labels, using: &rng)
        let kept = DataPreparation.undersample(labels, seed: 5)
        let smallest = counts.min() ?? 0
        for c in 0..<3 { #expect(kept.filter { labels[$0] == c }.count == smallest) }
        #expect(Set(kept).count == kept.count)
        #expect(DataPreparation.undersample(labels, seed: 5) == kept)
    }

    @Test func splitIsSeededAndDisjoint() {
        let indices = Array(0..<1000)
        let a = DataPreparation.split(indices, testFraction: 0.2, seed: 7)
        let b = DataPreparation.split(indices, testFraction: 0.2, seed: 7)
        let c = DataPreparation.split(indices, testFraction: 0.2, seed: 8)
        #expect(a.train == b.train && a.test == b.test)
        #expect(a.train != c.train)
        #expect(a.train.count == 800 && a.test.count == 200)
        #expect(Set(a.train).isDisjoint(with: a.test))
        #expect(Set(a.train + a.test) == Set(indices))
        #expect(a.train != Array(a.train.sorted()), "the split is shuffled")
    }

    @Test func oneHotLabels() {
        #expect(DataPreparation.oneHot([2, 0, 1]) == [0, 0, 1, 1, 0, 0, 0, 1, 0])
    }

    @Test func preparationScalesAndKeepsPaddingZero() throws {
        let data = EventGenerator(maxParticles: 12, classFractions: [1, 2, 3], threads: 2).generate(events: 1500, seed: 2)
        let prepared = try DataPreparation.prepare(data, options: PreparationOptions(seed: 3))
        let total = prepared.train.count + prepared.test.count
        #expect(prepared.train.classCounts.reduce(0, +) + prepared.test.classCounts.reduce(0, +) == total)
        let balanced = zip(prepared.train.classCounts, prepared.test.classCounts).map { $0 + $1 }
        #expect(Set(balanced).count == 1)
        #expect(abs(Double(prepared.test.count) / Double(total) - 0.2) < 0.01)
        let arrays = prepared.arrays(prepared.train, inputs: ["hlf_input", "gru_input"])
        let hlf = try #require(arrays.inputs["hlf_input"])
        #expect(hlf.allSatisfy { $0 >= -1e-6 && $0 <= 1 + 1e-6 })
        let sequences = try #require(arrays.inputs["gru_input"])
        for event in 0..<prepared.train.count {
            let base = event * prepared.train.particleStride
            let length = Int(prepared.train.lengths[event])
            #expect(sequences[(base + length * 19)..<(base + prepared.train.particleStride)].allSatisfy { $0 == 0 })
            #expect(sequences[base..<(base + length * 19)].allSatisfy { $0 >= -1e-6 && $0 <= 1 + 1e-6 })
        }
        #expect(arrays.labels.count == prepared.train.count * 3)
        // The same seed prepares the same split.
        let again = try DataPreparation.prepare(data, options: PreparationOptions(seed: 3))
        #expect(again.train.labels == prepared.train.labels && again.test.hlf == prepared.test.hlf)
    }
}
