import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs `trigc` in `directory` (as a user in that folder would).
func trigc(in directory: String, _ arguments: String...) throws -> Outcome {
    try trigc(arguments: arguments, in: directory)
}

/// What `trigc-design.json` says, as the tests read it.
struct Manifest: Decodable {
    var complete: Bool
    var files: [String]

    static func read(_ directory: String) -> Manifest? {
        guard let data = FileManager.default.contents(atPath: "\(directory)/trigc-design.json") else { return nil }
        return try? JSONDecoder().decode(Manifest.self, from: data)
    }
}

/// `trigc compile -o DIR` never deletes or replaces a file it did not write, and a design that
/// a compile did not finish is refused by `simulate` and `report`.
@Suite struct DesignDirectoryCLITests {
    func contents(_ directory: String) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
    }

    @Test func keepsTheUsersFilesAndRefuses() throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/hlf.ir").status == 0)
        let out = "\(dir)/rtl"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        try "// my notes\n".write(toFile: "\(out)/notes.v", atomically: true, encoding: .utf8)
        try "my model\n".write(toFile: "\(out)/model.ir", atomically: true, encoding: .utf8)
        let result = try trigc("compile", "\(dir)/hlf.ir", "-o", out)
        #expect(result.status != 0)
        #expect(result.stderr.contains("model.ir exists and was not written by trigc"), "\(result.stderr)")
        #expect(try String(contentsOfFile: "\(out)/notes.v", encoding: .utf8) == "// my notes\n")
        #expect(try String(contentsOfFile: "\(out)/model.ir", encoding: .utf8) == "my model\n")
        #expect(contents(out) == ["notes.v", "model.ir"])
        // --overwrite does not change that.
        #expect(try trigc("compile", "\(dir)/hlf.ir", "-o", out, "--overwrite").status != 0)
        #expect(try String(contentsOfFile: "\(out)/model.ir", encoding: .utf8) == "my model\n")
    }

    @Test func refusesToCompileOverItsOwnInput() throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/model.ir").status == 0)
        let before = try #require(FileManager.default.contents(atPath: "\(dir)/model.ir"))
        let result = try trigc(in: dir, "compile", "model.ir", "-o", ".")
        #expect(result.status != 0)
        #expect(result.stderr.contains("model.ir exists and was not written by trigc"), "\(result.stderr)")
        #expect(FileManager.default.contents(atPath: "\(dir)/model.ir") == before)
        #expect(contents(dir) == ["model.ir"])
    }

    @Test func overwriteReplacesOnlyTrigcsFiles() throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/hlf.ir").status == 0)
        let out = "\(dir)/rtl"
        #expect(try trigc("compile", "\(dir)/hlf.ir", "-o", out).status == 0)
        let first = try #require(Manifest.read(out))
        #expect(first.complete)
        #expect(contents(out) == Set(first.files + ["trigc-design.json"]))
        try "mine\n".write(toFile: "\(out)/notes.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: "\(out)/sim", withIntermediateDirectories: false)
        try "stale\n".write(toFile: "\(out)/sim/build.stamp", atomically: true, encoding: .utf8)
        let again = try trigc("compile", "\(dir)/hlf.ir", "-o", out)
        #expect(again.status != 0)
        #expect(again.stderr.contains("already holds a design; pass --overwrite"))
        // A design with a different layer set: the softmax ROMs go away with argmax.
        let replaced = try trigc("compile", "\(dir)/hlf.ir", "--argmax", "-o", out, "--overwrite")
        #expect(replaced.status == 0, "\(replaced.stderr)")
        let second = try #require(Manifest.read(out))
        #expect(second.complete)
        #expect(Set(first.files) != Set(second.files))
        // The Verilator cache stays (it is stamped and rebuilt when the sources differ).
        #expect(contents(out) == Set(second.files + ["trigc-design.json", "notes.txt", "sim"]))
        #expect(try String(contentsOfFile: "\(out)/notes.txt", encoding: .utf8) == "mine\n")
    }

    @Test func refusesAnInterruptedCompileAndRecompiles() throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/hlf.ir").status == 0)
        let out = "\(dir)/rtl"
        #expect(try trigc("compile", "\(dir)/hlf.ir", "-o", out).status == 0)
        // What a compile killed between its two manifests leaves.
        let path = "\(out)/trigc-design.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"complete\" : true", with: "\"complete\" : false")
            .write(toFile: path, atomically: true, encoding: .utf8)
        try "partial".write(toFile: "\(out)/.trigc-partial-report.json", atomically: true, encoding: .utf8)
        for command in [["simulate", out, "--input", "\(dir)/none.h5"], ["report", out]] {
            let refused = try trigc(arguments: command)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("\(out) is not a complete design: compile was interrupted; run 'trigc compile' again."),
                    "\(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1)
        }
        let recompiled = try trigc("compile", "\(dir)/hlf.ir", "-o", out)
        #expect(recompiled.status == 0, "\(recompiled.stderr)")
        let manifest = try #require(Manifest.read(out))
        #expect(manifest.complete)
        #expect(contents(out) == Set(manifest.files + ["trigc-design.json"]))
    }

    /// SIGKILL at spread-out moments of a compile: whatever is left is either a complete design
    /// or one that simulate refuses, and a compile always recovers it.
    @Test func survivesBeingKilledAnywhere() throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/hlf.ir").status == 0)
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try trigc("compile", "\(dir)/hlf.ir", "-o", "\(dir)/timed").status == 0)
        let (seconds, attoseconds) = (clock.now - start).components
        let full = Double(seconds) + Double(attoseconds) * 1e-18
        var rng = SystemRandomNumberGenerator()
        for attempt in 0..<10 {
            let out = "\(dir)/rtl\(attempt)"
            if attempt % 2 == 1 {
                // An older complete design being replaced.
                #expect(try trigc("compile", "\(dir)/hlf.ir", "--argmax", "-o", out).status == 0)
            }
            let compile = try launchTrigc(["compile", "\(dir)/hlf.ir", "-o", out, "--overwrite"])
            usleep(UInt32(Double.random(in: 0.3...1.1, using: &rng) * full * 1e6))
            kill(compile.processIdentifier, SIGKILL)
            compile.waitUntilExit()
            let manifest = Manifest.read(out)
            if manifest?.complete == true, let manifest {
                for name in manifest.files {
                    #expect(FileManager.default.fileExists(atPath: "\(out)/\(name)"), "\(name)")
                }
                #expect(try trigc("ir", "check", "\(out)/model.ir").status == 0)
            } else if FileManager.default.fileExists(atPath: out) {
                let refused = try trigc("simulate", out, "--input", "\(dir)/none.h5")
                #expect(refused.status != 0)
                #expect(refused.stderr.contains(manifest == nil ? "has no trigc-design.json" : "is not a complete design"),
                        "\(refused.stderr)")
            }
            let recompiled = try trigc("compile", "\(dir)/hlf.ir", "-o", out, "--overwrite")
            #expect(recompiled.status == 0, "\(recompiled.stderr)")
            let final = try #require(Manifest.read(out))
            #expect(final.complete)
            #expect(contents(out) == Set(final.files + ["trigc-design.json"]))
        }
    }
}
