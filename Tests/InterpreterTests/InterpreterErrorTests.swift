import FixedPoint
import GraphIR
import Interpreter
import Testing

/// User mistakes come back as typed errors with one readable sentence.
@Suite struct InterpreterErrorTests {
    let graph = TestGraphs.dense(inputs: 3, outputs: 2, activation: .relu)

    func error(_ body: () throws -> Void) -> InterpreterError? {
        do {
            try body()
            return nil
        } catch {
            return error as? InterpreterError
        }
    }

    @Test func wrongInputShapeNamesInputAndShapes() throws {
        let interpreter = try Interpreter(graph: graph)
        let e = error { _ = try interpreter.run(["x": TestGraphs.batch(2, [4])]) }
        #expect(e == .wrongInputShape(input: "x", expected: [3], got: [4]))
        #expect(e?.description == "input 'x' expects events of shape [3] but was given shape [4].")
    }

    @Test func missingAndUnexpectedInputs() throws {
        let interpreter = try Interpreter(graph: graph)
        #expect(error { _ = try interpreter.run([:]) } == .missingInput(name: "x"))
        #expect(error { _ = try interpreter.run(["x": TestGraphs.batch(1, [3]), "y": TestGraphs.batch(1, [3])] ) }
            == .unexpectedInput(name: "y"))
    }

    @Test func mismatchedEventCounts() throws {
        let two = TestGraphs.inclusive(steps: 2, features: 2, units: 2, hlf: 3, resetAfter: true)
        let interpreter = try Interpreter(graph: two)
        let e = error { _ = try interpreter.run(["seq": TestGraphs.batch(4, [2, 2]), "hlf": TestGraphs.batch(5, [3])]) }
        #expect(e == .mismatchedEventCounts(input: "hlf", count: 5, expected: 4))
    }

    @Test func graphProblemsAreCaughtAtInit() throws {
        var unshaped = graph
        unshaped.nodes[1].shape = nil
        #expect(error { _ = try Interpreter(graph: unshaped) } == .missingShape(node: "d"))

        var mixed = graph
        mixed.nodes[1].precision = LayerPrecision(result: try TestGraphs.format(16, 6))
        // The verifier or the interpreter may catch it first; either way it names node 'x'.
        let m = error { _ = try Interpreter(graph: mixed) }
        #expect(m?.description.contains("'x'") == true)

        let f = try TestGraphs.format(16, 6)
        var noAccumulator = graph
        noAccumulator.nodes[0].precision = LayerPrecision(result: f)
        noAccumulator.nodes[1].precision = LayerPrecision(result: f, weight: f, bias: f)
        let e = error { _ = try Interpreter(graph: noAccumulator) }
        #expect(e == .missingFormat(node: "d", role: "accumulator")
            || e.map { if case .invalidGraph = $0 { true } else { false } } == true)

        var noTable = TestGraphs.activation(.tanh, size: 3)
        noTable.nodes[0].precision = LayerPrecision(result: f)
        noTable.nodes[1].precision = LayerPrecision(result: f)
        let t = error { _ = try Interpreter(graph: noTable) }
        #expect(t == .missingTable(node: "a", role: .activation, name: nil)
            || t.map { if case .invalidGraph = $0 { true } else { false } } == true)
        #expect(t?.description.contains("'a'") == true)
    }
}
