import FixedPoint
import GraphIR
@testable import Interpreter
import Testing

/// The GRU run over whole blocks of events in 32-bit lanes gives the per-event path's codes.
@Suite struct BlockGRUTests {
    static let formats: [(String, Int, Int, QuantizationMode, OverflowMode)] = [
        ("ap_fixed<16,6>", 16, 6, .trn, .wrap), ("ap_fixed<16,6,AP_RND,AP_SAT>", 16, 6, .rnd, .sat),
        ("ap_fixed<12,4,AP_RND>", 12, 4, .rnd, .wrap), ("ap_fixed<10,3,AP_TRN,AP_SAT>", 10, 3, .trn, .sat),
        ("ap_fixed<8,2>", 8, 2, .trn, .wrap),
    ]

    func gru(_ formats: (String, Int, Int, QuantizationMode, OverflowMode), resetAfter: Bool) throws -> Graph {
        let x = try TestGraphs.format(formats.1, formats.2, formats.3, formats.4)
        let p = LayerPrecision(result: x, weight: x, bias: x, accumulator: x, tables: TestGraphs.tableRoles)
        return TestGraphs.quantized(
            TestGraphs.inclusive(steps: 9, features: 5, units: 7, hlf: 4, resetAfter: resetAfter),
            p, tables: try TestGraphs.tables(input: x))
    }

    @Test(arguments: [true, false], 0..<5)
    func blockGRUEqualsThePerEventPath(resetAfter: Bool, formatIndex: Int) throws {
        let graph = try gru(Self.formats[formatIndex], resetAfter: resetAfter)
        // Random true lengths, zero rows after them: masking differs lane by lane.
        let (sequences, _) = TestGraphs.paddedSequences(count: 53, steps: 9, features: 5, seed: UInt64(formatIndex + 3))
        let inputs = ["seq": sequences, "hlf": TestGraphs.batch(53, [4], limit: 6)]
        let block = try Interpreter(graph: try coded(graph), options: InterpreterOptions(threads: 2, blockSize: 32))
        let perEvent = try Interpreter(graph: try coded(graph), options: InterpreterOptions(fastPaths: false))
        guard case let .fixed(program) = block.program, case let .gru(gru) = program.steps[3] else {
            Issue.record("no GRU step")
            return
        }
        #expect(gru.block != nil, "\(Self.formats[formatIndex].0) should take the block path")
        #expect(try block.trace(inputs) == perEvent.trace(inputs))
    }

    /// Formats whose products do not fit 32 bits keep the per-event path.
    @Test func wideFormatsKeepThePerEventPath() throws {
        let graph = try gru(("ap_fixed<24,8>", 24, 8, .trn, .wrap), resetAfter: true)
        let interpreter = try Interpreter(graph: try coded(graph))
        guard case let .fixed(program) = interpreter.program, case let .gru(gru) = program.steps[3] else {
            Issue.record("no GRU step")
            return
        }
        #expect(gru.block == nil)
    }
}
