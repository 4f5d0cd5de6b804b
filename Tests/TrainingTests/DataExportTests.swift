import GraphIR
import Interpreter
import Testing
@testable import Training

/// The preparation's scalers, exported with a model, make the graph on raw event features
/// run like the training forward pass on prepared arrays (padding stays masked).
struct DataExportTests {
    @Test(arguments: ["hlf", "inclusive"])
    func exportedScalingOnRawFeaturesMatchesPreparedArrays(_ kind: String) throws {
        let data = EventGenerator(maxParticles: 6, threads: 2).generate(events: 400, seed: 8)
        let prepared = try DataPreparation.prepare(data, options: PreparationOptions(seed: 4))
        let model = kind == "hlf"
            ? Model.hlfDNN(seed: 3)
            : Model.inclusive(timeSteps: 6, features: 19, units: 5, hlfFeatures: 14, seed: 3)
        let inputs = Set(model.inputs.map(\.name))
        let test = prepared.arrays(prepared.test, inputs: inputs)
        let expected = try model.predict(test.inputs, count: test.count)

        let graph = model.export(scaling: prepared.inputScaling.filter { inputs.contains($0.key) })
        var batches: [String: Batch] = [:]
        for input in model.inputs {
            let raw = input.name == "hlf_input" ? prepared.test.hlf : prepared.test.particles
            batches[input.name] = Batch(count: test.count, shape: input.shape, values: raw)
        }
        let outputs = try Interpreter(graph: graph).run(batches)
        let got = try #require(outputs[graph.outputs[0]]).batch.values
        let worst = zip(expected, got).map { abs($0 - $1) }.max() ?? .infinity
        #expect(got.count == expected.count && worst <= 1e-5, "\(kind): worst difference \(worst)")
        // And the figures agree: the same AUCs from either path.
        let a = ClassificationMetrics(probabilities: expected, labels: prepared.test.labels)
        let b = ClassificationMetrics(probabilities: got, labels: prepared.test.labels)
        #expect(zip(a.auc, b.auc).allSatisfy { abs($0 - $1) < 1e-3 })
    }
}
