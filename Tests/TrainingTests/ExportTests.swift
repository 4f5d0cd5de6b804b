import GraphIR
import Interpreter
import Passes
import Testing
@testable import Training

/// The float interpreter on an exported model equals the training forward pass.
struct ExportTests {
    static let models: [(String, @Sendable () -> Model)] = [
        ("hlf", { Model.hlfDNN(features: 14, seed: 2) }),
        ("gru reset_after", { Model.particleGRU(timeSteps: 6, features: 4, units: 7, seed: 2) }),
        ("gru reset_before", { Model.particleGRU(timeSteps: 6, features: 4, units: 7, resetAfter: false, seed: 2) }),
        ("inclusive", { Model.inclusive(timeSteps: 6, features: 4, units: 7, hlfFeatures: 14, seed: 2) }),
    ]

    static func inputs(for model: Model, count: Int) -> [String: [Float]] {
        let data = syntheticArrays(count: count, hlfFeatures: 14, steps: 6, features: 4, seed: 5)
        return data.inputs.filter { name, _ in model.inputs.contains { $0.name == name } }
    }

    /// Runs `graph` in the float interpreter.
    static func interpret(_ graph: Graph, _ inputs: [String: [Float]], model: Model, count: Int) throws -> [Float] {
        let interpreter = try Interpreter(graph: graph)
        var batches: [String: Batch] = [:]
        for input in model.inputs {
            batches[input.name] = Batch(count: count, shape: input.shape, values: inputs[input.name] ?? [])
        }
        let outputs = try interpreter.run(batches)
        return outputs[graph.outputs[0]]?.batch.values ?? []
    }

    @Test(arguments: 0..<4)
    func exportRunsLikeTheForwardPass(_ index: Int) throws {
        let (label, make) = Self.models[index]
        let model = make()
        // Train a little so the weights are not the initial ones.
        let trainer = Trainer(model: model, options: TrainingOptions(epochs: 1, batchSize: 8))
        let count = 24
        let data = syntheticArrays(count: count, hlfFeatures: 14, steps: 6, features: 4, seed: 5)
        try trainer.fit(TrainingArrays(count: count, inputs: Self.inputs(for: model, count: count), labels: data.labels))
        let inputs = Self.inputs(for: model, count: count)
        let expected = try model.predict(inputs, count: count)
        let graph = model.export()
        try graph.verify()
        let got = try Self.interpret(graph, inputs, model: model, count: count)
        let worst = zip(expected, got).map { abs($0 - $1) }.max() ?? .infinity
        #expect(got.count == expected.count && worst <= 1e-6, "\(label): worst difference \(worst)")
        // The float pipeline (dropout removal, fusion) keeps the result.
        let lowered = try PassPipeline(Pipelines.float).run(graph)
        let afterPasses = try Self.interpret(lowered, inputs, model: model, count: count)
        #expect(zip(expected, afterPasses).allSatisfy { abs($0 - $1) <= 1e-6 }, "\(label) after Pipelines.float")
        print("export \(label): worst |interpreter - forward| = \(worst)")
    }

    @Test func scalingBecomesAnAffineNodeAfterTheInputOrMasking() throws {
        let model = Model.inclusive(timeSteps: 6, features: 4, units: 7, hlfFeatures: 14, seed: 2)
        let count = 10
        let raw = Self.inputs(for: model, count: count)
        let scaling = ["hlf_input": InputScaling(scale: (0..<14).map { 0.5 + Float($0) * 0.1 }, offset: [Float](repeating: 0.25, count: 14)),
                       "gru_input": InputScaling(scale: [2, 3, 0.5, 1.5], offset: [0, 0, 0, 0])]
        var scaled = raw
        for (name, s) in scaling {
            let f = s.scale.count
            scaled[name] = raw[name]?.enumerated().map { $1 * s.scale[$0 % f] + s.offset[$0 % f] }
        }
        let graph = model.export(scaling: scaling)
        #expect(graph["hlf_input_scaling"]?.inputs == ["hlf_input"])
        #expect(graph["gru_input_scaling"]?.inputs == ["masking"])
        #expect(graph["gru"]?.inputs == ["gru_input_scaling"])
        guard case let .affine(scale, offset)? = graph["hlf_input_scaling"]?.op else {
            Issue.record("hlf_input_scaling is not an affine node")
            return
        }
        #expect(scale.shape == [14] && scale.values == scaling["hlf_input"]?.scale && offset.values == scaling["hlf_input"]?.offset)
        // Imported back for training, the scaler is a linear Dense with diagonal weights.
        let imported = try Model(graph: graph, device: CPUDevice())
        #expect(zip(try imported.predict(raw, count: count), try model.predict(scaled, count: count))
            .allSatisfy { abs($0 - $1) <= 1e-5 })
        let expected = try model.predict(scaled, count: count)
        let got = try Self.interpret(graph, raw, model: model, count: count)
        #expect(zip(expected, got).allSatisfy { abs($0 - $1) <= 1e-5 })
    }
}
