import FixedPoint
import Foundation
import Testing
@testable import GraphIR

/// Constants stored as raw codes, and the `affine` op: text, sidecar, verifier.
struct CodesTests {
    /// `TestGraphs.quantized` with its dense constants as codes, plus an affine node of codes
    /// in a 40-bit bias format (codes above 32 bits exercise the sidecar's high word).
    static var coded: Graph {
        var graph = TestGraphs.quantized
        let wide = TestGraphs.format(40, 20)
        graph.edit("dense_1") { node in
            guard case let .dense(weights, bias, activation) = node.op, let p = node.precision,
                  let w = p.weight, let b = p.bias else { return }
            node.op = .dense(weights: weights.quantized(to: w), bias: bias.quantized(to: b), activation: activation)
        }
        let scale = Tensor(shape: [3], codes: [-128, 0, 127], format: TestGraphs.format(8, 2))
        let offset = Tensor(shape: [3], codes: [-(1 << 39), 5_000_000_000, (1 << 39) - 1], format: wide)
        let affine = Node(
            name: "scaled", op: .affine(scale: scale, offset: offset), inputs: ["dense_1"], shape: [3],
            precision: LayerPrecision(result: TestGraphs.format(16, 6), weight: TestGraphs.format(8, 2), bias: wide,
                                      accumulator: TestGraphs.format(48, 24)))
        graph.nodes.insert(affine, at: 2)
        graph.nodes[3].inputs = ["scaled"]
        return graph
    }

    @Test func codesRoundTripInline() throws {
        let graph = Self.coded
        try graph.verify()
        let text = graph.printed()
        #expect(text.contains("weights=[4, 3] ap_fixed<8,2,AP_RND,AP_SAT>{"))
        #expect(text.contains("offset=[3] ap_fixed<40,20>{-549755813888, 5000000000, 549755813887}"))
        let back = try Graph.parse(text)
        #expect(back == graph)
        #expect(back.printed() == text)
        guard case let .dense(weights, _, _)? = back["dense_1"]?.op else { Issue.record("no dense"); return }
        #expect(weights.codes?.format == TestGraphs.format(8, 2, .rnd, .sat))
    }

    @Test func codesRoundTripThroughTheSidecar() throws {
        let graph = Self.coded
        let document = graph.textFormat(weights: .sidecar(fileName: "w.bin"))
        // 12 weights and 3 bias codes, 3 + 3 affine codes: two words each.
        #expect(document.sidecar.count == (12 + 3 + 3 + 3) * 8)
        #expect(document.text.contains("weights=[4, 3] ap_fixed<8,2,AP_RND,AP_SAT>@\"w.bin\"[0..24]"))
        let back = try Graph.parse(document.text) { _ in document.sidecar }
        #expect(back == graph)
        #expect(back.textFormat(weights: .sidecar(fileName: "w.bin")) == document)
    }

    @Test func floatAndCodeTensorsShareOneSidecar() throws {
        var graph = Graph.hlfDNN()
        graph.edit("dense_1") { node in
            guard case let .dense(weights, bias, activation) = node.op else { return }
            node.op = .dense(weights: weights, bias: bias.quantized(to: TestGraphs.format(16, 6)), activation: activation)
        }
        let document = graph.textFormat(weights: .sidecar(fileName: "m.bin"))
        #expect(document.text.contains("weights=[14, 50]@\"m.bin\"[0..700] bias=[50] ap_fixed<16,6>@\"m.bin\"[700..800]"))
        #expect(try Graph.parse(document.text) { _ in document.sidecar } == graph)
    }

    @Test(arguments: [
        ("{1, 300, 2}", 3, "the code 300 of weights is outside ap_fixed<8,2>, which holds -128...127"),
        ("{1, 0.5, 2}", 3, "expected a whole number for the code of weights in ap_fixed<8,2>, found '0.5'"),
        ("{1, 2", 3, "expected ',' or '}' between the codes of weights, found 'bias'"),
        ("[0..3]", 3, "expected '{' or '@' after the codes' type ap_fixed<8,2> of weights, found '['"),
    ])
    func malformedCodesNameTheLine(values: String, line: Int, message: String) {
        let text = "graph \"g\"\ninput x: [3] ap_fixed<16,6>\nd = dense(x) activation=linear weights=[3, 1] ap_fixed<8,2>\(values)"
            + " bias=[1] ap_fixed<8,2>{0} : [1] ap_fixed<16,6> {weight=ap_fixed<8,2>, bias=ap_fixed<8,2>, accumulator=ap_fixed<16,6>}\n"
        do {
            _ = try Graph.parse(text, fileName: "m.ir")
            Issue.record("parsed: \(values)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(message), "\(error)")
            #expect("\(error)".hasPrefix("m.ir:\(line):"))
        }
    }

    @Test func sidecarCodesMustBeWholeAndInRange() {
        let head = "graph \"g\"\ninput x: [1] ap_fixed<16,6>\nd = dense(x) activation=linear weights=[1, 1] ap_fixed<8,2>@\"w.bin\""
        let tail = " bias=[1] ap_fixed<8,2>{0} : [1] ap_fixed<16,6> {weight=ap_fixed<8,2>, bias=ap_fixed<8,2>, accumulator=ap_fixed<16,6>}\n"
        let bytes: [UInt8] = [0x2c, 0x01, 0, 0, 0, 0, 0, 0]  // the code 300, two words
        #expect { _ = try Graph.parse(head + "[0..1]" + tail, fileName: "m.ir") { _ in bytes } } throws: { error in
            "\(error)".hasPrefix("m.ir:3:") && "\(error)".contains("take two words each but the sidecar range holds 1")
        }
        #expect { _ = try Graph.parse(head + "[0..2]" + tail, fileName: "m.ir") { _ in bytes } } throws: { error in
            "\(error)".hasPrefix("m.ir:3:") && "\(error)".contains("code 0 of weights is 300, which ap_fixed<8,2> cannot hold")
        }
    }

    @Test func verifierRefusesACodeOutOfRange() {
        var graph = Self.coded
        graph.edit("dense_1") { node in
            guard case let .dense(weights, bias, activation) = node.op, let (raw, format) = weights.codes else { return }
            var bad = raw
            bad[1] = 300
            node.op = .dense(weights: Tensor(shape: weights.shape, codes: bad, format: format), bias: bias, activation: activation)
        }
        let errors = graph.verificationErrors()
        #expect(errors.map(\.check) == ["codes-in-range"])
        #expect(errors.first?.message == "node 'dense_1': weights code 1 is 300, which ap_fixed<8,2,AP_RND,AP_SAT> cannot hold")
    }

    @Test func verifierRefusesCodesOfAnotherFormat() {
        var graph = Self.coded
        graph.edit("dense_1") { node in
            guard case let .dense(weights, bias, activation) = node.op else { return }
            node.op = .dense(weights: weights.quantized(to: TestGraphs.format(8, 2)), bias: bias, activation: activation)
        }
        #expect(graph.verificationErrors().map(\.message)
            == ["node 'dense_1': weights holds codes of ap_fixed<8,2> but the node's weight format is ap_fixed<8,2,AP_RND,AP_SAT>"])
    }

    @Test func verifierRefusesCodesInAFloatGraphAndInBatchNormalization() {
        var graph = Graph.hlfDNN()
        graph.edit("dense_2") { node in
            guard case let .dense(weights, bias, activation) = node.op else { return }
            node.op = .dense(weights: weights.quantized(to: TestGraphs.format(16, 6)), bias: bias, activation: activation)
        }
        #expect(graph.verificationErrors().map(\.message)
            == ["node 'dense_2': weights holds codes of ap_fixed<16,6> but the node computes in float32"])
        let f = TestGraphs.format(16, 6)
        let bn = BatchNormAttributes(
            gamma: Tensor(shape: [2], codes: [64, 64], format: f), beta: Tensor(zeros: [2]), mean: Tensor(zeros: [2]),
            variance: Tensor(shape: [2], values: [1, 1]), epsilon: 0)
        let fixed = Graph(name: "bn", nodes: [
            Node(name: "x", op: .input(shape: [2]), shape: [2], precision: LayerPrecision(result: f)),
            Node(name: "bn", op: .batchNormalization(bn), inputs: ["x"], shape: [2],
                 precision: LayerPrecision(result: f, weight: f, bias: f, accumulator: f)),
        ], inputs: ["x"], outputs: ["bn"])
        #expect(fixed.verificationErrors().map(\.message)
            == ["node 'bn': gamma holds codes but batch_normalization keeps it as float values"])
    }

    @Test func quantizedConvertsFloatsOnceAndCodesExactly() {
        let f = TestGraphs.format(8, 4, .rnd, .sat)
        let t = Tensor(shape: [4], values: [0.03, -0.5, 100, -100])
        let q = t.quantized(to: f)
        #expect(q.codes?.raw == [0, -8, 127, -128])
        #expect(q.quantized(to: f) == q)
        #expect(q.values == [0, -0.5, 7.9375, -8])
        #expect(q.quantized(to: TestGraphs.format(6, 4)).codes?.raw == [0, -2, 31, -32])
    }
}

/// The `affine` op: shape rule, verifier, text.
struct AffineOpTests {
    static func graph(scale: [Float], offset: [Float], input: [Int] = [3]) -> Graph {
        Graph(name: "affine", nodes: [
            Node(name: "x", op: .input(shape: input), shape: input),
            Node(name: "a", op: .affine(scale: Tensor(shape: [scale.count], values: scale),
                                        offset: Tensor(shape: [offset.count], values: offset)),
                 inputs: ["x"], shape: input),
        ], inputs: ["x"], outputs: ["a"])
    }

    @Test func shapeRuleKeepsTheInputShape() {
        let op = Op.affine(scale: Tensor(zeros: [3]), offset: Tensor(zeros: [3]))
        #expect(op.outputShape(inputShapes: [[5, 3]]) == [5, 3])
        #expect(op.outputShape(inputShapes: [[3], [3]]) == nil)
        #expect(op.keyword == "affine" && op.arity == 1)
    }

    @Test func textRoundTrip() throws {
        let graph = Self.graph(scale: [0.5, -2, 1e-3], offset: [0.25, 0, -1])
        try graph.verify()
        let text = graph.printed()
        #expect(text.contains("a = affine(x) scale=[3]{0.5, -2.0, 0.001} offset=[3]{0.25, 0.0, -1.0} : [3] float32"))
        #expect(try Graph.parse(text) == graph)
    }

    @Test(arguments: [
        (AffineOpTests.graph(scale: [1, 2], offset: [0, 0]), "node 'a': scale is [2] but its input 'x' is [3]"),
        (AffineOpTests.graph(scale: [1, 2, 3], offset: [0, 0]), "node 'a': scale is [3] but offset is [2]"),
    ])
    func verifierChecksShapes(graph: Graph, message: String) {
        let errors = graph.verificationErrors().filter { $0.check == "affine-shapes" }
        #expect(errors.map(\.message) == [message])
    }

    @Test func batchNormalizationScaleAndShiftFollowKeras() {
        let bn = BatchNormAttributes(
            gamma: Tensor(shape: [2], values: [2, 0.5]), beta: Tensor(shape: [2], values: [1, -1]),
            mean: Tensor(shape: [2], values: [3, 0]), variance: Tensor(shape: [2], values: [3.75, 0]), epsilon: 0.25)
        let (scale, shift) = bn.scaleAndShift()
        #expect(scale == [1, 1])
        #expect(shift == [-2, -1])
    }
}
