import FixedPoint
import GraphIR
@testable import Passes
import Testing

@Suite("Precision assignment from profiled ranges")
struct RangeProfileTests {
    /// `ap_fixed<16,6,AP_RND,AP_SAT>`: profiled formats keep its width and modes.
    let d = FixedFormat.constant(width: 16, integerBits: 6, quantization: .rnd, overflow: .sat)

    func f(_ integerBits: Int) -> FixedFormat {
        FixedFormat.constant(width: 16, integerBits: integerBits, quantization: .rnd, overflow: .sat)
    }

    /// x [4] → d1 (dense 3, relu fused) → d2 (dense 2, linear). Weights `(i - j)/8`, biases
    /// `j/16`: max |w| 3/8 and 2/8, max |b| 1/8 and 1/16, so weights and biases need 1 bit.
    func graph() -> Graph {
        var b = GraphBuilder()
        let x = b.input("x", [4])
        b.add("d1", dense(4, 3, .relu), [x], shape: [3])
        b.add("d2", dense(3, 2), ["d1"], shape: [2])
        return b.graph(["d2"])
    }

    let profile = RangeProfile(
        events: 100, results: ["x": 0.8, "d1": 2.5, "d2": 0.3], accumulators: ["d1": 5.0, "d2": 0.3])

    @Test(
        "integer bits: ceil(log2 m) + 1, one more at a power of two or within a step below it",
        arguments: [
            (0.0, 1), (0.01, 1), (0.5, 1), (0.99, 1), (1 - 0x1p-15, 1), (1 - 0x1p-16, 2), (1.0, 2),
            (1.5, 2), (2.5, 3), (4.0, 4), (100.0, 8), (Double.nan, 1), (Double.infinity, 1), (-3.0, 1),
        ])
    func integerBits(magnitude: Double, bits: Int) {
        #expect(RangeProfile.integerBits(magnitude: magnitude, width: 16) == bits)
    }

    @Test("unsigned formats need no sign bit")
    func unsignedBits() {
        #expect(RangeProfile.integerBits(magnitude: 1.5, width: 16, signed: false) == 1)
        #expect(RangeProfile.integerBits(magnitude: 2.0, width: 16, signed: false) == 2)
    }

    @Test("recording keeps the largest magnitude, skips non-finite values; merging widens")
    func recording() {
        var p = RangeProfile(events: 2)
        p.record(result: "a", values: [Float(0.5), -3, .nan, .infinity])
        p.record(result: "a", values: [Float(1)])
        p.record(accumulator: "a", values: [-7.0, 2])
        #expect(p.result("a") == 3 && p.accumulator("a") == 7 && p.result("b") == nil)
        let q = p.merging(RangeProfile(events: 3, results: ["a": 4, "b": 1]))
        #expect(q.events == 5 && q.result("a") == 4 && q.result("b") == 1 && q.accumulator("a") == 7)
    }

    @Test("a profile gives each node its integer bits plus the margin, at the default width and modes")
    func profiled() throws {
        let options = PrecisionOptions(defaultFormat: d, profile: profile)
        let graph = try PrecisionAssignment(options).assign(graph())
        #expect(graph["x"]?.precision == LayerPrecision(result: f(2)))  // 0.8 → 1 + 1
        let d1 = try #require(graph["d1"]?.precision)
        #expect(d1.result == f(4))  // 2.5 → 3 + 1
        #expect(d1.accumulator == f(5))  // 5.0 → 4 + 1
        #expect(d1.weight == f(1) && d1.bias == f(1))  // exact: no margin
        let d2 = try #require(graph["d2"]?.precision)
        #expect(d2.result == f(2) && d2.accumulator == f(2) && d2.weight == f(1) && d2.bias == f(1))
        #expect(graph.isFixedPoint)
        #expect(throws: Never.self) { try graph.verify() }
    }

    @Test("the margin is added to results and accumulators only", arguments: [0, 2])
    func margin(margin: Int) throws {
        let options = PrecisionOptions(defaultFormat: d, profile: profile, profileMargin: margin)
        let d1 = try #require(try PrecisionAssignment(options).assign(graph())["d1"]?.precision)
        #expect(d1.result == f(3 + margin) && d1.accumulator == f(4 + margin) && d1.weight == f(1))
    }

    @Test("without a measured accumulator, a dense bounds it by Σ|w|·max|x| + |b|")
    func derivedAccumulator() throws {
        // Columns of d1: Σ_i |i - j|/8 = 0.75, 0.5, 0.5; × 0.8 plus j/16 → 0.6, 0.4625, 0.525.
        var partial = profile
        partial.accumulators = [:]
        partial.results["x"] = 2  // a wider input: 0.75 × 2 = 1.5 needs 2 bits
        let options = PrecisionOptions(defaultFormat: d, profile: partial)
        let graph = try PrecisionAssignment(options).assign(graph())
        #expect(graph["d1"]?.precision?.accumulator == f(3))  // 1.5 → 2 + 1
        #expect(graph["d2"]?.precision?.accumulator == f(2))  // linear: its result's range
        partial.results["x"] = 0.8
        let narrow = try PrecisionAssignment(PrecisionOptions(defaultFormat: d, profile: partial)).assign(self.graph())
        #expect(narrow["d1"]?.precision?.accumulator == f(2))  // 0.6 → 1 + 1
    }

    @Test("per-layer overrides win over the profile")
    func overridesWin() throws {
        let wide = FixedFormat.constant(width: 18, integerBits: 8)
        var options = PrecisionOptions(defaultFormat: d, profile: profile)
        options.overrides["d1"] = LayerOverride(result: wide, accumulator: wide)
        let graph = try PrecisionAssignment(options).assign(graph())
        let d1 = try #require(graph["d1"]?.precision)
        #expect(d1.result == wide && d1.accumulator == wide && d1.weight == f(1))
        #expect(graph["d2"]?.precision?.result == f(2))
        #expect(throws: Never.self) { try graph.verify() }
    }

    @Test("nodes the profile lacks keep the default result; exact accumulators still win")
    func missingAndExact() throws {
        var options = PrecisionOptions(defaultFormat: d, profile: RangeProfile(results: ["x": 0.8]))
        var graph = try PrecisionAssignment(options).assign(graph())
        #expect(graph["d1"]?.precision?.result == d && graph["x"]?.precision?.result == f(2))
        options.exactAccumulators = true
        graph = try PrecisionAssignment(options).assign(self.graph())
        let exact = try AccumulatorBound.dense(
            weights: tensor(graph, "d1", weights: true), bias: tensor(graph, "d1", weights: false), input: f(2),
            weight: f(1), biasFormat: f(1)
        ).format(modes: d)
        #expect(graph["d1"]?.precision?.accumulator == exact)
    }

    @Test("a fused tanh's table reads the profiled accumulator; a GRU's state follows its measured range")
    func tablesAndGRU() throws {
        var b = GraphBuilder()
        let x = b.input("x", [5, 3])
        b.add("g", gru(features: 3, units: 2), [x], shape: [2])
        b.add("t", dense(2, 2, .tanh), ["g"], shape: [2])
        let profile = RangeProfile(results: ["x": 1, "g": 0.4, "t": 0.9], accumulators: ["t": 3])
        let graph = try PrecisionAssignment(PrecisionOptions(defaultFormat: d, profile: profile))
            .assign(b.graph(["t"]))
        #expect(graph["g"]?.precision?.result == f(2))  // 0.4 (every step's state, measured) → 1 + 1
        let t = try #require(graph["t"]?.precision)
        #expect(t.accumulator == f(4))  // 3 → 3 + 1
        let table = try #require(t.tables[.activation].flatMap { graph.tables[$0] })
        #expect(table.inputFormat == f(4))
        #expect(throws: Never.self) { try graph.verify() }
        // Unmeasured, a tanh candidate bounds the state by 1.
        let unmeasured = RangeProfile(results: ["x": 1, "t": 0.9], accumulators: ["t": 3])
        let other = try PrecisionAssignment(PrecisionOptions(defaultFormat: d, profile: unmeasured)).assign(b.graph(["t"]))
        #expect(other["g"]?.precision?.result == f(3))  // 1 → 2 + 1
    }

    func tensor(_ graph: Graph, _ node: String, weights: Bool) throws -> Tensor {
        guard case let .dense(w, b, _) = try #require(graph[node]).op else { throw TestFailure.notDense }
        return weights ? w : b
    }

    enum TestFailure: Error { case notDense }
}
