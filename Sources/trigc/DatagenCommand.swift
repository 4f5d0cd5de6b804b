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

    @Option(help: "Number of events.")
    var events = 100_000

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 1

    @Option(help: "Rows per event in 'particles' (T): the lepton and the T-1 hardest other particles.")
    var maxParticles = 100

    @Option(help: "Shares of QCD, ttbar and W+jets events, comma-separated.")
    var classFractions = "1,1,1"

    @Option(help: "Worker threads (the data do not depend on it).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var output: OutputOptions

    func run() throws {
        guard events > 0 else { throw CLIError.badCount(name: "--events", value: events) }
        guard maxParticles > 0 else { throw CLIError.badCount(name: "--max-particles", value: maxParticles) }
        guard threads > 0 else { throw CLIError.badCount(name: "--threads", value: threads) }
        let fractions = classFractions.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard fractions.count == EventSchema.classCount, fractions.allSatisfy({ $0 >= 0 }), fractions.reduce(0, +) > 0 else {
            throw ValidationError("--class-fractions takes three non-negative numbers such as 1,1,1, not '\(classFractions)'.")
        }
        if !output.overwrite, FileManager.default.fileExists(atPath: output.output) {
            throw ModelIOError.fileExists(path: output.output)
        }
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
            return StoredArray(shape: array.shape, values: array.values.map { value in
                value.isFinite && value.rounded() == value && abs(value) < 1e15 ? Int64(value) : Int64.min
            })
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
        let file = try HDF5File(path: path, mode: .create(overwrite: overwrite))
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
