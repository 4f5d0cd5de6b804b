import GraphIR
import Passes
import Testing

@Suite("Activation fusion")
struct ActivationFusionTests {
    static let functions: [ActivationFunction] = [
        .linear, .relu, .leakyRelu(alpha: 0.3), .hardSigmoid(slope: 0.2, offset: 0.5), .tanh, .sigmoid, .softmax,
    ]

    @Test("an activation folds into the dense before it, which keeps its name", arguments: functions)
    func fuses(function: ActivationFunction) throws {
        var before = GraphBuilder()
        var x = before.input("x", [4])
        before.add("d", dense(4, 3), [x], shape: [3])
        before.add("act", .activation(function), ["d"], shape: [3])
        before.add("next", dense(3, 2), ["act"], shape: [2])

        var after = GraphBuilder()
        x = after.input("x", [4])
        after.add("d", dense(4, 3, function), [x], shape: [3])
        after.add("next", dense(3, 2), ["d"], shape: [2])

        #expect(try ActivationFusion().run(before.graph(["next"])) == after.graph(["next"]))
    }

    @Test("an activation that is a graph output is replaced by the fused dense in the outputs")
    func outputActivation() throws {
        var before = GraphBuilder()
        var x = before.input("x", [4])
        before.add("d", dense(4, 3), [x], shape: [3])
        before.add("act", .activation(.softmax), ["d"], shape: [3])

        var after = GraphBuilder()
        x = after.input("x", [4])
        after.add("d", dense(4, 3, .softmax), [x], shape: [3])

        #expect(try ActivationFusion().run(before.graph(["act"])) == after.graph(["d"]))
    }

    @Test("no fusion when the dense has a second reader")
    func twoReaders() throws {
        var b = GraphBuilder()
        let x = b.input("x", [4])
        b.add("d", dense(4, 3), [x], shape: [3])
        b.add("act", .activation(.relu), ["d"], shape: [3])
        b.add("c", .concatenate(axis: 0), ["act", "d"], shape: [6])
        let graph = b.graph(["c"])
        #expect(try ActivationFusion().run(graph) == graph)
    }

    @Test("no fusion when the dense is itself a graph output")
    func denseIsOutput() throws {
        var b = GraphBuilder()
        let x = b.input("x", [4])
        b.add("d", dense(4, 3), [x], shape: [3])
        b.add("act", .activation(.tanh), ["d"], shape: [3])
        let graph = b.graph(["act", "d"])
        #expect(try ActivationFusion().run(graph) == graph)
    }

    @Test("no fusion into a dense that already has an activation, or after a non-dense")
    func nothingToFuseInto() throws {
        var b = GraphBuilder()
        let x = b.input("x", [4])
        b.add("d", dense(4, 3, .relu), [x], shape: [3])
        b.add("act", .activation(.tanh), ["d"], shape: [3])
        b.add("act2", .activation(.sigmoid), ["act"], shape: [3])
        let graph = b.graph(["act2"])
        #expect(try ActivationFusion().run(graph) == graph)
    }

    @Test("the hlf network fuses all four activations")
    func hlf() throws {
        let graph = try ActivationFusion().run(.hlfDNN())
        #expect(graph.nodes.map(\.name) == ["hlf_input", "dense_1", "dense_2", "dense_3", "dense_4"])
        #expect(graph.outputs == ["dense_4"])
        guard case .dense(_, _, .softmax) = graph["dense_4"]?.op else {
            Issue.record("dense_4 should have softmax fused")
            return
        }
    }
}

@Suite("Softmax to argmax")
struct SoftmaxToArgmaxTests {
    @Test("a standalone final softmax becomes an argmax of the same name")
    func standalone() throws {
        var before = GraphBuilder()
        var x = before.input("x", [4])
        before.add("d", dense(4, 3), [x], shape: [3])
        before.add("act", .activation(.softmax), ["d"], shape: [3])

        var after = GraphBuilder()
        x = after.input("x", [4])
        after.add("d", dense(4, 3), [x], shape: [3])
        after.add("act", .argmax, ["d"], shape: [1])

        #expect(try SoftmaxToArgmax().run(before.graph(["act"])) == after.graph(["act"]))
    }

    @Test("a fused softmax becomes linear and a new argmax node is the output")
    func fused() throws {
        var before = GraphBuilder()
        var x = before.input("x", [4])
        before.add("d", dense(4, 3, .softmax), [x], shape: [3])

        var after = GraphBuilder()
        x = after.input("x", [4])
        after.add("d", dense(4, 3), [x], shape: [3])
        after.add("d_argmax", .argmax, ["d"], shape: [1])

        #expect(try SoftmaxToArgmax().run(before.graph(["d"])) == after.graph(["d_argmax"]))
    }

    @Test("a graph without a final softmax is an error")
    func noSoftmax() throws {
        var b = GraphBuilder()
        let x = b.input("x", [4])
        b.add("d", dense(4, 1, .sigmoid), [x], shape: [1])
        #expect(throws: SoftmaxToArgmaxError.noFinalSoftmax(graph: "test")) {
            try SoftmaxToArgmax().replace(b.graph(["d"]))
        }
    }

    @Test("a softmax over a sequence is an error")
    func notVector() throws {
        var b = GraphBuilder()
        let x = b.input("x", [2, 4])
        b.add("s", .activation(.softmax), [x], shape: [2, 4])
        #expect(throws: SoftmaxToArgmaxError.notVector(node: "s", shape: [2, 4])) {
            try SoftmaxToArgmax().replace(b.graph(["s"]))
        }
    }
}
