import Foundation
import Testing
import ModelIO

/// Files that once crashed or hung trigc (see ../shared/repro/README.md): each now gives one
/// sentence and a non-zero exit, whatever the HDF5 library does with it.
@Suite struct ReproCLITests {
    static let packageRoot = repositoryRoot
    static let repro = packageRoot.appendingPathComponent("../shared/repro").standardized
    static let fixtures = packageRoot.appendingPathComponent("Tests/ModelIOTests/Fixtures")
    static var reproAvailable: Bool { FileManager.default.fileExists(atPath: repro.appendingPathComponent("README.md").path) }

    /// The `trigc` binary the tests run.
    static var binary: String { builtBinary("trigc").path }

    /// Checks that a failed run printed one sentence naming `path`.
    func expectOneSentence(_ outcome: Outcome, naming path: String, _ words: [String] = []) {
        #expect(outcome.status != 0)
        let text = outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!text.contains("\n") && text.hasSuffix(".") && text.contains(path), "\(text)")
        for word in words { #expect(text.contains(word), "\(text)") }
    }

    @Test(.enabled(if: reproAvailable, "needs ../shared/repro/ beside the repository"), arguments: [
        ("crash_262_dense_act_head.h5", "crashed the HDF5 library"),
        ("crash_386_dense_act_head.h5", "crashed the HDF5 library"),
        ("crash_214_hang.h5", "did not finish within 5 s"),
        ("crash_141_keras2_seq_head.h5", "'dense_1'"),
        ("cfg_units_1e19.h5", "units=1e+19"),
        ("config_bs_1e19.keras", "batch_shape entry 1e+19"),
        ("cfg_weight_declared_64x1e10.h5", "[64, 10000000000]"),
        ("cfg_weight_rank5_overflow.h5", "does not fit in 64 bits"),
    ])
    func importRefusesDamagedKerasFiles(name: String, words: String) throws {
        let dir = try scratch()
        let path = Self.repro.appendingPathComponent(name).path
        let start = Date()
        let outcome = try trigc("import", path, "-o", "\(dir)/x.ir", "--worker-timeout", "5")
        expectOneSentence(outcome, naming: path, [words])
        #expect(Date().timeIntervalSince(start) < 30)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/x.ir"))
    }

    @Test(.enabled(if: reproAvailable, "needs ../shared/repro/ beside the repository"),
          arguments: ["in_huge_declared.h5", "in_huge_declared_overflow.h5"])
    func runRefusesHugeDeclaredInputs(name: String) throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/hlf.ir").status == 0)
        let path = Self.repro.appendingPathComponent(name).path
        let outcome = try trigc("run", "\(dir)/hlf.ir", "--input", path, "-o", "\(dir)/o.h5")
        expectOneSentence(outcome, naming: path, ["'hlf_input'"])
    }

    /// Other commands load Keras files through the worker too.
    @Test(.enabled(if: reproAvailable, "needs ../shared/repro/ beside the repository"))
    func runAndCheckUseTheWorker() throws {
        let dir = try scratch()
        let path = Self.repro.appendingPathComponent("crash_262_dense_act_head.h5").path
        expectOneSentence(try trigc("ir", "check", path), naming: path, ["signal"])
        expectOneSentence(try trigc("inputs", path, "-o", "\(dir)/in.h5"), naming: path, ["signal"])
    }

    /// A worker reads back exactly the graph an import in process makes.
    @Test(arguments: ["dense_activations.h5", "gru_reset_after.keras", "three_inputs.h5", "keras2_sequential.h5"])
    func workerImportEqualsInProcess(name: String) throws {
        let path = Self.fixtures.appendingPathComponent(name).path
        let options = KerasImportOptions(isolation: .subprocess(executable: Self.binary, arguments: ["_import-worker"], timeout: 60))
        #expect(try KerasImporter.load(path, options: options) == KerasImporter.load(path))
    }

    /// A worker's refusal is the same sentence as the import's in process.
    @Test func workerRefusalIsTheSameSentence() throws {
        let path = Self.fixtures.appendingPathComponent("bad_weight_shape.h5").path
        let options = KerasImportOptions(isolation: .subprocess(executable: Self.binary, arguments: ["_import-worker"], timeout: 60))
        var messages: [String] = []
        for option in [options, KerasImportOptions()] {
            do {
                _ = try KerasImporter.load(path, options: option)
            } catch {
                messages.append(error.description)
            }
        }
        #expect(messages.count == 2 && messages.first == messages.last, "\(messages)")
    }

    /// A worker stopped by its own CPU limit (SIGXCPU) counts as timed out too.
    @Test(.enabled(if: reproAvailable, "needs ../shared/repro/ beside the repository"))
    func workerCPULimitIsATimeout() {
        let path = Self.repro.appendingPathComponent("crash_214_hang.h5").path
        let options = KerasImportOptions(isolation: .subprocess(
            executable: Self.binary, arguments: ["_import-worker", "--cpu-seconds", "2"], timeout: 60))
        #expect(throws: KerasImportError.worker(path: path, failure: .timedOut(seconds: 60))) {
            try KerasImporter.load(path, options: options)
        }
    }

    @Test func aMissingWorkerIsOneSentence() {
        let options = KerasImportOptions(isolation: .subprocess(executable: "/nonexistent/trigc", arguments: [], timeout: 5))
        let path = Self.fixtures.appendingPathComponent("dense_activations.h5").path
        #expect {
            _ = try KerasImporter.load(path, options: options)
        } throws: { error in
            guard let error = error as? KerasImportError, case .worker(_, .notStarted) = error else { return false }
            return error.description.hasPrefix(path)
        }
    }
}
