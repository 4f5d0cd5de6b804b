import FixedPoint
import GraphIR
import Interpreter
import Passes
import Testing

@testable import Calibration

/// Seeded events for the study models' inputs: uniform features in [-2, 2), sequences with a
/// random true length and zero rows after it (so masking has work to do).
enum Events {
    static func make(for graph: Graph, count: Int, seed: UInt64) -> CalibrationData {
        var rng = SplitMix64(seed: seed)
        func uniform() -> Float { Float(Double(rng.next() >> 11) * 0x1p-53) * 4 - 2 }
        var inputs: [String: Batch] = [:]
        for name in graph.inputs {
            guard let node = graph[name], case let .input(shape) = node.op else { continue }
            let per = shape.reduce(1, *)
            var values = [Float](repeating: 0, count: count * per)
            if shape.count == 2 {
                for e in 0..<count {
                    let length = 1 + Int(rng.next() % UInt64(shape[0]))
                    for i in 0..<(length * shape[1]) { values[e * per + i] = uniform() }
                }
            } else {
                for i in values.indices { values[i] = uniform() }
            }
            inputs[name] = Batch(count: count, shape: shape, values: values)
        }
        return CalibrationData(inputs: inputs)
    }

    /// The share of events on which `fixed` picks float's class, computed here independently.
    static func agreement(_ graph: Graph, fixed: Graph, on data: CalibrationData) throws -> Double {
        let float = try PassPipeline(Pipelines.float).run(graph)
        let a = try Interpreter(graph: float).run(data.inputs)[float.outputs[0]]?.batch
        let b = try Interpreter(graph: fixed).run(data.inputs)[fixed.outputs[0]]?.batch
        guard let a, let b else { return 0 }
        let classes = a.elementsPerEvent
        var same = 0
        for e in 0..<a.count {
            let x = a.values[(e * classes)..<((e + 1) * classes)]
            let y = b.values[(e * classes)..<((e + 1) * classes)]
            if x.firstIndex(of: x.max() ?? 0) == y.firstIndex(of: y.max() ?? 0).map({ $0 - y.startIndex + x.startIndex }) {
                same += 1
            }
        }
        return Double(same) / Double(a.count)
    }
}

@Suite struct CalibrationTests {
    static let gru = Graph.particleGRU(timeSteps: 12, features: 5, units: 8, seed: 3)

    /// The range tracer runs the GRU's equations again; its last state must be the float
    /// interpreter's.
    @Test(arguments: [true, false])
    func gruRangesFollowTheInterpreter(resetAfter: Bool) throws {
        let graph = try PassPipeline(Pipelines.float).run(
            Graph.particleGRU(timeSteps: 7, features: 4, units: 6, resetAfter: resetAfter, seed: 5))
        let data = Events.make(for: graph, count: 40, seed: 9)
        let trace = try Interpreter(graph: graph).trace(data.inputs)
        guard let node = graph.nodes.first(where: { if case .gru = $0.op { true } else { false } }),
              case let .gru(attributes) = node.op, let x = data.inputs[graph.inputs[0]],
              let expected = trace[node.name]?.batch.values
        else {
            Issue.record("no GRU")
            return
        }
        var ranges = GRURanges()
        let states = ranges.run(attributes, x: x.values, count: 40, steps: 7, features: 4, maskValue: 0)
        #expect(states.count == expected.count)
        for (a, b) in zip(states, expected) { #expect(abs(a - b) <= 1e-5) }
        #expect(ranges.state >= Double(expected.map(abs).max() ?? 0))
        #expect(ranges.accumulator > 0 && ranges.accumulator.isFinite)
        #expect(ranges.gates > 0 && ranges.gates.isFinite)
    }

    /// A GRU's gate sums get a format of their own from the gates' range, which the gate table
    /// reads; the shared variant sizes one accumulator for both ranges.
    @Test func gruGateSumsGetTheirOwnFormat() throws {
        let graph = try PassPipeline(Pipelines.float).run(Self.gru)
        var magnitudes = PrecisionAssignment.magnitudes(of: graph, profile: RangeProfile())
        magnitudes["gru"]?.accumulator = 2.5
        magnitudes["gru"]?.gateAccumulator = 7.9
        let plan = FormatPlan.uniform(graph, magnitudes: magnitudes, width: 16, tableSize: 1024)
        func quantized(_ plan: FormatPlan) throws -> LayerPrecision? {
            let options = try plan.options(for: graph, tableSize: 1024)
            return try PassPipeline(Pipelines.quantize(options)).run(graph)["gru"]?.precision
        }
        let split = try #require(try quantized(plan))
        #expect(split.accumulator?.description == "ap_fixed<16,3,AP_RND,AP_SAT>")
        #expect(split.gateAccumulator?.description == "ap_fixed<16,4,AP_RND,AP_SAT>")
        let gated = try PassPipeline(Pipelines.quantize(try plan.options(for: graph, tableSize: 1024))).run(graph)
        let table = try #require(split.tables[.recurrentActivation].flatMap { gated.tables[$0] })
        #expect(table.inputFormat == split.gateAccumulator)
        let sharing = try #require(plan.sharingGRUSums())
        let shared = try #require(try quantized(sharing))
        #expect(shared.accumulator?.description == "ap_fixed<16,4,AP_RND,AP_SAT>")
        #expect(shared.gateAccumulator == nil)
        #expect(FormatPlan.uniform(Graph.hlfDNN(seed: 2), magnitudes: [:], width: 16, tableSize: 1024)
            .sharingGRUSums() == nil)
    }

    /// With `--argmax` the outputs are class indices, but the search scores the logits the
    /// argmax reads against float's: an RMS difference that shrinks with wider formats.
    @Test func argmaxSearchScoresTheLogits() throws {
        let graph = Graph.hlfDNN(seed: 2)
        let data = Events.make(for: graph, count: 300, seed: 4)
        let calibrator = try Calibrator(
            graph: graph, data: data, settings: CalibrationSettings(target: 0.99, maxWidth: 16, decisionOnly: true))
        let logits = try #require(calibrator.logits)
        #expect(logits.values.count == 300 * 3)
        var search = Search(calibrator: calibrator)
        func rms(_ width: Int) throws -> Double? {
            let plan = FormatPlan.uniform(calibrator.prepared, magnitudes: calibrator.magnitudes, width: width, tableSize: 1024)
            return try search.evaluate(plan).1.rmsDiff
        }
        let narrow = try #require(try rms(8))
        let wide = try #require(try rms(16))
        #expect(wide > 0 && wide < narrow / 10, "RMS \(wide) at 16 bits, \(narrow) at 8")
    }

    /// Calibration meets its target, the graph it returns scores what it reports, and every
    /// value is at most the maximum width.
    @Test(arguments: ["hlf", "gru"])
    func calibrationMeetsItsTarget(model: String) throws {
        let graph = model == "hlf" ? Graph.hlfDNN(seed: 2) : Self.gru
        let data = Events.make(for: graph, count: 600, seed: 4)
        let settings = CalibrationSettings(target: 0.99, maxWidth: 16)
        let result = try Calibrator(graph: graph, data: data, settings: settings).run()
        #expect(result.reached)
        #expect(result.graph.isFixedPoint)
        #expect(result.score.agreement >= 0.99)
        #expect(try Events.agreement(graph, fixed: result.graph, on: data) == result.score.agreement)
        for node in result.graph.nodes {
            guard let p = node.precision else { continue }
            for format in [p.result, p.weight, p.bias, p.accumulator, p.gateAccumulator].compactMap({ $0 }) {
                #expect(format.width <= 16, "\(node.name): \(format)")
            }
        }
        // The searched point costs no more than the first uniform width that met the target.
        let uniform = result.points.first { $0.score.meets(settings) && $0.label.hasPrefix("uniform") }
        #expect(uniform.map { result.cost.total <= $0.cost.total } ?? false)
        #expect(result.layers.count == result.graph.nodes.count)
    }

    /// A target nothing within the widths reaches: the best found comes back, marked unreached.
    @Test func unreachableTargetReturnsTheBest() throws {
        let graph = Graph.hlfDNN(seed: 2)
        let data = Events.make(for: graph, count: 300, seed: 4)
        let settings = CalibrationSettings(target: 1, maxWidth: 5, minWidth: 4, maxAbsDiff: 0)
        let result = try Calibrator(graph: graph, data: data, settings: settings).run()
        #expect(!result.reached)
        #expect(result.graph.isFixedPoint)
        #expect(result.points.count == 3)
        #expect(result.points.last?.label == "written (best found)")
    }

    @Test func badCalibrationDataIsRefused() throws {
        let graph = Graph.hlfDNN(seed: 2)
        var data = Events.make(for: graph, count: 20, seed: 4)
        #expect(throws: CalibrationError.missingInput(input: "hlf_input", available: ["x"])) {
            try Calibrator(graph: graph, data: CalibrationData(inputs: ["x": data.inputs["hlf_input"]!]))
        }
        #expect(throws: CalibrationError.aucNeedsLabels) {
            try Calibrator(graph: graph, data: data, settings: CalibrationSettings(metric: .auc))
        }
        #expect(throws: CalibrationError.badTarget(1.5)) {
            try Calibrator(graph: graph, data: data, settings: CalibrationSettings(target: 1.5))
        }
        data.inputs["hlf_input"]?.values[17] = .nan
        #expect(throws: CalibrationError.nonFinite(input: "hlf_input", event: 1)) {
            try Calibrator(graph: graph, data: data)
        }
        let empty = CalibrationData(inputs: ["hlf_input": Batch(count: 0, shape: [14], values: [])])
        #expect(throws: CalibrationError.noEvents) { try Calibrator(graph: graph, data: empty) }
    }

    /// `--profile` keeps the profiled formats only when they decide like float at least as
    /// often as the plain ones on the profile events; on held-out events the study models
    /// keep that order too.
    @Test(arguments: ["hlf", "gru", "inclusive"])
    func profileNeverLowersAgreement(model: String) throws {
        let graph = switch model {
        case "hlf": Graph.hlfDNN(seed: 2)
        case "gru": Self.gru
        default: Graph.inclusive(timeSteps: 12, features: 5, units: 8, hlfFeatures: 6, seed: 3)
        }
        let events = Events.make(for: graph, count: 500, seed: 6)
        let held = Events.make(for: graph, count: 500, seed: 7)
        let floatGraph = try RangeTracer.floatGraph(graph, argmax: false)
        var options = PrecisionOptions(defaultFormat: try FixedFormat(parsing: "ap_fixed<12,4>"))
        options.profile = try RangeTracer.profile(floatGraph, inputs: events.inputs, limit: 500)
        let outcome = try ProfileChoice.choose(graph, options: options, decisionOnly: false, data: events)
        #expect(outcome.keptProfile == (outcome.profiledAgreement >= outcome.plainAgreement))
        options.profile = nil
        let plain = try PassPipeline(Pipelines.quantize(options)).run(graph)
        #expect(try Events.agreement(graph, fixed: outcome.graph, on: events)
                == max(outcome.profiledAgreement, outcome.plainAgreement))
        #expect(try Events.agreement(graph, fixed: outcome.graph, on: held) >= Events.agreement(graph, fixed: plain, on: held))
    }

    /// Scores, class indices and sizes that fit neither compare as documented.
    @Test func outputComparison() {
        let float: [Float] = [0.1, 0.7, 0.2, 0.5, 0.5, 0.0]
        let scores = OutputComparison(float: float, fixed: [0.1, 0.6, 0.3, 0.4, 0.6, 0.0], classes: 3)
        #expect(scores.events == 2 && scores.sameDecision == 1 && !scores.isIndex)
        #expect(abs((scores.maxAbsDiff ?? 0) - 0.1) < 1e-6)
        let indices = OutputComparison(float: float, fixed: [1, 0], classes: 3)
        #expect(indices.isIndex && indices.sameDecision == 2 && indices.maxAbsDiff == nil)
        #expect(OutputComparison(float: float, fixed: [1, 0, 2, 1], classes: 3).events == 0)
    }
}
