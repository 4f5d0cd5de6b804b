import FixedPoint
import GraphIR
import Testing
@testable import Passes

/// `constant-quantization` as a before graph and an expected after graph; the `affine` op in
/// shape inference and precision assignment; `scaling-to-affine`.
@Suite struct ConstantQuantizationTests {
    static func format(_ text: String) throws -> FixedFormat { try FixedFormat(parsing: text) }

    @Test("weights and biases become codes of the node's formats; float nodes stay")
    func beforeAndAfter() throws {
        let w = try Self.format("ap_fixed<8,3,AP_RND,AP_SAT>")
        let b = try Self.format("ap_fixed<6,2>")
        let r = try Self.format("ap_fixed<16,6>")
        var builder = GraphBuilder()
        let x = builder.input("x", [2])
        builder.add("d", .dense(weights: Tensor(shape: [2, 2], values: [0.3, -0.7, 100, -0.05]),
                                bias: Tensor(shape: [2], values: [0.26, -0.1]), activation: .relu), [x], shape: [2])
        var before = builder.graph(["d"])
        before.nodes[0].precision = LayerPrecision(result: r)
        before.nodes[1].precision = LayerPrecision(result: r, weight: w, bias: b, accumulator: r)
        var expected = before
        // <8,3> RND SAT (F = 5): 0.3·32 = 9.6 → 10, -22.4 → -22, 3200 → 127, -1.6 → -2;
        // <6,2> TRN (F = 4): 4.16 → 4, -1.6 → -2.
        expected.nodes[1].op = .dense(weights: Tensor(shape: [2, 2], codes: [10, -22, 127, -2], format: w),
                                      bias: Tensor(shape: [2], codes: [4, -2], format: b), activation: .relu)
        let after = try ConstantQuantization().quantize(before)
        #expect(after == expected)
        try after.verify()
        #expect(try ConstantQuantization().quantize(after) == after)
        #expect(!ConstantQuantization.needed(after) && ConstantQuantization.needed(before))
        let float = builder.graph(["d"])
        #expect(try ConstantQuantization().quantize(float) == float)
    }

    @Test("a fixed-point batch normalization becomes affine codes of its scale and shift")
    func batchNormalizationBecomesAffine() throws {
        let f = try Self.format("ap_fixed<16,6>")
        var builder = GraphBuilder()
        let x = builder.input("x", [2])
        let bn = BatchNormAttributes(
            gamma: Tensor(shape: [2], values: [2, 1]), beta: Tensor(shape: [2], values: [0.5, 0]),
            mean: Tensor(shape: [2], values: [1, -1]), variance: Tensor(shape: [2], values: [3.75, 0.75]), epsilon: 0.25)
        builder.add("bn", .batchNormalization(bn), [x], shape: [2])
        let graph = try PassPipeline(Pipelines.quantize(PrecisionOptions(defaultFormat: f))).run(builder.graph(["bn"]))
        // scale = gamma/sqrt(var+eps) = [1, 1], shift = beta - mean·scale = [-0.5, 1]; F = 10.
        let expected = Op.affine(scale: Tensor(shape: [2], codes: [1024, 1024], format: f),
                                 offset: Tensor(shape: [2], codes: [-512, 1024], format: f))
        #expect(graph["bn"]?.op == expected)
        #expect(graph["bn"]?.precision?.accumulator == f)
    }

    @Test("a node without the format its constants need is an error naming it")
    func missingFormat() throws {
        var builder = GraphBuilder()
        let x = builder.input("x", [2])
        builder.add("d", dense(2, 2), [x], shape: [2])
        var graph = builder.graph(["d"])
        let f = try Self.format("ap_fixed<16,6>")
        graph.nodes[0].precision = LayerPrecision(result: f)
        graph.nodes[1].precision = LayerPrecision(result: f, bias: f, accumulator: f)
        #expect(throws: ConstantQuantizationError.missingFormat(node: "d", op: "dense", role: .weight)) {
            _ = try ConstantQuantization().quantize(graph)
        }
        #expect("\(ConstantQuantizationError.missingFormat(node: "d", op: "dense", role: .weight))"
            == "dense node 'd' has no weight format to quantize its constants to.")
    }

    @Test("affine: shapes, the formats of a batch normalization, an exact accumulator")
    func affinePrecision() throws {
        var builder = GraphBuilder()
        let x = builder.input("x", [3])
        builder.add("a", .affine(scale: Tensor(shape: [3], values: [1, -0.5, 0.25]),
                                 offset: Tensor(shape: [3], values: [0, 0.125, -1])), [x])
        var options = PrecisionOptions(defaultFormat: try Self.format("ap_fixed<16,6>"))
        options.exactAccumulators = true
        let graph = try PassPipeline(Pipelines.quantize(options)).run(builder.graph(["a"]))
        #expect(graph["a"]?.shape == [3])
        let p = try #require(graph["a"]?.precision)
        #expect(p.weight == options.defaultFormat && p.bias == options.defaultFormat)
        // F_A = 10 + 10; M = max_j |s_j|·32 + |o_j| = 32 → 2^25 in units of 2^-20 needs 26 bits, + sign.
        #expect(p.accumulator == (try Self.format("ap_fixed<27,7>")))
        var wrong = builder.graph(["a"])
        wrong.nodes[1].op = .affine(scale: Tensor(shape: [2], values: [1, 1]), offset: Tensor(shape: [2], values: [0, 0]))
        #expect(throws: (any Error).self) { _ = try ShapeInference().run(wrong) }
    }

    @Test("quantizing a quantized graph again starts from its codes' values")
    func requantizesFromCodes() throws {
        let once = try PassPipeline(Pipelines.quantize()).run(Graph.hlfDNN())
        #expect(try PassPipeline(Pipelines.quantize()).run(once) == once)
        let narrow = PrecisionOptions(defaultFormat: try Self.format("ap_fixed<8,3>"))
        let again = try PassPipeline(Pipelines.quantize(narrow)).run(once)
        guard case let .dense(w1, _, _)? = once["dense_1"]?.op, case let .dense(w2, _, _)? = again["dense_1"]?.op else {
            Issue.record("no dense_1")
            return
        }
        #expect(w2.codes?.raw == w1.values.map { narrow.defaultFormat.quantize($0) })
    }

    @Test("scaling-to-affine converts only a linear diagonal dense named <input>_scaling")
    func scalingToAffine() throws {
        var builder = GraphBuilder()
        let x = builder.input("x", [2])
        builder.add("x_scaling", .dense(weights: Tensor(shape: [2, 2], values: [2, 0, 0, -3]),
                                        bias: Tensor(shape: [2], values: [1, 0.5]), activation: .linear), [x], shape: [2])
        builder.add("d", dense(2, 1), ["x_scaling"], shape: [1])
        let before = builder.graph(["d"])
        var expected = before
        expected.nodes[1].op = .affine(scale: Tensor(shape: [2], values: [2, -3]), offset: Tensor(shape: [2], values: [1, 0.5]))
        #expect(try ScalingToAffine().run(before) == expected)
        var relu = before
        relu.nodes[1].op = .dense(weights: Tensor(shape: [2, 2], values: [2, 0, 0, -3]),
                                  bias: Tensor(shape: [2], values: [1, 0.5]), activation: .relu)
        #expect(try ScalingToAffine().run(relu) == relu)
    }
}
