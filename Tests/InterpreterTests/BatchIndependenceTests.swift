import FixedPoint
import GraphIR
import Interpreter
import Passes
import Testing

/// An event's answer must not depend on which other events share its batch or block: the
/// server batches requests together and promises each the answer `trigc run` gives.
@Suite struct BatchIndependenceTests {
    static let graphs: [(String, Graph)] = [
        ("hlf", .hlfDNN(seed: 3)),
        ("inclusive", .inclusive(timeSteps: 9, features: 5, units: 6, resetAfter: true, seed: 3)),
    ]

    /// Every event run alone, and in batches of several sizes with several block sizes,
    /// gives the same bits as the whole batch at once.
    @Test(arguments: [false, true], [0, 1])
    func eventsIndependentOfTheirBatch(fixed: Bool, which: Int) throws {
        let (_, model) = Self.graphs[which]
        let graph = try PassPipeline(fixed ? Pipelines.quantize(PrecisionOptions(defaultFormat: try FixedFormat(parsing: "ap_fixed<16,6>"))) : Pipelines.float)
            .run(model)
        let count = 45
        var inputs: [String: Batch] = [:]
        for name in graph.inputs {
            guard case let .input(shape) = graph[name]?.op else { continue }
            inputs[name] = TestGraphs.batch(count, shape, limit: 3)
        }
        let whole = try Interpreter(graph: graph).run(inputs)
        for (size, block) in [(1, 256), (2, 16), (7, 4), (16, 16), (45, 8)] {
            let interpreter = try Interpreter(graph: graph, options: InterpreterOptions(threads: 2, blockSize: block))
            for start in stride(from: 0, to: count, by: size) {
                let end = min(start + size, count)
                let part = inputs.mapValues { batch in
                    Batch(count: end - start, shape: batch.shape,
                          values: Array(batch.values[(start * batch.elementsPerEvent)..<(end * batch.elementsPerEvent)]))
                }
                let got = try interpreter.run(part)
                for (name, output) in whole {
                    let expected = output.batch
                    let width = expected.elementsPerEvent
                    #expect(try #require(got[name]).batch.values == Array(expected.values[(start * width)..<(end * width)]),
                            "output \(name), events \(start)..<\(end), batches of \(size), blocks of \(block)")
                }
            }
        }
    }
}
