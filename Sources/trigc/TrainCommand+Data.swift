import EventIO
import Foundation
import Training

/// The events `trigc train` trains, validates and tests on, in memory or streamed in chunks.
struct TrainData {
    var train: any TrainingSource
    var validation: (any TrainingSource)?
    var test: any TrainingSource
    /// The test events' labels, in the test source's order.
    var testLabels: [Int32]
    var trainClassCounts: [Int]
    var hlfScaler: MinMaxScaler
    var particleScaler: MinMaxScaler?
    var inputScaling: [String: InputScaling]
    /// Rows per event in `particles` (T).
    var maxParticles: Int
    /// Events in the data file.
    var fileEvents: Int
}

extension StudyModelKind {
    /// The inputs of the study model of this kind.
    var inputNames: Set<String> {
        switch self {
        case .hlf: [StudyInput.hlf.name]
        case .gru: [StudyInput.particles.name]
        case .inclusive: [StudyInput.hlf.name, StudyInput.particles.name]
        }
    }
}

extension TrainCommand {
    /// Events per chunk when `--chunk-events` is not given: 64 MiB of features.
    static let chunkBytes = 64 << 20

    /// Whether an event file is too large to train on in memory (as read and as training
    /// arrays: twice its size over the memory budget): training then streams it.
    static func tooLargeForMemory(_ path: String) -> Bool {
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return bytes > MemoryBudget.limit / 2
    }

    /// The run's events: read whole (as trigc always did), or streamed in chunks of
    /// `config.chunkEvents` events (set to 64 MiB of events when nil).
    func loadData(_ config: inout RunConfig, streaming: Bool) throws -> TrainData {
        let inputs = config.model.inputNames
        guard streaming else { return try Self.inMemory(config, inputs: inputs) }
        try DataFileGuard.checkIndex(config.data)
        let reader = try EventReader(path: config.data)
        let chunkEvents = config.chunkEvents ?? max(1, Self.chunkBytes / reader.index.bytesPerEvent)
        config.chunkEvents = chunkEvents
        try MemoryBudget.check([4, chunkEvents, reader.index.bytesPerEvent], what: "four chunks of \(chunkEvents) events",
                               advice: "lower --chunk-events")
        var data = try StreamedData.prepare(reader, options: config.preparation, inputs: inputs, chunkEvents: chunkEvents)
        for (path, isTest) in [(config.validationData, false), (config.testData, true)] {
            guard let path else { continue }
            try DataFileGuard.checkIndex(path)
            let other = try EventReader(path: path)
            try Self.checkSameParticles(path, other.index.maxParticles, reader.index.maxParticles, count: other.index.count)
            if isTest { data.test = data.whole(other) } else { data.validation = data.whole(other) }
        }
        try Self.checkGRUMemory(config, trainCount: data.train.count, maxParticles: reader.index.maxParticles)
        return TrainData(
            train: data.train, validation: data.validation, test: data.test, testLabels: data.test.labels,
            trainClassCounts: data.trainClassCounts, hlfScaler: data.hlfScaler, particleScaler: data.particleScaler,
            inputScaling: data.inputScaling, maxParticles: reader.index.maxParticles, fileEvents: reader.index.count)
    }

    /// The whole file read, balanced, split and scaled in memory.
    private static func inMemory(_ config: RunConfig, inputs: Set<String>) throws -> TrainData {
        try DataFileGuard.checkEvents(config.data)
        let events = try EventFile.read(config.data)
        var prepared = try DataPreparation.prepare(events, options: config.preparation, file: config.data)
        // Whole files for validation or testing, when given (every event, as they are).
        for (path, isTest) in [(config.validationData, false), (config.testData, true)] {
            guard let path else { continue }
            try DataFileGuard.checkEvents(path)
            let other = try EventFile.read(path)
            try checkSameParticles(path, other.maxParticles, events.maxParticles, count: other.count)
            try other.validate(file: path)
            if isTest { prepared.test = other } else { prepared.validation = other }
        }
        let held = prepared.train.count + prepared.test.count
        let perEvent = EventSchema.hlfFeatureCount + events.maxParticles * EventSchema.particleFeatureCount
        try MemoryBudget.check([2, held, perEvent, 4], what: "holding \(held) events",
                               advice: "use a smaller event file, or --stream")
        try checkGRUMemory(config, trainCount: prepared.train.count, maxParticles: events.maxParticles)
        return TrainData(
            train: prepared.arrays(prepared.train, inputs: inputs),
            validation: prepared.validation.map { prepared.arrays($0, inputs: inputs) },
            test: prepared.arrays(prepared.test, inputs: inputs), testLabels: prepared.test.labels,
            trainClassCounts: prepared.train.classCounts, hlfScaler: prepared.hlfScaler, particleScaler: prepared.particleScaler,
            inputScaling: prepared.inputScaling, maxParticles: events.maxParticles, fileEvents: events.count)
    }

    /// Refuses a validation or test file whose sequences are not as long as the data's.
    private static func checkSameParticles(_ path: String, _ found: Int, _ expected: Int, count: Int) throws {
        guard found == expected else {
            throw CLIError.inputShape(file: path, input: "'particles'", expected: [expected, EventSchema.particleFeatureCount],
                                      found: [count, found, EventSchema.particleFeatureCount])
        }
    }

    /// For the GRU, every step's gates kept for backpropagation through time, checked
    /// against the memory budget.
    private static func checkGRUMemory(_ config: RunConfig, trainCount: Int, maxParticles: Int) throws {
        guard config.model != .hlf else { return }
        let rows = min(config.batchSize, max(trainCount, 1))
        try MemoryBudget.check([rows, maxParticles, 8 * config.units + EventSchema.particleFeatureCount, 4],
                               what: "a GRU of \(config.units) units over \(maxParticles) steps at batch \(rows)",
                               advice: "lower --batch or --units")
    }
}
