/// A dataset as a storage layer hands it over: a shape and row-major values.
public struct StoredArray<Element: Sendable>: Sendable {
    public var shape: [Int]
    public var values: [Element]

    public init(shape: [Int], values: [Element]) {
        self.shape = shape
        self.values = values
    }
}

extension EventDataset {
    /// Builds a dataset from the arrays of an event file (nil for a dataset the file lacks)
    /// and checks everything a file can get wrong, naming `file` and the dataset:
    /// missing or mis-shaped datasets, labels outside 0...2, lengths outside 0...T, NaN or
    /// infinity. A missing `length` is derived: the count of rows before the first
    /// all-zero row.
    public static func fromStoredArrays(
        file: String, hlf: StoredArray<Float>?, particles: StoredArray<Float>?,
        labels: StoredArray<Int64>?, lengths: StoredArray<Int64>?
    ) throws(DatasetError) -> EventDataset {
        guard let hlf else { throw .missingDataset(file: file, dataset: EventSchema.hlf) }
        guard let particles else { throw .missingDataset(file: file, dataset: EventSchema.particles) }
        guard let labels else { throw .missingDataset(file: file, dataset: EventSchema.label) }
        let h = EventSchema.hlfFeatureCount
        let f = EventSchema.particleFeatureCount
        guard hlf.shape.count == 2, hlf.shape[1] == h else {
            throw .wrongShape(file: file, dataset: EventSchema.hlf, expected: "[events, \(h)]", found: hlf.shape)
        }
        let count = hlf.shape[0]
        guard particles.shape.count == 3, particles.shape[0] == count, particles.shape[1] >= 1, particles.shape[2] == f else {
            throw .wrongShape(file: file, dataset: EventSchema.particles,
                              expected: "[\(count), T, \(f)] (T ≥ 1)", found: particles.shape)
        }
        guard labels.shape == [count] || labels.shape == [count, 1] else {
            throw .wrongShape(file: file, dataset: EventSchema.label, expected: "[\(count)]", found: labels.shape)
        }
        let maxParticles = particles.shape[1]
        if let i = labels.values.firstIndex(where: { !(0..<Int64(EventSchema.classCount)).contains($0) }) {
            throw .labelOutOfRange(file: file, event: i, value: labels.values[i])
        }
        var lengthValues: [Int32]
        if let lengths {
            guard lengths.shape == [count] || lengths.shape == [count, 1] else {
                throw .wrongShape(file: file, dataset: EventSchema.length, expected: "[\(count)]", found: lengths.shape)
            }
            if let i = lengths.values.firstIndex(where: { $0 < 0 || $0 > Int64(maxParticles) }) {
                throw .lengthOutOfRange(file: file, event: i, value: lengths.values[i], maxParticles: maxParticles)
            }
            lengthValues = lengths.values.map { Int32($0) }
        } else {
            lengthValues = (0..<count).map { event in
                let base = event * maxParticles * f
                var n = 0
                while n < maxParticles, (0..<f).contains(where: { particles.values[base + n * f + $0] != 0 }) { n += 1 }
                return Int32(n)
            }
        }
        let dataset = EventDataset(
            count: count, maxParticles: maxParticles, hlf: hlf.values, particles: particles.values,
            labels: labels.values.map { Int32($0) }, lengths: lengthValues)
        try dataset.validate(file: file)
        return dataset
    }

    /// The file's datasets as stored arrays, in the schema's layout.
    public var storedArrays: (hlf: StoredArray<Float>, particles: StoredArray<Float>,
                              labels: StoredArray<Int64>, lengths: StoredArray<Int64>) {
        (StoredArray(shape: [count, EventSchema.hlfFeatureCount], values: hlf),
         StoredArray(shape: [count, maxParticles, EventSchema.particleFeatureCount], values: particles),
         StoredArray(shape: [count], values: labels.map { Int64($0) }),
         StoredArray(shape: [count], values: lengths.map { Int64($0) }))
    }
}
