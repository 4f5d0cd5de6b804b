import Foundation
import GraphIR
import Testing

/// `trigc --version` and `trigc-serve --version` print the one version string and exit 0.
@Suite struct VersionCLITests {
    @Test func bothBinariesPrintTheVersion() throws {
        let outcome = try trigc("--version")
        #expect(outcome.status == 0)
        #expect(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == TrigcVersion.string)

        let serve = builtBinary("trigc-serve")
        try #require(FileManager.default.fileExists(atPath: serve.path), "make test builds trigc-serve before the tests")
        let process = Process()
        process.executableURL = serve
        process.arguments = ["--version"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == TrigcVersion.string)
    }
}
