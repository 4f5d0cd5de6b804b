import GraphIR
import Interpreter
import Training

/// Fixed-point outputs against float ones, event by event: the one definition of "decides
/// like float" that calibration, `--profile` and `trigc compare` use. The float side is
/// `events × classes` scores; the fixed side the same, or one class index per event (an
/// `--argmax` model), which then compares decisions only. A decision is the first largest
/// score.
public struct OutputComparison: Hashable, Sendable {
    public var events = 0
    public var sameDecision = 0
    /// The fixed output is a class index per event.
    public var isIndex = false
    /// `max |fixed − float|`, the mean and the root mean square of it over every output
    /// value; `nil` for a class index.
    public var maxAbsDiff: Double?
    public var meanAbsDiff: Double?
    public var rmsDiff: Double?

    /// Share of events deciding like float (1 without events).
    public var agreement: Double { events == 0 ? 1 : Double(sameDecision) / Double(events) }

    /// Compares `count × classes` float scores with fixed scores of the same layout or with
    /// one class index per event; other sizes compare nothing.
    public init(float: [Float], fixed: [Float], classes: Int) {
        guard classes > 0, !float.isEmpty, float.count % classes == 0 else { return }
        events = float.count / classes
        isIndex = classes > 1 && fixed.count == events
        guard isIndex || fixed.count == float.count else {
            events = 0
            return
        }
        for e in 0..<events {
            let picked = isIndex ? Int(fixed[e]) : Self.decision(fixed, event: e, classes: classes)
            if picked == Self.decision(float, event: e, classes: classes) { sameDecision += 1 }
        }
        guard !isIndex else { return }
        var largest = 0.0, sum = 0.0, squares = 0.0
        for (a, b) in zip(fixed, float) {
            let d = abs(Double(a) - Double(b))
            largest = max(largest, d)
            sum += d
            squares += d * d
        }
        let n = Double(float.count)
        (maxAbsDiff, meanAbsDiff, rmsDiff) = (largest, sum / n, (squares / n).squareRoot())
    }

    /// The index of the first largest of event `e`'s scores.
    static func decision(_ values: [Float], event e: Int, classes: Int) -> Int {
        var best = 0
        for j in 1..<max(classes, 1) where values[e * classes + j] > values[e * classes + best] { best = j }
        return best
    }
}

/// The float model's outputs on a set of events, against which fixed-point outputs are scored.
struct FloatReference {
    let outputs: [Float]
    let classes: Int
    let labels: [Int32]?
    /// Per-class AUC of the float model, when the events have labels.
    let auc: [Double]?

    /// Runs `graph` (float, before any pass) on `data`; a non-finite output is an error.
    init(graph: Graph, data: CalibrationData) throws {
        let floatGraph = try RangeTracer.floatGraph(graph, argmax: false)
        guard let output = floatGraph.outputs.first, let shape = floatGraph[output]?.shape else {
            throw CalibrationError.noOutput(graph: graph.name)
        }
        classes = max(1, shape.reduce(1, *))
        outputs = try Interpreter(graph: floatGraph).run(data.inputs)[output]?.batch.values ?? []
        if let bad = outputs.firstIndex(where: { !$0.isFinite }) {
            throw CalibrationError.nonFiniteFloat(event: bad / classes)
        }
        labels = data.labels
        if let labels = data.labels, classes > 1 {
            auc = ClassificationMetrics(probabilities: outputs, labels: labels, classes: classes).auc
        } else {
            auc = nil
        }
    }

    /// How fixed-point outputs compare with these.
    func score(_ fixed: [Float]) -> CalibrationScore {
        let comparison = OutputComparison(float: outputs, fixed: fixed, classes: classes)
        var score = CalibrationScore(agreement: comparison.agreement, maxAbsDiff: comparison.maxAbsDiff)
        score.events = comparison.events
        score.rmsDiff = comparison.rmsDiff
        if let labels, let auc, !comparison.isIndex {
            score.auc = ClassificationMetrics(probabilities: fixed, labels: labels, classes: classes).auc
            score.floatAUC = auc
        }
        return score
    }
}
