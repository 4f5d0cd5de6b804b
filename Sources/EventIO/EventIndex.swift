import ModelIO
import Training

/// What streaming needs to know of an event file before reading any features: its shape,
/// every event's label and length (8 bytes an event), checked as ``EventFile/read(_:)``
/// checks them. The features stay on disk.
public struct EventIndex: Sendable {
    public var path: String
    /// Number of events.
    public var count: Int
    /// Rows per event in `particles` (T).
    public var maxParticles: Int
    /// Every event's label, `EventClass.rawValue`.
    public var labels: [Int32]
    /// Every event's true particle count, or nil when the file has no `length` dataset (it
    /// is then derived from each chunk's particles as they are read).
    public var lengths: [Int32]?

    /// Bytes of one event's features in memory (float32 high-level features and particles).
    public var bytesPerEvent: Int {
        4 * (EventSchema.hlfFeatureCount + maxParticles * EventSchema.particleFeatureCount)
    }

    /// Reads and checks the index of the event file open as `file`; every problem is one
    /// sentence naming the file and dataset.
    public static func read(_ file: HDF5File) throws -> EventIndex {
        let path = file.path
        for name in [EventSchema.hlf, EventSchema.particles, EventSchema.label] where !file.hasDataset(name) {
            throw DatasetError.missingDataset(file: path, dataset: name)
        }
        let h = EventSchema.hlfFeatureCount, f = EventSchema.particleFeatureCount
        let hlfShape = try file.shape(of: EventSchema.hlf)
        guard hlfShape.count == 2, hlfShape[1] == h else {
            throw DatasetError.wrongShape(file: path, dataset: EventSchema.hlf, expected: "[events, \(h)]", found: hlfShape)
        }
        let count = hlfShape[0]
        let particleShape = try file.shape(of: EventSchema.particles)
        guard particleShape.count == 3, particleShape[0] == count, particleShape[1] >= 1, particleShape[2] == f else {
            throw DatasetError.wrongShape(file: path, dataset: EventSchema.particles,
                                          expected: "[\(count), T, \(f)] (T ≥ 1)", found: particleShape)
        }
        let maxParticles = particleShape[1]
        guard count > 0 else { throw DatasetError.noEvents(file: path) }
        let labels = try wholeNumbers(file, EventSchema.label, count: count)
        if let i = labels.firstIndex(where: { !(0..<Int64(EventSchema.classCount)).contains($0) }) {
            throw DatasetError.labelOutOfRange(file: path, event: i, value: labels[i])
        }
        var lengths: [Int32]?
        if file.hasDataset(EventSchema.length) {
            let values = try wholeNumbers(file, EventSchema.length, count: count)
            if let i = values.firstIndex(where: { $0 < 0 || $0 > Int64(maxParticles) }) {
                throw DatasetError.lengthOutOfRange(file: path, event: i, value: values[i], maxParticles: maxParticles)
            }
            lengths = values.map { Int32($0) }
        }
        return EventIndex(path: path, count: count, maxParticles: maxParticles, labels: labels.map { Int32($0) }, lengths: lengths)
    }

    /// A dataset of `count` whole numbers (shape `[count]` or `[count, 1]`).
    private static func wholeNumbers(_ file: HDF5File, _ name: String, count: Int) throws -> [Int64] {
        let shape = try file.shape(of: name)
        guard shape == [count] || shape == [count, 1] else {
            throw DatasetError.wrongShape(file: file.path, dataset: name, expected: "[\(count)]", found: shape)
        }
        let array = try file.readDoubles(name)
        var values = [Int64]()
        values.reserveCapacity(count)
        for (i, value) in array.values.enumerated() {
            guard value.isFinite, value.rounded() == value, abs(value) < 1e15 else {
                throw EventFileError.notWholeNumber(file: file.path, dataset: name, index: i, value: value)
            }
            values.append(Int64(value))
        }
        return values
    }
}
