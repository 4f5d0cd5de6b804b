import FixedPoint
import GraphIR
@testable import Interpreter
import Testing

/// The specialised kernels against the generic scalar path they stand in for.
@Suite struct FastPathTests {
    func dense(_ c: FormatCase, activation: ActivationFunction, inputs n: Int, outputs m: Int, seed: UInt64)
        throws -> Graph
    {
        var g = TestGraphs.quantized(TestGraphs.dense(inputs: n, outputs: m, activation: activation, seed: seed),
                                     c.precision, tables: try TestGraphs.tables(input: c.precision.accumulator!))
        g.nodes[0].precision = LayerPrecision(result: c.input)
        return g
    }

    func fastKernel(_ interpreter: Interpreter) -> FastDense? {
        guard case let .fixed(program) = interpreter.program, case let .dense(dense) = program.steps[1] else {
            return nil
        }
        return dense.fast
    }

    @Test(arguments: try FormatCase.all(), [ActivationFunction.relu, .linear, .sigmoid])
    func fastDenseEqualsGenericDense(formats: FormatCase, activation: ActivationFunction) throws {
        for (n, m, seed) in [(14, 50, UInt64(1)), (3, 7, 2), (33, 9, 3)] {
            let graph = try dense(formats, activation: activation, inputs: n, outputs: m, seed: seed)
            let batch = TestGraphs.batch(77, [n], limit: 9, seed: seed + 10)
            let fast = try Interpreter(graph: try coded(graph), options: InterpreterOptions(threads: 2, blockSize: 32))
            let generic = try Interpreter(graph: try coded(graph), options: InterpreterOptions(fastPaths: false))
            #expect(fastKernel(generic) == nil)
            #expect(try fast.run(["x": batch]) == generic.run(["x": batch]))
        }
    }

    /// The HLF formats (and the other uniform TRN/WRAP and RND/SAT cases) do take the fast kernel.
    @Test func fastKernelIsChosenForCommonFormats() throws {
        for c in try FormatCase.all().prefix(4) {
            let interpreter = try Interpreter(graph: try coded(try dense(c, activation: .relu, inputs: 14, outputs: 50, seed: 1)))
            let kernel = try #require(fastKernel(interpreter), "no fast kernel for \(c.name)")
            #expect(kernel.appliesActivation)
        }
    }

    @Test(arguments: [true, false])
    func fastGRUEqualsGenericGRU(resetAfter: Bool) throws {
        let x = try TestGraphs.format(16, 6)
        let p = LayerPrecision(result: x, weight: x, bias: x, accumulator: x, tables: TestGraphs.tableRoles)
        let graph = TestGraphs.quantized(
            TestGraphs.inclusive(steps: 5, features: 3, units: 6, hlf: 4, resetAfter: resetAfter),
            p, tables: try TestGraphs.tables(input: x))
        let (sequences, _) = TestGraphs.paddedSequences(count: 20, steps: 5, features: 3, seed: 4)
        let inputs = ["seq": sequences, "hlf": TestGraphs.batch(20, [4], limit: 6)]
        let fast = try Interpreter(graph: try coded(graph), options: InterpreterOptions(threads: 2, blockSize: 16))
        let generic = try Interpreter(graph: try coded(graph), options: InterpreterOptions(fastPaths: false))
        guard case let .fixed(program) = fast.program, case let .gru(gru) = program.steps[3] else {
            Issue.record("no GRU step")
            return
        }
        #expect(gru.shiftOnly)
        #expect(try fast.trace(inputs) == generic.trace(inputs))
    }

    @Test func laneConversionEqualsConvert() throws {
        var rng = SplitMix64(seed: 42)
        let formats: [FixedFormat] = [
            try TestGraphs.format(16, 6), try TestGraphs.format(10, 4, .rnd, .sat),
            try TestGraphs.format(8, 2, .trn, .satSym), try TestGraphs.format(12, 5, .rnd, .satZero),
            try TestGraphs.format(9, 3, .trn, .wrap, signed: false), try TestGraphs.format(20, 12, .rnd, .wrap),
        ]
        for target in formats {
            for sourceBits in [-3, 0, 4, 10, 20] {
                let range: ClosedRange<Int64> = -(1 << 24)...(1 << 24)
                guard let conversion = LaneConversion(from: sourceBits, range: range, to: target) else { continue }
                for _ in 0..<64 {
                    let values = (0..<8).map { _ in Int64.random(in: range, using: &rng) }
                    let lane = Lane(values.map { Int32($0) })
                    let got = conversion.apply(lane)
                    for (k, v) in values.enumerated() {
                        #expect(Int64(got[k]) == target.convert(raw: v, fractionalBits: sourceBits),
                                "\(v) at \(sourceBits) bits → \(target)")
                    }
                }
            }
        }
    }

    @Test func inputQuantizerEqualsQuantize() throws {
        var rng = SplitMix64(seed: 7)
        let specials: [Float] = [0, -0, 0.5, -0.5, 1.5, -1.5, 31.99, -32, 32, 1e9, -1e9, .infinity, -.infinity, .nan,
                                 .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 0x1p-11, -0x1p-11, 3 * 0x1p-11]
        let values = specials + (0..<500).map { _ in rng.nextFloat(limit: 80) }
        for q in [QuantizationMode.trn, .rnd, .rndConv] {
            for o in [OverflowMode.wrap, .sat, .satSym] {
                for (w, i) in [(16, 6), (10, 4), (24, 2)] {
                    let f = try TestGraphs.format(w, i, q, o)
                    let quantizer = InputQuantizer(f, fast: true)
                    for x in values { #expect(quantizer.quantize(x) == f.quantize(x), "\(x) → \(f)") }
                }
            }
        }
    }
    /// The lane kernel (C) gives `quantize`'s codes in feature-major order, for blocks of
    /// ordinary values and for blocks that hold NaN, infinities or huge values (which it
    /// hands back to the general rule), with lane counts that are not whole vectors of 8.
    @Test(arguments: [false, true])
    func blockQuantizerEqualsQuantize(specials: Bool) throws {
        var rng = SplitMix64(seed: 11)
        let (n, size, stride) = (13, 100, 16)  // two tiles of features in C, a tail of events
        var values = (0..<(n * size)).map { _ in rng.nextFloat(limit: 80) }
        if specials { values[5 * size + 3] = .nan; values[7] = 1e30; values[9 * size] = -.infinity }
        for q in [QuantizationMode.trn, .rnd] {
            for o in [OverflowMode.wrap, .sat] {
                for (w, i) in [(16, 6), (10, 4), (40, 12)] {
                    let f = try TestGraphs.format(w, i, q, o)
                    var out = [Int64](repeating: 7, count: size * stride)
                    values.withUnsafeBufferPointer { x in
                        out.withUnsafeMutableBufferPointer { y in
                            guard let x = x.baseAddress, let y = y.baseAddress else { return }
                            InputQuantizer(f, fast: true).quantize(x, size: size, count: n, into: y, stride: stride)
                        }
                    }
                    let expected = (0..<size).flatMap { k in
                        (0..<stride).map { e in e < n ? f.quantize(values[e * size + k]) : 7 }
                    }
                    #expect(out == expected, "\(f)")
                }
            }
        }
    }
}
