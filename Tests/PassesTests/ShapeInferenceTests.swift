import FixedPoint
import GraphIR
import Passes
import Testing

@Suite("Shape inference")
struct ShapeInferenceTests {
    @Test("the example networks get back the shapes their builders set", arguments: examples)
    func exampleShapes(graph: Graph) throws {
        let inferred = try ShapeInference().run(withoutShapes(graph))
        #expect(inferred == graph)
    }

    @Test("shapes of the full-size examples")
    func fullSizeShapes() throws {
        let hlf = try ShapeInference().run(withoutShapes(.hlfDNN()))
        #expect(hlf.nodes.map { $0.shape ?? [] } == [[14], [50], [50], [20], [20], [10], [10], [3], [3]])
        let gru = try ShapeInference().run(withoutShapes(.particleGRU()))
        #expect(gru["masking"]?.shape == [801, 19])
        #expect(gru["gru"]?.shape == [50])
        let inclusive = try ShapeInference().run(withoutShapes(.inclusive()))
        #expect(inclusive["concatenate"]?.shape == [64])
        #expect(inclusive["activation_2"]?.shape == [3])
    }

    @Test("flatten, argmax, concatenate on axis 0, dense on a sequence")
    func otherRules() throws {
        var b = GraphBuilder()
        let x = b.input("x", [4, 3])
        let y = b.input("y", [2, 3])
        b.add("joined", .concatenate(axis: 0), [x, y])
        b.add("flat", .flatten, ["joined"])
        b.add("perStep", dense(3, 5), [x])
        b.add("decision", .argmax, ["flat"])
        let graph = try ShapeInference().run(b.graph(["decision", "perStep"]))
        #expect(graph["joined"]?.shape == [6, 3])
        #expect(graph["flat"]?.shape == [18])
        #expect(graph["perStep"]?.shape == [4, 5])
        #expect(graph["decision"]?.shape == [1])
    }

    static let failures: [(Graph, ShapeInferenceError)] = {
        var cases: [(Graph, ShapeInferenceError)] = []
        var b = GraphBuilder()
        var x = b.input("x", [4])
        b.add("d", dense(5, 2), [x])
        cases.append((b.graph(["d"]), .featureMismatch(node: "d", op: "dense", input: "x", features: 4, expected: 5)))

        b = GraphBuilder()
        x = b.input("x", [4])
        b.add("g", gru(features: 4, units: 2), [x])
        cases.append(
            (b.graph(["g"]), .wrongRank(node: "g", op: "gru", input: "x", shape: [4], expected: "a [time, features]")))

        b = GraphBuilder()
        x = b.input("x", [7, 3])
        b.add("g", gru(features: 4, units: 2), [x])
        cases.append((b.graph(["g"]), .featureMismatch(node: "g", op: "gru", input: "x", features: 3, expected: 4)))

        b = GraphBuilder()
        x = b.input("x", [4, 3])
        var y = b.input("y", [2, 2])
        b.add("c", .concatenate(axis: 0), [x, y])
        cases.append(
            (b.graph(["c"]), .concatenateMismatch(node: "c", axis: 0, input: "y", shape: [2, 2], first: "x", firstShape: [4, 3])))

        b = GraphBuilder()
        x = b.input("x", [4])
        y = b.input("y", [2])
        b.add("c", .concatenate(axis: 1), [x, y])
        cases.append((b.graph(["c"]), .axisOutOfRange(node: "c", axis: 1, rank: 1)))

        b = GraphBuilder()
        x = b.input("x", [3])
        let bad = Op.dense(
            weights: Tensor(shape: [3, 2], values: [Float](repeating: 0, count: 6)),
            bias: Tensor(shape: [3], values: [0, 0, 0]), activation: .linear)
        b.add("d", bad, [x])
        cases.append((b.graph(["d"]), .tensorShape(node: "d", tensor: "bias", shape: [3], expected: "[2]")))

        b = GraphBuilder()
        x = b.input("x", [3])
        b.add("m", .masking(value: 0), [x])
        cases.append(
            (b.graph(["m"]), .wrongRank(node: "m", op: "masking", input: "x", shape: [3], expected: "a [time, features]")))
        return cases
    }()

    @Test("mismatches name the node and the mismatch", arguments: failures)
    func failure(graph: Graph, expected: ShapeInferenceError) throws {
        let error = try #require(throws: ShapeInferenceError.self) { try ShapeInference().infer(graph) }
        #expect(error == expected)
        #expect(error.description.contains("'\(graph.outputs[0])'"))
    }

    @Test("error messages are one sentence")
    func messages() {
        let error = ShapeInferenceError.featureMismatch(node: "dense_2", op: "dense", input: "dense_1", features: 50, expected: 40)
        #expect(
            error.description
                == "node 'dense_2': dense weights expect 40 input features but its input 'dense_1' gives 50.")
    }
}
