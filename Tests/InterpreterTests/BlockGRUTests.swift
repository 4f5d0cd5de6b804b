import FixedPoint
import GraphIR
@testable import Interpreter
import Passes
import Testing

/// The GRU run over whole blocks of events in 32-bit lanes gives the per-event path's codes,
/// with the elementwise step in C (`GRUGatePlan`) and in Swift (its fallback), and the
/// products from the register-blocked AVX2 kernel and from the portable loops.
@Suite struct BlockGRUTests {
    static let formats: [(String, Int, Int, QuantizationMode, OverflowMode)] = [
        ("ap_fixed<16,6>", 16, 6, .trn, .wrap), ("ap_fixed<16,6,AP_RND,AP_SAT>", 16, 6, .rnd, .sat),
        ("ap_fixed<12,4,AP_RND>", 12, 4, .rnd, .wrap), ("ap_fixed<10,3,AP_TRN,AP_SAT>", 10, 3, .trn, .sat),
        ("ap_fixed<8,2>", 8, 2, .trn, .wrap),
    ]

    static func precision(result: FixedFormat, weight: FixedFormat, accumulator: FixedFormat) -> LayerPrecision {
        LayerPrecision(result: result, weight: weight, bias: weight, accumulator: accumulator, tables: TestGraphs.tableRoles)
    }

    func gru(_ formats: (String, Int, Int, QuantizationMode, OverflowMode), resetAfter: Bool) throws -> Graph {
        let x = try TestGraphs.format(formats.1, formats.2, formats.3, formats.4)
        return TestGraphs.quantized(
            TestGraphs.inclusive(steps: 9, features: 5, units: 7, hlf: 4, resetAfter: resetAfter),
            Self.precision(result: x, weight: x, accumulator: x), tables: try TestGraphs.tables(input: x))
    }

    /// The GRU step of an interpreter's program, or nil (recorded as an issue).
    func gruStep(_ interpreter: Interpreter) -> FixedGRU? {
        guard case let .fixed(program) = interpreter.program else {
            Issue.record("not a fixed-point program")
            return nil
        }
        for step in program.steps {
            if case let .gru(gru) = step { return gru }
        }
        Issue.record("no GRU step")
        return nil
    }

    /// Compares the block path (given block size) with the per-event path on `inputs`.
    func expectBlockEqualsPerEvent(
        _ graph: Graph, _ inputs: [String: Batch], blockSize: Int = 32, gates: Bool = true, narrow: Bool = true
    ) throws {
        let block = try Interpreter(graph: try coded(graph), options: InterpreterOptions(threads: 2, blockSize: blockSize))
        let perEvent = try Interpreter(graph: try coded(graph), options: InterpreterOptions(fastPaths: false))
        let gru = gruStep(block)
        #expect(gru?.block != nil, "the block path should be taken")
        #expect((gru?.block?.gates != nil) == gates, "the C step should \(gates ? "" : "not ")be taken")
        #expect((gru?.block?.narrowKernel != nil) == narrow, "16-bit products should \(narrow ? "" : "not ")be used")
        #expect(try block.trace(inputs) == perEvent.trace(inputs))
    }

    @Test(arguments: [true, false], 0..<5)
    func blockGRUEqualsThePerEventPath(resetAfter: Bool, formatIndex: Int) throws {
        let graph = try gru(Self.formats[formatIndex], resetAfter: resetAfter)
        // Random true lengths, zero rows after them: masking differs lane by lane.
        let (sequences, _) = TestGraphs.paddedSequences(count: 53, steps: 9, features: 5, seed: UInt64(formatIndex + 3))
        try expectBlockEqualsPerEvent(graph, ["seq": sequences, "hlf": TestGraphs.batch(53, [4], limit: 6)])
    }

    /// Blocks that are not whole vectors of 8 lanes (the tail lanes take the portable loops),
    /// a block of fewer than 8 events, and many blocks on two threads.
    @Test(arguments: [(53, 16), (37, 48), (5, 16), (100, 16)], [true, false])
    func oddBlocksEqualThePerEventPath(sizes: (Int, Int), resetAfter: Bool) throws {
        let (count, blockSize) = sizes
        for formatIndex in [0, 1] {
            let graph = try gru(Self.formats[formatIndex], resetAfter: resetAfter)
            let (sequences, _) = TestGraphs.paddedSequences(count: count, steps: 9, features: 5, seed: 17)
            let inputs = ["seq": sequences, "hlf": TestGraphs.batch(count, [4], limit: 6)]
            try expectBlockEqualsPerEvent(graph, inputs, blockSize: blockSize)
        }
    }

    /// Without a masking node every lane is live at every step (no mask is passed to C).
    @Test(arguments: [true, false], [0, 1])
    func unmaskedGRUEqualsThePerEventPath(resetAfter: Bool, formatIndex: Int) throws {
        let f = Self.formats[formatIndex]
        let x = try TestGraphs.format(f.1, f.2, f.3, f.4)
        let graph = Graph(name: "gru", nodes: [
            Node(name: "seq", op: .input(shape: [12, 6]), shape: [12, 6]),
            Node(name: "gru", op: .gru(TestGraphs.gruAttributes(features: 6, units: 11, resetAfter: resetAfter)),
                 inputs: ["seq"], shape: [11]),
        ], inputs: ["seq"], outputs: ["gru"])
        let quantized = TestGraphs.quantized(graph, Self.precision(result: x, weight: x, accumulator: x),
                                             tables: try TestGraphs.tables(input: x))
        try expectBlockEqualsPerEvent(quantized, ["seq": TestGraphs.batch(45, [12, 6], limit: 3, seed: 9)])
    }

    /// The precision pass's own tables (their output in the result format), as the bench's
    /// `ap_fixed<16,6>` and `ap_fixed<16,6,AP_RND,AP_SAT>` GRUs have them.
    @Test(arguments: [true, false], ["ap_fixed<16,6>", "ap_fixed<16,6,AP_RND,AP_SAT>"])
    func assignedPrecisionEqualsThePerEventPath(resetAfter: Bool, format: String) throws {
        var options = PrecisionOptions(defaultFormat: try FixedFormat(parsing: format))
        options.tables = PrecisionOptions().tables
        let model = TestGraphs.inclusive(steps: 9, features: 5, units: 7, hlf: 4, resetAfter: resetAfter)
        let graph = try PassPipeline(Pipelines.quantize(options)).run(model)
        let (sequences, _) = TestGraphs.paddedSequences(count: 61, steps: 9, features: 5, seed: 29)
        try expectBlockEqualsPerEvent(graph, ["seq": sequences, "hlf": TestGraphs.batch(61, [4], limit: 6)])
    }

    /// Formats the C step cannot hold keep the Swift step inside the block path: a 20-bit
    /// accumulator (too wide for the activation maps, and codes beyond Int16 for the products)
    /// and a result that rounds to even (RND_CONV).
    @Test(arguments: [true, false])
    func swiftStepEqualsThePerEventPath(resetAfter: Bool) throws {
        let wide = try TestGraphs.format(20, 8, .rnd, .sat)
        let small = try TestGraphs.format(8, 2)
        let model = TestGraphs.inclusive(steps: 9, features: 5, units: 7, hlf: 4, resetAfter: resetAfter)
        let (sequences, _) = TestGraphs.paddedSequences(count: 29, steps: 9, features: 5, seed: 5)
        let inputs = ["seq": sequences, "hlf": TestGraphs.batch(29, [4], limit: 6)]
        let wideGraph = TestGraphs.quantized(model, Self.precision(result: wide, weight: small, accumulator: wide),
                                             tables: try TestGraphs.tables(input: wide))
        try expectBlockEqualsPerEvent(wideGraph, inputs, gates: false, narrow: false)
        let x = try TestGraphs.format(16, 6)
        let even = try TestGraphs.format(16, 6, .rndConv, .sat)
        let evenGraph = TestGraphs.quantized(model, Self.precision(result: even, weight: x, accumulator: x),
                                             tables: try TestGraphs.tables(input: x))
        try expectBlockEqualsPerEvent(evenGraph, inputs, gates: false)
    }

    /// Gate sums in a format of their own (`gate_accumulator` G; the candidate's stay in A,
    /// the gate table reads G): the C step (G and A saturate alike) and the Swift step (G
    /// wraps) give the per-event path's codes, and G is not ignored (the codes change).
    @Test(arguments: [true, false])
    func gateAccumulatorEqualsThePerEventPath(resetAfter: Bool) throws {
        let x = try TestGraphs.format(16, 6, .rnd, .sat)
        let a = try TestGraphs.format(16, 4, .rnd, .sat)
        let model = TestGraphs.inclusive(steps: 9, features: 5, units: 7, hlf: 4, resetAfter: resetAfter)
        let (sequences, _) = TestGraphs.paddedSequences(count: 41, steps: 9, features: 5, seed: 13)
        let inputs = ["seq": sequences, "hlf": TestGraphs.batch(41, [4], limit: 6)]
        func graph(gates g: FixedFormat?) throws -> Graph {
            var tables = try TestGraphs.tables(input: a)
            tables["sigmoid"] = try TestGraphs.tables(input: g ?? a)["sigmoid"]
            var graph = TestGraphs.quantized(model, Self.precision(result: x, weight: x, accumulator: a), tables: tables)
            for i in graph.nodes.indices {
                if case .gru = graph.nodes[i].op { graph.nodes[i].precision?.gateAccumulator = g }
            }
            return graph
        }
        let saturating = try graph(gates: TestGraphs.format(16, 6, .rnd, .sat))
        try expectBlockEqualsPerEvent(saturating, inputs)
        try expectBlockEqualsPerEvent(try graph(gates: TestGraphs.format(16, 6, .trn, .wrap)), inputs, gates: false)
        let shared = try Interpreter(graph: try coded(graph(gates: nil))).trace(inputs)
        #expect(try Interpreter(graph: try coded(saturating)).trace(inputs)["gru"] != shared["gru"])
    }

    /// Formats whose products do not fit 32 bits keep the per-event path.
    @Test func wideFormatsKeepThePerEventPath() throws {
        let graph = try gru(("ap_fixed<24,8>", 24, 8, .trn, .wrap), resetAfter: true)
        let gru = gruStep(try Interpreter(graph: try coded(graph)))
        #expect(gru != nil && gru?.block == nil)
    }

    /// The register-blocked AVX2 products equal the portable loops on random codes, for
    /// column ranges and lane counts that are not whole blocks of 8.
    @Test(arguments: [(QuantizationMode.trn, OverflowMode.wrap), (.rnd, .sat)], [(16, 1.0), (20, 1.0), (16, 0.01)])
    func vectorProductsEqualThePortableLoops(modes: (QuantizationMode, OverflowMode), sizes: (Int, Double)) throws {
        let (width, scale) = sizes
        let a = try TestGraphs.format(width, width / 2 - 2, modes.0, modes.1)
        let w = try TestGraphs.format(width == 16 ? 16 : 10, 3)
        let (rows, columns) = (19, 45)
        var rng = SplitMix64(seed: UInt64(width))
        func codes(_ f: FixedFormat, _ count: Int) -> [Int64] {
            (0..<count).map { _ in f.quantize(Double(rng.nextFloat(limit: Float(f.maxValue)))) }
        }
        // Full-range weights make products leave A's range (SAT clamps them); small ones cannot.
        let kernel = codes(w, rows * columns).map { Int64(Double($0) * scale) }
        guard let plan = GRUBlockPlan.make(
            kernel: kernel, recurrentKernel: kernel, inputBias: codes(a, columns), recurrentBias: codes(a, columns),
            resetAfter: true, weight: w, input: a, state: a, accumulator: a, gateAccumulator: a,
            inputProductBits: w.fractionalBits + a.fractionalBits, stateProductBits: w.fractionalBits + a.fractionalBits,
            features: rows, units: rows)
        else {
            Issue.record("no block plan for \(a)")
            return
        }
        #expect((plan.narrowKernel != nil) == (width == 16))
        #expect(plan.candidateSums.inputClamp == (scale == 1.0), "products \(scale == 1.0 ? "can" : "cannot") leave A's range")
        var portable = plan
        portable.vectorKernel = false
        for (lanes, range) in [(29, 0..<columns), (8, 3..<22), (64, 17..<18), (3, 0..<columns)] {
            let x = codes(a, rows * lanes).map { Int32(truncatingIfNeeded: $0) }
            var outputs: [[Int32]] = []
            for p in [plan, portable] {
                var out = [Int32](repeating: 0, count: columns * lanes)
                x.withUnsafeBufferPointer { xs in
                    out.withUnsafeMutableBufferPointer { o in
                        guard let xs = xs.baseAddress, let o = o.baseAddress else { return }
                        p.linear(p.kernel, narrow: p.narrowKernel, bias: p.inputBias, input: true, columns: range, x: xs,
                                 count: rows, out: o, lanes: lanes)
                    }
                }
                outputs.append(out)
            }
            #expect(outputs[0] == outputs[1], "lanes \(lanes), columns \(range)")
            #expect(outputs[0][range.lowerBound * lanes ..< range.upperBound * lanes].contains { $0 != 0 })
        }
    }
}
