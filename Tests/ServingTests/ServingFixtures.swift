import Foundation
import GraphIR
import ModelIO
@testable import Serving

/// A temporary model repository written by a test, removed by ``remove()``.
struct TestRepository {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("trigc-serving-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    /// Writes model `name` with `config` (JSON text) and one graph per version.
    func add(_ name: String, config: String, versions: [Int: Graph]) throws {
        let folder = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(config.utf8).write(to: folder.appendingPathComponent("config.json"))
        for (version, graph) in versions {
            let directory = folder.appendingPathComponent("\(version)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try ModelFile.save(graph, to: directory.appendingPathComponent("model.ir").path, overwrite: true, sidecar: false)
        }
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// Seeded values in [-2, 2).
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Float(state >> 40) / Float(1 << 24) * 4 - 2
        }
    }
}
