import FixedPoint
import GraphIR
@testable import Passes
import Testing

@Suite("Exact accumulators")
struct ExactAccumulatorTests {
    let input = format(4, 2)  // codes -8...7, steps of 1/4
    let weight = format(6, 2)
    let bias = format(6, 3)

    func graph(weights: [Float], bias biasValues: [Float]) -> Graph {
        var b = GraphBuilder()
        let x = b.input("x", [3])
        let outputs = biasValues.count
        b.add(
            "d",
            .dense(
                weights: Tensor(shape: [3, outputs], values: weights), bias: Tensor(shape: [outputs], values: biasValues),
                activation: .linear),
            [x], shape: [outputs])
        return b.graph(["d"])
    }

    static let layers: [([Float], [Float])] = [
        ([0.75, -2, -1.3125, 0.0625, 0.5, 1.9375], [0.375, -1.5]),
        ([1.9375, 1.9375, 1.9375], [3.875]),
        ([-2, -2, -2], [-4]),
        ([0, 0, 0, 0.0625, 0, 0], [0, 0]),
    ]

    @Test("no exact sum over every input code leaves the accumulator, which is at most a bit wider than needed",
          arguments: layers)
    func bruteForce(weights: [Float], biases: [Float]) throws {
        let options = PrecisionOptions(
            overrides: ["x": LayerOverride(result: input), "d": LayerOverride(weight: weight, bias: bias)],
            exactAccumulators: true)
        let graph = try PrecisionAssignment(options).assign(graph(weights: weights, bias: biases))
        let a = try #require(graph["d"]?.precision?.accumulator)
        #expect(a.fractionalBits == weight.fractionalBits + input.fractionalBits)
        #expect(a.isSigned)
        let outputs = biases.count
        var low = Int64.max
        var high = Int64.min
        for x0 in input.minRaw...input.maxRaw {
            for x1 in input.minRaw...input.maxRaw {
                for x2 in input.minRaw...input.maxRaw {
                    let x = [x0, x1, x2]
                    for j in 0..<outputs {
                        // The exact sum in A's scale, formed as the fixed-point rules say.
                        var sum = a.convert(raw: bias.quantize(biases[j]), from: bias)
                        #expect(sum == bias.quantize(biases[j]) << Int64(a.fractionalBits - bias.fractionalBits))
                        for i in 0..<3 {
                            let product = weight.quantize(weights[i * outputs + j]) * x[i]
                            let q = a.convert(raw: product, fractionalBits: weight.fractionalBits + input.fractionalBits)
                            #expect(q == product)
                            sum += q
                        }
                        #expect(a.convert(raw: sum, fractionalBits: a.fractionalBits) == sum)
                        low = min(low, sum)
                        high = max(high, sum)
                    }
                }
            }
        }
        // The narrowest signed width holding every sum that occurred.
        var needed = 1
        while -(Int64(1) << (needed - 1)) > low || (Int64(1) << (needed - 1)) - 1 < high { needed += 1 }
        #expect(a.width >= needed)
        #expect(a.width <= needed + 1, "accumulator \(a) for sums in [\(low), \(high)]")
    }

    @Test("a bound wider than 62 bits is an error naming the node")
    func tooWide() throws {
        let options = PrecisionOptions(
            overrides: ["x": LayerOverride(result: format(48, 24)), "d": LayerOverride(weight: format(40, 20))],
            exactAccumulators: true)
        let error = try #require(throws: PrecisionError.self) {
            try PrecisionAssignment(options).assign(graph(weights: [1, 1, 1], bias: [0]))
        }
        guard case let .accumulatorTooWide(node, width, maximum) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(node == "d" && width > 62 && maximum == 62)
        #expect(error.description.contains("node 'd' needs a"))
    }

    @Test("an accumulator override wins over the exact format")
    func overrideWins() throws {
        let a = format(10, 4)
        let options = PrecisionOptions(
            overrides: ["d": LayerOverride(accumulator: a)], exactAccumulators: true)
        let graph = try PrecisionAssignment(options).assign(graph(weights: [1, 1, 1], bias: [0]))
        #expect(graph["d"]?.precision?.accumulator == a)
    }

    @Test("a one-weight dense reading ap_fixed<16,6> needs ap_fixed<27,7>")
    func knownWidth() throws {
        let bound = AccumulatorBound.dense(
            weights: Tensor(shape: [1, 1], values: [1]), bias: Tensor(shape: [1], values: [0]), input: .apFixed16_6,
            weight: .apFixed16_6, biasFormat: .apFixed16_6)
        #expect(bound.fractionalBits == 20)
        #expect(bound.magnitudeRaw == 32 << 20)
        #expect(try bound.format(modes: .apFixed16_6) == format(27, 7))
    }

    @Test("batch normalization: scale products and shift fit for every input code")
    func batchNormalization() throws {
        var builder = GraphBuilder()
        let x = builder.input("x", [2])
        let bn = BatchNormAttributes(
            gamma: Tensor(shape: [2], values: [1.5, -0.25]), beta: Tensor(shape: [2], values: [0.5, -3]),
            mean: Tensor(shape: [2], values: [0.1, 1]), variance: Tensor(shape: [2], values: [0.5, 2]), epsilon: 0.001)
        builder.add("bn", .batchNormalization(bn), [x], shape: [2])
        let options = PrecisionOptions(
            overrides: ["x": LayerOverride(result: input), "bn": LayerOverride(weight: weight, bias: bias)],
            exactAccumulators: true)
        let graph = try PrecisionAssignment(options).assign(builder.graph(["bn"]))
        let a = try #require(graph["bn"]?.precision?.accumulator)
        for c in 0..<2 {
            let scale = Double(bn.gamma.values[c]) / (Double(bn.variance.values[c]) + Double(bn.epsilon)).squareRoot()
            let shift = Double(bn.beta.values[c]) - Double(bn.mean.values[c]) * scale
            for code in input.minRaw...input.maxRaw {
                let product = weight.quantize(scale) * code
                let q = a.convert(raw: product, fractionalBits: weight.fractionalBits + input.fractionalBits)
                let s = q + a.convert(raw: bias.quantize(shift), from: bias)
                #expect(q == product << Int64(a.fractionalBits - weight.fractionalBits - input.fractionalBits))
                #expect(a.convert(raw: s, fractionalBits: a.fractionalBits) == s)
            }
        }
    }

    @Test("GRU: every pre-activation sum fits, for every input, state and gate value", arguments: [true, false])
    func gruBruteForce(resetAfter: Bool) throws {
        let x = format(3, 1)  // [-1, 1) in quarters
        let state = format(4, 1)  // [-1, 1) in eighths
        var b = GraphBuilder()
        let input = b.input("x", [4, 2])
        b.add("g", gru(features: 2, units: 2, resetAfter: resetAfter), [input], shape: [2])
        let options = PrecisionOptions(
            defaultFormat: format(6, 2),
            overrides: ["x": LayerOverride(result: x), "g": LayerOverride(result: state)], exactAccumulators: true)
        let graph = try PrecisionAssignment(options).assign(b.graph(["g"]))
        let p = try #require(graph["g"]?.precision)
        let a = try #require(p.accumulator)
        let w = try #require(p.weight)
        let bf = try #require(p.bias)
        let gate = try #require(p.tables[.recurrentActivation].flatMap { graph.tables[$0] }).outputFormat
        guard case let .gru(attributes) = graph["g"]?.op else { return }
        let units = 2
        func lin(_ v: [Int64], _ vf: FixedFormat, _ kernel: Tensor, _ column: Int, bias: Float?) -> Int64 {
            var sum = bias.map { a.convert(raw: bf.quantize($0), from: bf) } ?? 0
            for i in v.indices {
                sum += a.convert(raw: w.quantize(kernel.values[i * 3 * units + column]) * v[i],
                                 fractionalBits: w.fractionalBits + vf.fractionalBits)
            }
            return sum
        }
        let gates = Array(gate.quantize(0.0)...gate.quantize(1.0))
        var checked = 0
        for x0 in x.minRaw...x.maxRaw {
            for x1 in x.minRaw...x.maxRaw {
                for h0 in state.minRaw...state.maxRaw {
                    for h1 in state.minRaw...state.maxRaw {
                        for j in 0..<(3 * units) {
                            let xs = lin([x0, x1], x, attributes.kernel, j, bias: attributes.bias.values[j])
                            let recurrentBias = resetAfter ? attributes.bias.values[3 * units + j] : nil
                            if j < 2 * units || resetAfter {
                                let hs = lin([h0, h1], state, attributes.recurrentKernel, j, bias: recurrentBias)
                                let sums = j < 2 * units
                                    ? [xs + hs]
                                    : gates.map { r in xs + a.convert(raw: r * hs, fractionalBits: gate.fractionalBits + a.fractionalBits) }
                                for s in sums {
                                    #expect(s >= a.minRaw && s <= a.maxRaw)
                                    checked += 1
                                }
                            } else {
                                for r in gates {
                                    let rh = [h0, h1].map { state.convert(raw: r * $0, fractionalBits: gate.fractionalBits + state.fractionalBits) }
                                    let s = xs + lin(rh, state, attributes.recurrentKernel, j, bias: nil)
                                    #expect(s >= a.minRaw && s <= a.maxRaw)
                                    checked += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        #expect(checked > 100_000)
    }
}
