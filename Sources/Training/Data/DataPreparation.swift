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
        let kept = options.balance ? undersample(data.labels, seed: options.seed) : Array(0..<data.count)
        var (trainIndices, testIndices) = split(kept, testFraction: options.testFraction, seed: options.seed)
        // Validation comes out of the (already shuffled) training part, never the test part.
        let validationCount = Int((Double(trainIndices.count) * options.validationFraction).rounded())
        let validationIndices = Array(trainIndices.suffix(validationCount))
        trainIndices.removeLast(validationCount)
        guard !trainIndices.isEmpty else { throw .tooFewEvents(file: file, needed: 1, found: kept.count) }
        let train = data.subset(trainIndices)
        let test = data.subset(testIndices)
        return PreparedData(
            train: train, test: test, validation: validationCount > 0 ? data.subset(validationIndices) : nil,
            hlfScaler: MinMaxScaler.fit(train.hlf, features: EventSchema.hlfFeatureCount),
            particleScaler: MinMaxScaler.fit(
                train.particles, features: EventSchema.particleFeatureCount, rows: realRows(of: train)))
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
        var hlf: [Float]?
        var sequences: [Float]?
        if inputs.contains(StudyInput.hlf.name) {
            var values = data.hlf
            hlfScaler.apply(&values)
            hlf = values
        }
        if inputs.contains(StudyInput.particles.name) {
            var values = data.particles
            particleScaler.apply(&values, rows: DataPreparation.realRows(of: data))
            sequences = values
        }
        return TrainingArrays(count: data.count, hlf: hlf, sequences: sequences, labels: DataPreparation.oneHot(data.labels))
    }
}
