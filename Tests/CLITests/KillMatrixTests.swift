import Foundation
import Testing

/// Starts `trigc` with `arguments`, kills it (SIGKILL) after `delay` seconds, or as soon as
/// `watch` exists, if it is still running; says whether it was killed. Watching the output
/// kills a command the moment its output's name appears: a writer that is not atomic is
/// caught with a partial file.
func killTrigc(_ arguments: [String], after delay: Double, watch: String? = nil) throws -> Bool {
    let process = try launchTrigc(arguments)
    let deadline = Date().addingTimeInterval(delay)
    while process.isRunning, Date() < deadline {
        if let watch, FileManager.default.fileExists(atPath: watch) { break }
        usleep(200)
    }
    let killed = process.isRunning
    if killed { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return killed
}

/// The names in a folder other than trigc's own temporary files (`.NAME.trigc-PID.tmp`).
func visibleNames(_ folder: String) -> Set<String> {
    Set(((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") })
}

/// Kill matrix: each command killed at several moments; afterwards no command trusts what
/// the killed one left, and running it again gives the uninterrupted result.
@Suite(.serialized) struct KillMatrixTests {
    /// Moments (seconds) at which commands are killed: early (set-up), mid-work, late.
    static let moments = [0.02, 0.15, 0.4, 0.9]
    /// The last case of each file-writing command: killed when its output appears.
    static let whenTheOutputAppears = 3600.0

    @Test func datagenKilledLeavesNoFileOrACompleteOne() throws {
        let dir = try scratch()
        let arguments = ["datagen", "--events", "15000", "--seed", "3", "--max-particles", "10"]
        #expect(try trigc(arguments: arguments + ["-o", "\(dir)/reference.h5"]).status == 0)
        let reference = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/reference.h5"))
        for (k, moment) in (Self.moments + [Self.whenTheOutputAppears]).enumerated() {
            let path = "\(dir)/ev\(k).h5"
            _ = try killTrigc(arguments + ["-o", path], after: moment, watch: path)
            if FileManager.default.fileExists(atPath: path) {
                #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == reference, "a killed datagen left a partial \(path)")
            } else {
                // Nothing under the name: the command runs again as if for the first time.
                #expect(try trigc(arguments: arguments + ["-o", path]).status == 0)
                #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == reference)
            }
        }
        #expect(visibleNames(dir) == Set(["reference.h5"] + (0...Self.moments.count).map { "ev\($0).h5" }))
    }

    @Test func runKilledLeavesNoOutputOrACompleteOne() throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "gru", "--time-steps", "30", "--features", "19", "--units", "20", "-o", "\(dir)/g.ir").status == 0)
        #expect(try trigc("inputs", "\(dir)/g.ir", "--events", "1500", "-o", "\(dir)/in.h5").status == 0)
        let arguments = ["run", "\(dir)/g.ir", "--input", "\(dir)/in.h5", "--fixed", "ap_fixed<16,6>"]
        #expect(try trigc(arguments: arguments + ["-o", "\(dir)/reference.h5"]).status == 0)
        let reference = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/reference.h5"))
        for (k, moment) in (Self.moments + [Self.whenTheOutputAppears]).enumerated() {
            let path = "\(dir)/out\(k).h5"
            _ = try killTrigc(arguments + ["-o", path], after: moment, watch: path)
            if FileManager.default.fileExists(atPath: path) {
                #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == reference)
            }
            let again = try trigc(arguments: arguments + ["-o", path, "--overwrite"])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == reference)
        }
    }

    /// simulate killed while Verilator builds (the supervisor takes make and g++ down too):
    /// the next simulate does not trust the half-built objects and gives 0 mismatching bits.
    @Test(.enabled(if: ToolPaths.has("verilator"), "needs verilator (apt-get install verilator)"))
    func simulateKilledDuringItsBuildSimulatesExactlyNextTime() throws {
        let dir = try scratch()
        let keras = repositoryRoot.appendingPathComponent("Tests/ModelIOTests/Fixtures/keras2_sequential.h5").path
        #expect(try trigc("import", keras, "-o", "\(dir)/m.ir").status == 0)
        #expect(try trigc("compile", "\(dir)/m.ir", "--fixed", "ap_fixed<16,6>", "-o", "\(dir)/hw").status == 0)
        #expect(try trigc("inputs", "\(dir)/m.ir", "--events", "300", "-o", "\(dir)/in.h5").status == 0)
        let simulate = ["simulate", "\(dir)/hw", "--input", "\(dir)/in.h5"]
        for moment in [0.5, 1.5, 3.0] {
            try? FileManager.default.removeItem(atPath: "\(dir)/hw/sim")
            _ = try killTrigc(simulate, after: moment)
            let again = try trigc(arguments: simulate)
            #expect(again.status == 0, "after a kill at \(moment) s: \(again.stderr)")
            #expect(again.stdout.contains("0 mismatching"), "\(again.stdout)")
        }
    }

    /// A worker reading a file that hangs libhdf5 dies with the trigc that started it.
    @Test(.enabled(if: ReproCLITests.reproAvailable, "needs ../shared/repro/ beside the repository"))
    func aKilledImportLeavesNoWorker() throws {
        let dir = try scratch()
        let hang = ReproCLITests.repro.appendingPathComponent("crash_214_hang.h5").path
        let process = try launchTrigc(["import", hang, "-o", "\(dir)/h.ir"])
        // This trigc's workers: they name it with --parent.
        func workers() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid in
                guard Int32(pid) != nil, let raw = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
                let line = String(decoding: raw.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
                return line.contains("_import-worker") && line.contains("--parent \(process.processIdentifier)") ? pid : nil
            }
        }
        let deadline = Date().addingTimeInterval(20)
        while workers().isEmpty, process.isRunning, Date() < deadline { usleep(10_000) }
        #expect(!workers().isEmpty, "no worker started")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let gone = Date().addingTimeInterval(5)
        while !workers().isEmpty, Date() < gone { usleep(10_000) }
        #expect(workers().isEmpty, "a worker outlived trigc")
    }

    @Test func trainKilledAnywhereIsRefusedUntilResumedAndThenEqualsAStraightRun() throws {
        let dir = try scratch()
        #expect(try trigc("datagen", "--events", "12000", "--seed", "6", "--max-particles", "4", "-o", "\(dir)/ev.h5").status == 0)
        let common = ["train", "--model", "hlf", "--data", "\(dir)/ev.h5", "--epochs", "3", "--batch", "32", "--seed", "2"]
        let straight = try trigc(arguments: common + ["--out", "\(dir)/straight"])
        #expect(straight.status == 0, "\(straight.stderr)")
        let model = try String(contentsOfFile: "\(dir)/straight/model.ir", encoding: .utf8)
        for (k, moment) in (Self.moments + [2.0, 3.5]).enumerated() {
            let run = "\(dir)/killed\(k)"
            let killed = try killTrigc(common + ["--out", run], after: moment)
            guard killed else { continue }
            let hasModel = FileManager.default.fileExists(atPath: "\(run)/model.ir")
            if !hasModel, FileManager.default.fileExists(atPath: run) {
                // Half a run: evaluate refuses it; a resume finishes it.
                let evaluated = try trigc("evaluate", run)
                #expect(evaluated.status != 0)
            }
            let next = FileManager.default.fileExists(atPath: "\(run)/run.json")
                ? try trigc(arguments: common + ["--out", run, "--resume"])
                : try trigc(arguments: common + ["--out", run])
            #expect(next.status == 0, "after a kill at \(moment) s: \(next.stderr)")
            #expect(try String(contentsOfFile: "\(run)/model.ir", encoding: .utf8) == model, "after a kill at \(moment) s")
        }
    }
}

/// Whether external tools are on PATH (tests that need them are skipped, with the reason).
enum ToolPaths {
    static func has(_ tool: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
    }
}
