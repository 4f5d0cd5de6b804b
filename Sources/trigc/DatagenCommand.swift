import ArgumentParser
import Foundation
import ModelIO
import Training

struct DatagenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datagen",
        abstract: "Generate the built-in physics-like dataset of QCD, ttbar and W+jets events to HDF5.",
        discussion: """
            Datasets: 'hlf' (N x 14), 'particles' (N x T x 19, zero-padded), 'label' (0 QCD, \
            1 ttbar, 2 W+jets), 'length' (real particles per event); feature names, generator and \
            seed as attributes. The same seed gives the same file on any machine and thread count. \
            See Docs/Data.md.
            """)

    @Option(parsing: .unconditional, help: "Number of events.")
    var events = 100_000

    @Option(parsing: .unconditional, help: "Seed of the generator.")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Rows per event in 'particles' (T): the lepton and the T-1 hardest other particles.")
    var maxParticles = 100

    @Option(help: "Shares of QCD, ttbar and W+jets events, comma-separated.")
    var classFractions = "1,1,1"

    @Option(parsing: .unconditional, help: "Worker threads (the data do not depend on it).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var output: OutputOptions

    func run() throws {
        guard events > 0 else { throw CLIError.badCount(name: "--events", value: events) }
        guard maxParticles > 0 else { throw CLIError.badCount(name: "--max-particles", value: maxParticles) }
        guard (1...1024).contains(threads) else { throw CLIError.outOfRange(name: "--threads", value: "\(threads)", range: "1 to 1024") }
        guard maxParticles <= 100_000 else {
            throw CLIError.outOfRange(name: "--max-particles", value: "\(maxParticles)", range: "1 to 100000")
        }
        let parts = classFractions.split(separator: ",", omittingEmptySubsequences: false)
        let fractions = parts.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard fractions.count == EventSchema.classCount, parts.count == EventSchema.classCount,
              fractions.allSatisfy({ $0.isFinite && $0 >= 0 }), fractions.reduce(0, +) > 0
        else {
            throw CLIError.badList(name: "--class-fractions", value: classFractions,
                                   expected: "three finite non-negative numbers, not all zero, such as 1,1,1")
        }
        // The events in memory and their copy as written (particles dominate).
        try MemoryBudget.check(
            [2, events, maxParticles * ParticleFeature.allCases.count + HighLevelFeature.allCases.count + 2, 4],
            what: "generating \(events) events of \(maxParticles) particles", advice: "write several smaller files")
        try OutputFile.check(output.output, overwrite: output.overwrite)
        let generator = EventGenerator(maxParticles: maxParticles, classFractions: fractions, threads: threads)
        let start = Date()
        let data = generator.generate(events: events, seed: seed)
        let seconds = Date().timeIntervalSince(start)
        try EventFile.write(data, to: output.output, overwrite: output.overwrite)
        let counts = zip(EventClass.allCases, data.classCounts).map { "\($0.name) \($1)" }.joined(separator: ", ")
        print("generated \(events) events (\(counts)), T \(maxParticles), in \(formatted(seconds, 2)) s "
            + "(\(formatted(Double(events) / max(seconds, 1e-9), 0)) events/s); wrote \(output.output)")
    }
}

/// Reads and writes event files (the schema in Docs/Data.md) through `HDF5File`.
enum EventFile {
    /// Reads and validates an event file; every problem is one sentence naming the file.
    static func read(_ path: String) throws -> EventDataset {
        let file = try HDF5File(path: path)
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
                    throw CLIError.notWholeNumber(file: path, dataset: name, index: i, value: value)
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
    static func write(_ data: EventDataset, to path: String, overwrite: Bool) throws {
        try OutputFile.writeHDF5(path, overwrite: overwrite) { file in try write(data, into: file) }
    }

    private static func write(_ data: EventDataset, into file: HDF5File) throws {
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
