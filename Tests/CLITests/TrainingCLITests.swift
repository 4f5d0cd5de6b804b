import Foundation
import Testing
import ModelIO

/// Starts `trigc` without waiting for it.
func launchTrigc(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = builtBinary("trigc")
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
}

/// The epoch recorded in a checkpoint's JSON header, or nil while there is none.
func checkpointEpoch(_ path: String) -> Int? {
    guard let data = FileManager.default.contents(atPath: path), data.count > 8 else { return nil }
    let header = String(decoding: data.prefix(64), as: UTF8.self)
    guard let range = header.range(of: "\"epoch\":") else { return nil }
    return Int(header[range.upperBound...].prefix { $0.isNumber })
}

@Suite(.serialized) struct TrainingCLITests {
    @Test func datagenIsDeterministicToTheByte() throws {
        let dir = try scratch()
        for name in ["a", "b"] {
            let result = try trigc("datagen", "--events", "400", "--seed", "9", "--max-particles", "6", "-o", "\(dir)/\(name).h5")
            #expect(result.status == 0, "\(result.stderr)")
        }
        let a = try #require(FileManager.default.contents(atPath: "\(dir)/a.h5"))
        let b = try #require(FileManager.default.contents(atPath: "\(dir)/b.h5"))
        #expect(a == b)
    }

    @Test func killedDuringEpochThreeAndResumedEqualsAnUninterruptedRun() throws {
        let dir = try scratch()
        #expect(try trigc("datagen", "--events", "30000", "--seed", "4", "--max-particles", "4", "-o", "\(dir)/ev.h5").status == 0)
        let common = ["train", "--model", "hlf", "--data", "\(dir)/ev.h5", "--epochs", "5", "--batch", "32", "--seed", "3"]
        let straight = try trigc(arguments: common + ["--out", "\(dir)/straight"])
        #expect(straight.status == 0, "\(straight.stderr)")

        let process = try launchTrigc(common + ["--out", "\(dir)/killed"])
        let checkpoint = "\(dir)/killed/checkpoint.trgc"
        let deadline = Date().addingTimeInterval(300)
        while process.isRunning, (checkpointEpoch(checkpoint) ?? 0) < 2, Date() < deadline {
            usleep(2_000)
        }
        // Epoch 2's checkpoint is on disk, so epoch 3 is under way: stop the process dead.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the run finished before it could be killed")
        #expect(checkpointEpoch(checkpoint) == 2)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/killed/model.ir"))

        // Resumed with no settings: the run's own (epochs, batch, seed ...) from run.json.
        let resumed = try trigc(arguments: ["train", "--out", "\(dir)/killed", "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let a = try String(contentsOfFile: "\(dir)/straight/model.ir", encoding: .utf8)
        let b = try String(contentsOfFile: "\(dir)/killed/model.ir", encoding: .utf8)
        #expect(a == b)
    }

    @Test func badEventFilesFailWithOneSentence() throws {
        let dir = try scratch()
        #expect(try trigc("datagen", "--events", "60", "--seed", "1", "--max-particles", "3", "-o", "\(dir)/good.h5").status == 0)
        let good = try HDF5File(path: "\(dir)/good.h5")
        let hlf = try good.readFloats("hlf")
        let particles = try good.readFloats("particles")
        let labels = try good.readInts("label")
        let lengths = try good.readInts("length")

        func variant(_ name: String, edit: (HDF5File) throws -> Void) throws -> String {
            let path = "\(dir)/\(name).h5"
            let file = try HDF5File(path: path, mode: .create(overwrite: false))
            try file.write("hlf", hlf)
            try file.write("particles", particles)
            try file.write("label", labels)
            try file.write("length", lengths)
            try edit(file)
            return path
        }
        var nanHLF = hlf
        nanHLF.values[5] = .nan
        var badLabels = labels
        badLabels.values[2] = 7
        let cases: [(String, String)] = [
            (try variant("nan") { try $0.write("hlf", nanHLF) }, "NaN"),
            (try variant("label") { try $0.write("label", badLabels) }, "label"),
            (try variant("shape") { try $0.write("hlf", HDF5Array<Float>(shape: [60, 13], values: .init(repeating: 0, count: 780))) }, "hlf"),
        ]
        // And a file without 'particles'.
        let noParticles = "\(dir)/noparticles.h5"
        do {
            let file = try HDF5File(path: noParticles, mode: .create(overwrite: false))
            try file.write("hlf", hlf)
            try file.write("label", labels)
        }
        for (index, (file, word)) in (cases + [(noParticles, "particles")]).enumerated() {
            let result = try trigc("train", "--model", "hlf", "--data", file, "--epochs", "1", "--out", "\(dir)/run\(index)")
            #expect(result.status != 0, "\(file)")
            #expect(result.stderr.contains(URL(fileURLWithPath: file).lastPathComponent), "\(result.stderr)")
            #expect(word.isEmpty || result.stderr.contains(word), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
    }
}
