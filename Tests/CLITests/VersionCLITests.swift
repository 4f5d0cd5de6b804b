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
        let server = try runProcess(serve.path, ["--version"])
        #expect(server.status == 0)
        #expect(server.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == TrigcVersion.string)
    }
}
