import GraphIR
import Interpreter
import Testing

/// The float interpreter against the independent Double reference.
@Suite struct FloatInterpreterTests {
    static let activations: [ActivationFunction] = [
        .linear, .relu, .leakyRelu(alpha: 0.3), .tanh, .sigmoid, .hardSigmoid(slope: 0.2, offset: 0.5), .softmax,
    ]
    /// Small blocks and two threads, so that blocks, tails and workers are all exercised.
    static let options = InterpreterOptions(threads: 2, blockSize: 16)

    func rows(_ batch: Batch) -> [[Double]] {
        (0..<batch.count).map { batch.event($0).map(Double.init) }
    }

    @Test(arguments: activations)
    func denseMatchesReference(activation: ActivationFunction) throws {
        let graph = TestGraphs.dense(inputs: 7, outputs: 5, activation: activation)
        let batch = TestGraphs.batch(37, [7])
        let output = try Interpreter(graph: graph, options: Self.options).run(["x": batch])
        let got = try #require(output["d"]).batch
        guard case let .dense(w, b, _) = graph.nodes[1].op else { return }
        let reference = rows(batch).flatMap { FloatReference.dense($0, w, b, activation) }
        #expect(close(got.values, reference))
    }

    @Test(arguments: activations)
    func activationMatchesReference(activation: ActivationFunction) throws {
        let graph = TestGraphs.activation(activation, size: 6)
        let batch = TestGraphs.batch(21, [6], limit: 5)
        let got = try #require(try Interpreter(graph: graph, options: Self.options).run(["x": batch])["a"]).batch
        let reference = rows(batch).flatMap { FloatReference.activation(activation, row: $0) }
        #expect(close(got.values, reference))
    }

    @Test(arguments: [true, false])
    func gruMatchesKerasWithMasking(resetAfter: Bool) throws {
        let (steps, features) = (6, 3)
        let graph = TestGraphs.gru(steps: steps, features: features, units: 4, resetAfter: resetAfter)
        var (batch, _) = TestGraphs.paddedSequences(count: 19, steps: steps, features: features, seed: 5)
        // A masked step in the middle of event 6 too.
        for f in 0..<features { batch.values[(6 * steps + 2) * features + f] = 0 }
        let got = try #require(try Interpreter(graph: graph, options: Self.options).run(["seq": batch])["gru"])
        guard case let .gru(attributes) = graph.nodes[2].op else { return }
        let reference = rows(batch).flatMap { event in
            let sequence = (0..<steps).map { Array(event[$0 * features ..< ($0 + 1) * features]) }
            return FloatReference.gru(sequence, attributes, maskValue: 0)
        }
        #expect(close(got.batch.values, reference))
    }

    @Test(arguments: [true, false])
    func maskedEventEqualsTruncatedEvent(resetAfter: Bool) throws {
        let (steps, features) = (5, 2)
        let (batch, lengths) = TestGraphs.paddedSequences(count: 6, steps: steps, features: features, seed: 9)
        let full = try Interpreter(graph: TestGraphs.gru(steps: steps, features: features, units: 3,
                                                         resetAfter: resetAfter))
        let outputs = try #require(try full.run(["seq": batch])["gru"]).batch
        for e in 0..<batch.count where lengths[e] > 0 {
            let length = lengths[e]
            let short = try Interpreter(graph: TestGraphs.gru(steps: length, features: features, units: 3,
                                                              resetAfter: resetAfter))
            let event = Batch(event: Array(batch.event(e).prefix(length * features)), shape: [length, features])
            let got = try #require(try short.run(["seq": event])["gru"]).batch
            #expect(Array(outputs.event(e)) == got.values)
        }
    }

    @Test func batchNormalizationMatchesReference() throws {
        let bn = BatchNormAttributes(
            gamma: TestGraphs.tensor([4], limit: 2, seed: 1), beta: TestGraphs.tensor([4], limit: 1, seed: 2),
            mean: TestGraphs.tensor([4], limit: 1, seed: 3),
            variance: Tensor(shape: [4], values: [0.5, 1.5, 2, 0.1]), epsilon: 1e-3)
        let graph = Graph(name: "bn", nodes: [
            Node(name: "x", op: .input(shape: [3, 4]), shape: [3, 4]),
            Node(name: "bn", op: .batchNormalization(bn), inputs: ["x"], shape: [3, 4]),
        ], inputs: ["x"], outputs: ["bn"])
        let batch = TestGraphs.batch(9, [3, 4])
        let got = try #require(try Interpreter(graph: graph, options: Self.options).run(["x": batch])["bn"]).batch
        #expect(close(got.values, rows(batch).flatMap { FloatReference.batchNorm($0, bn) }))
    }

    @Test func inclusiveTwoInputModelMatchesReference() throws {
        let graph = TestGraphs.inclusive(steps: 4, features: 3, units: 4, hlf: 5, resetAfter: true)
        let (sequences, _) = TestGraphs.paddedSequences(count: 23, steps: 4, features: 3, seed: 13)
        let hlf = TestGraphs.batch(23, [5], seed: 14)
        let got = try #require(
            try Interpreter(graph: graph, options: Self.options).run(["seq": sequences, "hlf": hlf])["d2"]).batch
        guard case let .gru(a) = graph.nodes[3].op, case let .dense(w1, b1, _) = graph.nodes[7].op,
              case let .dense(w2, b2, _) = graph.nodes[8].op else { return }
        var reference: [Double] = []
        for (s, x) in zip(rows(sequences), rows(hlf)) {
            let h = FloatReference.gru((0..<4).map { Array(s[$0 * 3 ..< $0 * 3 + 3]) }, a, maskValue: 0)
            let d1 = FloatReference.dense(h + x, w1, b1, .relu)
            reference += FloatReference.dense(d1, w2, b2, .softmax)
        }
        #expect(close(got.values, reference))
    }

    @Test func flattenDropoutArgmaxAndConcatenateMiddleAxis() throws {
        let graph = Graph(name: "misc", nodes: [
            Node(name: "a", op: .input(shape: [2, 3]), shape: [2, 3]),
            Node(name: "b", op: .input(shape: [2, 1]), shape: [2, 1]),
            Node(name: "cat", op: .concatenate(axis: 1), inputs: ["a", "b"], shape: [2, 4]),
            Node(name: "drop", op: .dropout(rate: 0.5), inputs: ["cat"], shape: [2, 4]),
            Node(name: "flat", op: .flatten, inputs: ["drop"], shape: [8]),
            Node(name: "arg", op: .argmax, inputs: ["flat"], shape: [1]),
        ], inputs: ["a", "b"], outputs: ["flat", "arg"])
        let a = TestGraphs.batch(5, [2, 3], seed: 1)
        let b = TestGraphs.batch(5, [2, 1], limit: 4, seed: 2)
        let out = try Interpreter(graph: graph, options: Self.options).run(["a": a, "b": b])
        let flat = try #require(out["flat"]).batch
        let arg = try #require(out["arg"]).batch
        for e in 0..<5 {
            let x = Array(a.event(e)), y = Array(b.event(e))
            let expected = [x[0], x[1], x[2], y[0], x[3], x[4], x[5], y[1]]
            #expect(Array(flat.event(e)) == expected)
            let best = expected.indices.max { expected[$0] < expected[$1] || (expected[$0] == expected[$1] && $0 > $1) }
            #expect(arg.values[e] == Float(best ?? -1))
        }
    }
}
