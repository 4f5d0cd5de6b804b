import EventIO
import Foundation
import ModelIO
import Testing
import Training

/// A scratch folder of its own for one test.
func scratch() throws -> String {
    let path = NSTemporaryDirectory() + "trigc-eventio-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Events whose first high-level feature is their row number, so that a row can be told
/// from its values after any reordering (the identity scalers below leave it as it is).
func numberedEvents(_ count: Int, maxParticles: Int = 4, seed: UInt64 = 7) -> EventDataset {
    var data = EventGenerator(maxParticles: maxParticles, threads: 1).generate(events: count, seed: seed)
    for event in 0..<count { data.hlf[event * EventSchema.hlfFeatureCount] = Float(event) }
    return data
}

func writeEvents(_ data: EventDataset, to path: String) throws {
    let file = try HDF5File(path: path, mode: .create(overwrite: true))
    try EventFile.write(data, into: file)
}

/// Scale 1, offset 0: the values as they are.
let identityHLF = MinMaxScaler(minimum: .init(repeating: 0, count: EventSchema.hlfFeatureCount),
                               maximum: .init(repeating: 1, count: EventSchema.hlfFeatureCount))
let identityParticles = MinMaxScaler(minimum: .init(repeating: 0, count: EventSchema.particleFeatureCount),
                                     maximum: .init(repeating: 1, count: EventSchema.particleFeatureCount))

/// The row numbers of one pass's events, in the order training takes them.
func rowsOfPass(_ stream: EventStream, epoch: Int, seed: UInt64, shuffle: Bool = true) throws -> [Int] {
    let pass = try stream.pass(epoch: epoch, seed: seed, shuffle: shuffle)
    var rows: [Int] = []
    while let block = try pass.next() {
        let hlf = try #require(block.data.inputs[StudyInput.hlf.name])
        rows += block.order.map { Int(hlf[$0 * EventSchema.hlfFeatureCount]) }
    }
    return rows
}

@Suite struct EventStreamTests {
    @Test func chosenRowsReadAsInMemory() throws {
        let dir = try scratch()
        let data = numberedEvents(300)
        try writeEvents(data, to: "\(dir)/ev.h5")
        let reader = try EventReader(path: "\(dir)/ev.h5")
        #expect(reader.index.count == 300 && reader.index.maxParticles == 4)
        #expect(reader.index.labels == data.labels && reader.index.lengths == data.lengths)
        // Rows in any order, with runs and gaps; the dataset comes back in file order.
        let rows = [299, 5, 6, 7, 100, 0, 1, 250, 251, 42]
        let (read, positions) = try reader.read(rows: rows, particles: true)
        #expect(read.hlf == data.subset(rows.sorted()).hlf)
        #expect(read.particles == data.subset(rows.sorted()).particles)
        #expect(read.lengths == data.subset(rows.sorted()).lengths)
        #expect(positions.map { rows.sorted()[$0] } == rows)
        let hlfOnly = try reader.read(rows: rows, particles: false)
        #expect(hlfOnly.data.hlf == read.hlf && hlfOnly.data.particles.isEmpty)
    }

    @Test(arguments: [1, 7, 64, 1000])
    func everyEventOncePerEpochInASeededOrder(chunkEvents: Int) throws {
        let dir = try scratch()
        try writeEvents(numberedEvents(500), to: "\(dir)/ev.h5")
        let reader = try EventReader(path: "\(dir)/ev.h5")
        let kept = Array(0..<500).filter { $0 % 5 != 0 }
        let rows = EpochOrder.permutation(count: kept.count, seed: 3, epoch: 0).map { kept[$0] }
        let stream = EventStream(reader: reader, rows: rows, chunkEvents: chunkEvents, inputs: [StudyInput.hlf.name],
                                 hlfScaler: identityHLF, particleScaler: identityParticles)
        let first = try rowsOfPass(stream, epoch: 0, seed: 11)
        #expect(first.count == rows.count && first.sorted() == rows.sorted())
        #expect(try rowsOfPass(stream, epoch: 0, seed: 11) == first, "the same seed and epoch give the same order")
        let second = try rowsOfPass(stream, epoch: 1, seed: 11)
        #expect(second.sorted() == rows.sorted() && second != first, "every epoch shuffles again")
        #expect(try rowsOfPass(stream, epoch: 0, seed: 12) != first)
        #expect(try rowsOfPass(stream, epoch: 0, seed: 11, shuffle: false) == rows, "unshuffled: the stream's order")
        if chunkEvents >= rows.count {
            // One chunk: exactly the order of the same events in memory.
            #expect(first == EpochOrder.permutation(count: rows.count, seed: 11, epoch: 0).map { rows[$0] })
        }
    }

    @Test func streamedPreparationEqualsInMemory() throws {
        let dir = try scratch()
        let data = EventGenerator(maxParticles: 5, threads: 1).generate(events: 900, seed: 4)
        try writeEvents(data, to: "\(dir)/ev.h5")
        let options = PreparationOptions(seed: 5, testFraction: 0.2, balance: true, validationFraction: 0.1)
        let prepared = try DataPreparation.prepare(data, options: options)
        let inputs: Set<String> = [StudyInput.hlf.name, StudyInput.particles.name]
        let streamed = try StreamedData.prepare(try EventReader(path: "\(dir)/ev.h5"), options: options, inputs: inputs, chunkEvents: 50)
        #expect(streamed.hlfScaler == prepared.hlfScaler && streamed.particleScaler == prepared.particleScaler)
        #expect(streamed.train.count == prepared.train.count && streamed.test.labels == prepared.test.labels)
        #expect(streamed.validation?.labels == prepared.validation?.labels)
        #expect(streamed.trainClassCounts == prepared.train.classCounts)
        // Unshuffled, the stream delivers the in-memory arrays' values.
        let arrays = prepared.arrays(prepared.test, inputs: inputs)
        let pass = try streamed.test.pass(epoch: 0, seed: 0, shuffle: false)
        var sequences: [Float] = []
        while let block = try pass.next() {
            let values = try #require(block.data.inputs[StudyInput.particles.name])
            let width = values.count / max(block.data.count, 1)
            for event in block.order { sequences += values[(event * width) ..< ((event + 1) * width)] }
        }
        #expect(sequences == arrays.inputs[StudyInput.particles.name])
    }

    @Test func oneChunkTrainsBitForBitAsInMemory() throws {
        let dir = try scratch()
        let data = EventGenerator(maxParticles: 3, threads: 1).generate(events: 600, seed: 8)
        try writeEvents(data, to: "\(dir)/ev.h5")
        let options = PreparationOptions(seed: 2)
        let prepared = try DataPreparation.prepare(data, options: options)
        let inputs: Set<String> = [StudyInput.hlf.name]
        func train(_ source: some TrainingSource, validation: any TrainingSource) throws -> ([String: [Float]], [EpochSummary]) {
            let model = Model.hlfDNN(features: EventSchema.hlfFeatureCount, classes: 3, device: CPUDevice(), seed: 1)
            let trainer = Trainer(model: model, options: TrainingOptions(epochs: 2, batchSize: 32, seed: 9))
            let history = try trainer.fit(source: source, validation: validation)
            return (model.weights(), history)
        }
        let memory = try train(prepared.arrays(prepared.train, inputs: inputs), validation: prepared.arrays(prepared.test, inputs: inputs))
        let reader = try EventReader(path: "\(dir)/ev.h5")
        let whole = try StreamedData.prepare(reader, options: options, inputs: inputs, chunkEvents: 100_000)
        let streamed = try train(whole.train, validation: whole.test)
        #expect(streamed.0 == memory.0, "one chunk: the same weights, bit for bit")
        #expect(streamed.1.map(\.loss) == memory.1.map(\.loss))
        let chunked = try StreamedData.prepare(reader, options: options, inputs: inputs, chunkEvents: 45)
        let small = try train(chunked.train, validation: chunked.test)
        for (a, b) in zip(small.1, memory.1) {
            #expect(abs(a.loss - b.loss) < 0.05 && abs((a.validationLoss ?? 0) - (b.validationLoss ?? 0)) < 0.05)
        }
    }
}
