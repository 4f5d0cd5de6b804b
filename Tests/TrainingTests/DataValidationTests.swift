import Testing
@testable import Training

struct DataValidationTests {
    static let good = EventGenerator(maxParticles: 5, threads: 1).generate(events: 20, seed: 1)

    /// The stored arrays of `good`, to break one at a time.
    static func arrays() -> (hlf: StoredArray<Float>?, particles: StoredArray<Float>?,
                             labels: StoredArray<Int64>?, lengths: StoredArray<Int64>?) {
        let a = good.storedArrays
        return (a.hlf, a.particles, a.labels, a.lengths)
    }

    static func read(_ a: (hlf: StoredArray<Float>?, particles: StoredArray<Float>?,
                           labels: StoredArray<Int64>?, lengths: StoredArray<Int64>?)) throws(DatasetError) -> EventDataset {
        try EventDataset.fromStoredArrays(file: "bad.h5", hlf: a.hlf, particles: a.particles, labels: a.labels, lengths: a.lengths)
    }

    /// Expects `body` to throw `expected`, rendered as one sentence naming the file.
    static func expectError(_ expected: DatasetError, mentioning words: [String], _ body: () throws(DatasetError) -> Void) {
        do {
            try body()
            Issue.record("no error; expected \(expected)")
        } catch {
            #expect(error == expected)
            let text = error.description
            #expect(text.hasPrefix("bad.h5"))
            #expect(text.hasSuffix("."))
            #expect(text.filter { $0 == "\n" }.isEmpty)
            for word in words { #expect(text.contains(word), "\(text)") }
        }
    }

    @Test func goodArraysRoundTrip() throws {
        let data = try Self.read(Self.arrays())
        #expect(data.hlf == Self.good.hlf && data.particles == Self.good.particles)
        #expect(data.labels == Self.good.labels && data.lengths == Self.good.lengths)
    }

    @Test func missingDatasets() {
        for name in ["hlf", "particles", "label"] {
            var a = Self.arrays()
            switch name {
            case "hlf": a.hlf = nil
            case "particles": a.particles = nil
            default: a.labels = nil
            }
            Self.expectError(.missingDataset(file: "bad.h5", dataset: name), mentioning: ["'\(name)'"]) { () throws(DatasetError) in
                _ = try Self.read(a)
            }
        }
    }

    @Test func missingLengthIsDerivedFromThePadding() throws {
        var a = Self.arrays()
        a.lengths = nil
        #expect(try Self.read(a).lengths == Self.good.lengths)
    }

    @Test func misShapedDatasets() {
        var a = Self.arrays()
        a.hlf = StoredArray(shape: [20, 13], values: [Float](repeating: 0, count: 260))
        Self.expectError(.wrongShape(file: "bad.h5", dataset: "hlf", expected: "[events, 14]", found: [20, 13]),
                         mentioning: ["'hlf'", "[20, 13]"]) { () throws(DatasetError) in _ = try Self.read(a) }
        a = Self.arrays()
        a.particles = StoredArray(shape: [20, 95], values: [Float](repeating: 0, count: 1900))
        Self.expectError(.wrongShape(file: "bad.h5", dataset: "particles", expected: "[20, T, 19] (T ≥ 1)", found: [20, 95]),
                         mentioning: ["'particles'"]) { () throws(DatasetError) in _ = try Self.read(a) }
        a = Self.arrays()
        a.labels = StoredArray(shape: [19], values: [Int64](repeating: 0, count: 19))
        Self.expectError(.wrongShape(file: "bad.h5", dataset: "label", expected: "[20]", found: [19]),
                         mentioning: ["'label'"]) { () throws(DatasetError) in _ = try Self.read(a) }
    }

    @Test(arguments: [Int64(3), -1, 7])
    func labelsOutOfRange(value: Int64) {
        var a = Self.arrays()
        a.labels?.values[4] = value
        Self.expectError(.labelOutOfRange(file: "bad.h5", event: 4, value: value), mentioning: ["'label'", "event 4"]) {
            () throws(DatasetError) in _ = try Self.read(a)
        }
    }

    @Test func lengthsOutOfRange() {
        var a = Self.arrays()
        a.lengths?.values[2] = 6
        Self.expectError(.lengthOutOfRange(file: "bad.h5", event: 2, value: 6, maxParticles: 5), mentioning: ["'length'"]) {
            () throws(DatasetError) in _ = try Self.read(a)
        }
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteFeatures(value: Float) {
        var a = Self.arrays()
        a.hlf?.values[3 * 14 + 5] = value
        Self.expectError(.nonFinite(file: "bad.h5", dataset: "hlf", event: 3), mentioning: ["'hlf'", "NaN"]) {
            () throws(DatasetError) in _ = try Self.read(a)
        }
        a = Self.arrays()
        a.particles?.values[7 * 5 * 19 + 2] = value
        Self.expectError(.nonFinite(file: "bad.h5", dataset: "particles", event: 7), mentioning: ["'particles'"]) {
            () throws(DatasetError) in _ = try Self.read(a)
        }
    }
}
