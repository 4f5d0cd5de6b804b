import Foundation
import GraphIR

/// The files of a compiled design in its directory: one `.v` per module, `report.json`, the
/// quantized graph `model.ir` (what `simulate` re-runs in the interpreter), the manifest
/// `trigc-design.json` (``DesignManifest``), and the caches `sim/`, `sim_debug/`,
/// `sim_icarus/` and `synth/` that `simulate` and `report` fill.
///
/// trigc never deletes or replaces a file it did not write: a compile refuses a directory
/// where any name it would write exists without being listed in a manifest. Every file is
/// written under a temporary name and renamed into place between an incomplete and a
/// complete manifest, so an interrupted compile leaves a directory that readers refuse and
/// that the next compile cleans up.
public enum DesignDirectory {
    public static let reportFile = "report.json"
    public static let modelFile = "model.ir"
    public static let simulationFolder = "sim"
    /// The folders `simulate` and `report` write in a design; a compile removes them.
    public static let cacheFolders = [simulationFolder, simulationFolder + "_debug", simulationFolder + "_icarus", "synth"]

    /// Writes the design; refuses a directory that already holds a complete design unless
    /// `overwrite`, and one holding any file of the same names that trigc did not write.
    public static func write(
        _ design: VerilogDesign, files: [VerilogFile], graph: Graph, to directory: URL, overwrite: Bool
    ) throws(VerilogError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let report: Data
        do {
            report = try encoder.encode(design.report)
        } catch {
            throw .file(path: directory.appendingPathComponent(reportFile).path, reason: "cannot encode (\(error))")
        }
        let outputs = files.map { ($0.name, Data($0.text.utf8)) } + [(reportFile, report), (modelFile, Data(graph.printed().utf8))]
        try replaceContents(of: directory, with: outputs, overwrite: overwrite)
    }

    /// Puts `outputs` (name, contents) into `directory` in place of the files of the design
    /// there, if any.
    static func replaceContents(of directory: URL, with outputs: [(String, Data)], overwrite: Bool) throws(VerilogError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .file(path: directory.path, reason: "exists and is not a directory") }
        } else {
            let parent = directory.deletingLastPathComponent()
            guard FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw .file(path: directory.path, reason: "its folder \(parent.path) does not exist")
            }
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
            } catch {
                throw .file(path: directory.path, reason: "cannot create (\(error.localizedDescription))")
            }
        }
        let old = try DesignManifest.read(directory)
        if let old, old.complete, !overwrite {
            throw .file(path: directory.path, reason: "already holds a design; pass --overwrite to replace it")
        }
        let names = outputs.map(\.0)
        let owned = Set(old?.files ?? [])
        // Everything this compile writes (or, for caches, deletes) must be trigc's or absent.
        let touched = names + names.map(DesignFiles.temporaryName) + (old == nil ? cacheFolders : [])
        for name in touched where !owned.contains(name) && !owned.contains(name.dropTemporaryPrefix) {
            if DesignFiles.exists(name, in: directory) {
                throw .notWrittenByTrigc(path: directory.appendingPathComponent(name).path)
            }
        }
        for name in owned.union(names) where !DesignFiles.isRegularOrAbsent(name, in: directory) {
            throw .file(path: directory.appendingPathComponent(name).path,
                        reason: "is not a regular file (a link, a pipe or a device), so compile will not replace it")
        }
        try DesignManifest(files: Array(owned.union(names)), complete: false).write(to: directory)
        for (name, data) in outputs {
            try DesignFiles.replace(name, in: directory, with: data)
        }
        for name in owned.subtracting(names) {
            try DesignFiles.remove(name, in: directory)
        }
        for name in owned.union(names) {
            try DesignFiles.remove(DesignFiles.temporaryName(name), in: directory)
        }
        // The caches are left as they are: a Verilator build is stamped with the sources it
        // was made from and rebuilt from scratch when they differ; Icarus and Yosys run
        // afresh each time. (Deleting them could delete a user's files put there.)
        try DesignManifest(files: names, complete: true).write(to: directory)
    }

    /// Reads `report.json` back, from a complete design only (see ``DesignManifest``).
    public static func readReport(_ directory: URL) throws(VerilogError) -> DesignReport {
        _ = try DesignManifest.requireComplete(directory)
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

extension String {
    /// NAME for `.trigc-partial-NAME`, else the string itself.
    var dropTemporaryPrefix: String {
        hasPrefix(DesignFiles.temporaryPrefix) ? String(dropFirst(DesignFiles.temporaryPrefix.count)) : self
    }
}
