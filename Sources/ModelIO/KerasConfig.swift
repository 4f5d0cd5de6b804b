import Foundation

/// A JSON value of a Keras model configuration.
enum KerasJSON: Hashable, Sendable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([KerasJSON])
    case object([String: KerasJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([KerasJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: KerasJSON].self))
        }
    }

    subscript(key: String) -> KerasJSON? {
        if case let .object(object) = self { object[key] } else { nil }
    }

    var string: String? { if case let .string(value) = self { value } else { nil } }
    var number: Double? { if case let .number(value) = self { value } else { nil } }
    var bool: Bool? { if case let .bool(value) = self { value } else { nil } }
    var array: [KerasJSON]? { if case let .array(value) = self { value } else { nil } }
    var isNull: Bool { self == .null }

    /// Compact text for messages (`true`, `6.0`, `"same"`, `[null, 4]`).
    var text: String {
        switch self {
        case .null: "null"
        case let .bool(value): value ? "true" : "false"
        case let .number(value): value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))" : "\(value)"
        case let .string(value): "'\(value)'"
        case let .array(values): "[" + values.map(\.text).joined(separator: ", ") + "]"
        case let .object(object): "{" + object.keys.sorted().joined(separator: ", ") + "}"
        }
    }
}

/// One layer of a Keras model: its name, class, configuration and the layers it reads from.
struct KerasLayerSpec: Sendable {
    var name: String
    var className: String
    var config: [String: KerasJSON]
    /// The layers whose outputs this layer takes, in argument order.
    var inputs: [String]
}

/// A Keras model configuration reduced to a graph of layers.
struct KerasModelSpec: Sendable {
    var name: String
    var layers: [KerasLayerSpec]
    var inputs: [String]
    var outputs: [String]
}

/// Reads the model configuration JSON of every Keras era: Sequential (as a bare list of
/// layers in Keras 2.2, as `{"layers": …}` later, with or without an `InputLayer`) and
/// Functional/Model with `inbound_nodes` in Keras 2's nested-list form or Keras 3's
/// `{"args", "kwargs"}` form.
struct KerasConfigReader {
    let path: String

    func read(_ text: String) throws(KerasImportError) -> KerasModelSpec {
        let root: KerasJSON
        do {
            root = try JSONDecoder().decode(KerasJSON.self, from: Data(text.utf8))
        } catch {
            throw .badConfig(path: path, reason: "is not valid JSON")
        }
        guard let className = root["class_name"]?.string, let config = root["config"] else {
            throw .badConfig(path: path, reason: "has no 'class_name' and 'config' at the top")
        }
        switch className {
        case "Sequential":
            return try sequential(config)
        case "Functional", "Model":
            return try functional(config)
        default:
            throw .badConfig(path: path, reason: "describes a '\(className)', not a Sequential or Functional model")
        }
    }

    private func sequential(_ config: KerasJSON) throws(KerasImportError) -> KerasModelSpec {
        guard let entries = config.array ?? config["layers"]?.array else {
            throw .badConfig(path: path, reason: "of the Sequential model has no list of layers")
        }
        var layers: [KerasLayerSpec] = []
        for entry in entries {
            layers.append(try layer(entry, inputs: layers.last.map { [$0.name] } ?? []))
        }
        guard let first = layers.first else {
            throw .badConfig(path: path, reason: "of the Sequential model has no layers")
        }
        if first.className != "InputLayer" {
            // Keras 2 puts the input shape on the first layer; Keras names the input after it.
            let shape = first.config["batch_input_shape"] ?? first.config["batch_shape"]
                ?? config["build_input_shape"]
            guard let shape else {
                throw .badConfig(path: path, reason: "of the Sequential model does not give the input shape")
            }
            let input = KerasLayerSpec(
                name: first.name + "_input", className: "InputLayer",
                config: ["batch_input_shape": shape], inputs: [])
            layers[0].inputs = [input.name]
            layers.insert(input, at: 0)
        }
        let name = config["name"]?.string ?? "sequential"
        return KerasModelSpec(name: name, layers: layers, inputs: [layers[0].name], outputs: [layers[layers.count - 1].name])
    }

    private func functional(_ config: KerasJSON) throws(KerasImportError) -> KerasModelSpec {
        guard let entries = config["layers"]?.array else {
            throw .badConfig(path: path, reason: "of the functional model has no list of layers")
        }
        var layers: [KerasLayerSpec] = []
        for entry in entries {
            var spec = try layer(entry, inputs: [])
            spec.inputs = try inboundLayers(entry["inbound_nodes"], of: spec)
            layers.append(spec)
        }
        let inputs = try endpoints(config["input_layers"], "input_layers")
        let outputs = try endpoints(config["output_layers"], "output_layers")
        let name = config["name"]?.string ?? "model"
        return KerasModelSpec(name: name, layers: layers, inputs: inputs, outputs: outputs)
    }

    private func layer(_ entry: KerasJSON, inputs: [String]) throws(KerasImportError) -> KerasLayerSpec {
        guard let className = entry["class_name"]?.string, case let .object(config)? = entry["config"] else {
            throw .badConfig(path: path, reason: "has a layer without 'class_name' and 'config'")
        }
        guard let name = entry["name"]?.string ?? config["name"]?.string else {
            throw .badConfig(path: path, reason: "has a \(className) layer without a name")
        }
        return KerasLayerSpec(name: name, className: className, config: config, inputs: inputs)
    }

    /// `input_layers`/`output_layers`: a list of `[name, node, tensor]`, or one such triple.
    private func endpoints(_ value: KerasJSON?, _ key: String) throws(KerasImportError) -> [String] {
        guard let list = value?.array, !list.isEmpty else {
            throw .badConfig(path: path, reason: "of the functional model has no '\(key)'")
        }
        let triples = list.first?.string != nil ? [KerasJSON.array(list)] : list
        var names: [String] = []
        for triple in triples {
            guard let name = triple.array?.first?.string else {
                throw .badConfig(path: path, reason: "has a malformed entry in '\(key)'")
            }
            names.append(name)
        }
        return names
    }

    /// The layers a functional-model layer reads, from its `inbound_nodes`.
    private func inboundLayers(_ value: KerasJSON?, of layer: KerasLayerSpec) throws(KerasImportError) -> [String] {
        guard let nodes = value?.array, let node = nodes.first else { return [] }
        if nodes.count > 1 {
            throw .unsupportedOption(
                path: path, layer: layer.name, className: layer.className, option: "calls",
                value: "\(nodes.count) (a layer shared between calls)")
        }
        var histories: [[KerasJSON]] = []
        if let entries = node.array {
            // Keras 2: [[name, node_index, tensor_index, kwargs], …]
            histories = entries.compactMap(\.array)
        } else {
            // Keras 3: {"args": [...], "kwargs": {...}}; keras tensors carry keras_history.
            // Only args carry data; a `mask` kwarg repeats what Masking already provides.
            collectHistories(node["args"] ?? .null, into: &histories)
        }
        var names: [String] = []
        for history in histories {
            guard let name = history.first?.string else {
                throw .badConfig(path: path, reason: "has a malformed inbound node in layer '\(layer.name)'")
            }
            let indices = history.dropFirst().prefix(2).map { $0.number ?? 0 }
            if indices.contains(where: { $0 != 0 }) {
                throw .unsupportedOption(
                    path: path, layer: layer.name, className: layer.className, option: "an input from '\(name)'",
                    value: "[node \(KerasJSON.number(indices[0]).text), tensor \(KerasJSON.number(indices.last ?? 0).text)] "
                        + "(a later call or a second output)")
            }
            names.append(name)
        }
        return names
    }

    private func collectHistories(_ value: KerasJSON, into histories: inout [[KerasJSON]]) {
        switch value {
        case let .array(values):
            for value in values { collectHistories(value, into: &histories) }
        case .object:
            if value["class_name"]?.string == "__keras_tensor__", let history = value["config"]?["keras_history"]?.array {
                histories.append(history)
            }
        case .null, .bool, .number, .string:
            break
        }
    }
}
