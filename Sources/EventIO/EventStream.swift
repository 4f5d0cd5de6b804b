import Foundation
import ModelIO
import Training

/// Reads chosen events of an event file by hyperslab selection: only those rows of `hlf`
/// (and of `particles` when asked) are read and held, checked as ``EventFile/read(_:)``
/// checks them (NaN, infinity, lengths), every problem one sentence naming the file.
public final class EventReader: @unchecked Sendable {
    public let index: EventIndex
    private let file: HDF5File
    /// libhdf5 is the serial build: one call at a time in the process.
    private static let lock = NSLock()

    public init(path: String) throws {
        file = try HDF5File(path: path)
        index = try EventIndex.read(file)
    }

    public var path: String { index.path }

    /// The events at file rows `rows` (distinct, any order) as a dataset in ascending row
    /// order, and for each row of `rows`, in turn, its event's position in that dataset.
    /// Without `particles` only the high-level features are read (the dataset then has
    /// T = 0 and lengths 0).
    public func read(rows: some Collection<Int>, particles: Bool) throws -> (data: EventDataset, positions: [Int]) {
        let byRow = rows.enumerated().sorted { $0.element < $1.element }
        let sorted = byRow.map(\.element)
        var positions = [Int](repeating: 0, count: sorted.count)
        for (position, entry) in byRow.enumerated() { positions[entry.offset] = position }
        let (hlf, values) = try Self.lock.withLock {
            (try file.readFloatRows(EventSchema.hlf, rows: sorted),
             particles ? try file.readFloatRows(EventSchema.particles, rows: sorted) : nil)
        }
        do {
            return (try dataset(sorted, hlf: hlf, particles: values), positions)
        } catch {
            // Events are named by their row in the file, not in this chunk.
            guard case let .nonFinite(file, dataset, event) = error, sorted.indices.contains(event) else { throw error }
            throw DatasetError.nonFinite(file: file, dataset: dataset, event: sorted[event])
        }
    }

    /// The events at the ascending rows `sorted`, from their features as read, checked.
    private func dataset(_ sorted: [Int], hlf: HDF5Array<Float>, particles: HDF5Array<Float>?) throws(DatasetError) -> EventDataset {
        let labels = sorted.map { index.labels[$0] }
        guard let particles else {
            let data = EventDataset(count: sorted.count, maxParticles: 0, hlf: hlf.values, particles: [], labels: labels,
                                    lengths: [Int32](repeating: 0, count: sorted.count))
            try data.validate(file: path)
            return data
        }
        let lengths = index.lengths.map { all in StoredArray(shape: [sorted.count], values: sorted.map { Int64(all[$0]) }) }
        return try EventDataset.fromStoredArrays(
            file: path, hlf: StoredArray(shape: hlf.shape, values: hlf.values),
            particles: StoredArray(shape: particles.shape, values: particles.values),
            labels: StoredArray(shape: [sorted.count], values: labels.map { Int64($0) }), lengths: lengths)
    }
}

/// Chosen events of an event file as a ``TrainingSource`` that holds only a few chunks in
/// memory: chunk c is the events `rows[c·chunkEvents ..< (c+1)·chunkEvents]`, read by
/// hyperslab on a prefetching thread while the previous chunk trains, scaled and one-hot
/// labelled as ``PreparedData/arrays(_:inputs:)`` does. An epoch visits the chunks in a
/// seeded order and each chunk's events in a seeded order (``EpochOrder``); with a single
/// chunk that is exactly the order of the same events in memory.
public final class EventStream: TrainingSource, @unchecked Sendable {
    public let reader: EventReader
    /// The file rows of the stream's events, in the stream's order.
    public let rows: [Int]
    public let chunkEvents: Int
    /// The model inputs it delivers (`hlf_input`, `gru_input`).
    public let inputs: Set<String>
    public let hlfScaler: MinMaxScaler
    public let particleScaler: MinMaxScaler

    public init(reader: EventReader, rows: [Int], chunkEvents: Int, inputs: Set<String>,
                hlfScaler: MinMaxScaler, particleScaler: MinMaxScaler) {
        precondition(chunkEvents > 0, "a chunk holds at least one event")
        self.reader = reader
        self.rows = rows
        self.chunkEvents = chunkEvents
        self.inputs = inputs
        self.hlfScaler = hlfScaler
        self.particleScaler = particleScaler
    }

    public var count: Int { rows.count }
    public var chunks: Int { (rows.count + chunkEvents - 1) / chunkEvents }
    var readsParticles: Bool { inputs.contains(StudyInput.particles.name) }

    /// The labels of the stream's events, in its order.
    public var labels: [Int32] { rows.map { reader.index.labels[$0] } }

    public func check(for model: Model) throws(TrainingError) {
        for input in model.inputs {
            guard inputs.contains(input.name) else { throw .missingInput(name: input.name) }
            let size = input.name == StudyInput.hlf.name
                ? EventSchema.hlfFeatureCount : reader.index.maxParticles * EventSchema.particleFeatureCount
            guard input.size == size else { throw .wrongInputSize(name: input.name, expected: count * input.size, got: count * size) }
        }
    }

    public func pass(epoch: Int, seed: UInt64, shuffle: Bool) throws(TrainingError) -> any TrainingPass {
        let order = shuffle ? EpochOrder.chunks(chunks, seed: seed, epoch: epoch) : Array(0..<chunks)
        return PrefetchPass(blocks: order.count) { [self] k throws in
            try block(order[k], epoch: epoch, seed: seed, shuffle: shuffle)
        }
    }

    /// Chunk `chunk`, read, scaled and put in the epoch's order (the data stay in file order;
    /// the block's order says which event comes when).
    func block(_ chunk: Int, epoch: Int, seed: UInt64, shuffle: Bool) throws -> TrainingBlock {
        let range = (chunk * chunkEvents) ..< min(count, (chunk + 1) * chunkEvents)
        let (data, positions) = try reader.read(rows: rows[range], particles: readsParticles)
        let arrays = DataPreparation.arrays(data, inputs: inputs, hlfScaler: hlfScaler, particleScaler: particleScaler)
        let inner = shuffle ? EpochOrder.withinChunk(chunk, count: range.count, seed: seed, epoch: epoch) : Array(0..<range.count)
        return TrainingBlock(data: arrays, order: inner.map { positions[$0] })
    }
}
