import Foundation
import GraphIR

/// Loads and saves model files by their extension.
///
/// A model is graph IR text (`.ir`), with weights inline or in a binary sidecar named in the
/// text, or a Keras model (`.h5`, `.hdf5`, `.keras`), imported on the fly by
/// ``KerasImporter``. Loading verifies the graph, so every command starts from a sound one.
public enum ModelFile {
    /// Extensions of the Keras files ``load(_:)`` imports.
    public static let kerasExtensions: Set<String> = ["h5", "hdf5", "keras"]

    /// Reads and verifies a model; Keras files are imported with `keras` (in this process
    /// unless it says otherwise).
    public static func load(_ path: String, keras: KerasImportOptions = KerasImportOptions()) throws(ModelIOError) -> Graph {
        guard FileManager.default.fileExists(atPath: path) else { throw .fileNotFound(path: path) }
        guard isRegularFile(path) else { throw .notRegularFile(path: path) }
        let url = URL(fileURLWithPath: path)
        if kerasExtensions.contains(url.pathExtension.lowercased()) {
            do {
                return try KerasImporter.load(path, options: keras).graph
            } catch let .file(error) {
                throw error
            } catch {
                throw .invalidModel(path: path, reason: error.description, located: true)
            }
        }
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

    /// Whether `path` (after links) is a regular file: devices, pipes and folders are refused
    /// before anything reads them (a pipe with no writer blocks a reader forever).
    public static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
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
