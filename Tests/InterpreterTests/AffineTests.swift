import FixedPoint
import GraphIR
import Interpreter
import Passes
import Testing

/// The `affine` op: `x·scale + offset` per feature over the last axis, in float and in fixed
/// point, and the old `<input>_scaling` dense form it replaces.
@Suite struct AffineTests {
    static let options = InterpreterOptions(threads: 2, blockSize: 16)

    static func graph(scale: [Float], offset: [Float], shape: [Int]) -> Graph {
        Graph(name: "affine", nodes: [
            Node(name: "x", op: .input(shape: shape), shape: shape),
            Node(name: "a", op: .affine(scale: Tensor(shape: [scale.count], values: scale),
                                        offset: Tensor(shape: [offset.count], values: offset)),
                 inputs: ["x"], shape: shape),
        ], inputs: ["x"], outputs: ["a"])
    }

    @Test func floatIsScaleTimesXPlusOffsetPerFeature() throws {
        let (scale, offset) = (TestGraphs.values(3, limit: 2, seed: 1), TestGraphs.values(3, limit: 1, seed: 2))
        let batch = TestGraphs.batch(21, [2, 3])
        let got = try #require(try Interpreter(graph: Self.graph(scale: scale, offset: offset, shape: [2, 3]),
                                               options: Self.options).run(["x": batch])["a"]?.batch)
        #expect(got.values == batch.values.enumerated().map { i, x in x * scale[i % 3] + offset[i % 3] })
    }

    @Test(arguments: [
        ("<12,4> · <10,3,RND,SAT> + <10,5> into <16,6> → <12,4>", 12, 4, 10, 3, QuantizationMode.rnd, OverflowMode.sat, 16, 6),
        ("narrow WRAP accumulator", 12, 4, 8, 2, .trn, .wrap, 10, 3),
    ])
    func fixedFollowsTheSpec(_ label: String, xw: Int, xi: Int, ww: Int, wi: Int, q: QuantizationMode, o: OverflowMode,
                             aw: Int, ai: Int) throws {
        let X = try TestGraphs.format(xw, xi)
        let W = try TestGraphs.format(ww, wi, q, o)
        let B = try TestGraphs.format(10, 5)
        let A = try TestGraphs.format(aw, ai)
        let R = try TestGraphs.format(12, 4)
        var graph = Self.graph(scale: TestGraphs.values(3, limit: 3, seed: 3), offset: TestGraphs.values(3, limit: 2, seed: 4),
                               shape: [2, 3])
        graph.nodes[0].precision = LayerPrecision(result: X)
        graph.nodes[1].precision = LayerPrecision(result: R, weight: W, bias: B, accumulator: A)
        graph = try ConstantQuantization().quantize(graph)
        try graph.verify()
        guard case let .affine(scale, offset) = graph.nodes[1].op, let s = scale.codes?.raw, let t = offset.codes?.raw else {
            Issue.record("no codes")
            return
        }
        let batch = TestGraphs.batch(37, [2, 3], limit: 8)
        let got = try #require(try Interpreter(graph: graph, options: Self.options).run(["x": batch])["a"]?.fixed)
        let expected = batch.values.enumerated().map { i, value -> Int64 in
            let x = X.quantize(value)
            let c = i % 3
            let sum = A.convert(raw: s[c] * x, fractionalBits: W.fractionalBits + X.fractionalBits) + A.convert(raw: t[c], from: B)
            return R.convert(raw: A.convert(raw: sum, fractionalBits: A.fractionalBits), from: A)
        }
        #expect(got.raw == expected, "\(label)")
    }

    /// gru_input → masking → `gru_input_scaling` (the old diagonal dense) → GRU → dense.
    static func oldScaledGRU() -> Graph {
        var graph = Graph.particleGRU(timeSteps: 6, features: 4, units: 5, seed: 8)
        let f = 4
        var diagonal = [Float](repeating: 0, count: f * f)
        for i in 0..<f { diagonal[i * f + i] = [0.5, 2, -1.5, 0.25][i] }
        let scaling = Node(
            name: "gru_input_scaling",
            op: .dense(weights: Tensor(shape: [f, f], values: diagonal), bias: Tensor(shape: [f], values: [0.1, -0.2, 0, 0.3]),
                       activation: .linear),
            inputs: ["masking"], shape: [6, f])
        let index = graph.nodes.firstIndex { $0.name == "masking" }.map { $0 + 1 } ?? 2
        graph.nodes.insert(scaling, at: index)
        graph.nodes[index + 1].inputs = ["gru_input_scaling"]
        return graph
    }

    @Test func oldScalingDenseBecomesAffineWithTheSameResults() throws {
        let old = Self.oldScaledGRU()
        let converted = try ScalingToAffine().run(old)
        guard case let .affine(scale, offset)? = converted["gru_input_scaling"]?.op else {
            Issue.record("the scaling dense was not converted")
            return
        }
        #expect(scale.values == [0.5, 2, -1.5, 0.25] && offset.values == [0.1, -0.2, 0, 0.3])
        // Float: equal to rounding (a sum of zero products vs one product).
        let (batch, _) = TestGraphs.paddedSequences(count: 19, steps: 6, features: 4, seed: 9)
        let floatOld = try Interpreter(graph: try PassPipeline([ShapeInference()]).run(old)).run(["gru_input": batch])
        let floatNew = try Interpreter(graph: try PassPipeline(Pipelines.float).run(old)).run(["gru_input": batch])
        let (a, b) = (try #require(floatOld["activation"]?.batch.values), try #require(floatNew["dense"]?.batch.values))
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-6 })
        // Fixed: the same bits, the mask travelling through the affine node to the GRU.
        let withoutConversion = Pipelines.quantize().filter { $0.name != ScalingToAffine.name }
        let fixedOld = try Interpreter(graph: try PassPipeline(withoutConversion).run(old)).run(["gru_input": batch])
        let fixedNew = try Interpreter(graph: try PassPipeline(Pipelines.quantize()).run(old)).run(["gru_input": batch])
        #expect(fixedOld["dense"]?.fixed == fixedNew["dense"]?.fixed)
        #expect(fixedOld["dense"]?.fixed != nil)
    }

    @Test func otherDenseNodesStay() throws {
        var graph = Self.oldScaledGRU()
        graph.nodes[2].name = "scaler"
        graph.nodes[3].inputs = ["scaler"]
        #expect(try ScalingToAffine().run(graph) == graph)
        var offDiagonal = Self.oldScaledGRU()
        offDiagonal.nodes[2].op = .dense(weights: Tensor(shape: [4, 4], values: [Float](repeating: 1, count: 16)),
                                         bias: Tensor(zeros: [4]), activation: .linear)
        #expect(try ScalingToAffine().run(offDiagonal) == offDiagonal)
    }
}
