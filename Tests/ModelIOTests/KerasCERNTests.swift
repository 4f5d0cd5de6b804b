import Foundation
import GraphIR
import Interpreter
import Testing
@testable import ModelIO

/// CERN's inclusive classifier (Keras 2.2.4-tf), from the shared folder beside the repository.
@Suite struct KerasCERNTests {
    @Test(.enabled(if: KerasFixtures.cernAvailable,
                   "needs ../shared/models/cern_inclusive/ (InclusiveClassifier.h5, reference.h5) beside the repository"))
    func matchesKerasOnTheReferenceEvents() throws {
        let model = KerasFixtures.cernDirectory.appendingPathComponent("InclusiveClassifier.h5").path
        let imported = try KerasImporter.load(model)
        #expect(imported.kerasVersion == "2.2.4-tf")
        #expect(imported.era == .keras2)
        let graph = imported.graph
        #expect(graph.inputs == ["gru_input", "hlf_input"])
        #expect(graph["gru_input"]?.shape == [801, 19])
        #expect(graph["hlf_input"]?.shape == [14])
        #expect(graph.outputs == ["dense_1"])

        // Each reference dataset goes to the model input of the same per-event shape.
        let reference = try HDF5File(path: KerasFixtures.cernDirectory.appendingPathComponent("reference.h5").path)
        var inputs: [String: Batch] = [:]
        for dataset in ["particles", "hlf"] {
            let array = try reference.readFloats(dataset)
            let shape = Array(array.shape.dropFirst())
            let input = try #require(graph.inputs.first { graph[$0]?.shape == shape })
            inputs[input] = Batch(count: array.shape[0], shape: shape, values: array.values)
        }
        #expect(inputs.count == 2)
        let expected = try reference.readFloats("keras_output")
        #expect(expected.shape == [24, 3])
        let differences = try KerasFixtures.maxAbsDifferences(graph, inputs: inputs, expected: [expected.values])
        print("CERN InclusiveClassifier.h5: max abs difference over 24 events \(differences)")
        #expect(differences.count == 1)
        for difference in differences { #expect(difference <= 1e-5) }
    }
}
