import Foundation
import GraphIR

/// The files of a compiled design in its directory: one `.v` per module, `report.json`, the
/// quantized graph `model.ir` (what `simulate` re-runs in the interpreter), and `sim/`
/// (the Verilator build, cached).
public enum DesignDirectory {
    public static let reportFile = "report.json"
    public static let modelFile = "model.ir"
    public static let simulationFolder = "sim"

    /// Writes the design; refuses a directory that already holds a design unless `overwrite`.
    public static func write(
        _ design: VerilogDesign, files: [VerilogFile], graph: Graph, to directory: URL, overwrite: Bool
    ) throws(VerilogError) {
        let manager = FileManager.default
        let report = directory.appendingPathComponent(reportFile)
        if manager.fileExists(atPath: report.path), !overwrite {
            throw .file(path: directory.path, reason: "already holds a design; pass --overwrite to replace it")
        }
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
            for old in try manager.contentsOfDirectory(atPath: directory.path) where old.hasSuffix(".v") {
                try manager.removeItem(at: directory.appendingPathComponent(old))
            }
            for file in files {
                try Data(file.text.utf8).write(to: directory.appendingPathComponent(file.name))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(design.report).write(to: report)
        } catch {
            throw .file(path: directory.path, reason: "cannot write the design (\(error.localizedDescription))")
        }
        do {
            try graph.write(irFile: directory.appendingPathComponent(modelFile))
        } catch {
            throw .file(path: directory.appendingPathComponent(modelFile).path, reason: "\(error)")
        }
    }

    /// Reads `report.json` back.
    public static func readReport(_ directory: URL) throws(VerilogError) -> DesignReport {
        let url = directory.appendingPathComponent(reportFile)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .badDesign(path: directory.path, reason: "it has no \(reportFile) (run 'trigc compile' first)")
        }
        do {
            return try JSONDecoder().decode(DesignReport.self, from: data)
        } catch {
            throw .badDesign(path: directory.path, reason: "\(reportFile) does not parse (\(error.localizedDescription))")
        }
    }
}
