import Foundation
import GraphIR
import Interpreter
import Passes
import Testing
@testable import ModelIO

/// Where the Keras fixtures (written by Tools/keras_fixtures/make_fixtures.py) and CERN's
/// model (in the shared folder beside the repository) live.
enum KerasFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let cernDirectory = packageRoot.appendingPathComponent("../shared/models/cern_inclusive").standardized

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static var cernAvailable: Bool {
        ["InclusiveClassifier.h5", "reference.h5"].allSatisfy {
            FileManager.default.fileExists(atPath: cernDirectory.appendingPathComponent($0).path)
        }
    }

    /// Runs the imported graph in the float interpreter after `Pipelines.float` and returns,
    /// for each graph output in order, the largest absolute difference from `expected`.
    static func maxAbsDifferences(_ graph: Graph, inputs: [String: Batch], expected: [[Float]]) throws -> [Float] {
        let prepared = try PassPipeline(Pipelines.float).run(graph)
        let outputs = try Interpreter(graph: prepared).run(inputs)
        // Fusion can rename an output (an activation folds into the dense before it), so
        // outputs are matched by position.
        return try zip(prepared.outputs, expected).map { name, reference in
            let values = try #require(outputs[name]).batch.values
            #expect(values.count == reference.count)
            return zip(values, reference).map { abs($0 - $1) }.max() ?? .infinity
        }
    }

    /// Inputs (`inputs/<name>`) and Keras outputs (`outputs/<name>`, in graph output order)
    /// of a fixture.
    static func data(_ name: String, graph: Graph) throws -> (inputs: [String: Batch], outputs: [[Float]]) {
        let file = try HDF5File(path: path(name + ".data.h5"))
        var inputs: [String: Batch] = [:]
        for input in graph.inputs {
            let array = try file.readFloats("inputs/" + input)
            inputs[input] = Batch(count: array.shape[0], shape: Array(array.shape.dropFirst()), values: array.values)
        }
        let outputs = try graph.outputs.map { try file.readFloats("outputs/" + $0).values }
        return (inputs, outputs)
    }
}
