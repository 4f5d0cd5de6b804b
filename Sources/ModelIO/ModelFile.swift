import Foundation
import GraphIR

/// Loads and saves model files by their extension.
///
/// Today a model is graph IR text (`.ir`), with weights inline or in a binary sidecar named
/// in the text. Loading verifies the graph, so every command starts from a sound one.
public enum ModelFile {
    /// Reads and verifies a model.
    public static func load(_ path: String) throws(ModelIOError) -> Graph {
        guard FileManager.default.fileExists(atPath: path) else { throw .fileNotFound(path: path) }
        let url = URL(fileURLWithPath: path)
        guard url.pathExtension == "ir" else { throw .unsupportedModelFile(path: path) }
        let graph: Graph
        do {
            graph = try Graph.load(irFile: url)
        } catch {
            // The parse error already names the file, line and column.
            throw .invalidModel(path: path, reason: "\(error)", located: true)
        }
        do {
            try graph.verify()
        } catch {
            throw .invalidModel(path: path, reason: "\(error)", located: false)
        }
        return graph
    }

    /// Writes a model as `.ir` text; with `sidecar`, weights go to `<name>.weights.bin` beside
    /// it. Existing files are replaced only with `overwrite`.
    public static func save(_ graph: Graph, to path: String, overwrite: Bool, sidecar: Bool) throws(ModelIOError) {
        let url = URL(fileURLWithPath: path)
        let sidecarName = url.deletingPathExtension().lastPathComponent + ".weights.bin"
        let sidecarPath = url.deletingLastPathComponent().appendingPathComponent(sidecarName).path
        if !overwrite {
            for target in [path] + (sidecar ? [sidecarPath] : []) where FileManager.default.fileExists(atPath: target) {
                throw .fileExists(path: target)
            }
        }
        do {
            try graph.write(irFile: url, weights: sidecar ? .sidecar(fileName: sidecarName) : .inline)
        } catch {
            throw .invalidModel(path: path, reason: "\(error)", located: true)
        }
    }
}
