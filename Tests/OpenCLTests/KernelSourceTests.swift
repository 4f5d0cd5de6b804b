import Foundation
import OpenCLBackend
import Testing

/// `Sources/OpenCLBackend/KernelSources*.swift` embed `Kernels/*.cl`; this checks they agree
/// and regenerates it in record mode (`TRIGC_RECORD_KERNELS=1 swift test --filter KernelSourceTests`).
@Suite struct KernelSourceTests {
    /// Where the generated Swift files live: `KernelSources.swift` (the index) and one
    /// `KernelSources+NAME.swift` per `.cl` file.
    static let generatedFolder = kernelsFolder.deletingLastPathComponent()
        .appendingPathComponent("Sources/OpenCLBackend")

    static let header = [
        "// Generated from Kernels/*.cl by `TRIGC_RECORD_KERNELS=1 swift test --filter KernelSourceTests`;",
        "// do not edit: a test fails when this file and Kernels/ differ.", "",
    ]

    /// The Swift identifier of a kernel file's text: `sgemm.cl` → `sgemm`.
    static func identifier(_ file: String) -> String {
        String(file.dropLast(3)).map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    }

    /// The generated files (name → text) for the `.cl` files in `folder`.
    static func render(_ folder: URL) throws -> [String: String] {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".cl") }.sorted()
        var index = header + [
            "/// The OpenCL C sources of `Kernels/`, embedded at build time (by file name).",
            "enum KernelSources {", "    static let files: [String: String] = [",
        ]
        var result: [String: String] = [:]
        for file in files {
            let name = identifier(file)
            index.append("        \"\(file)\": \(name),")
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let lines = header + [
                "extension KernelSources {", "    /// `Kernels/\(file)`.",
                "    static let \(name) = #\"\"\"", text + "\"\"\"#", "}",
            ]
            result["KernelSources+\(name).swift"] = lines.joined(separator: "\n") + "\n"
        }
        index += ["    ]", "}"]
        result["KernelSources.swift"] = index.joined(separator: "\n") + "\n"
        return result
    }

    @Test func embeddedSourcesMatchKernelsFolder() throws {
        let expected = try Self.render(kernelsFolder)
        let existing = try FileManager.default.contentsOfDirectory(atPath: Self.generatedFolder.path)
            .filter { $0 == "KernelSources.swift" || ($0.hasPrefix("KernelSources+") && $0.hasSuffix(".swift")) }
        if ProcessInfo.processInfo.environment["TRIGC_RECORD_KERNELS"] == "1" {
            for stale in existing where expected[stale] == nil {
                try FileManager.default.removeItem(at: Self.generatedFolder.appendingPathComponent(stale))
            }
            for (name, text) in expected {
                try text.write(to: Self.generatedFolder.appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
        }
        let stale = "KernelSources files are stale: run TRIGC_RECORD_KERNELS=1 swift test --filter KernelSourceTests"
        let present = try FileManager.default.contentsOfDirectory(atPath: Self.generatedFolder.path)
            .filter { $0 == "KernelSources.swift" || ($0.hasPrefix("KernelSources+") && $0.hasSuffix(".swift")) }
        #expect(Set(present) == Set(expected.keys), "\(stale)")
        for (name, text) in expected {
            let actual = try? String(contentsOf: Self.generatedFolder.appendingPathComponent(name), encoding: .utf8)
            #expect(actual == text, "\(name): \(stale)")
        }
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
