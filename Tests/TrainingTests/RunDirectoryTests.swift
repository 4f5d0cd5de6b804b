import Foundation
import Testing
@testable import Training

@Suite("Run directory")
struct RunDirectoryTests {
    /// A fresh, empty folder.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("trigc-run-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func config() -> RunConfig {
        var config = RunConfig(model: .gru, data: "/data/events.h5", seed: 7, learningRate: 0.002, units: 16,
                               preparation: PreparationOptions(seed: 7, testFraction: 0.25))
        config.hlfScaler = MinMaxScaler(minimum: [0, 1], maximum: [2, 3])
        config.outputs = RunDirectory.earlyOutputs
        return config
    }

    @Test("run.json round-trips, in the current format")
    func roundTrip() throws {
        let run = try Self.folder()
        try Self.config().write(to: run)
        let read = try RunConfig.read(from: run)
        #expect(read == Self.config())
        #expect(read.version == RunConfig.currentVersion)
        #expect(RunDirectory.state(of: run) == .run)
    }

    @Test("a run.json of trigc before versions (no version, outputs, fingerprint) reads as format 1")
    func legacy() throws {
        let run = try Self.folder()
        let json = """
            {"balance": true, "data": "events.h5", "learningRate": 0.001, "model": "hlf", "seed": 1,
             "testFraction": 0.2, "units": 50}
            """
        try Data(json.utf8).write(to: run.appendingPathComponent(RunDirectory.configFile))
        let read = try RunConfig.read(from: run)
        #expect(read.formatVersion == 1 && read.version == nil)
        #expect(read.model == .hlf && read.outputs == nil && read.dataFingerprint == nil)
        // Settings older runs did not keep read as what those runs used.
        #expect(read.batch == nil && read.batchSize == 128 && read.dropout == nil && read.dropoutRate == 0.2)
        // Written again, it is in the current format.
        try read.write(to: run)
        #expect(try RunConfig.read(from: run).formatVersion == RunConfig.currentVersion)
    }

    @Test("newer formats and impossible settings are refused in one sentence", arguments: [
        (#""version": 99"#, "run format 99"),
        (#""version": 0"#, "is not a run format"),
        (#""testFraction": 1.5"#, "testFraction 1.5"),
        (#""learningRate": -1"#, "learningRate -1"),
        (#""units": 0"#, "units 0"),
    ])
    func refused(field: String, phrase: String) throws {
        let run = try Self.folder()
        var fields = [#""data": "e.h5""#, #""learningRate": 0.001"#, #""model": "gru""#, #""seed": 1"#, #""units": 8"#,
                      #""testFraction": 0.2"#, #""balance": true"#]
        let key = String(field.prefix { $0 != ":" })
        fields.removeAll { $0.hasPrefix(key) }
        fields.append(field)
        try Data("{\(fields.joined(separator: ", "))}".utf8).write(to: run.appendingPathComponent(RunDirectory.configFile))
        #expect {
            try RunConfig.read(from: run)
        } throws: { error in
            "\(error)".contains(phrase) && "\(error)".contains(RunDirectory.configFile)
        }
    }

    @Test("a folder without run.json is not a run")
    func notARun() throws {
        let run = try Self.folder()
        #expect(throws: RunDirectoryError.notARun(run: run.path)) { try RunConfig.read(from: run) }
        #expect(RunDirectory.state(of: run) == .empty)
        try Data("x".utf8).write(to: run.appendingPathComponent(".model.ir.trigc-12.tmp"))
        #expect(RunDirectory.state(of: run) == .empty)
        try Data("x".utf8).write(to: run.appendingPathComponent("notes.txt"))
        #expect(RunDirectory.state(of: run) == .foreign)
        #expect(RunDirectory.state(of: run.appendingPathComponent("notes.txt")) == .file)
        #expect(RunDirectory.state(of: run.appendingPathComponent("absent")) == .absent)
    }

    @Test("clearing removes only what the run listed (and names a run can write) and temporaries")
    func clear() throws {
        let run = try Self.folder()
        var config = Self.config()
        config.outputs = [RunDirectory.configFile, RunDirectory.modelFile, "notes.txt"]
        try config.write(to: run)
        for name in [RunDirectory.modelFile, "notes.txt", RunDirectory.metricsFile, ".roc.svg.trigc-5.tmp"] {
            try Data("x".utf8).write(to: run.appendingPathComponent(name))
        }
        try RunDirectory.clear(run, config: config)
        let left = try FileManager.default.contentsOfDirectory(atPath: run.path).sorted()
        #expect(left == [RunDirectory.metricsFile, "notes.txt"])
    }

    @Test("a run of older trigc without a list clears what such runs always wrote")
    func clearLegacy() throws {
        let run = try Self.folder()
        var config = Self.config()
        config.outputs = nil
        try config.write(to: run)
        for name in [RunDirectory.prescaledModelFile, "roc.png", "keep.txt"] {
            try Data("x".utf8).write(to: run.appendingPathComponent(name))
        }
        try RunDirectory.clear(run, config: config)
        #expect(try FileManager.default.contentsOfDirectory(atPath: run.path).sorted() == ["keep.txt", "roc.png"])
    }

    @Test("a missing or changed data file is refused")
    func data() throws {
        let run = try Self.folder()
        let file = run.appendingPathComponent("events.h5")
        var config = Self.config()
        config.data = file.path
        #expect(throws: RunDirectoryError.dataMissing(run: "R", data: file.path)) { try config.checkData(run: "R") }
        try Data("12".utf8).write(to: file)
        config.dataFingerprint = FileFingerprint(file.path)
        try config.checkData(run: "R")
        try Data("123".utf8).write(to: file)
        #expect { try config.checkData(run: "R") } throws: { "\($0)".contains("changed since R started") }
    }
}
