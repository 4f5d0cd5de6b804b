import FixedPoint
import GraphIR
import Interpreter
import Testing

/// A named set of formats for one test case.
struct FormatCase: CustomTestStringConvertible, Sendable {
    let name: String
    let input: FixedFormat
    let precision: LayerPrecision
    var testDescription: String { name }

    static func all() throws -> [FormatCase] {
        func f(_ w: Int, _ i: Int, _ q: QuantizationMode = .trn, _ o: OverflowMode = .wrap, signed: Bool = true) throws
            -> FixedFormat
        {
            try TestGraphs.format(w, i, q, o, signed: signed)
        }
        let roles = TestGraphs.tableRoles
        func uniform(_ name: String, _ x: FixedFormat) -> FormatCase {
            FormatCase(name: name, input: x,
                       precision: LayerPrecision(result: x, weight: x, bias: x, accumulator: x, tables: roles))
        }
        return [
            uniform("<16,6>", try f(16, 6, .trn, .wrap)),
            uniform("<10,4>", try f(10, 4, .trn, .wrap)),
            uniform("<18,8>", try f(18, 8, .trn, .wrap)),
            uniform("<12,3,RND,SAT>", try f(12, 3, .rnd, .sat)),
            FormatCase(name: "mixed RND_CONV/SAT_SYM/SAT_ZERO", input: try f(12, 4, .rndConv, .sat),
                       precision: LayerPrecision(
                        result: try f(10, 3, .rndConv, .satSym), weight: try f(8, 2, .rnd, .sat),
                        bias: try f(9, 3, .trnZero, .wrap), accumulator: try f(14, 5, .rndInf, .satZero),
                        tables: roles)),
            FormatCase(name: "narrow WRAP accumulator, wide result", input: try f(8, 3),
                       precision: LayerPrecision(
                        result: try f(24, 10, .rnd, .sat), weight: try f(6, 1), bias: try f(6, 1),
                        accumulator: try f(9, 3, .rnd, .wrap), tables: roles)),
            FormatCase(name: "unsigned result, exact accumulator", input: try f(16, 6),
                       precision: LayerPrecision(
                        result: try f(12, 4, .trn, .sat, signed: false), weight: try f(16, 6), bias: try f(16, 6),
                        accumulator: try f(40, 16), tables: roles)),
        ]
    }
}

/// The fixed-point interpreter against the independent integer reference, bit for bit.
@Suite struct FixedInterpreterTests {
    static let options = InterpreterOptions(threads: 2, blockSize: 32)
    static let activations: [ActivationFunction] = [
        .linear, .relu, .leakyRelu(alpha: 0.3), .tanh, .sigmoid, .hardSigmoid(slope: 0.2, offset: 0.5), .softmax,
    ]

    func quantized(_ graph: Graph, _ c: FormatCase) throws -> Graph {
        var g = TestGraphs.quantized(graph, c.precision, tables: try TestGraphs.tables(input: c.precision.accumulator!))
        g.nodes[0].precision = LayerPrecision(result: c.input)
        return g
    }

    func inputs(_ batch: Batch, _ f: FixedFormat) -> [[Int64]] {
        (0..<batch.count).map { batch.event($0).map { f.quantize($0) } }
    }

    @Test(arguments: try FormatCase.all(), activations)
    func denseMatchesReference(formats: FormatCase, activation: ActivationFunction) throws {
        let graph = try quantized(TestGraphs.dense(inputs: 9, outputs: 5, activation: activation), formats)
        let batch = TestGraphs.batch(41, [9], limit: 6)
        let got = try #require(try Interpreter(graph: try coded(graph), options: Self.options).run(["x": batch])["d"]?.fixed)
        guard case let .dense(w, b, _) = graph.nodes[1].op, let p = graph.nodes[1].precision else { return }
        let reference = FixedReference(tables: graph.tables)
        let expected = inputs(batch, formats.input).flatMap { x in
            let a = reference.dense(x, xBits: formats.input.fractionalBits, w, b, p)
            return reference.activation(activation, a, vBits: p.accumulator!.fractionalBits, p)
        }
        #expect(got.raw == expected)
        #expect(got.format == p.result)
    }

    @Test(arguments: activations)
    func activationMatchesReference(activation: ActivationFunction) throws {
        let formats = try #require(try FormatCase.all().first)
        let graph = try quantized(TestGraphs.activation(activation, size: 6), formats)
        let batch = TestGraphs.batch(19, [6], limit: 9)
        let got = try #require(try Interpreter(graph: try coded(graph), options: Self.options).run(["x": batch])["a"]?.fixed)
        let reference = FixedReference(tables: graph.tables)
        let p = try #require(graph.nodes[1].precision)
        let expected = inputs(batch, formats.input).flatMap {
            reference.activation(activation, $0, vBits: formats.input.fractionalBits, p)
        }
        #expect(got.raw == expected)
    }

    @Test func argmaxTakesTheFirstLargestCode() throws {
        let formats = try #require(try FormatCase.all().dropFirst().first)  // <10,4>: many ties
        var graph = TestGraphs.dense(inputs: 4, outputs: 3, activation: .relu)
        graph.nodes.append(Node(name: "arg", op: .argmax, inputs: ["d"], shape: [1]))
        graph.outputs = ["d", "arg"]
        graph = try quantized(graph, formats)
        let batch = TestGraphs.batch(50, [4], limit: 3)
        let out = try Interpreter(graph: try coded(graph), options: Self.options).run(["x": batch])
        let d = try #require(out["d"]?.fixed)
        let arg = try #require(out["arg"]?.fixed)
        for e in 0..<batch.count {
            let row = Array(d.event(e))
            let largest = try #require(row.max())
            let first = try #require(row.firstIndex(of: largest))
            #expect(arg.raw[e] == formats.input.quantize(Double(first)))
        }
    }

    static let gruCases: [(Bool, Int)] = [(true, 0), (false, 0), (true, 1), (false, 1)]

    func gruPrecision(_ variant: Int) throws -> (FixedFormat, LayerPrecision) {
        func f(_ w: Int, _ i: Int, _ q: QuantizationMode = .trn, _ o: OverflowMode = .wrap, signed: Bool = true) throws
            -> FixedFormat
        {
            try TestGraphs.format(w, i, q, o, signed: signed)
        }
        let roles = TestGraphs.tableRoles
        if variant == 0 {
            let x = try f(16, 6)
            return (x, LayerPrecision(result: x, weight: x, bias: x, accumulator: x, tables: roles))
        }
        return (try f(12, 4, .rnd, .sat), LayerPrecision(
            result: try f(14, 3, .rnd, .sat), weight: try f(10, 2, .rndConv, .sat), bias: try f(10, 3),
            accumulator: try f(20, 7, .trn, .sat), tables: roles))
    }

    @Test(arguments: gruCases)
    func gruMatchesReferenceWithMasking(resetAfter: Bool, variant: Int) throws {
        let (steps, features) = (6, 3)
        let (x, p) = try gruPrecision(variant)
        var graph = TestGraphs.quantized(TestGraphs.gru(steps: steps, features: features, units: 4,
                                                        resetAfter: resetAfter),
                                         p, tables: try TestGraphs.tables(input: p.accumulator!))
        graph.nodes[0].precision = LayerPrecision(result: x)
        graph.nodes[1].precision = LayerPrecision(result: x)
        var (batch, _) = TestGraphs.paddedSequences(count: 21, steps: steps, features: features, seed: 5)
        for f in 0..<features { batch.values[(6 * steps + 2) * features + f] = 0 }
        let got = try #require(try Interpreter(graph: try coded(graph), options: Self.options).run(["seq": batch])["gru"]?.fixed)
        guard case let .gru(attributes) = graph.nodes[2].op else { return }
        let reference = FixedReference(tables: graph.tables)
        let expected = inputs(batch, x).flatMap { event in
            let sequence = (0..<steps).map { Array(event[$0 * features ..< ($0 + 1) * features]) }
            return reference.gru(sequence, X: x, maskCode: x.quantize(0.0), attributes, p)
        }
        #expect(got.raw == expected)
    }

    @Test(arguments: [true, false])
    func maskedEventEqualsTruncatedEvent(resetAfter: Bool) throws {
        let (steps, features) = (5, 2)
        let (x, p) = try gruPrecision(0)
        let tables = try TestGraphs.tables(input: x)
        func graph(_ length: Int) -> Graph {
            TestGraphs.quantized(TestGraphs.gru(steps: length, features: features, units: 3, resetAfter: resetAfter),
                                 p, tables: tables)
        }
        let (batch, lengths) = TestGraphs.paddedSequences(count: 6, steps: steps, features: features, seed: 9)
        let outputs = try #require(try Interpreter(graph: try coded(graph(steps))).run(["seq": batch])["gru"]?.fixed)
        for e in 0..<batch.count where lengths[e] > 0 {
            let event = Batch(event: Array(batch.event(e).prefix(lengths[e] * features)), shape: [lengths[e], features])
            let got = try #require(try Interpreter(graph: try coded(graph(lengths[e]))).run(["seq": event])["gru"]?.fixed)
            #expect(Array(outputs.event(e)) == got.raw)
        }
    }
}
