import FixedPoint
import Foundation
import GraphIR
import Interpreter
import Passes
import Training

/// Chooses a fixed-point format for every value of a float graph from calibration events:
/// integer bits from the calibrated ranges, widths, rounding and table sizes by search
/// against the float model (see `Docs/Calibration.md`).
///
/// The search: (1) every value at one width W, for W from ``CalibrationSettings/minWidth``
/// up, until the target is met (integer bits follow each value's range at W; results and
/// accumulators saturate and round); (2) from that point, each value in turn (the costliest
/// first) gets the narrowest width that still meets the target (binary search), then
/// truncation instead of rounding where that still meets it, then each table the fewest
/// entries. Every step is checked by running the quantized model on all calibration events.
public struct Calibrator {
    public let settings: CalibrationSettings
    public let data: CalibrationData
    /// The float graph after the passes quantization starts from (node names as in the result).
    let prepared: Graph
    let original: Graph
    let magnitudes: [String: ValueMagnitudes]
    /// The float model's outputs on the calibration events.
    let reference: FloatReference
    /// With ``CalibrationSettings/decisionOnly``: the node the argmax reads (the logits) and
    /// its float values, so that a search which sees only decisions still has a smooth
    /// signal (the RMS difference of the logits) to bound narrowing and judge rebalancing.
    let logits: (node: String, values: [Float])?
    public let profile: RangeProfile
    /// Called with one line per stage (progress for long searches).
    var progress: (String) -> Void

    public init(
        graph: Graph, data: CalibrationData, settings: CalibrationSettings = CalibrationSettings(),
        progress: @escaping (String) -> Void = { _ in }
    ) throws {
        try CalibrationError.check(settings: settings, data: data, graph: graph)
        self.settings = settings
        self.data = data
        self.progress = progress
        original = graph
        reference = try FloatReference(graph: graph, data: data)
        prepared = try RangeTracer.floatGraph(graph, argmax: settings.decisionOnly)
        profile = try RangeTracer.profile(prepared, inputs: data.inputs, limit: data.count)
        magnitudes = PrecisionAssignment.magnitudes(of: prepared, profile: profile)
        if settings.decisionOnly, let output = prepared.outputs.first, let node = prepared[output]?.inputs.first,
           let values = try Interpreter(graph: prepared).trace(data.inputs)[node]?.batch.values {
            logits = (node, values)
        } else {
            logits = nil
        }
    }

    /// Runs the search and returns the best model found.
    public func run() throws -> CalibrationResult {
        var search = Search(calibrator: self)
        var points: [CalibrationPoint] = []
        // Per variant (GRU gate sums in their own format, or sharing the accumulator), the
        // widest plan that evaluates: where no width meets the target, rebalancing starts
        // from all the bits allowed (a narrower width that scores a few near-tied events
        // better is no better start).
        var widestPlan: [Bool: FormatPlan] = [:]
        var first: FormatPlan?
        for width in settings.minWidth...settings.maxWidth {
            let split = FormatPlan.uniform(
                prepared, magnitudes: magnitudes, width: width, tableSize: settings.tableSize,
                accumulatorExtraBits: settings.accumulatorExtraBits)
            let variants = [(split, false)] + (split.sharingGRUSums().map { [($0, true)] } ?? [])
            for (plan, shared) in variants where first == nil || settings.pareto {
                guard let (graph, score) = try? search.evaluate(plan) else { continue }
                let label = "uniform \(width)" + (shared ? ", one GRU accumulator" : "")
                points.append(CalibrationPoint(label: label, score: score, cost: Self.cost(of: graph), maxWidth: width))
                progress("\(label): \(Self.describe(score, settings))")
                widestPlan[shared] = plan
                if score.meets(settings), first == nil { first = plan }
            }
            if first != nil, !settings.pareto { break }
        }
        guard var plan = first ?? widestPlan[false] ?? widestPlan[true] else {
            throw CalibrationError.nothingEvaluates(graph: original.name)
        }
        if first == nil {
            // No width meets the target: trade range for resolution value by value from each
            // variant's widest plan; the first result that meets the target, else the closer.
            var found: (plan: FormatPlan, score: CalibrationScore)?
            for shared in [false, true] {
                guard let start = widestPlan[shared] else { continue }
                let balanced = search.rebalance(start)
                guard let (_, score) = try? search.evaluate(balanced) else { continue }
                if score.meets(settings) || found.map({ score.isBetter(than: $0.score, metric: settings.metric) }) ?? true {
                    found = (balanced, score)
                }
                if score.meets(settings) { break }
            }
            if let found { plan = found.plan }
        }
        if (try? search.evaluate(plan).1.meets(settings)) == true {
            plan = try search.refine(plan)
        }
        let (graph, score) = try search.evaluate(plan)
        let cost = Self.cost(of: graph)
        let widest = plan.entries.compactMap { plan.width($0.node, $0.role) }.max() ?? 0
        points.append(CalibrationPoint(
            label: score.meets(settings) ? "searched" : "written (best found)", score: score, cost: cost, maxWidth: widest))
        let layers = try report(graph)
        return CalibrationResult(
            graph: graph, score: score, cost: cost, reached: score.meets(settings), points: points, layers: layers,
            evaluations: search.evaluations, events: data.count,
            tooFewEvents: settings.metric == .agreement && settings.z > 0 && !settings.canShowTarget(events: data.count))
    }

    /// The quantization of `plan` and its score on the calibration events.
    func quantize(_ plan: FormatPlan) throws -> Graph {
        let options = try plan.options(for: prepared, tableSize: settings.tableSize)
        return try PassPipeline(Pipelines.quantize(options, decisionOnly: settings.decisionOnly)).run(original)
    }

    /// Compares fixed-point outputs with the float reference.
    func score(_ fixed: [Float]) -> CalibrationScore { reference.score(fixed) }

    /// One line: agreement, max abs diff and AUC ratio.
    static func describe(_ score: CalibrationScore, _ settings: CalibrationSettings) -> String {
        var parts = ["agreement \(percent(score.agreement))"]
        if let d = score.maxAbsDiff { parts.append("max |diff| \(fixed(d, 4))") }
        if let r = score.aucRatio { parts.append("AUC ratio \(fixed(r, 5))") }
        return parts.joined(separator: ", ")
    }
}

/// The search state: evaluations counted, results cached by plan.
struct Search {
    let calibrator: Calibrator
    var evaluations = 0
    var cache: [FormatPlan: CalibrationScore] = [:]

    mutating func evaluate(_ plan: FormatPlan) throws -> (Graph, CalibrationScore) {
        let graph = try calibrator.quantize(plan)
        if let cached = cache[plan] { return (graph, cached) }
        let interpreter = try Interpreter(graph: graph)
        let inputs = calibrator.data.inputs
        let outputs = calibrator.logits == nil ? try interpreter.run(inputs) : try interpreter.trace(inputs)
        guard let output = graph.outputs.first, let values = outputs[output] else {
            throw CalibrationError.noOutput(graph: graph.name)
        }
        evaluations += 1
        var score = calibrator.score(values.batch.values)
        if let (node, reference) = calibrator.logits, let fixed = outputs[node]?.batch.values {
            let perEvent = reference.count / max(calibrator.data.count, 1)
            score.rmsDiff = OutputComparison(float: reference, fixed: fixed, classes: perEvent).rmsDiff
        }
        cache[plan] = score
        return (graph, score)
    }

    /// Whether `plan` quantizes, runs and meets the target.
    /// The largest RMS output difference narrowing may reach (``CalibrationSettings/errorBudget``
    /// times the starting point's); `nil`: no limit.
    var rmsLimit: Double?

    mutating func meets(_ plan: FormatPlan) -> Bool {
        guard let (_, score) = try? evaluate(plan) else { return false }
        if let rmsLimit, let rms = score.rmsDiff, rms > rmsLimit { return false }
        return score.meets(calibrator.settings)
    }

    /// Narrows each value, then truncates, then shrinks tables, keeping the target met.
    mutating func refine(_ start: FormatPlan) throws -> FormatPlan {
        var plan = start
        let settings = calibrator.settings
        if let rms = try evaluate(start).1.rmsDiff, settings.errorBudget > 0 {
            // Decisions flip where the output error meets an event's margin: bounding the
            // error keeps narrowing from fitting only the calibration events.
            rmsLimit = max(rms * settings.errorBudget, 1e-12)
        }
        let order = try costOrder(plan)
        for (index, entry) in order.enumerated() {
            guard let width = plan.width(entry.node, entry.role) else { continue }
            // The narrowest width in [minWidth, width] that meets the target (binary search).
            var (low, high) = (settings.minWidth, width)
            while low < high {
                let mid = (low + high) / 2
                if meets(plan.with(entry.node, entry.role, width: mid)) { high = mid } else { low = mid + 1 }
            }
            plan = plan.with(entry.node, entry.role, width: high)
            calibrator.progress("narrowing \(index + 1)/\(order.count): \(entry.node) \(entry.role.name) \(width) -> \(high) bits")
        }
        for entry in plan.entries where entry.role.isComputed {
            var trial = plan
            trial.nodes[entry.node]?.values[entry.role]?.rounding = false
            if trial != plan, meets(trial) { plan = trial }
        }
        for entry in plan.entries {
            guard case let .table(role) = entry.role else { continue }
            while let size = plan.nodes[entry.node]?.tables[role]?.size, size > 16 {
                var trial = plan
                trial.nodes[entry.node]?.tables[role]?.size = size / 2
                guard meets(trial) else { break }
                plan = trial
            }
        }
        calibrator.progress("search done after \(evaluations) evaluations")
        return plan
    }

    /// Tables 4 or 16 times finer (at most 65,536 entries), then coordinate ascent on the
    /// integer bits of results and accumulators: each in turn gets one or two integer bits
    /// fewer (saturating more often, resolving finer) or one more; each change is kept only
    /// when it lowers the RMS output difference (else raises the metric); three rounds, or
    /// until the target is met.
    mutating func rebalance(_ start: FormatPlan) -> FormatPlan {
        let settings = calibrator.settings
        func better(_ a: CalibrationScore, than b: CalibrationScore) -> Bool { a.isBetter(than: b, metric: settings.metric) }
        guard var (_, current) = try? evaluate(start) else { return start }
        var plan = start
        // Finer tables first: a table's step, not its output width, often limits a GRU.
        for factor in [4, 16] {
            var trial = plan
            for (name, node) in plan.nodes {
                for (role, table) in node.tables {
                    trial.nodes[name]?.tables[role]?.size = min(table.size * factor, TableOverride.maxSize)
                }
            }
            guard trial != plan, let (_, score) = try? evaluate(trial), better(score, than: current) else { continue }
            (plan, current) = (trial, score)
            calibrator.progress("rebalancing: tables \(factor)x finer: " + Calibrator.describe(score, settings))
            if current.meets(settings) { return plan }
        }
        for round in 1...3 {
            var changed = false
            for entry in plan.entries {
                guard entry.role.isComputed else { continue }
                for step in [-1, -2, 1] {
                    var trial = plan
                    trial.nodes[entry.node]?.values[entry.role]?.integerOffset += step
                    guard let (_, score) = try? evaluate(trial), better(score, than: current) else { continue }
                    (plan, current, changed) = (trial, score, true)
                    calibrator.progress("rebalancing round \(round): \(entry.node) \(entry.role.name) integer bits \(step > 0 ? "+" : "")\(step): "
                        + Calibrator.describe(score, settings))
                    break
                }
                if current.meets(settings) { return plan }
            }
            if !changed { break }
        }
        return plan
    }

    /// The plan's entries, those whose width weighs most in the cost proxy first.
    func costOrder(_ plan: FormatPlan) throws -> [(node: String, role: ValueRole)] {
        let weights = Calibrator.costWeights(calibrator.prepared)
        return plan.entries.sorted { a, b in
            let wa = weights[a.node]?[a.role] ?? 0
            let wb = weights[b.node]?[b.role] ?? 0
            return wa != wb ? wa > wb : (a.node, a.role) < (b.node, b.role)
        }
    }
}

extension CalibrationScore {
    /// Whether this score is closer to float than `other`: the RMS output difference, a
    /// smooth signal, judges where there is one (the count of agreeing events moves by single
    /// near-tied events and would fit them); then the metric, then the largest difference.
    func isBetter(than other: CalibrationScore, metric: CalibrationMetric) -> Bool {
        if let x = rmsDiff, let y = other.rmsDiff, x != y { return x < y }
        let (x, y) = (value(metric), other.value(metric))
        if x != y { return x > y }
        return (maxAbsDiff ?? 0) < (other.maxAbsDiff ?? 0)
    }
}

func percent(_ x: Double) -> String { fixed(100 * x, 3) + "%" }

func fixed(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite else { return "\(x)" }
    return String(format: "%.\(digits)f", x)
}

extension Calibrator {
    /// How the quantized `graph` compares with the float model on other events (held out
    /// from calibration): the same figures as the search used.
    public func evaluate(_ graph: Graph, on other: CalibrationData) throws -> CalibrationScore {
        try CalibrationError.check(settings: settings, data: other, graph: original)
        guard let output = graph.outputs.first, let values = try Interpreter(graph: graph).run(other.inputs)[output] else {
            throw CalibrationError.noOutput(graph: graph.name)
        }
        return try FloatReference(graph: original, data: other).score(values.batch.values)
    }
}
