import Foundation
import GraphIR
import Testing
@testable import VerilogBackend

/// The manifest rules of ``DesignDirectory``: trigc only replaces or deletes what a manifest
/// lists, and readers refuse a design whose manifest is missing or incomplete.
struct DesignDirectoryTests {
    /// The tiny model's design, and a second one with other files (a tanh ROM).
    static func designs() throws -> [(VerilogDesign, [VerilogFile], Graph)] {
        try [TestModels.tiny(), TestModels.tiny(hidden: .tanh)].map { graph in
            let quantized = try TestModels.quantized(graph, format: "ap_fixed<12,4>", tableSize: 64)
            let design = try VerilogLowering.lower(quantized)
            return (design, try VerilogPrinter().print(design.hardware), quantized)
        }
    }

    static func write(_ design: (VerilogDesign, [VerilogFile], Graph), to directory: URL, overwrite: Bool = false) throws {
        try DesignDirectory.write(design.0, files: design.1, graph: design.2, to: directory, overwrite: overwrite)
    }

    static func names(_ directory: URL) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
    }

    @Test(arguments: ["trigc_top.v", "model.ir", "report.json", "sim", ".trigc-partial-model.ir"])
    func refusesANameItDidNotWrite(name: String) throws {
        let designs = try Self.designs()
        let directory = try TestModels.temporaryDirectory("foreign")
        let url = directory.appendingPathComponent(name)
        if name == "sim" {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        } else {
            try Data("mine".utf8).write(to: url)
        }
        #expect(throws: VerilogError.notWrittenByTrigc(path: url.path)) {
            try Self.write(designs[0], to: directory, overwrite: true)
        }
        #expect(Self.names(directory) == [name])
    }

    @Test func recompilingCleansUpAfterAnInterruptedCompile() throws {
        let designs = try Self.designs()
        let directory = try TestModels.temporaryDirectory("interrupted")
        try Self.write(designs[1], to: directory)
        let first = try #require(try DesignManifest.read(directory))
        // As a compile killed while replacing design 1 by design 0 leaves it.
        let names = designs[0].1.map(\.name) + [DesignDirectory.reportFile, DesignDirectory.modelFile]
        try DesignManifest(files: Array(Set(first.files + names)), complete: false).write(to: directory)
        try Data("half".utf8).write(to: directory.appendingPathComponent(".trigc-partial-trigc_top.v"))
        #expect(throws: VerilogError.incompleteDesign(path: directory.path)) {
            _ = try VerilatorSimulator(directory: directory)
        }
        #expect(throws: VerilogError.incompleteDesign(path: directory.path)) {
            _ = try IcarusSimulator(directory: directory)
        }
        try Self.write(designs[0], to: directory)
        let manifest = try #require(try DesignManifest.read(directory))
        #expect(manifest.complete)
        #expect(Set(manifest.files) == Set(names))
        #expect(Self.names(directory) == Set(names + [DesignManifest.fileName]))
        #expect(try DesignDirectory.readReport(directory) == designs[0].0.report)
    }

    @Test func refusesADesignWithoutManifest() throws {
        let designs = try Self.designs()
        let directory = try TestModels.temporaryDirectory("unlisted")
        try Self.write(designs[0], to: directory)
        try FileManager.default.removeItem(at: directory.appendingPathComponent(DesignManifest.fileName))
        #expect(throws: VerilogError.self) { _ = try DesignDirectory.readReport(directory) }
        let error = #expect(throws: VerilogError.self) { try Self.write(designs[0], to: directory, overwrite: true) }
        guard case .notWrittenByTrigc = error else {
            Issue.record("expected notWrittenByTrigc, got \(String(describing: error))")
            return
        }
    }
}
