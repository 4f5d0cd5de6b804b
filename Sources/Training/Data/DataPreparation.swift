import GraphIR

/// How events become training and test arrays (the study's preparation).
public struct PreparationOptions: Hashable, Sendable {
    /// Seeds the undersampling, the shuffle and hence the split.
    public var seed: UInt64
    /// Share of the (balanced, shuffled) events held out for testing.
    public var testFraction: Double
    /// Undersample every class to the size of the smallest one.
    public var balance: Bool
    /// Share of the training part held out for validation (0: none; the per-epoch
    /// validation then has to come from elsewhere). Never taken from the test events.
    public var validationFraction: Double

    public init(seed: UInt64 = 1, testFraction: Double = 0.2, balance: Bool = true, validationFraction: Double = 0) {
        precondition((0..<1).contains(testFraction), "the test share is in [0, 1)")
        precondition((0..<1).contains(validationFraction), "the validation share is in [0, 1)")
        self.seed = seed
        self.testFraction = testFraction
        self.balance = balance
        self.validationFraction = validationFraction
    }
}

/// Training and test events, unscaled, with the scalers fitted on the training events.
public struct PreparedData: Sendable {
    public var train: EventDataset
    public var test: EventDataset
    /// Held out of the training part for validation (nil when the options ask for none).
    public var validation: EventDataset?
    /// Fitted on the training events' 14 high-level features.
    public var hlfScaler: MinMaxScaler
    /// Fitted on the training events' real (unpadded) particle rows.
    public var particleScaler: MinMaxScaler

    /// The scalers, keyed by the study models' input names (what `Model.export` takes).
    public var inputScaling: [String: InputScaling] {
        [StudyInput.hlf.name: hlfScaler.inputScaling, StudyInput.particles.name: particleScaler.inputScaling]
    }
}

/// The steps of the study's preparation, each usable alone.
public enum DataPreparation {
    /// Indices of a class-balanced subset: every class cut to the smallest class's size
    /// by a seeded draw without replacement; returned in ascending order.
    public static func undersample(_ labels: [Int32], classes: Int = EventSchema.classCount, seed: UInt64) -> [Int] {
        var byClass = [[Int]](repeating: [], count: classes)
        for (i, label) in labels.enumerated() where (0..<classes).contains(Int(label)) {
            byClass[Int(label)].append(i)
        }
        let smallest = byClass.map(\.count).min() ?? 0
        var rng = SplitMix64(seed: seed ^ 0x5EED_BA1A_4CED_0001)
        var kept: [Int] = []
        for var members in byClass {
            shuffle(&members, using: &rng)
            kept.append(contentsOf: members.prefix(smallest))
        }
        return kept.sorted()
    }

    /// A seeded Fisher–Yates shuffle, the same on every platform.
    public static func shuffle<T>(_ values: inout [T], using rng: inout SplitMix64) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            let j = Int(rng.next() % UInt64(i + 1))
            values.swapAt(i, j)
        }
    }

    /// Shuffles `indices` with `seed` and splits them: the first `1 − testFraction` for
    /// training, the rest for testing.
    public static func split(_ indices: [Int], testFraction: Double, seed: UInt64) -> (train: [Int], test: [Int]) {
        var order = indices
        var rng = SplitMix64(seed: seed ^ 0x5B11_7000_0000_0002)
        shuffle(&order, using: &rng)
        let trainCount = Int((Double(order.count) * (1 - testFraction)).rounded())
        return (Array(order.prefix(trainCount)), Array(order.dropFirst(trainCount)))
    }

    /// One-hot rows (`count × classes`) for integer labels.
    public static func oneHot(_ labels: [Int32], classes: Int = EventSchema.classCount) -> [Float] {
        var result = [Float](repeating: 0, count: labels.count * classes)
        for (i, label) in labels.enumerated() where (0..<classes).contains(Int(label)) {
            result[i * classes + Int(label)] = 1
        }
        return result
    }

    /// Balances (when asked), shuffles and splits 80/20 by seed (the shares are the options'),
    /// holds a validation share out of the training part when asked, and fits the scalers on
    /// what remains for training. `file` names the data in errors.
    public static func prepare(
        _ data: EventDataset, options: PreparationOptions = PreparationOptions(), file: String = "data"
    ) throws(DatasetError) -> PreparedData {
        try data.validate(file: file)
        let parts = try splitIndices(labels: data.labels, options: options, file: file)
        let train = data.subset(parts.train)
        let test = data.subset(parts.test)
        return PreparedData(
            train: train, test: test, validation: parts.validation.isEmpty ? nil : data.subset(parts.validation),
            hlfScaler: MinMaxScaler.fit(train.hlf, features: EventSchema.hlfFeatureCount),
            particleScaler: MinMaxScaler.fit(
                train.particles, features: EventSchema.particleFeatureCount, rows: realRows(of: train)))
    }

    /// The events (indices into `labels`) of the training, validation and test parts, each
    /// in the order its arrays hold them: what ``prepare(_:options:file:)`` takes, so a
    /// stream over the file sees the same parts as training in memory.
    public static func splitIndices(
        labels: [Int32], options: PreparationOptions, file: String = "data"
    ) throws(DatasetError) -> (train: [Int], validation: [Int], test: [Int]) {
        let kept = options.balance ? undersample(labels, seed: options.seed) : Array(0..<labels.count)
        var (train, test) = split(kept, testFraction: options.testFraction, seed: options.seed)
        // Validation comes out of the (already shuffled) training part, never the test part.
        let validationCount = Int((Double(train.count) * options.validationFraction).rounded())
        let validation = Array(train.suffix(validationCount))
        train.removeLast(validationCount)
        guard !train.isEmpty else { throw .tooFewEvents(file: file, needed: 1, found: kept.count) }
        return (train, validation, test)
    }

    /// Row indices (in `particles` viewed as rows of 19) of every event's real particles.
    public static func realRows(of data: EventDataset) -> [Int] {
        var rows: [Int] = []
        rows.reserveCapacity(data.lengths.reduce(0) { $0 + Int($1) })
        for event in 0..<data.count {
            let first = event * data.maxParticles
            rows.append(contentsOf: first..<(first + Int(data.lengths[event])))
        }
        return rows
    }
}

extension PreparedData {
    /// Scaled arrays for training or evaluating a model with the given inputs
    /// (`hlf_input`, `gru_input`): the scalers applied (to real particle rows only, so the
    /// padding stays zero for masking) and one-hot labels.
    public func arrays(_ data: EventDataset, inputs: Set<String>) -> TrainingArrays {
        DataPreparation.arrays(data, inputs: inputs, hlfScaler: hlfScaler, particleScaler: particleScaler)
    }
}

extension DataPreparation {
    /// Scaled arrays of `data` for a model with these inputs (see ``PreparedData/arrays(_:inputs:)``).
    public static func arrays(
        _ data: EventDataset, inputs: Set<String>, hlfScaler: MinMaxScaler, particleScaler: MinMaxScaler
    ) -> TrainingArrays {
        var hlf: [Float]?
        var sequences: [Float]?
        if inputs.contains(StudyInput.hlf.name) {
            var values = data.hlf
            hlfScaler.apply(&values)
            hlf = values
        }
        if inputs.contains(StudyInput.particles.name) {
            var values = data.particles
            particleScaler.apply(&values, rows: realRows(of: data))
            sequences = values
        }
        return TrainingArrays(count: data.count, hlf: hlf, sequences: sequences, labels: oneHot(data.labels))
    }
}
