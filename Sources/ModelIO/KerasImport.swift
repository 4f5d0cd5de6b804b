import Foundation
import GraphIR

/// How a Keras model was stored.
public enum KerasFormat: String, Hashable, Sendable {
    /// One HDF5 file with a `model_config` attribute and `model_weights/` (Keras 2 and
    /// Keras 3's `model.save("x.h5")`).
    case legacyHDF5 = "legacy HDF5"
    /// The `.keras` zip: `config.json`, `metadata.json`, `model.weights.h5`.
    case kerasZip = ".keras zip"
}

/// An imported Keras model: the float graph and where it came from.
public struct KerasModel: Hashable, Sendable {
    /// The verified float graph, every node's shape filled in; node names are layer names.
    public var graph: Graph
    public var format: KerasFormat
    /// The `keras_version` the file records, if any.
    public var kerasVersion: String?
    /// The era that decides version-dependent semantics (`hard_sigmoid`).
    public var era: KerasEra
    /// The `backend` the file records (legacy HDF5 only).
    public var backend: String?
}

/// Imports Keras models into the graph IR. See `Docs/Keras.md`.
///
/// ```swift
/// let model = try KerasImporter.load("InclusiveClassifier.h5")
/// let graph = try PassPipeline(Pipelines.float).run(model.graph)
/// ```
public enum KerasImporter {
    /// The Keras layer classes trigc imports.
    public static var supportedLayers: [String] { KerasLayerBuilder.supported }

    /// Reads a `.h5` or `.keras` model (told apart by content, not by extension), maps every
    /// layer to an op, and verifies the graph. Fails on the first unsupported layer or option,
    /// missing or misshapen weight: there is no partial import. Sizes the file declares are
    /// checked against `options.limits` before anything is allocated; with
    /// ``KerasImportOptions/Isolation/subprocess(executable:arguments:timeout:)`` the file is
    /// read by a child process, so that even a crash or hang of the HDF5 library on a damaged
    /// file becomes an error.
    public static func load(
        _ path: String, options: KerasImportOptions = KerasImportOptions()
    ) throws(KerasImportError) -> KerasModel {
        // A missing file, a pipe or a device is refused here, before any reader (or worker)
        // could block on it.
        guard FileManager.default.fileExists(atPath: path) else { throw .file(.fileNotFound(path: path)) }
        guard ModelFile.isRegularFile(path) else { throw .file(.notRegularFile(path: path)) }
        switch options.isolation {
        case .inProcess:
            return try loadInProcess(path, limits: options.limits)
        case let .subprocess(executable, arguments, timeout):
            return try loadInWorker(path, executable: executable, arguments: arguments, timeout: timeout)
        }
    }

    private static func loadInProcess(_ path: String, limits: ReadLimits) throws(KerasImportError) -> KerasModel {
        if KerasArchive.looksLikeZip(path) {
            let archive = try KerasArchive.read(path, limit: limits.maxBytes)
            let weightsPath = "\(path) (model.weights.h5)"
            let file = try KerasWeightStore.wrap { () throws(ModelIOError) in
                try HDF5File(image: archive.weights, path: weightsPath, limits: limits)
            }
            let store = try KerasWeightStore.archive(file, path: weightsPath)
            let era = archive.kerasVersion.map { KerasEra(version: $0) } ?? .keras3
            let spec = try KerasConfigReader(path: path).read(archive.config)
            let graph = try build(spec, store: store, era: era, path: path)
            return KerasModel(graph: graph, format: .kerasZip, kerasVersion: archive.kerasVersion, era: era, backend: nil)
        }
        let file = try KerasWeightStore.wrap { () throws(ModelIOError) in try HDF5File(path: path, limits: limits) }
        let attribute = { (name: String) throws(KerasImportError) -> String? in
            try KerasWeightStore.wrap { () throws(ModelIOError) in try file.stringAttribute(name) }
        }
        guard let config = try attribute("model_config") else { throw .missingConfig(path: path) }
        let version = try attribute("keras_version")
        let era = KerasEra(version: version)
        let spec = try KerasConfigReader(path: path).read(config)
        let graph = try build(spec, store: .legacy(file, path: path), era: era, path: path)
        return KerasModel(
            graph: graph, format: .legacyHDF5, kerasVersion: version, era: era, backend: try attribute("backend"))
    }

    /// The graph of the layers the outputs depend on, in dependency order.
    static func build(
        _ spec: KerasModelSpec, store: KerasWeightStore, era: KerasEra, path: String
    ) throws(KerasImportError) -> Graph {
        var byName: [String: KerasLayerSpec] = [:]
        for layer in spec.layers {
            if byName[layer.name] != nil {
                throw .badConfig(path: path, reason: "has two layers named '\(layer.name)'")
            }
            byName[layer.name] = layer
        }
        // Keras 3 records mask computations (NotEqual, Any) beside Masking; nothing the outputs
        // compute reads them, so only layers the outputs (and inputs) reach are imported.
        var needed = Set<String>()
        var pending = spec.outputs + spec.inputs
        while let name = pending.popLast() {
            guard needed.insert(name).inserted else { continue }
            guard let layer = byName[name] else {
                throw .badConfig(path: path, reason: "names '\(name)' as a model input or output, but has no such layer")
            }
            for input in layer.inputs where byName[input] == nil {
                throw .unknownInput(path: path, layer: name, input: input)
            }
            pending += layer.inputs
        }
        let builder = KerasLayerBuilder(path: path, era: era, store: store)
        var shapes: [String: [Int]] = [:]
        var nodes: [Node] = []
        var remaining = spec.layers.filter { needed.contains($0.name) }
        while !remaining.isEmpty {
            guard let index = remaining.firstIndex(where: { $0.inputs.allSatisfy { shapes[$0] != nil } }) else {
                throw .badConfig(path: path, reason: "has a cycle through layer '\(remaining[0].name)'")
            }
            let layer = remaining.remove(at: index)
            let inputShapes = layer.inputs.compactMap { shapes[$0] }
            if layer.className != "InputLayer", layer.inputs.isEmpty {
                throw .badConfig(path: path, reason: "gives layer '\(layer.name)' no input")
            }
            let op = try builder.op(for: layer, inputShapes: inputShapes)
            guard let shape = op.outputShape(inputShapes: inputShapes) else {
                throw .badInputShape(
                    path: path, layer: layer.name, className: layer.className,
                    shape: inputShapes.first ?? [], expected: "inputs that fit its configuration (all inputs: \(inputShapes))")
            }
            shapes[layer.name] = shape
            nodes.append(Node(name: layer.name, op: op, inputs: layer.inputs, shape: shape))
        }
        let graph = Graph(name: spec.name, nodes: nodes, inputs: spec.inputs, outputs: spec.outputs)
        do {
            try graph.verify()
        } catch {
            throw .invalidGraph(path: path, reason: error.message)
        }
        return graph
    }
}
