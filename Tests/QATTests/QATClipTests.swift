import FixedPoint
import GraphIR
import Interpreter
import Testing
import Training

@testable import QAT

/// The straight-through estimator's clipping: the fixed-point trace flags each GRU gate and
/// candidate pre-activation that was clipped, and each final logit its softmax read at the
/// accumulator's bounds; training passes no gradient there.
@Suite struct QATClipTests {
    /// A narrow accumulator (`ap_fixed<7,1>`: sums clip at ±1) clips many gate sums.
    static let narrow = "ap_fixed<7,1,AP_RND,AP_SAT>"

    /// A study model whose GRU kernels are 4× their initial values (gate sums of several units).
    static func model(_ kind: String, resetAfter: Bool = true) throws -> Model {
        let model = QATData.model(kind, resetAfter: resetAfter)
        var weights = model.weights()
        for name in ["gru/kernel", "gru/recurrent_kernel"] { weights[name] = weights[name]?.map { 4 * $0 } }
        try model.setWeights(weights)
        return model
    }

    /// The z flags against the exact pre-activation, recomputed here in `Double` from the
    /// quantized graph's constants, the GRU's input and the recorded previous state: a cell
    /// whose projections and their sum lie inside both the accumulator's range and the gate
    /// table's by a margin is not flagged; one with any of them outside by that margin is.
    /// The block path's flags equal the per-event path's.
    @Test(arguments: [true, false])
    func zFlagsFollowTheExactPreActivation(resetAfter: Bool) throws {
        let model = try Self.model("gru", resetAfter: resetAfter)
        let data = QATData.make(count: 60, seed: 21)
        let graph = try QATData.formats(Self.narrow).quantize(model.export())
        let interpreter = try Interpreter(graph: graph)
        let trace = try interpreter.trace(QATData.batches(model, data))
        let steps = try interpreter.gruTrace("gru", in: trace)
        var slow = InterpreterOptions()
        slow.fastPaths = false
        let perEvent = try Interpreter(graph: graph, options: slow)
        #expect(try perEvent.gruTrace("gru", in: try perEvent.trace(QATData.batches(model, data))).clipped == steps.clipped)

        let node = try #require(graph.nodes.first { $0.name == "gru" })
        guard case let .gru(gru) = node.op else { Issue.record("no GRU node"); return }
        let precision = try #require(node.precision)
        let acc = try #require(precision.accumulator)
        let table = try #require(precision.tables[.recurrentActivation].flatMap { graph.tables[$0] })
        let input = try #require(trace[node.inputs[0]]?.fixed)
        let (T, u) = (steps.steps, steps.units)
        let features = input.values.count / (data.count * T)
        let (W, U, b) = (gru.kernel.values.map(Double.init), gru.recurrentKernel.values.map(Double.init),
                         gru.bias.values.map(Double.init))
        let state = steps.state.map { steps.stateFormat.value(raw: $0) }
        // Per-product rounding moves a sum by at most half a step per term.
        let margin = Double(features + u + 2) * acc.resolution
        let low = max(acc.minValue, table.lowerBound), high = min(acc.maxValue, table.upperBound)
        var (inside, outside) = (0, 0)
        for e in 0..<data.count {
            for t in 0..<T where steps.valid[e * T + t] {
                for j in 0..<u {
                    var xw = b[j], hw = resetAfter ? b[3 * u + j] : 0
                    for f in 0..<features { xw += Double(input.values[(e * T + t) * features + f]) * W[f * 3 * u + j] }
                    if t > 0 { for k in 0..<u { hw += state[(e * T + t - 1) * u + k] * U[k * 3 * u + j] } }
                    let flagged = steps.clipped[(e * T + t) * u + j] & GRUClip.z != 0
                    let values = [xw, hw, xw + hw]
                    if values.allSatisfy({ $0 > acc.minValue + margin && $0 < acc.maxValue - margin })
                        && xw + hw > low + margin && xw + hw < high - margin {
                        inside += 1
                        #expect(!flagged, "event \(e) step \(t) unit \(j): z pre-activation \(xw + hw) flagged")
                    } else if values.contains(where: { $0 < acc.minValue - margin || $0 > acc.maxValue + margin })
                        || xw + hw < low - margin || xw + hw > high + margin {
                        outside += 1
                        #expect(flagged, "event \(e) step \(t) unit \(j): z pre-activation \(xw + hw) not flagged")
                    }
                }
            }
        }
        #expect(inside > 100 && outside > 100, "inside \(inside), outside \(outside)")
    }

    /// `FixedForward` hands the flags to the GRU as zero factors, one block per pre-activation.
    @Test func forwardValuesCarryTheFlagsAsFactors() throws {
        let model = try Self.model("inclusive")
        let data = QATData.make(count: 32, seed: 22)
        let forward = try FixedForward(model: model, formats: try QATData.formats(Self.narrow))
        let values = try forward.values(for: model, inputs: QATData.inputs(model, data), batch: data.count)
        guard case let .gru(gru)? = values.layers["gru"] else { Issue.record("no GRU values"); return }
        let graph = try forward.quantizedGraph(model)
        let interpreter = try Interpreter(graph: graph)
        let steps = try interpreter.gruTrace("gru", in: try interpreter.trace(QATData.batches(model, data)))
        let u = steps.units
        #expect(gru.gradientMask.count == steps.clipped.count * 3)
        for (cell, bits) in steps.clipped.enumerated() {
            let row = cell / u * 3 * u, j = cell % u
            #expect(gru.gradientMask[row + j] == (bits & GRUClip.z != 0 ? 0 : 1))
            #expect(gru.gradientMask[row + u + j] == (bits & GRUClip.r != 0 ? 0 : 1))
            #expect(gru.gradientMask[row + 2 * u + j] == (bits & GRUClip.candidate != 0 ? 0 : 1))
        }
        #expect(gru.gradientMask.contains(0) && gru.gradientMask.contains(1))
        // At 16 bits nothing of these events clips: no factors at all.
        let wide = try FixedForward(model: model, formats: try QATData.formats("ap_fixed<16,6,AP_RND,AP_SAT>"))
        guard case let .gru(none)? = try wide.values(for: model, inputs: QATData.inputs(model, data), batch: data.count)
            .layers["gru"] else { Issue.record("no GRU values"); return }
        #expect(none.gradientMask.isEmpty)
    }

    /// The final dense's logits, recomputed here in `Double` from its input and quantized
    /// constants (each product clamped to the accumulator's range): one beyond the accumulator's range by a margin gets factor 0, one inside it
    /// by that margin 1.
    @Test func saturatedLogitsPassNoGradient() throws {
        let model = QATData.model("hlf")
        var weights = model.weights()
        for (name, w) in weights where name.hasSuffix("kernel") { weights[name] = w.map { 3 * $0 } }
        try model.setWeights(weights)
        let data = QATData.make(count: 200, seed: 24)
        let forward = try FixedForward(model: model, formats: try QATData.formats("ap_fixed<8,2,AP_RND,AP_SAT>"))
        let values = try forward.values(for: model, inputs: QATData.inputs(model, data), batch: data.count)
        let last = try #require(model.layers.last?.name)
        let mask = try #require(values.gradientMasks[last])
        let graph = try forward.quantizedGraph(model)
        let node = try #require(graph.nodes.first { $0.name == last })
        guard case let .dense(w, b, .softmax) = node.op else { Issue.record("no final softmax dense"); return }
        let acc = try #require(node.precision?.accumulator)
        let interpreter = try Interpreter(graph: graph)
        let x = try #require(try interpreter.trace(QATData.batches(model, data))[node.inputs[0]]?.fixed)
        let (inputs, classes) = (x.elementsPerEvent, b.elementCount)
        let (W, B) = (w.values.map(Double.init), b.values.map(Double.init))
        let margin = Double(inputs + 2) * acc.resolution
        var (inside, outside) = (0, 0)
        for e in 0..<data.count {
            for k in 0..<classes {
                // Each product is converted to the accumulator (saturating) before the sum.
                var logit = B[k]
                for i in 0..<inputs {
                    logit += min(max(Double(x.values[e * inputs + i]) * W[i * classes + k], acc.minValue), acc.maxValue)
                }
                if logit > acc.minValue + margin && logit < acc.maxValue - margin {
                    inside += 1
                    #expect(mask[e * classes + k] == 1, "event \(e) class \(k): logit \(logit)")
                } else if logit < acc.minValue - margin || logit > acc.maxValue + margin {
                    outside += 1
                    #expect(mask[e * classes + k] == 0, "event \(e) class \(k): logit \(logit)")
                }
            }
        }
        #expect(inside > 50 && outside > 50, "inside \(inside), outside \(outside)")
    }

    /// The factors reach the weight gradients: with every z factor 0, one plain gradient step
    /// leaves the z columns of the kernel, recurrent kernel and bias unchanged (their
    /// gradients are 0) where they move without factors; with every factor 1 the step is the
    /// one without factors.
    @Test(arguments: [true, false])
    func factorsZeroTheClippedGradients(resetAfter: Bool) throws {
        let data = QATData.make(count: 24, seed: 23)
        let u = 8
        func step(_ factors: ((Int) -> [Float])?) throws -> (before: [String: [Float]], after: [String: [Float]]) {
            let model = QATData.model("gru", resetAfter: resetAfter)
            let before = model.weights()
            let trainer = Trainer(model: model, optimizer: SGD(learningRate: 0.5),
                                  options: TrainingOptions(epochs: 1, batchSize: data.count, shuffle: false))
            trainer.exactForward = WithFactors(
                base: try FixedForward(model: model, formats: try QATData.formats("ap_fixed<12,4,AP_RND,AP_SAT>")),
                factors: factors)
            try trainer.fit(data)
            return (before, model.weights())
        }
        let plain = try step(nil)
        #expect(try step { cells in [Float](repeating: 1, count: cells * 3) }.after == plain.after)
        let noZ = try step { cells in (0..<cells * 3).map { ($0 % (3 * u)) < u ? 0 : 1 } }
        for name in ["gru/kernel", "gru/recurrent_kernel", "gru/bias"] {
            let start = try #require(plain.before[name])
            let (moved, held) = (try #require(plain.after[name]), try #require(noZ.after[name]))
            var zColumnsMoved = 0
            for i in start.indices where i % (3 * u) < u {
                #expect(held[i] == start[i], "\(name)[\(i)]")
                if moved[i] != start[i] { zColumnsMoved += 1 }
            }
            #expect(zColumnsMoved > 0, "\(name): the z columns did not move without factors")
        }
    }
}

/// An exact forward pass whose GRU factors are replaced (none: unchanged).
private final class WithFactors: ExactForward {
    let base: FixedForward
    let factors: ((Int) -> [Float])?

    init(base: FixedForward, factors: ((Int) -> [Float])?) {
        self.base = base
        self.factors = factors
    }

    func values(for model: Model, inputs: [[Float]], batch n: Int) throws(TrainingError) -> ForwardValues {
        var values = try base.values(for: model, inputs: inputs, batch: n)
        if let factors, case var .gru(gru)? = values.layers["gru"] {
            gru.gradientMask = factors(gru.z.count)
            values.layers["gru"] = .gru(gru)
        }
        return values
    }
}
