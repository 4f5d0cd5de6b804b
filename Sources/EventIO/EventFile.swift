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

    /// Writes an event file with its datasets and attributes.
    /// Writes the datasets and attributes of an event file into an open (new) HDF5 file.
    public static func write(_ data: EventDataset, into file: HDF5File) throws {
        let arrays = data.storedArrays
        try file.write(EventSchema.hlf, HDF5Array(shape: arrays.hlf.shape, values: arrays.hlf.values))
        try file.write(EventSchema.particles, HDF5Array(shape: arrays.particles.shape, values: arrays.particles.values))
        try file.write(EventSchema.label, HDF5Array(shape: [data.count], values: data.labels))
        try file.write(EventSchema.length, HDF5Array(shape: [data.count], values: data.lengths))
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
