import ModelIO
import Training

/// Reads and writes event files (the schema in Docs/Data.md) through `HDF5File`.
public enum EventFile {
    /// Reads and validates an event file; every problem is one sentence naming the file.
    public static func read(_ path: String) throws -> EventDataset {
        try read(HDF5File(path: path))
    }

    /// Reads and validates the event file open as `file` (on disk or an image in memory).
    public static func read(_ file: HDF5File) throws -> EventDataset {
        let path = file.path
        func floats(_ name: String) throws -> StoredArray<Float>? {
            guard file.hasDataset(name) else { return nil }
            let array = try file.readFloats(name)
            return StoredArray(shape: array.shape, values: array.values)
        }
        func integers(_ name: String) throws -> StoredArray<Int64>? {
            guard file.hasDataset(name) else { return nil }
            let array = try file.readDoubles(name)
            var values = [Int64]()
            values.reserveCapacity(array.values.count)
            for (i, value) in array.values.enumerated() {
                guard value.isFinite, value.rounded() == value, abs(value) < 1e15 else {
                    throw EventFileError.notWholeNumber(file: path, dataset: name, index: i, value: value)
                }
                values.append(Int64(value))
            }
            return StoredArray(shape: array.shape, values: values)
        }
        var data = try EventDataset.fromStoredArrays(
            file: path, hlf: try floats(EventSchema.hlf), particles: try floats(EventSchema.particles),
            labels: try integers(EventSchema.label), lengths: try integers(EventSchema.length))
        data.generator = try file.stringAttribute(EventSchema.generatorAttribute)
        data.seed = try file.stringAttribute(EventSchema.seedAttribute).flatMap { UInt64($0) }
        return data
    }

    /// Writes the datasets and attributes of an event file into an open (new) HDF5 file.
    public static func write(_ data: EventDataset, into file: HDF5File) throws {
        let arrays = data.storedArrays
        try file.write(EventSchema.hlf, HDF5Array(shape: arrays.hlf.shape, values: arrays.hlf.values))
        try file.write(EventSchema.particles, HDF5Array(shape: arrays.particles.shape, values: arrays.particles.values))
        try file.write(EventSchema.label, HDF5Array(shape: [data.count], values: data.labels))
        try file.write(EventSchema.length, HDF5Array(shape: [data.count], values: data.lengths))
        try writeAttributes(of: data, into: file)
    }

    /// Writes `count` events of `generator` into an open (new) HDF5 file piece by piece,
    /// holding at most `pieceEvents` (rounded up to whole generator blocks) in memory: the
    /// same events as `generate(events: count, seed:)` written whole. Returns the class counts.
    public static func writeGenerated(
        _ generator: EventGenerator, events count: Int, seed: UInt64, pieceEvents: Int, into file: HDF5File
    ) throws -> [Int] {
        let block = EventGenerator.blockSize
        let piece = max(1, (pieceEvents + block - 1) / block) * block
        let t = generator.maxParticles
        try file.createFloatDataset(EventSchema.hlf, shape: [count, EventSchema.hlfFeatureCount])
        try file.createFloatDataset(EventSchema.particles, shape: [count, t, EventSchema.particleFeatureCount])
        try file.createInt32Dataset(EventSchema.label, shape: [count])
        try file.createInt32Dataset(EventSchema.length, shape: [count])
        var counts = [Int](repeating: 0, count: EventSchema.classCount)
        var last: EventDataset?
        for start in stride(from: 0, to: count, by: piece) {
            let data = generator.generate(events: start ..< min(count, start + piece), of: count, seed: seed)
            let n = data.count
            try file.writeRows(EventSchema.hlf, at: start, HDF5Array(shape: [n, EventSchema.hlfFeatureCount], values: data.hlf))
            try file.writeRows(EventSchema.particles, at: start, HDF5Array(shape: [n, t, EventSchema.particleFeatureCount], values: data.particles))
            try file.writeRows(EventSchema.label, at: start, HDF5Array(shape: [n], values: data.labels))
            try file.writeRows(EventSchema.length, at: start, HDF5Array(shape: [n], values: data.lengths))
            for (label, number) in data.classCounts.enumerated() { counts[label] += number }
            last = data
        }
        if let last { try writeAttributes(of: last, into: file) }
        return counts
    }

    /// The file attributes: feature and class names, generator and seed.
    private static func writeAttributes(of data: EventDataset, into file: HDF5File) throws {
        try file.setStringAttribute(EventSchema.hlfNamesAttribute, HighLevelFeature.allCases.map(\.name).joined(separator: ","))
        try file.setStringAttribute(EventSchema.particleNamesAttribute, ParticleFeature.allCases.map(\.name).joined(separator: ","))
        try file.setStringAttribute(EventSchema.classNamesAttribute, EventClass.allCases.map(\.name).joined(separator: ","))
        if let generator = data.generator { try file.setStringAttribute(EventSchema.generatorAttribute, generator) }
        if let seed = data.seed { try file.setStringAttribute(EventSchema.seedAttribute, String(seed)) }
    }
}

/// What an event file can get wrong that the dataset checks do not see, as one sentence.
public enum EventFileError: Error, CustomStringConvertible {
    case notWholeNumber(file: String, dataset: String, index: Int, value: Double)

    public var description: String {
        switch self {
        case let .notWholeNumber(file, dataset, index, value):
            "\(file): dataset '\(dataset)' holds \(value) at entry \(index), where a whole number is needed."
        }
    }
}
