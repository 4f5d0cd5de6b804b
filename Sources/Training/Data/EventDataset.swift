/// Events of the three classes in the layout of an event file (see Docs/Data.md):
/// high-level features, zero-padded particle sequences, labels and true lengths.
public struct EventDataset: Hashable, Sendable {
    /// Number of events.
    public var count: Int
    /// Rows per event in `particles` (T).
    public var maxParticles: Int
    /// `count × 14`, row-major, in `HighLevelFeature` order.
    public var hlf: [Float]
    /// `count × maxParticles × 19`, row-major; rows at and after `lengths[i]` are zero.
    public var particles: [Float]
    /// `count` labels, `EventClass.rawValue`.
    public var labels: [Int32]
    /// `count` true particle counts, `0 ... maxParticles`.
    public var lengths: [Int32]
    /// Where the events came from (file attribute `generator`), if known.
    public var generator: String?
    /// The generator's seed (file attribute `seed`), if known.
    public var seed: UInt64?

    public init(
        count: Int, maxParticles: Int, hlf: [Float], particles: [Float], labels: [Int32], lengths: [Int32],
        generator: String? = nil, seed: UInt64? = nil
    ) {
        precondition(hlf.count == count * EventSchema.hlfFeatureCount, "hlf must hold count × 14 values")
        precondition(particles.count == count * maxParticles * EventSchema.particleFeatureCount,
                     "particles must hold count × T × 19 values")
        precondition(labels.count == count && lengths.count == count, "one label and length per event")
        self.count = count
        self.maxParticles = maxParticles
        self.hlf = hlf
        self.particles = particles
        self.labels = labels
        self.lengths = lengths
        self.generator = generator
        self.seed = seed
    }

    /// Values per event in `particles`.
    public var particleStride: Int { maxParticles * EventSchema.particleFeatureCount }

    /// The label of event `i` as a class.
    public func eventClass(_ i: Int) -> EventClass? {
        EventClass(rawValue: Int(labels[i]))
    }

    /// Number of events of each class, indexed by label.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: EventSchema.classCount)
        for label in labels where (0..<counts.count).contains(Int(label)) { counts[Int(label)] += 1 }
        return counts
    }

    /// The events at these indices, in this order.
    public func subset(_ indices: [Int]) -> EventDataset {
        let h = EventSchema.hlfFeatureCount
        let p = particleStride
        var hlfValues = [Float]()
        hlfValues.reserveCapacity(indices.count * h)
        var particleValues = [Float]()
        particleValues.reserveCapacity(indices.count * p)
        for i in indices {
            hlfValues.append(contentsOf: hlf[(i * h)..<((i + 1) * h)])
            particleValues.append(contentsOf: particles[(i * p)..<((i + 1) * p)])
        }
        return EventDataset(
            count: indices.count, maxParticles: maxParticles, hlf: hlfValues, particles: particleValues,
            labels: indices.map { labels[$0] }, lengths: indices.map { lengths[$0] },
            generator: generator, seed: seed)
    }

    /// Checks what a file could get wrong: labels out of range, lengths out of range,
    /// NaN or infinity in the features. `file` names the file in the error.
    public func validate(file: String) throws(DatasetError) {
        guard count > 0 else { throw .noEvents(file: file) }
        if let i = labels.firstIndex(where: { !(0..<Int32(EventSchema.classCount)).contains($0) }) {
            throw .labelOutOfRange(file: file, event: i, value: Int64(labels[i]))
        }
        if let i = lengths.firstIndex(where: { $0 < 0 || Int($0) > maxParticles }) {
            throw .lengthOutOfRange(file: file, event: i, value: Int64(lengths[i]), maxParticles: maxParticles)
        }
        if let i = hlf.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(file: file, dataset: EventSchema.hlf, event: i / EventSchema.hlfFeatureCount)
        }
        if let i = particles.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(file: file, dataset: EventSchema.particles, event: i / max(particleStride, 1))
        }
    }
}

/// Why an event file cannot be used, rendered as one sentence naming the file and dataset.
public enum DatasetError: Error, Hashable, Sendable, CustomStringConvertible {
    case missingDataset(file: String, dataset: String)
    case wrongShape(file: String, dataset: String, expected: String, found: [Int])
    case labelOutOfRange(file: String, event: Int, value: Int64)
    case lengthOutOfRange(file: String, event: Int, value: Int64, maxParticles: Int)
    case nonFinite(file: String, dataset: String, event: Int)
    case noEvents(file: String)
    case tooFewEvents(file: String, needed: Int, found: Int)
    /// Reading or writing the file failed; `message` is the storage layer's sentence.
    case storage(file: String, message: String)

    public var description: String {
        switch self {
        case let .missingDataset(file, dataset):
            "\(file): there is no dataset '\(dataset)'; an event file needs 'hlf', 'particles', 'label' and 'length' (see Docs/Data.md)."
        case let .wrongShape(file, dataset, expected, found):
            "\(file): dataset '\(dataset)' has shape \(found) but \(expected) was expected."
        case let .labelOutOfRange(file, event, value):
            "\(file): dataset 'label' holds \(value) at event \(event), but labels must be 0 (QCD), 1 (ttbar) or 2 (W+jets)."
        case let .lengthOutOfRange(file, event, value, maxParticles):
            "\(file): dataset 'length' holds \(value) at event \(event), outside 0...\(maxParticles)."
        case let .nonFinite(file, dataset, event):
            "\(file): dataset '\(dataset)' holds NaN or infinity in event \(event)."
        case let .noEvents(file):
            "\(file) holds no events."
        case let .tooFewEvents(file, needed, found):
            "\(file): after balancing the classes \(found) events are left, fewer than the \(needed) needed."
        case let .storage(_, message):
            message.hasSuffix(".") ? message : message + "."
        }
    }
}
