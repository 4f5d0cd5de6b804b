import Foundation
import GraphIR
import Interpreter
import Passes
import Testing
@testable import ModelIO

@Suite struct KerasImportTests {
    static let models = ["dense_activations", "sequential_layers", "gru_reset_after", "gru_reset_before", "three_inputs"]

    /// Every fixture, as `.keras` and as Keras 3 legacy `.h5`, equals Keras's float outputs.
    @Test(arguments: models, [".keras", ".h5"])
    func matchesKeras(model: String, format: String) throws {
        let imported = try KerasImporter.load(KerasFixtures.path(model + format))
        #expect(imported.era == .keras3)
        #expect(imported.format == (format == ".keras" ? .kerasZip : .legacyHDF5))
        let (inputs, expected) = try KerasFixtures.data(model, graph: imported.graph)
        let differences = try KerasFixtures.maxAbsDifferences(imported.graph, inputs: inputs, expected: expected)
        print("keras fixture \(model)\(format): max abs difference per output \(differences)")
        for difference in differences { #expect(difference <= 1e-5) }
    }

    /// The synthetic Keras-2-layout Sequential: no InputLayer, fixed-length byte strings,
    /// `kernel:0` names, and Keras 2's hard_sigmoid slope.
    @Test func readsTheKeras2Layout() throws {
        let imported = try KerasImporter.load(KerasFixtures.path("keras2_sequential.h5"))
        #expect(imported.era == .keras2)
        #expect(imported.kerasVersion == "2.3.1")
        #expect(imported.graph.inputs == ["dense_1_input"])
        guard case let .dense(_, _, activation)? = imported.graph["dense_1"]?.op else {
            Issue.record("dense_1 is not a dense node")
            return
        }
        #expect(activation == .hardSigmoid(slope: 0.2, offset: 0.5))
        let (inputs, expected) = try KerasFixtures.data("keras2_sequential", graph: imported.graph)
        let differences = try KerasFixtures.maxAbsDifferences(imported.graph, inputs: inputs, expected: expected)
        print("keras fixture keras2_sequential.h5: max abs difference per output \(differences)")
        for difference in differences { #expect(difference <= 1e-5) }
    }

    @Test func mapsLayersToOps() throws {
        let graph = try KerasImporter.load(KerasFixtures.path("three_inputs.keras")).graph
        #expect(graph.inputs == ["particles", "hlf", "grid"])
        #expect(graph.outputs == ["classes", "score"])
        // Keras 3's mask bookkeeping (NotEqual, Any) is not part of the graph.
        #expect(graph.nodes.allSatisfy { !["not_equal", "any"].contains($0.name) })
        let keywords = graph.nodes.map(\.op.keyword)
        for keyword in ["input", "masking", "gru", "dropout", "dense", "batch_normalization", "flatten", "concatenate"] {
            #expect(keywords.contains(keyword))
        }
        let gru = graph.nodes.compactMap { node -> GRUAttributes? in
            if case let .gru(attributes) = node.op { attributes } else { nil }
        }
        #expect(gru.map(\.activation) == [.relu])
        #expect(gru.map(\.bias.shape) == [[2, 12]])
        #expect(gru.map { $0.bias.values.allSatisfy { $0 == 0 } } == [true])
        #expect(graph["concatenate"]?.shape == [4 + 6 + 6])
    }

    @Test func readsHardSigmoidByEra() {
        #expect(KerasEra(version: "2.2.4-tf") == .keras2)
        #expect(KerasEra(version: "3.15.1") == .keras3)
        #expect(KerasEra(version: nil) == .keras2)
    }

    @Test func modelFileLoadsKerasModels() throws {
        let graph = try ModelFile.load(KerasFixtures.path("gru_reset_before.keras"))
        #expect(graph.inputs == ["particles"])
        let path = KerasFixtures.path("bad_no_config.h5")
        #expect(throws: ModelIOError.self) { _ = try ModelFile.load(path) }
        do {
            _ = try ModelFile.load(path)
        } catch {
            #expect("\(error)".hasPrefix(path + ": this HDF5 file holds no Keras model"))
        }
    }
}

@Suite struct KerasRoundTripTests {
    /// What `trigc import` writes loads back as the same graph.
    @Test(arguments: ["three_inputs.keras", "sequential_layers.h5", "keras2_sequential.h5"])
    func importedGraphSurvivesTheTextFormat(name: String) throws {
        let graph = try KerasImporter.load(KerasFixtures.path(name)).graph
        let path = try temporaryDirectory().appendingPathComponent("model.ir").path
        try ModelFile.save(graph, to: path, overwrite: false, sidecar: true)
        #expect(try ModelFile.load(path) == graph)
    }

    /// A Keras 2 functional layer called twice cannot be one node.
    @Test func rejectsSharedLayers() throws {
        let path = try temporaryDirectory().appendingPathComponent("shared.h5").path
        let config = #"{"class_name": "Model", "config": {"name": "m", "layers": ["#
            + #"{"name": "x", "class_name": "InputLayer", "config": {"batch_input_shape": [null, 2]}, "inbound_nodes": []}, "#
            + #"{"name": "d", "class_name": "Dropout", "config": {"rate": 0.1}, "inbound_nodes": [[["x", 0, 0, {}]], [["x", 0, 0, {}]]]}], "#
            + #""input_layers": [["x", 0, 0]], "output_layers": [["d", 0, 0]]}}"#
        do {
            let file = try HDF5File(path: path, mode: .create(overwrite: false))
            try file.setStringAttribute("model_config", config)
        }
        #expect(throws: KerasImportError.unsupportedOption(
            path: path, layer: "d", className: "Dropout", option: "calls", value: "2 (a layer shared between calls)")) {
            _ = try KerasImporter.load(path)
        }
    }
}
