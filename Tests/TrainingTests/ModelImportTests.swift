import GraphIR
import Interpreter
import Passes
import Testing
@testable import Training

/// `Model(graph:device:)` rebuilds float graphs that run like the float interpreter.
struct ModelImportTests {
    static let graphs: [(String, @Sendable () -> Graph)] = [
        ("hlf", { Graph.hlfDNN(seed: 3) }),
        ("gru reset_after", { Graph.particleGRU(timeSteps: 6, features: 4, units: 7, resetAfter: true, seed: 3) }),
        ("gru reset_before", { Graph.particleGRU(timeSteps: 6, features: 4, units: 7, resetAfter: false, seed: 3) }),
        ("inclusive", { Graph.inclusive(timeSteps: 6, features: 4, units: 7, hlfFeatures: 14, seed: 3) }),
    ]

    /// Inputs for every graph input (padded sequences, so masking acts).
    static func inputs(for graph: Graph, count: Int) -> [String: Batch] {
        let data = syntheticArrays(count: count, hlfFeatures: 14, steps: 6, features: 4, seed: 9)
        var batches: [String: Batch] = [:]
        for name in graph.inputs {
            guard let node = graph[name], case let .input(shape) = node.op, let values = data.inputs[name] else { continue }
            batches[name] = Batch(count: count, shape: shape, values: values)
        }
        return batches
    }

    static func worstDifference(_ graph: Graph, count: Int) throws -> Float {
        let inputs = Self.inputs(for: graph, count: count)
        let expected = try Interpreter(graph: graph).run(inputs)[graph.outputs[0]]?.batch.values ?? []
        let model = try Model(graph: graph, device: CPUDevice())
        let got = try model.predict(inputs.mapValues(\.values), count: count, batchSize: 16)
        #expect(got.count == expected.count && !got.isEmpty)
        return zip(expected, got).map { abs($0 - $1) }.max() ?? .infinity
    }

    // Both sides are float32, but the interpreter and the model's gemm sum the products in
    // different orders (and softmax / tanh may differ by an ulp): equal to 1e-5, not bitwise.
    @Test(arguments: 0..<4)
    func importedModelPredictsLikeTheInterpreter(_ index: Int) throws {
        let (label, make) = Self.graphs[index]
        let graph = try PassPipeline(Pipelines.float).run(make())
        let worst = try Self.worstDifference(graph, count: 40)
        #expect(worst <= 1e-5, "\(label): worst |model - interpreter| = \(worst)")
        print("import \(label): worst |model - interpreter| = \(worst)")
    }

    @Test func importedModelKeepsNamesAndWeights() throws {
        let graph = try PassPipeline(Pipelines.float).run(Graph.inclusive(timeSteps: 6, features: 4, units: 7, seed: 3))
        let model = try Model(graph: graph, device: CPUDevice())
        #expect(model.inputs.map(\.name) == graph.inputs)
        #expect(model.outputShape == [3])
        guard case let .gru(attributes)? = graph["gru"]?.op else {
            Issue.record("no gru node")
            return
        }
        #expect(model.weights()["gru/recurrent_kernel"] == attributes.recurrentKernel.values)
    }

    @Test func exportedScalingRoundTrips() throws {
        let trained = Model.inclusive(timeSteps: 6, features: 4, units: 7, hlfFeatures: 14, seed: 4)
        let scaling = ["hlf_input": InputScaling(scale: (0..<14).map { 0.5 + Float($0) * 0.1 }, offset: [Float](repeating: 0.25, count: 14)),
                       "gru_input": InputScaling(scale: [2, 3, 0.5, 1.5], offset: [0, 0, 0, 0])]
        let graph = try PassPipeline(Pipelines.float).run(trained.export(scaling: scaling))
        let worst = try Self.worstDifference(graph, count: 24)
        #expect(worst <= 1e-5, "scaled inclusive: worst |model - interpreter| = \(worst)")
    }

    @Test func unsupportedOpsAreRefusedNamingTheNode() throws {
        let decision = try PassPipeline([ShapeInference(), DropoutRemoval(), ActivationFusion(), SoftmaxToArgmax()])
            .run(Graph.hlfDNN(seed: 3))
        let argmax = try #require(decision.nodes.first { if case .argmax = $0.op { true } else { false } })
        #expect(throws: TrainingError.unsupportedGraph(node: argmax.name, reason: "op 'argmax' has no training layer")) {
            _ = try Model(graph: decision, device: CPUDevice())
        }
        let flat = Graph(name: "flat", nodes: [Node(name: "x", op: .input(shape: [2, 3]), shape: [2, 3]),
                                               Node(name: "f", op: .flatten, inputs: ["x"], shape: [6])],
                         inputs: ["x"], outputs: ["f"])
        do {
            _ = try Model(graph: flat, device: CPUDevice())
            Issue.record("flatten was accepted")
        } catch {
            #expect(error.description == "graph node 'f' cannot run as a model layer: op 'flatten' has no training layer.")
        }
    }

    @Test func fixedPointGraphsAndSeveralOutputsAreRefused() throws {
        let fixed = try PassPipeline(Pipelines.quantize()).run(Graph.hlfDNN(seed: 3))
        #expect(throws: TrainingError.self) { _ = try Model(graph: fixed, device: CPUDevice()) }
        var two = try PassPipeline(Pipelines.float).run(Graph.hlfDNN(seed: 3))
        two.outputs.append("dense_1")
        #expect(throws: TrainingError.self) { _ = try Model(graph: two, device: CPUDevice()) }
    }
}
