import Foundation
import GraphIR
import Testing
@testable import ModelIO

/// Every bad input fails with a typed error and one sentence that names the file and the
/// layer or object to blame.
@Suite struct KerasErrorTests {
    /// The error `KerasImporter.load` throws for `path`, or nil if it succeeds.
    func importError(_ path: String) -> KerasImportError? {
        do {
            _ = try KerasImporter.load(path)
            return nil
        } catch {
            return error
        }
    }

    /// Checks the message is one sentence starting with the file's path.
    func expectSentence(_ error: KerasImportError?, path: String, mentioning words: [String]) {
        let text = error.map { "\($0)" } ?? "no error"
        #expect(text.hasPrefix(path), "\(text)")
        #expect(text.hasSuffix("."), "\(text)")
        #expect(!text.contains("\n"), "\(text)")
        for word in words { #expect(text.contains(word), "\(text)") }
    }

    @Test func notAnHDF5File() throws {
        let path = try temporaryDirectory().appendingPathComponent("model.h5").path
        try "these are not the weights you are looking for".write(toFile: path, atomically: true, encoding: .utf8)
        let error = importError(path)
        #expect(error == .file(.notHDF5(path: path)))
        expectSentence(error, path: path, mentioning: ["not an HDF5 file"])
    }

    @Test func missingFile() {
        let path = "/nonexistent/model.keras"
        #expect(importError(path) == .file(.fileNotFound(path: path)))
    }

    @Test(arguments: ["gru_reset_after.h5", "gru_reset_after.keras"])
    func truncatedFile(name: String) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: KerasFixtures.path(name)))
        let path = try temporaryDirectory().appendingPathComponent(name).path
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        let error = importError(path)
        #expect(error != nil)
        expectSentence(error, path: path, mentioning: ["truncated"])
    }

    @Test func hdf5WithoutModelConfig() {
        let path = KerasFixtures.path("bad_no_config.h5")
        let error = importError(path)
        #expect(error == .missingConfig(path: path))
        expectSentence(error, path: path, mentioning: ["model_config"])
    }

    @Test func weightShapeDisagreesWithConfig() {
        let path = KerasFixtures.path("bad_weight_shape.h5")
        let error = importError(path)
        guard case let .weightShape(_, layer, weight, _, expected, found)? = error else {
            Issue.record("expected a weight shape error, got \(String(describing: error))")
            return
        }
        #expect(layer == "dense" && weight == "kernel" && expected == [6, 3] && found == [5, 3])
        expectSentence(error, path: path, mentioning: ["'dense'", "kernel", "[5, 3]", "[6, 3]"])
    }

    @Test func missingWeightDataset() {
        let path = KerasFixtures.path("bad_missing_weight.h5")
        let error = importError(path)
        guard case let .missingWeight(_, layer, _, dataset)? = error else {
            Issue.record("expected a missing weight error, got \(String(describing: error))")
            return
        }
        #expect(layer == "gru")
        #expect(dataset.hasSuffix("recurrent_kernel"))
        expectSentence(error, path: path, mentioning: ["'gru'", "recurrent_kernel"])
    }

    @Test func unsupportedLayer() {
        let path = KerasFixtures.path("bad_unsupported_layer.keras")
        let error = importError(path)
        #expect(error == .unsupportedLayer(
            path: path, layer: "conv", className: "Conv1D", supported: KerasLayerBuilder.supported))
        expectSentence(error, path: path, mentioning: ["'conv'", "Conv1D", "GRU, Concatenate"])
    }

    @Test func unsupportedGRUOption() {
        let path = KerasFixtures.path("bad_return_sequences.h5")
        let error = importError(path)
        #expect(error == .unsupportedOption(
            path: path, layer: "gru_seq", className: "GRU", option: "return_sequences", value: "true"))
        expectSentence(error, path: path, mentioning: ["'gru_seq'", "return_sequences=true"])
    }

    @Test func kerasZipWithoutWeights() {
        let path = KerasFixtures.path("bad_missing_member.keras")
        let error = importError(path)
        #expect(error == .missingArchiveMember(path: path, member: "model.weights.h5"))
        expectSentence(error, path: path, mentioning: ["model.weights.h5"])
    }

    /// Layers whose options trigc cannot map, written as a weightless legacy HDF5 file.
    @Test(arguments: [
        (#"{"class_name": "ReLU", "config": {"name": "clip", "max_value": 6.0}}"#, "max_value=6"),
        (#"{"class_name": "Activation", "config": {"name": "act", "activation": "elu"}}"#, "activation='elu'"),
        (#"{"class_name": "Softmax", "config": {"name": "sm", "axis": 0}}"#, "axis=0"),
        (#"{"class_name": "Dense", "config": {"name": "fc", "units": 2}}"#, "no dataset 'model_weights/fc/fc/kernel:0'"),
        (#"{"class_name": "GRU", "config": {"name": "rnn", "units": 2}}"#, "[time, features]"),
    ])
    func unsupportedOptions(layer: String, message: String) throws {
        let path = try temporaryDirectory().appendingPathComponent("model.h5").path
        let config = #"{"class_name": "Sequential", "config": {"name": "s", "layers": ["#
            + #"{"class_name": "InputLayer", "config": {"name": "x", "batch_input_shape": [null, 4]}}, "#
            + layer + "]}}"
        do {
            let file = try HDF5File(path: path, mode: .create(overwrite: false))
            try file.setStringAttribute("model_config", config)
            try file.setStringAttribute("keras_version", "2.4.0")
        }
        let error = importError(path)
        expectSentence(error, path: path, mentioning: [message])
    }

    @Test func badJSON() throws {
        let path = try temporaryDirectory().appendingPathComponent("model.h5").path
        do {
            let file = try HDF5File(path: path, mode: .create(overwrite: false))
            try file.setStringAttribute("model_config", "{not json")
        }
        #expect(importError(path) == .badConfig(path: path, reason: "is not valid JSON"))
    }
}
