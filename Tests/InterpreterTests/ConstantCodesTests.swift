import FixedPoint
import GraphIR
import Interpreter
import Passes
import Testing

/// Constants stored as codes by `constant-quantization`: the study models give the same
/// bits as the spec applied to their float weights (the interpreter before the pass existed),
/// old float-valued quantized files convert on load, and float constants are refused.
@Suite struct ConstantCodesTests {
    static let options = InterpreterOptions(threads: 2, blockSize: 16)

    /// The quantization pipeline without its last pass: formats assigned, constants float.
    static func assigned(_ graph: Graph) throws -> Graph {
        let passes = Pipelines.quantize().filter { $0.name != ConstantQuantization.name }
        return try PassPipeline(passes).run(graph)
    }

    static let studyModels: [(String, Graph)] = [
        ("hlfDNN", Graph.hlfDNN(seed: 3)),
        ("particleGRU", Graph.particleGRU(timeSteps: 20, features: 19, units: 50, seed: 4)),
        ("inclusive", Graph.inclusive(timeSteps: 20, features: 19, units: 50, hlfFeatures: 14, seed: 5)),
    ]

    static func inputs(_ graph: Graph, count: Int) -> [String: Batch] {
        var batches: [String: Batch] = [:]
        for (k, name) in graph.inputs.enumerated() {
            guard case let .input(shape)? = graph[name]?.op else { continue }
            if shape.count == 2 {
                batches[name] = TestGraphs.paddedSequences(count: count, steps: shape[0], features: shape[1],
                                                           seed: 20 + UInt64(k)).0
            } else {
                batches[name] = TestGraphs.batch(count, shape, limit: 4, seed: 30 + UInt64(k))
            }
        }
        return batches
    }

    @Test(arguments: studyModels.map(\.0))
    func studyModelsKeepTheirBits(model: String) throws {
        let source = try #require(Self.studyModels.first { $0.0 == model }?.1)
        let before = try Self.assigned(source)
        let after = try PassPipeline(Pipelines.quantize()).run(source)
        #expect(after == (try ConstantQuantization().quantize(before)))
        // Every constant is the format's quantization of the float it replaces.
        for (old, new) in zip(before.nodes, after.nodes) {
            for ((name, float), (_, coded)) in zip(old.op.tensorAttributes, new.op.tensorAttributes) {
                let role = try #require(ConstantRole(attribute: name))
                let format = try #require(old.precision.flatMap { role.format(in: $0) })
                #expect(coded.codes?.format == format, "\(old.name).\(name)")
                #expect(coded.codes?.raw == float.values.map { format.quantize($0) }, "\(old.name).\(name)")
            }
        }
        let batches = Self.inputs(after, count: 12)
        let output = try #require(after.outputs.first)
        let got = try #require(try Interpreter(graph: after, options: Self.options).run(batches)[output]?.fixed)
        #expect(got.raw == (try Self.reference(before, batches, output: output)))
        // A file written before codes existed holds `before`; loading converts it once.
        let old = try PassPipeline(Pipelines.loadQuantized).run(try Graph.parse(before.printed()))
        #expect(old == after)
        let sidecar = after.textFormat(weights: .sidecar(fileName: "w.bin"))
        #expect(try Graph.parse(sidecar.text) { _ in sidecar.sidecar } == after)
        #expect(try Graph.parse(after.printed()) == after)
    }

    /// The spec on the float-weight graph, event by event (`FixedReference` quantizes each
    /// weight itself, as the interpreter did before constants were codes).
    static func reference(_ graph: Graph, _ batches: [String: Batch], output: String) throws -> [Int64] {
        let ref = FixedReference(tables: graph.tables)
        let count = batches.values.first?.count ?? 0
        var result: [Int64] = []
        for e in 0..<count {
            var values: [String: [Int64]] = [:]
            var masks: [String: Int64] = [:]
            for node in graph.nodes {
                let p = try #require(node.precision)
                let inputs = node.inputs.compactMap { values[$0] }
                let formats = try node.inputs.map { try #require(graph[$0]?.precision?.result) }
                switch node.op {
                case .input:
                    values[node.name] = try #require(batches[node.name]).event(e).map { p.result.quantize($0) }
                case let .masking(value):
                    values[node.name] = inputs[0].map { p.result.convert(raw: $0, from: formats[0]) }
                    masks[node.name] = formats[0].quantize(value)
                case let .gru(a):
                    let features = a.kernel.shape[0]
                    let x = inputs[0]
                    let steps = (0..<(x.count / features)).map { Array(x[$0 * features ..< ($0 + 1) * features]) }
                    values[node.name] = ref.gru(steps, X: formats[0], maskCode: masks[node.inputs[0]], a, p)
                case let .dense(w, b, activation):
                    let a = try #require(p.accumulator)
                    values[node.name] = ref.activation(
                        activation, ref.dense(inputs[0], xBits: formats[0].fractionalBits, w, b, p),
                        vBits: a.fractionalBits, p)
                case .concatenate:
                    values[node.name] = zip(inputs, formats).flatMap { x, f in x.map { p.result.convert(raw: $0, from: f) } }
                default:
                    Issue.record("the reference walk does not cover \(node.op.keyword)")
                    return []
                }
            }
            result += try #require(values[output])
        }
        return result
    }

    @Test func floatConstantsInAFixedGraphAreRefused() throws {
        let before = try Self.assigned(Graph.hlfDNN())
        #expect(throws: InterpreterError.floatConstants(node: "dense_1", attribute: "weights")) {
            _ = try Interpreter(graph: before)
        }
        #expect("\(InterpreterError.floatConstants(node: "dense_1", attribute: "weights"))"
            == "fixed-point node 'dense_1' does not hold its weights as codes of its own format; "
            + "run the constant-quantization pass (the last pass of Pipelines.quantize) first.")
    }

    @Test func fixedBatchNormalizationBecomesAffineWithTheSameBits() throws {
        let bn = BatchNormAttributes(
            gamma: TestGraphs.tensor([4], limit: 2, seed: 1), beta: TestGraphs.tensor([4], limit: 1, seed: 2),
            mean: TestGraphs.tensor([4], limit: 1, seed: 3),
            variance: Tensor(shape: [4], values: TestGraphs.values(4, limit: 1, seed: 4).map { abs($0) + 0.1 }),
            epsilon: 0.001)
        let graph = Graph(name: "bn", nodes: [
            Node(name: "x", op: .input(shape: [2, 4]), shape: [2, 4]),
            Node(name: "bn", op: .batchNormalization(bn), inputs: ["x"], shape: [2, 4]),
        ], inputs: ["x"], outputs: ["bn"])
        let before = try Self.assigned(graph)
        let after = try PassPipeline(Pipelines.quantize()).run(graph)
        guard case let .affine(scale, offset)? = after["bn"]?.op, let p = before["bn"]?.precision,
              let w = p.weight, let b = p.bias else {
            Issue.record("batch normalization did not become affine")
            return
        }
        let (s, t) = bn.scaleAndShift()
        #expect(scale.codes?.raw == s.map { w.quantize($0) } && offset.codes?.raw == t.map { b.quantize($0) })
        #expect(after["bn"]?.precision == p)
        #expect(throws: InterpreterError.floatConstants(node: "bn", attribute: "gamma")) { _ = try Interpreter(graph: before) }
    }
}
