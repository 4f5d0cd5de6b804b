import ArgumentParser
import Foundation
import EventIO
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

    @Option(parsing: .unconditional, help: "Shares of QCD, ttbar and W+jets events, comma-separated.")
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
              fractions.allSatisfy({ $0.isFinite && $0 >= 0 }), fractions.reduce(0, +) > 0, fractions.reduce(0, +).isFinite
        else {
            throw CLIError.badList(name: "--class-fractions", value: classFractions,
                                   expected: "three finite non-negative numbers, not all zero, such as 1,1,1")
        }
        // A file of more than one piece is written piece by piece (the same file), so memory
        // holds one piece and its copy as written (particles dominate).
        let perEvent = maxParticles * ParticleFeature.allCases.count + HighLevelFeature.allCases.count + 2
        let piece = max(EventGenerator.blockSize, Self.pieceBytes / (4 * perEvent))
        try MemoryBudget.check(
            [2, min(events, piece), perEvent, 4],
            what: "generating \(min(events, piece)) events of \(maxParticles) particles", advice: "lower --max-particles")
        try OutputFile.check(output.output, overwrite: output.overwrite)
        // Memory no longer bounds the file: the disk does.
        let (fileBytes, overflow) = events.multipliedReportingOverflow(by: 4 * perEvent)
        let folder = URL(fileURLWithPath: output.output).deletingLastPathComponent().path
        if let free = (try? FileManager.default.attributesOfFileSystem(forPath: folder))?[.systemFreeSize] as? Int,
           overflow || fileBytes > free {
            throw CLIError.diskTooSmall(path: output.output, bytes: overflow ? nil : fileBytes, free: free, advice: "ask for fewer --events")
        }
        let generator = EventGenerator(maxParticles: maxParticles, classFractions: fractions, threads: threads)
        let start = Date()
        var classCounts: [Int] = []
        try OutputFile.writeHDF5(output.output, overwrite: output.overwrite) { file in
            if events <= piece {
                let data = generator.generate(events: events, seed: seed)
                try EventFile.write(data, into: file)
                classCounts = data.classCounts
            } else {
                classCounts = try EventFile.writeGenerated(generator, events: events, seed: seed, pieceEvents: piece, into: file)
            }
        }
        let seconds = Date().timeIntervalSince(start)
        let counts = zip(EventClass.allCases, classCounts).map { "\($0.name) \($1)" }.joined(separator: ", ")
        print("generated \(events) events (\(counts)), T \(maxParticles), in \(formatted(seconds, 2)) s "
            + "(\(formatted(Double(events) / max(seconds, 1e-9), 0)) events/s); wrote \(output.output)")
    }

    /// Bytes of events generated at a time: a larger file is written in pieces of this size.
    static let pieceBytes = 256 << 20
}
