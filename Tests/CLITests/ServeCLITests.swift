import Foundation
import Testing

/// `trigc serve` refusing what it cannot serve, before listening: one sentence, non-zero exit.
/// (Serving itself is tested with the real Triton clients by Tools/serving/test_serving.py.)
@Suite struct ServeCLITests {
    func serve(_ repository: String, _ extra: String...) throws -> Outcome {
        try trigc(arguments: ["serve", "--model-repository", repository, "--http-port", "0", "--grpc-port", "0", "--metrics-port", "0"] + extra)
    }

    @Test func refusesBadRepositoriesAndOptions() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var outcome = try serve("\(dir)/missing")
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("\(dir)/missing: no such model repository"), "\(outcome.stderr)")

        outcome = try serve(dir)
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("holds no model"), "\(outcome.stderr)")

        try FileManager.default.createDirectory(atPath: "\(dir)/hlf/1", withIntermediateDirectories: true)
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/hlf/1/model.ir").status == 0)
        try Data(#"{"backend": "fixed", "fixed": "ap_fixed<16,6>", "max_batch": 8}"#.utf8).write(to: URL(fileURLWithPath: "\(dir)/hlf/config.json"))
        outcome = try serve(dir)
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("\(dir)/hlf/config.json: unknown key 'max_batch'"), "\(outcome.stderr)")
        #expect(outcome.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }.count == 1)

        try Data(#"{"backend": "fixed"}"#.utf8).write(to: URL(fileURLWithPath: "\(dir)/hlf/config.json"))
        outcome = try serve(dir)
        #expect(outcome.stderr.contains("is a float model; backend fixed needs 'fixed'"), "\(outcome.stderr)")

        outcome = try serve(dir, "--http-port", "70000")
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("--http-port must be a port from 0 to 65535, not 70000"), "\(outcome.stderr)")
    }
}
