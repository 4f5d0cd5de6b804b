import FixedPoint
import GraphIR
import Interpreter
import Passes
import Testing

/// Whole models in fixed point against the reference: the inclusive-shaped two-input model,
/// batch normalization, and the HLF DNN quantized by the real pipeline.
@Suite struct FixedModelTests {
    static let options = InterpreterOptions(threads: 2, blockSize: 16)

    func codes(_ batch: Batch, _ f: FixedFormat) -> [[Int64]] {
        (0..<batch.count).map { batch.event($0).map { f.quantize($0) } }
    }

    @Test(arguments: [true, false])
    func inclusiveTwoInputModelMatchesReference(resetAfter: Bool) throws {
        let f = { (w: Int, i: Int) throws in try TestGraphs.format(w, i) }
        let (steps, features, units, hlf) = (4, 3, 4, 5)
        let acc = try f(20, 8)
        let p = LayerPrecision(result: try f(16, 6), weight: try f(12, 3), bias: try f(12, 3), accumulator: acc,
                               tables: TestGraphs.tableRoles)
        var graph = TestGraphs.quantized(
            TestGraphs.inclusive(steps: steps, features: features, units: units, hlf: hlf, resetAfter: resetAfter),
            p, tables: try TestGraphs.tables(input: acc))
        // Different formats along the way, so every conversion shows.
        let (sx, hx, dropped) = (try f(10, 3), try f(14, 5), try f(12, 4))
        graph.nodes[0].precision = LayerPrecision(result: sx)
        graph.nodes[1].precision = LayerPrecision(result: hx)
        graph.nodes[2].precision = LayerPrecision(result: sx)
        graph.nodes[4].precision = LayerPrecision(result: dropped)
        graph.nodes[6].precision = LayerPrecision(result: try f(11, 4))
        let (sequences, _) = TestGraphs.paddedSequences(count: 27, steps: steps, features: features, seed: 13)
        let hlfBatch = TestGraphs.batch(27, [hlf], limit: 4, seed: 14)
        let got = try #require(try Interpreter(graph: try coded(graph), options: Self.options)
            .run(["seq": sequences, "hlf": hlfBatch])["d2"]?.fixed)

        guard case let .gru(a) = graph.nodes[3].op, case let .dense(w1, b1, _) = graph.nodes[7].op,
              case let .dense(w2, b2, _) = graph.nodes[8].op else { return }
        let ref = FixedReference(tables: graph.tables)
        let catFormat = try f(11, 4)
        var expected: [Int64] = []
        for (s, x) in zip(codes(sequences, sx), codes(hlfBatch, hx)) {
            let sequence = (0..<steps).map { Array(s[$0 * features ..< ($0 + 1) * features]) }
            let h = ref.gru(sequence, X: sx, maskCode: 0, a, p)  // masking keeps sx → sx
            let d1 = h.map { dropped.convert(raw: $0, from: p.result) }
            let d2 = x.map { p.result.convert(raw: $0, from: hx) }
            let cat = d1.map { catFormat.convert(raw: $0, from: dropped) }
                + d2.map { catFormat.convert(raw: $0, from: p.result) }
            let y1 = ref.activation(.relu, ref.dense(cat, xBits: catFormat.fractionalBits, w1, b1, p),
                                    vBits: acc.fractionalBits, p)
            expected += ref.activation(.softmax, ref.dense(y1, xBits: p.result.fractionalBits, w2, b2, p),
                                       vBits: acc.fractionalBits, p)
        }
        #expect(got.raw == expected)
    }

    @Test func batchNormalizationMatchesReference() throws {
        let bn = BatchNormAttributes(
            gamma: TestGraphs.tensor([4], limit: 2, seed: 1), beta: TestGraphs.tensor([4], limit: 1, seed: 2),
            mean: TestGraphs.tensor([4], limit: 1, seed: 3),
            variance: Tensor(shape: [4], values: [0.5, 1.5, 2, 0.1]), epsilon: 1e-3)
        let x = try TestGraphs.format(12, 4)
        let (W, B, A, R) = (try TestGraphs.format(10, 3, .rnd), try TestGraphs.format(10, 4),
                            try TestGraphs.format(16, 6, .trn, .sat), try TestGraphs.format(10, 4, .rnd, .sat))
        let graph = Graph(name: "bn", nodes: [
            Node(name: "x", op: .input(shape: [2, 4]), shape: [2, 4], precision: LayerPrecision(result: x)),
            Node(name: "bn", op: .batchNormalization(bn), inputs: ["x"], shape: [2, 4],
                 precision: LayerPrecision(result: R, weight: W, bias: B, accumulator: A)),
        ], inputs: ["x"], outputs: ["bn"])
        let batch = TestGraphs.batch(13, [2, 4], limit: 5)
        let got = try #require(try Interpreter(graph: try coded(graph), options: Self.options).run(["x": batch])["bn"]?.fixed)
        var expected: [Int64] = []
        for event in codes(batch, x) {
            for (i, v) in event.enumerated() {
                let c = i % 4
                let scale = Double(bn.gamma.values[c])
                    / (Double(bn.variance.values[c]) + Double(bn.epsilon)).squareRoot()
                let shift = Double(bn.beta.values[c]) - Double(bn.mean.values[c]) * scale
                let product = A.convert(raw: W.quantize(scale) * v, fractionalBits: W.fractionalBits + x.fractionalBits)
                let s = product + A.convert(raw: B.quantize(shift), from: B)
                expected.append(R.convert(raw: A.convert(raw: s, fractionalBits: A.fractionalBits), from: A))
            }
        }
        #expect(got.raw == expected)
    }

    /// The HLF DNN quantized by the real pipeline (fusion, ap_fixed<16,6>, tables from
    /// `ActivationTable.make`), against the reference; and its trace agrees with its run.
    @Test func quantizedHLFDNNMatchesReference() throws {
        let graph = try PassPipeline(Pipelines.quantize()).run(Graph.hlfDNN(seed: 3))
        #expect(graph.isFixedPoint)
        let batch = TestGraphs.batch(45, [14], limit: 4)
        let interpreter = try Interpreter(graph: try coded(graph), options: Self.options)
        let run = try interpreter.run(["hlf_input": batch])
        let trace = try interpreter.trace(["hlf_input": batch])
        #expect(trace.count == graph.nodes.count)
        let output = try #require(graph.outputs.first)
        let got = try #require(run[output]?.fixed)
        #expect(trace[output]?.fixed == got)

        let ref = FixedReference(tables: graph.tables)
        let inputFormat = try #require(graph.nodes[0].precision?.result)
        var expected: [Int64] = []
        for event in codes(batch, inputFormat) {
            var x = event
            var bits = inputFormat.fractionalBits
            for node in graph.nodes.dropFirst() {
                guard case let .dense(w, b, activation) = node.op, let p = node.precision else {
                    Issue.record("unexpected node \(node.name) after fusion")
                    return
                }
                x = ref.activation(activation, ref.dense(x, xBits: bits, w, b, p),
                                   vBits: p.accumulator!.fractionalBits, p)
                bits = p.result.fractionalBits
                #expect(trace[node.name]?.fixed?.format == p.result)
            }
            expected += x
        }
        #expect(got.raw == expected)
    }
}
