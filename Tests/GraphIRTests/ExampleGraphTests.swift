import Testing
@testable import GraphIR

@Suite struct ExampleGraphTests {
    static let examples: [Graph] = [
        .hlfDNN(), .particleGRU(), .particleGRU(timeSteps: 5, features: 3, units: 4, resetAfter: false),
        .inclusive(), .inclusive(timeSteps: 4, features: 2, units: 3, hlfFeatures: 5, resetAfter: false),
    ]

    @Test(arguments: examples)
    func examplesVerifyClean(graph: Graph) throws {
        #expect(graph.verificationErrors() == [])
        #expect(graph.nodes.allSatisfy { $0.shape != nil })
    }

    @Test func hlfDNNLayout() {
        let graph = Graph.hlfDNN()
        #expect(graph.inputs == ["hlf_input"])
        #expect(graph.nodes.map(\.op.keyword) == [
            "input", "dense", "activation", "dense", "activation", "dense", "activation", "dense", "activation",
        ])
        #expect(graph.nodes.map(\.shape) == [[14], [50], [50], [20], [20], [10], [10], [3], [3]])
        #expect(graph.outputs == ["activation_4"])
    }

    @Test func inclusiveLayout() {
        let graph = Graph.inclusive(timeSteps: 10, features: 19, units: 50)
        #expect(graph.inputs == ["gru_input", "hlf_input"])
        #expect(graph["concatenate"]?.shape == [64])
        #expect(graph["gru"]?.shape == [50])
        guard case let .gru(a)? = graph["gru"]?.op else {
            Issue.record("gru node missing")
            return
        }
        #expect(a.kernel.shape == [19, 150] && a.recurrentKernel.shape == [50, 150] && a.bias.shape == [2, 150])
    }

    @Test func weightsAreDeterministicAndSeeded() {
        #expect(Graph.hlfDNN(seed: 7) == Graph.hlfDNN(seed: 7))
        #expect(Graph.hlfDNN(seed: 7) != Graph.hlfDNN(seed: 8))
        guard case let .dense(weights, _, _)? = Graph.hlfDNN()["dense_1"]?.op else {
            Issue.record("dense_1 missing")
            return
        }
        let limit = Float((6.0 / 64.0).squareRoot())
        #expect(weights.values.allSatisfy { abs($0) <= limit })
        #expect(Set(weights.values).count > 600)
    }

    @Test func splitMixMatchesReference() {
        // First outputs of SplitMix64 seeded with 0 (reference values from the original C code).
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
    }
}
