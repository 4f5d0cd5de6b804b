import Foundation
import ModelIO
import Testing

/// Expects a refusal: a non-zero exit (not a signal: `trigc` exits 1 or 64) and one line of
/// error text, which contains `phrase`.
func expectRefusal(_ outcome: Outcome, _ phrase: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(outcome.status == 1 || outcome.status == 64, "status \(outcome.status): \(outcome.stderr)",
            sourceLocation: sourceLocation)
    let lines = outcome.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
    #expect(lines.count == 1, "\(outcome.stderr)", sourceLocation: sourceLocation)
    #expect(outcome.stderr.contains(phrase), "\(outcome.stderr)", sourceLocation: sourceLocation)
    #expect(!outcome.stderr.contains("Fatal error") && !outcome.stderr.contains("Program crashed"), sourceLocation: sourceLocation)
}

/// The reproducers of the bad-input and fault issue (#9), one test each.
@Suite(.serialized) struct RobustnessCLITests {
    /// A small event file shared by the tests of one run.
    static let events: String? = {
        guard let dir = try? scratch() else { return nil }
        let path = "\(dir)/ev.h5"
        let made = try? trigc("datagen", "--events", "900", "--seed", "2", "--max-particles", "4", "-o", path)
        return made?.status == 0 ? path : nil
    }()

    @Test func overwriteNeverDeletesAFolderTrigcDidNotWrite() throws {
        let data = try #require(Self.events)
        let dir = try scratch()
        try FileManager.default.createDirectory(atPath: "\(dir)/x", withIntermediateDirectories: true)
        try "p".write(toFile: "\(dir)/x/notes.txt", atomically: true, encoding: .utf8)
        let outcome = try trigc("train", "--model", "hlf", "--data", data, "--epochs", "1", "--out", "\(dir)/x", "--overwrite")
        expectRefusal(outcome, "not a trigc run directory")
        #expect(try String(contentsOfFile: "\(dir)/x/notes.txt", encoding: .utf8) == "p")
    }

    @Test func overwriteReplacesOnlyTrigcsFilesAndOnlyAfterValidation() throws {
        let data = try #require(Self.events)
        let dir = try scratch()
        let first = try trigc("train", "--model", "hlf", "--data", data, "--epochs", "1", "--out", "\(dir)/r")
        #expect(first.status == 0, "\(first.stderr)")
        try "mine".write(toFile: "\(dir)/r/notes.txt", atomically: true, encoding: .utf8)
        let model = try String(contentsOfFile: "\(dir)/r/model.ir", encoding: .utf8)
        // Invalid options: nothing of the old run is touched.
        expectRefusal(try trigc("train", "--model", "hlf", "--data", data, "--epochs", "1", "--out", "\(dir)/r",
                                "--lr", "nan", "--overwrite"), "--lr")
        #expect(try String(contentsOfFile: "\(dir)/r/model.ir", encoding: .utf8) == model)
        let again = try trigc("train", "--model", "hlf", "--data", data, "--epochs", "1", "--out", "\(dir)/r",
                              "--seed", "5", "--overwrite")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try String(contentsOfFile: "\(dir)/r/notes.txt", encoding: .utf8) == "mine")
        #expect(try String(contentsOfFile: "\(dir)/r/model.ir", encoding: .utf8) != model)
    }

    @Test func aDivergedRunStopsWithOneSentenceAndWritesNoModel() throws {
        let data = try #require(Self.events)
        let dir = try scratch()
        let outcome = try trigc("train", "--model", "hlf", "--data", data, "--epochs", "1", "--lr", "1e10", "--out", "\(dir)/r")
        expectRefusal(outcome, "diverged")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/r/model.ir"))
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/r/checkpoint.trgc"))
        expectRefusal(try trigc("evaluate", "\(dir)/r"), "did not finish")
    }

    @Test func aResumedRunRefusesOtherSettingsAndEvaluatesFromAnyFolder() throws {
        let data = try #require(Self.events)
        let dir = try scratch()
        #expect(try trigc("train", "--model", "hlf", "--data", data, "--epochs", "1", "--out", "\(dir)/r").status == 0)
        expectRefusal(try trigc("train", "--model", "hlf", "--epochs", "2", "--out", "\(dir)/r", "--resume", "--seed", "9"),
                      "--seed 1, not 9")
        try FileManager.default.copyItem(atPath: data, toPath: "\(dir)/other.h5")
        expectRefusal(try trigc("train", "--model", "hlf", "--data", "\(dir)/other.h5", "--epochs", "2", "--out", "\(dir)/r",
                                "--resume"), "other.h5")
        // --model and --data may be left out: a resumed run keeps its own.
        let resumed = try trigc("train", "--epochs", "2", "--out", "\(dir)/r", "--resume")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        // run.json holds the data file's absolute path: evaluate works from another folder.
        let json = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: "\(dir)/r/run.json")))
        #expect(((json as? [String: Any])?["data"] as? String)?.hasPrefix("/") == true)
        let evaluated = try trigc("evaluate", "\(dir)/r")
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        #expect(evaluated.stdout.contains("events: the test split"), "\(evaluated.stdout)")
        // Another file has no test split of this run: all of its events are used, and said.
        let elsewhere = try trigc("evaluate", "\(dir)/r", "--data", "\(dir)/other.h5", "--out", "\(dir)/elsewhere")
        #expect(elsewhere.status == 0, "\(elsewhere.stderr)")
        let total = try #require(elsewhere.stdout.split(separator: "\n").first { $0.hasPrefix("events: all ") })
        let count = Int(total.dropFirst("events: all ".count).prefix { $0.isNumber }) ?? 0
        #expect(count > 0 && elsewhere.stdout.contains("float (\(count) events)"), "\(elsewhere.stdout)")
        // In fixed point, the ROC is also drawn over the float model's.
        let fixed = try trigc("evaluate", "\(dir)/r", "--fixed", "ap_fixed<16,6>", "--out", "\(dir)/fixed")
        #expect(fixed.status == 0, "\(fixed.stderr)")
        #expect(FileManager.default.fileExists(atPath: "\(dir)/fixed/evaluate-fixed-overlay.svg"))
        // trigc run takes the event file as it is: the study inputs read 'hlf' (and 'particles').
        let direct = try trigc("run", "\(dir)/r/model.ir", "--input", "\(dir)/other.h5", "-o", "\(dir)/direct.h5")
        #expect(direct.status == 0 && direct.stderr.contains("is an event file"), "\(direct.stderr)")
        let named = try trigc("run", "\(dir)/r/model.ir", "--input", "\(dir)/other.h5", "--input-dataset", "hlf_input=hlf",
                              "-o", "\(dir)/named.h5")
        #expect(named.status == 0, "\(named.stderr)")
        let a = try HDF5File(path: "\(dir)/direct.h5"), b = try HDF5File(path: "\(dir)/named.h5")
        let output = try #require(try a.children().first)
        #expect(try a.readFloats(output).values == (try b.readFloats(output).values))
    }

    @Test(arguments: [
        (["datagen", "--class-fractions", "inf,1,1"], "--class-fractions"),
        (["datagen", "--class-fractions", "1,,1"], "--class-fractions"),
        // Written in pieces, a file of any size fits in memory: the disk refuses it.
        (["datagen", "--events", "1000000000"], "GiB of disk"),
        (["datagen", "--events", "1000", "--max-particles", "100000"], "GiB of memory"),
        (["datagen", "--events", "-5"], "--events must be positive, not -5"),
        (["ir", "example", "gru", "--units", "100000"], "--units must be 1 to 4096"),
        (["ir", "example", "gru", "--time-steps", "1000000000"], "--time-steps must be 1 to 100000"),
        (["train", "--model", "gru", "--units", "100000", "--out", "x"], "--units must be 1 to 4096"),
        (["train", "--model", "hlf", "--batch", "100000000", "--out", "x"], "--batch must be 1 to"),
        (["train", "--model", "hlf", "--lr", "-1", "--out", "x"], "--lr must be a positive finite number"),
        (["train", "--model", "hlf", "--out", "x"], "--data is needed"),
        (["train", "--data", "x.h5", "--out", "x"], "--model is needed"),
    ])
    func badOptionsAreRefusedBeforeAnyWork(arguments: [String], phrase: String) throws {
        let dir = try scratch()
        let outcome = try trigc(arguments: arguments + (arguments[0] == "train" ? [] : ["-o", "\(dir)/out"]))
        expectRefusal(outcome, phrase)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/out"))
    }

    @Test func modelSizedOptionsAreRefused() throws {
        let data = try #require(Self.events)
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/h.ir").status == 0)
        expectRefusal(try trigc("run", "\(dir)/h.ir", "--input", data, "--fixed", "ap_fixed<16,6>",
                                "--table-size", "1073741824", "-o", "\(dir)/o.h5"), "--table-size")
        #expect(try trigc("ir", "example", "gru", "--time-steps", "10", "--features", "19", "-o", "\(dir)/g.ir").status == 0)
        expectRefusal(try trigc("inputs", "\(dir)/g.ir", "--events", "1000000000", "-o", "\(dir)/i.h5"), "GiB of memory")
        expectRefusal(try trigc("run", "\(dir)/h.ir", "--input", data, "-o", "\(dir)/nowhere/o.h5"), "does not exist")
    }

    @Test func aLabelThatIsNotAWholeNumberIsQuotedAsItIs() throws {
        let dir = try scratch()
        let path = "\(dir)/half.h5"
        #expect(try trigc("datagen", "--events", "30", "--max-particles", "3", "-o", path).status == 0)
        try {
            let file = try HDF5File(path: path, mode: .update)
            try file.write("label", HDF5Array<Double>(shape: [30], values: [0.5] + [Double](repeating: 1, count: 29)))
        }()
        expectRefusal(try trigc("train", "--model", "hlf", "--data", path, "--out", "\(dir)/r"), "holds 0.5 at entry 0")
    }

    @Test func shapesThatOverflowAreNamedNotMiscounted() throws {
        let dir = try scratch()
        let text = """
            graph "t"
            input x: [3037000500, 3037000500] float32
            f = flatten(x) : [1] float32
            output f

            """
        try text.write(toFile: "\(dir)/f.ir", atomically: true, encoding: .utf8)
        expectRefusal(try trigc("ir", "check", "\(dir)/f.ir"), "values per event")
    }

    @Test func outputsAreRenamedIntoPlaceAndNoTemporaryIsLeft() throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/h.ir").status == 0)
        #expect(try trigc("inputs", "\(dir)/h.ir", "--events", "50", "-o", "\(dir)/in.h5").status == 0)
        #expect(try trigc("run", "\(dir)/h.ir", "--input", "\(dir)/in.h5", "-o", "\(dir)/o.h5").status == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(Set(names) == ["h.ir", "in.h5", "o.h5"])
    }
}

/// Defects found by trying trigc as a newcomer (second round of issue #9).
@Suite(.serialized) struct NewcomerDefectTests {
    static var events: String? { RobustnessCLITests.events }

    @Test func overwriteNeverReplacesADeviceAPipeOrTheInput() throws {
        let dir = try scratch()
        #expect(mkfifo("\(dir)/pipe", 0o600) == 0)
        expectRefusal(try trigc("datagen", "--events", "10", "-o", "\(dir)/pipe", "--overwrite"), "not a regular file")
        expectRefusal(try trigc("datagen", "--events", "10", "-o", "/dev/null", "--overwrite"), "not a regular file")
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/h.ir").status == 0)
        #expect(try trigc("inputs", "\(dir)/h.ir", "--events", "20", "-o", "\(dir)/in.h5").status == 0)
        expectRefusal(try trigc("inputs", "\(dir)/h.ir", "-o", "\(dir)/h.ir", "--overwrite"), "is the input")
        expectRefusal(try trigc("run", "\(dir)/h.ir", "--input", "\(dir)/in.h5", "-o", "\(dir)/in.h5", "--overwrite"), "is the input")
        expectRefusal(try trigc("ir", "quantize", "\(dir)/h.ir", "--fixed", "ap_fixed<16,6>", "-o", "\(dir)/h.ir", "--overwrite"),
                      "is the input")
        // A pipe as an input is refused at once instead of blocking.
        expectRefusal(try trigc("run", "\(dir)/h.ir", "--input", "\(dir)/pipe", "-o", "\(dir)/o.h5"), "not a regular file")
        expectRefusal(try trigc("datagen", "--events", "10", "-o", "\(dir)/x.h5/"), "does not name a file")
        expectRefusal(try trigc("compile", "\(dir)/h.ir", "-o", "\(dir)/missing/hw"), "does not exist")
        expectRefusal(try trigc("datagen", "--class-fractions=1e308,1e308,1", "-o", "\(dir)/c.h5"), "--class-fractions")
        expectRefusal(try trigc("import", "\(dir)/h.ir", "-o", "\(dir)/k.ir", "--worker-timeout", "nan"), "--worker-timeout")
    }

    @Test func overwriteOfARunKeepsTheUsersFilesWithTrigcsNames() throws {
        let data = try #require(Self.events)
        let dir = try scratch()
        #expect(try trigc("train", "--model", "hlf", "--data", data, "--epochs", "1", "--out", "\(dir)/r").status == 0)
        let png = FileManager.default.fileExists(atPath: "\(dir)/r/roc.png")
        if !png { try "mine".write(toFile: "\(dir)/r/roc.png", atomically: true, encoding: .utf8) }
        let again = try trigc("train", "--model", "hlf", "--data", data, "--epochs", "1", "--out", "\(dir)/r", "--overwrite")
        #expect(again.status == 0, "\(again.stderr)")
        if !png { #expect(try String(contentsOfFile: "\(dir)/r/roc.png", encoding: .utf8) == "mine") }
    }

    @Test func resumeRefusesChangedDataFewerEpochsAndADamagedCheckpoint() throws {
        let dir = try scratch()
        let data = "\(dir)/ev.h5"
        #expect(try trigc("datagen", "--events", "900", "--seed", "2", "--max-particles", "4", "-o", data).status == 0)
        #expect(try trigc("train", "--model", "hlf", "--data", data, "--epochs", "2", "--out", "\(dir)/r").status == 0)
        expectRefusal(try trigc("train", "--model", "hlf", "--epochs", "1", "--out", "\(dir)/r", "--resume"), "already trained 2 epochs")
        // A damaged checkpoint (bytes changed in its data) is refused.
        let checkpoint = "\(dir)/r/checkpoint.trgc"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: checkpoint)))
        bytes[bytes.count - 100] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: checkpoint))
        expectRefusal(try trigc("train", "--model", "hlf", "--epochs", "3", "--out", "\(dir)/r", "--resume"), "checksum")
        // Data regenerated in place: resume and evaluate refuse it.
        #expect(try trigc("datagen", "--events", "500", "--seed", "9", "--max-particles", "4", "-o", data, "--overwrite").status == 0)
        expectRefusal(try trigc("train", "--model", "hlf", "--epochs", "3", "--out", "\(dir)/r", "--resume"), "changed since")
        expectRefusal(try trigc("evaluate", "\(dir)/r"), "changed since")
    }

    @Test func aRunKilledWhileStartingAgainCanBeStartedAgain() throws {
        let data = try #require(Self.events)
        let dir = try scratch()
        // What a train --overwrite killed between clearing and writing run.json leaves.
        try FileManager.default.createDirectory(atPath: "\(dir)/r", withIntermediateDirectories: true)
        try "{".write(toFile: "\(dir)/r/.run.json.trigc-999999.tmp", atomically: true, encoding: .utf8)
        expectRefusal(try trigc("train", "--model", "hlf", "--epochs", "1", "--out", "\(dir)/r", "--resume"), "holds no run")
        let again = try trigc("train", "--model", "hlf", "--data", data, "--epochs", "1", "--out", "\(dir)/r")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/r/.run.json.trigc-999999.tmp"))
    }

    @Test func evaluateChecksEverythingBeforeWritingAnything() throws {
        let data = try #require(Self.events)
        let dir = try scratch()
        #expect(try trigc("train", "--model", "hlf", "--data", data, "--epochs", "1", "--out", "\(dir)/r").status == 0)
        for bad in [["--fixed", "ap_fixed<0,0>"], ["--fixed", "ap_fixed<16,6>", "--table-size", "3"],
                    ["--fixed", "ap_fixed<16,6>", "--layer", "nosuch=ap_fixed<8,3>"],
                    ["--fixed", "ap_fixed<16,6>", "--profile", "\(dir)/none.h5"]] {
            let outcome = try trigc(arguments: ["evaluate", "\(dir)/r", "--out", "\(dir)/e"] + bad)
            #expect(outcome.status != 0)
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/e"), "\(bad)")
        }
        #expect(try trigc("evaluate", "\(dir)/r", "--out", "\(dir)/e").status == 0)
        expectRefusal(try trigc("evaluate", "\(dir)/r", "--out", "\(dir)/e"), "already exists")
        #expect(try trigc("evaluate", "\(dir)/r", "--out", "\(dir)/e", "--overwrite").status == 0)
    }

    @Test func thirdRoundPipesLinksHeadersAndOrder() throws {
        let data = try #require(Self.events)
        let dir = try scratch()
        #expect(try trigc("train", "--model", "hlf", "--data", data, "--epochs", "2", "--out", "\(dir)/r").status == 0)
        // evaluate --overwrite never replaces a pipe or a link among its figures.
        try FileManager.default.createDirectory(atPath: "\(dir)/e", withIntermediateDirectories: true)
        #expect(mkfifo("\(dir)/e/evaluate-float.json", 0o600) == 0)
        expectRefusal(try trigc("evaluate", "\(dir)/r", "--out", "\(dir)/e", "--overwrite"), "not a regular file")
        // A failure in the fixed-point half writes no float figures either.
        let bad = try trigc("evaluate", "\(dir)/r", "--out", "\(dir)/e2", "--fixed", "ap_fixed<3,9>")
        #expect(bad.status != 0)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/e2/evaluate-float.json"))
        // A Keras "file" that is a pipe is refused at once (no worker left blocked on it).
        #expect(mkfifo("\(dir)/k.h5", 0o600) == 0)
        expectRefusal(try trigc("import", "\(dir)/k.h5", "-o", "\(dir)/k.ir"), "not a regular file")
        // A checkpoint whose header was edited (the epoch) is refused.
        let checkpoint = "\(dir)/r/checkpoint.trgc"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: checkpoint)))
        let needle = Array("\"epoch\":2".utf8)
        let at = try #require((0..<(bytes.count - needle.count)).first { Array(bytes[$0..<($0 + needle.count)]) == needle })
        bytes[at + needle.count - 1] = UInt8(ascii: "1")
        try Data(bytes).write(to: URL(fileURLWithPath: checkpoint))
        expectRefusal(try trigc("train", "--model", "hlf", "--epochs", "3", "--out", "\(dir)/r", "--resume"), "checksum")
        // A hand-edited outputs list cannot make --overwrite delete a user's file.
        try "mine".write(toFile: "\(dir)/r/notes.txt", atomically: true, encoding: .utf8)
        let config = "\(dir)/r/run.json"
        let json = try String(contentsOfFile: config, encoding: .utf8)
        try json.replacingOccurrences(of: "\"outputs\" : [", with: "\"outputs\" : [\"notes.txt\", ")
            .write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try trigc("train", "--model", "hlf", "--data", data, "--epochs", "1", "--out", "\(dir)/r", "--overwrite").status == 0)
        #expect(try String(contentsOfFile: "\(dir)/r/notes.txt", encoding: .utf8) == "mine")
    }
}

