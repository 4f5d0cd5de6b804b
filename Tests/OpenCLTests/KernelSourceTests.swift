import Foundation
import OpenCLBackend
import Testing

/// `Sources/OpenCLBackend/KernelSources.swift` embeds `Kernels/*.cl`; this checks they agree
/// and regenerates it in record mode (`TRIGC_RECORD_KERNELS=1 swift test --filter KernelSourceTests`).
@Suite struct KernelSourceTests {
    static let generated = kernelsFolder.deletingLastPathComponent()
        .appendingPathComponent("Sources/OpenCLBackend/KernelSources.swift")

    /// The generated file's text for the `.cl` files in `folder`.
    static func render(_ folder: URL) throws -> String {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".cl") }.sorted()
        var lines = [
            "// Generated from Kernels/*.cl by `TRIGC_RECORD_KERNELS=1 swift test --filter KernelSourceTests`;",
            "// do not edit: a test fails when this file and Kernels/ differ.", "",
            "/// The OpenCL C sources of `Kernels/`, embedded at build time (by file name).",
            "enum KernelSources {", "    static let files: [String: String] = [",
        ]
        for file in files {
            lines.append("        \"\(file)\": #\"\"\"")
            lines.append(try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) + "\"\"\"#,")
        }
        lines += ["    ]", "}"]
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func embeddedSourcesMatchKernelsFolder() throws {
        let expected = try Self.render(kernelsFolder)
        if ProcessInfo.processInfo.environment["TRIGC_RECORD_KERNELS"] == "1" {
            try expected.write(to: Self.generated, atomically: true, encoding: .utf8)
        }
        let actual = try String(contentsOf: Self.generated, encoding: .utf8)
        #expect(actual == expected, "KernelSources.swift is stale: run TRIGC_RECORD_KERNELS=1 swift test --filter KernelSourceTests")
        for file in KernelLibrary.allFiles {
            let onDisk = try KernelLibrary.source(file, from: .directory(kernelsFolder))
            #expect(try KernelLibrary.source(file, from: .embedded) + "\n" == onDisk, "\(file) differs")
        }
    }

    @Test func devicesBuildFromEmbeddedSourcesAndFromAFolder() throws {
        // Embedded sources need no file system (an installed binary, any working directory).
        _ = try openCL(OpenCLOptions(kernels: .embedded))
        _ = try openCL(OpenCLOptions(kernels: .directory(kernelsFolder)))
        let missing = URL(fileURLWithPath: "/nonexistent-trigc-kernels")
        #expect(throws: (any Error).self) { try openCL(OpenCLOptions(kernels: .directory(missing))) }
    }
}
