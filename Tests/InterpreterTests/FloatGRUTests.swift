import GraphIR
import Interpreter
import Testing

/// The float GRU over lanes (C kernels): every activation Keras allows, and the same bits for
/// an event whichever position in whichever batch it has (whole AVX2 vectors or the
/// portable tail).
@Suite struct FloatGRUTests {
    static let activations: [(ActivationFunction, ActivationFunction)] = [
        (.tanh, .sigmoid), (.tanh, .hardSigmoid(slope: 0.2, offset: 0.5)), (.relu, .sigmoid),
        (.leakyRelu(alpha: 0.3), .hardSigmoid(slope: 0.2, offset: 0.5)), (.linear, .hardSigmoid(slope: 0.25, offset: 0.4)),
    ]

    func graph(steps: Int, features: Int, units: Int, resetAfter: Bool, activations: Int = 0) -> Graph {
        var a = TestGraphs.gruAttributes(features: features, units: units, resetAfter: resetAfter)
        (a.activation, a.recurrentActivation) = Self.activations[activations]
        var g = TestGraphs.gru(steps: steps, features: features, units: units, resetAfter: resetAfter)
        g.nodes[2].op = .gru(a)
        return g
    }

    @Test(arguments: [true, false], 0..<5)
    func activationsMatchTheReference(resetAfter: Bool, activations: Int) throws {
        let (steps, features) = (7, 3)
        let graph = graph(steps: steps, features: features, units: 5, resetAfter: resetAfter, activations: activations)
        let (batch, _) = TestGraphs.paddedSequences(count: 27, steps: steps, features: features, seed: 8)
        let got = try #require(try Interpreter(graph: graph, options: InterpreterOptions(threads: 2, blockSize: 16))
            .run(["seq": batch])["gru"]).batch
        guard case let .gru(attributes) = graph.nodes[2].op else { return }
        let reference = (0..<batch.count).flatMap { e in
            let event = batch.event(e).map(Double.init)
            let sequence = (0..<steps).map { Array(event[$0 * features ..< ($0 + 1) * features]) }
            return FloatReference.gru(sequence, attributes, maskValue: 0)
        }
        #expect(close(got.values, reference))
    }

    /// Each event of a 21-event batch (two vectors of 8 and a tail of 5) equals that event
    /// run alone, bit for bit.
    @Test(arguments: [true, false])
    func eventsDoNotDependOnTheirBatch(resetAfter: Bool) throws {
        let (steps, features) = (6, 4)
        let interpreter = try Interpreter(graph: graph(steps: steps, features: features, units: 9, resetAfter: resetAfter))
        let (batch, _) = TestGraphs.paddedSequences(count: 21, steps: steps, features: features, seed: 12)
        let all = try #require(try interpreter.run(["seq": batch])["gru"]).batch
        for e in 0..<batch.count {
            let alone = Batch(event: Array(batch.event(e)), shape: [steps, features])
            let got = try #require(try interpreter.run(["seq": alone])["gru"]).batch
            #expect(Array(all.event(e)) == got.values, "event \(e)")
        }
    }
}
