import EventIO
import Foundation
import GraphIR
import Interpreter
import ModelIO
import Passes

/// One reader of untrusted input, fed mutants of its seed corpus. `execute` returns normally
/// when the input was accepted or refused with an error (both fine); anything else (a
/// signal, a trap, a hang) is what the driver catches from outside.
struct Harness {
    enum Kind: String, CaseIterable {
        /// Graph IR text: parse, verify, the float and the quantization pipelines, and the
        /// interpreter on one event when the graph is small.
        case ir
        /// Keras `model_config` JSON, mutated as text, imported against real weights.
        case kerasConfig = "keras-config"
        /// Keras `.h5` and `.keras` files, mutated as bytes, imported in process.
        case kerasFile = "keras-file"
        /// Event files (HDF5), mutated as bytes, read from memory and validated.
        case events
    }

    let kind: Kind
    let seeds: [Seed]

    struct Seed {
        var name: String
        var path: String
        var bytes: [UInt8]
        /// For keras-config: the model_config text of the file.
        var config: String?
    }

    /// Reads the seed corpus `corpus/<kind's folder>`.
    init(_ kind: Kind, corpus: String) throws {
        self.kind = kind
        let folder = "\(corpus)/\(kind.corpusFolder)"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().filter { name in
            kind.extensions.contains { name.hasSuffix($0) }
        }
        var seeds: [Seed] = []
        for name in names {
            let path = "\(folder)/\(name)"
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            var seed = Seed(name: name, path: path, bytes: [UInt8](data))
            if kind == .kerasConfig {
                guard name.hasSuffix(".h5"), let config = try? KerasImporter.config(ofHDF5: path) else { continue }
                seed.config = config
            }
            seeds.append(seed)
        }
        guard !seeds.isEmpty else { throw FuzzError.noSeeds(folder: folder) }
        self.seeds = seeds
    }

    /// Mutant `index` of the run seeded `seed`: its bytes and the file extension it needs.
    func mutant(_ index: Int, seed: UInt64) -> (bytes: [UInt8], seed: Seed) {
        var mutator = Mutator(seed: seed, index: index)
        let origin = seeds[index % seeds.count]
        switch kind {
        case .ir:
            return (Array(mutator.mutateText(String(decoding: origin.bytes, as: UTF8.self)).utf8), origin)
        case .kerasConfig:
            return (Array(mutator.mutateText(origin.config ?? "").utf8), origin)
        case .kerasFile, .events:
            return (mutator.mutateBytes(origin.bytes, headerBias: true), origin)
        }
    }

    /// Where a mutant is written for readers that need a path (and for a crash's record).
    func fileName(for seed: Seed) -> String {
        kind == .kerasConfig ? "model_config.json" : "mutant." + (URL(fileURLWithPath: seed.name).pathExtension)
    }

    /// Runs the reader on one mutant. Errors are the expected outcome of most mutants.
    func execute(_ bytes: [UInt8], seed: Seed, scratch: String) {
        switch kind {
        case .ir:
            runGraph(String(decoding: bytes, as: UTF8.self))
        case .kerasConfig:
            _ = try? KerasImporter.load(seed.path, config: String(decoding: bytes, as: UTF8.self))
        case .kerasFile:
            let path = "\(scratch)/\(fileName(for: seed))"
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
            _ = try? KerasImporter.load(path)
        case .events:
            guard let file = try? HDF5File(image: bytes, path: "mutant.h5") else { return }
            _ = try? EventFile.read(file)
        }
    }

    private func runGraph(_ text: String) {
        guard let parsed = try? Graph.parse(text, fileName: "mutant.ir"), (try? parsed.verify()) != nil else { return }
        for passes in [Pipelines.float, Pipelines.quantize()] {
            guard let graph = try? PassPipeline(passes).run(parsed) else { continue }
            // The interpreter on one zero event, when that is small enough to be quick.
            var inputs: [String: Batch] = [:]
            for name in graph.inputs {
                guard let node = graph[name], case let .input(shape) = node.op else { return }
                let size = checkedElementCount(shape) ?? Int.max
                guard size <= 100_000 else { return }
                inputs[name] = Batch(count: 1, shape: shape, values: [Float](repeating: 0.5, count: size))
            }
            let small = graph.nodes.allSatisfy { node in
                (checkedElementCount(node.shape ?? []) ?? Int.max) <= 1_000_000
            }
            guard small, let interpreter = try? Interpreter(graph: graph) else { continue }
            _ = try? interpreter.run(inputs)
        }
    }
}

extension Harness.Kind {
    var corpusFolder: String {
        switch self {
        case .ir: "ir"
        case .kerasConfig, .kerasFile: "keras"
        case .events: "events"
        }
    }

    var extensions: [String] {
        switch self {
        case .ir: [".ir"]
        case .kerasConfig: [".h5"]
        case .kerasFile: [".h5", ".keras"]
        case .events: [".h5"]
        }
    }
}

enum FuzzError: Error, CustomStringConvertible {
    case noSeeds(folder: String)
    case usage(String)

    var description: String {
        switch self {
        case let .noSeeds(folder): "no seed files in \(folder)."
        case let .usage(text): text
        }
    }
}
