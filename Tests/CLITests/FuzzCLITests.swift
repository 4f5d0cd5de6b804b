import Foundation
import Testing

/// The repository's root (found from this file's path).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The short deterministic subset of `make fuzz`, and the files fuzzing found.
@Suite(.serialized) struct FuzzCLITests {
    /// The first mutants of every harness (seed 1): none may crash or hang trigc.
    @Test func aShortDeterministicFuzzRunFindsNoCrash() throws {
        let binary = builtBinary("trigc-fuzz")
        let out = try scratch()
        let process = Process()
        process.executableURL = binary
        process.arguments = ["all", "--runs", "400", "--seed", "1", "--corpus", repositoryRoot.appendingPathComponent("Fuzz/corpus").path,
                             "--out", out]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        for harness in ["ir", "keras-config", "keras-file", "events"] {
            #expect(text.contains("\(harness): 400 executions"), "\(text)")
        }
        #expect(!text.contains(" 1 crashes") && text.contains("0 crashes"), "\(text)")
    }

    /// Event files that crashed libhdf5 inside trigc (found by the events harness): one
    /// sentence each now, from the worker that reads data files first.
    @Test(arguments: ["events-segv-read.h5", "events-sigbus-convert.h5", "events-segv-open.h5"])
    func damagedEventFilesGiveOneSentence(name: String) throws {
        let path = repositoryRoot.appendingPathComponent("Fuzz/regressions/\(name)").path
        let dir = try scratch()
        expectRefusal(try trigc("train", "--model", "hlf", "--data", path, "--epochs", "1", "--out", "\(dir)/r"), name)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/r"))
    }
}
