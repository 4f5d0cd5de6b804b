import FixedPoint
import GraphIR
@testable import Passes
import Testing

@Suite("Precision assignment")
struct PrecisionAssignmentTests {
    let d = FixedFormat.apFixed16_6

    /// x [4] → dense 3 (tanh fused) → relu → dense 2 (softmax fused); and a leaky ReLU branch.
    func graph() -> Graph {
        var b = GraphBuilder()
        let x = b.input("x", [4])
        b.add("d1", dense(4, 3, .tanh), [x], shape: [3])
        b.add("r", .activation(.relu), ["d1"], shape: [3])
        b.add("d2", dense(3, 2, .softmax), ["r"], shape: [2])
        b.add("leaky", .activation(.leakyRelu(alpha: 0.1)), ["d1"], shape: [3])
        return b.graph(["d2", "leaky"])
    }

    @Test("every node gets the default formats it uses, and the tables it needs")
    func defaults() throws {
        let graph = try PrecisionAssignment().assign(graph())
        #expect(graph.isFixedPoint)
        #expect(graph["x"]?.precision == LayerPrecision(result: d))
        #expect(graph["r"]?.precision == LayerPrecision(result: d))
        #expect(graph["leaky"]?.precision == LayerPrecision(result: d, weight: d))
        let d1 = try #require(graph["d1"]?.precision)
        #expect(d1.weight == d && d1.bias == d && d1.accumulator == d && d1.result == d)
        #expect(d1.tables == [.activation: "tanh_1024_ap_fixed_16_6"])
        let tanh = try #require(graph.tables["tanh_1024_ap_fixed_16_6"])
        #expect(tanh.inputFormat == d)
        #expect(tanh.outputFormat == d.with(quantization: .rnd, overflow: .sat))
        #expect(tanh.lowerBound == -8 && tanh.upperBound == 8 && tanh.entries.count == 1024)

        let d2 = try #require(graph["d2"]?.precision)
        let exp = try #require(d2.tables[.exp].flatMap { graph.tables[$0] })
        let reciprocal = try #require(d2.tables[.reciprocal].flatMap { graph.tables[$0] })
        #expect(exp.inputFormat == format(17, 7))
        #expect(exp.lowerBound == -8 && exp.upperBound == 0 && exp.entries.count == 1024)
        #expect(exp.outputFormat == .expTableOutput)
        // Two classes: sums of two exp entries below 1 need one integer bit.
        #expect(reciprocal.inputFormat == format(19, 1, signed: false))
        #expect(reciprocal.lowerBound == 0 && reciprocal.upperBound == 2)
        #expect(reciprocal.outputFormat == .reciprocalTableOutput)
        #expect(d2.tables == [.exp: "exp_1024_ap_fixed_17_7", .reciprocal: "reciprocal_1024_ap_ufixed_19_1"])
        #expect(graph.tables.count == 3)
        #expect(throws: Never.self) { try graph.verify() }
    }

    @Test("identical tables are shared; different input formats give different tables")
    func sharing() throws {
        var b = GraphBuilder()
        let x = b.input("x", [4])
        b.add("t1", .activation(.tanh), [x], shape: [4])
        b.add("t2", .activation(.tanh), ["t1"], shape: [4])
        b.add("t3", .activation(.tanh), ["t2"], shape: [4])
        let options = PrecisionOptions(overrides: ["t2": LayerOverride(result: format(8, 3))])
        let graph = try PrecisionAssignment(options).assign(b.graph(["t3"]))
        #expect(graph["t1"]?.precision?.tables == [.activation: "tanh_1024_ap_fixed_16_6"])
        // t2 reads t1 (default format) but writes ap_fixed<8,3>: same input, other output.
        #expect(graph["t2"]?.precision?.tables == [.activation: "tanh_1024_ap_fixed_16_6_2"])
        // t3 reads ap_fixed<8,3> = [-4, 4) in steps of 1/32: the table is cut to 256 entries.
        let t3 = try #require(graph["t3"]?.precision?.tables[.activation])
        #expect(t3 == "tanh_256_ap_fixed_8_3")
        #expect(graph.tables[t3]?.lowerBound == -4)
        #expect(graph.tables[t3]?.step == 1.0 / 32)
        #expect(graph.tables.count == 3)
    }

    @Test("overrides replace exactly the formats they set")
    func overrides() throws {
        let narrow = format(8, 3)
        let wide = format(24, 8)
        let options = PrecisionOptions(
            defaultFormat: format(12, 4),
            overrides: [
                "d1": LayerOverride(weight: narrow, accumulator: wide),
                "r": LayerOverride(result: narrow, weight: wide),  // a relu has no weight: ignored
            ])
        let graph = try PrecisionAssignment(options).assign(graph())
        let d12_4 = format(12, 4)
        #expect(graph["d1"]?.precision?.weight == narrow)
        #expect(graph["d1"]?.precision?.bias == d12_4)
        #expect(graph["d1"]?.precision?.accumulator == wide)
        #expect(graph["d1"]?.precision?.result == d12_4)
        #expect(graph["r"]?.precision == LayerPrecision(result: narrow))
        // The tanh table reads the overridden accumulator.
        let table = try #require(graph["d1"]?.precision?.tables[.activation].flatMap { graph.tables[$0] })
        #expect(table.inputFormat == wide)
    }

    @Test("an override naming a missing node is an error")
    func unknownOverride() {
        let options = PrecisionOptions(overrides: ["activation_7": LayerOverride(result: format(8, 3))])
        #expect(throws: PrecisionError.unknownOverride(node: "activation_7", graph: "test")) {
            try PrecisionAssignment(options).assign(graph())
        }
    }

    @Test("a node without a shape is an error")
    func missingShape() {
        #expect(throws: PrecisionError.missingShape(node: "d1")) {
            try PrecisionAssignment().assign(withoutShapes(graph()))
        }
    }

    @Test("GRU: weight, bias, accumulator and both tables reading the accumulator")
    func gruPrecision() throws {
        var b = GraphBuilder()
        let x = b.input("x", [5, 3])
        b.add("g", gru(features: 3, units: 2), [x], shape: [2])
        let graph = try PrecisionAssignment().assign(b.graph(["g"]))
        let p = try #require(graph["g"]?.precision)
        #expect(p.weight == d && p.bias == d && p.accumulator == d)
        #expect(p.tables[.activation] == "tanh_1024_ap_fixed_16_6")
        #expect(p.tables[.recurrentActivation] == "sigmoid_1024_ap_fixed_16_6")
    }

    @Test("hard sigmoid uses weight and bias; argmax an unsigned integer format")
    func arithmeticActivations() throws {
        var b = GraphBuilder()
        let x = b.input("x", [5])
        b.add("h", .activation(.hardSigmoid(slope: 0.2, offset: 0.5)), [x], shape: [5])
        b.add("a", .argmax, ["h"], shape: [1])
        let graph = try PrecisionAssignment().assign(b.graph(["a"]))
        #expect(graph["h"]?.precision == LayerPrecision(result: d, weight: d, bias: d))
        #expect(graph["a"]?.precision == LayerPrecision(result: format(3, 3, signed: false)))
        #expect(PrecisionAssignment.argmaxFormat(classes: 1) == format(1, 1, signed: false))
        #expect(PrecisionAssignment.argmaxFormat(classes: 2) == format(1, 1, signed: false))
        #expect(PrecisionAssignment.argmaxFormat(classes: 9) == format(4, 4, signed: false))
        let tooSmall = PrecisionOptions(overrides: ["a": LayerOverride(result: format(4, 2))])
        #expect(throws: PrecisionError.argmaxFormatTooSmall(node: "a", classes: 5, format: format(4, 2))) {
            try PrecisionAssignment(tooSmall).assign(b.graph(["a"]))
        }
    }

    @Test("softmax to argmax after quantization drops the softmax tables")
    func argmaxAfterQuantization() throws {
        let quantized = try PassPipeline([ShapeInference(), ActivationFusion(), PrecisionAssignment()]).run(.hlfDNN())
        let decided = try SoftmaxToArgmax().run(quantized)
        #expect(decided.isFixedPoint)
        #expect(decided["dense_4_argmax"]?.precision == LayerPrecision(result: format(2, 2, signed: false)))
        #expect(decided["dense_4"]?.precision?.tables == [:])
        #expect(decided.tables.isEmpty)
        #expect(throws: Never.self) { try decided.verify() }
    }
}
