import FixedPoint
import Foundation
import GraphIR
import Interpreter
import Passes

/// What calibration optimizes: the share of events on which the fixed-point model picks the
/// float model's class, or the AUCs (the smallest per-class ratio fixed / float; needs labels).
public enum CalibrationMetric: String, CaseIterable, Hashable, Sendable {
    case agreement, auc
}

/// The settings of a ``Calibrator`` run.
public struct CalibrationSettings: Hashable, Sendable {
    /// The metric's target: 0.999 (99.9% of events decide like float; for `auc`, every
    /// class keeps 99.9% of its float AUC).
    public var target: Double
    /// The widest format any value may get: 18 bits.
    public var maxWidth: Int
    /// The narrowest: 4 bits.
    public var minWidth: Int
    public var metric: CalibrationMetric
    /// Also required: `max |fixed − float|` over every output value of every event at most
    /// this: 0.05 (so that narrowing keeps the scores, not only the decisions, and with
    /// them the ROC curves; `nil`: no limit). Ignored with ``decisionOnly``, whose output is
    /// a class index.
    public var maxAbsDiff: Double?
    /// Replace the final softmax by argmax (as `--argmax`): only decisions are compared (the
    /// RMS difference the error budget bounds is then the logits').
    public var decisionOnly: Bool
    /// Activation-table entries before the search shrinks them: 4096 (a softmax's exp table
    /// at 1024 entries alone moves near-tied events).
    public var tableSize: Int
    /// Scan every uniform width from ``minWidth`` to ``maxWidth`` (for a width/accuracy
    /// table) instead of stopping at the first that meets the target.
    public var pareto: Bool
    /// With the `agreement` metric, the target counts as met only when the one-sided Wilson
    /// bound at this confidence (0.95) on the share of agreeing events is at or above it, so
    /// that the search does not narrow formats down to what only these events tolerate.
    /// 0: the measured share itself. When the events are too few for any bound to reach the
    /// target (fewer than about `z²·t/(1−t)`: 2,700 for 0.999 at 0.95), the measured share
    /// is used and ``CalibrationResult/tooFewEvents`` says so.
    public var confidence: Double
    /// Bits accumulators may have beyond ``maxWidth`` (and beyond each uniform width): 0.
    /// Accumulators are sums inside a layer, not values stored or passed on; some designs
    /// allow them a few more bits than the data path.
    public var accumulatorExtraBits: Int
    /// Narrowing keeps the RMS difference of the output values at most this many times that
    /// of the point it starts from: 1.5 (0: no limit). Decisions flip where output errors
    /// meet events' margins, so a bounded error keeps held-out agreement near what the
    /// calibration events show.
    public var errorBudget: Double

    public init(
        target: Double = 0.999, maxWidth: Int = 18, minWidth: Int = 4, metric: CalibrationMetric = .agreement,
        maxAbsDiff: Double? = 0.05, decisionOnly: Bool = false, tableSize: Int = 4096, pareto: Bool = false,
        confidence: Double = 0.95, accumulatorExtraBits: Int = 0, errorBudget: Double = 1.5
    ) {
        self.errorBudget = errorBudget
        self.accumulatorExtraBits = accumulatorExtraBits
        self.confidence = confidence
        self.target = target
        self.maxWidth = maxWidth
        self.minWidth = minWidth
        self.metric = metric
        self.maxAbsDiff = maxAbsDiff
        self.decisionOnly = decisionOnly
        self.tableSize = tableSize
        self.pareto = pareto
    }
}

extension CalibrationSettings {
    /// The one-sided normal quantile of ``confidence`` (0 when it is 0).
    public var z: Double {
        guard confidence > 0, confidence < 1 else { return 0 }
        var (low, high) = (0.0, 10.0)
        for _ in 0..<60 {
            let mid = (low + high) / 2
            if 0.5 * erfc(mid / 2.0.squareRoot()) > 1 - confidence { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    /// Whether `events` events can show the target at ``confidence`` at all (all agreeing).
    func canShowTarget(events: Int) -> Bool {
        let z2 = z * z
        return Double(events) / (Double(events) + z2) >= target
    }
}

/// Calibration events: one batch per model input, and labels when the file has them.
public struct CalibrationData: Sendable {
    public var inputs: [String: Batch]
    public var labels: [Int32]?

    public init(inputs: [String: Batch], labels: [Int32]? = nil) {
        self.inputs = inputs
        self.labels = labels
    }

    /// Events per input (the inputs agree; checked by the calibrator).
    public var count: Int { inputs.values.first?.count ?? 0 }
}

/// How a fixed-point model compares with its float original on the calibration events.
public struct CalibrationScore: Hashable, Sendable {
    /// Share of events deciding like float (argmax, first on ties).
    public var agreement: Double
    /// Events compared.
    public var events: Int = 0
    /// The root mean square of `fixed − float` over all output values (`nil` as ``maxAbsDiff``).
    public var rmsDiff: Double?
    /// `max |fixed − float|` over all output values; `nil` when the fixed output is a class
    /// index.
    public var maxAbsDiff: Double?
    /// Per-class AUC of the fixed model, when labels are known.
    public var auc: [Double]?
    /// Per-class AUC of the float model, when labels are known.
    public var floatAUC: [Double]?

    /// The smallest per-class `AUC fixed / AUC float` (classes with an undefined AUC are
    /// skipped); `nil` without labels.
    public var aucRatio: Double? {
        guard let auc, let floatAUC else { return nil }
        let ratios = zip(auc, floatAUC).filter { $0.isFinite && $1.isFinite && $1 > 0 }.map { $0 / $1 }
        return ratios.min()
    }

    /// The value of `metric` (0 when it cannot be measured).
    public func value(_ metric: CalibrationMetric) -> Double {
        switch metric {
        case .agreement: agreement
        case .auc: aucRatio ?? 0
        }
    }

    /// The lower Wilson bound on the share of agreeing events at `z` (the share itself at 0).
    public func agreementBound(z: Double) -> Double {
        guard z > 0, events > 0 else { return agreement }
        let n = Double(events)
        let p = agreement
        let z2 = z * z
        let centre = p + z2 / (2 * n)
        let spread = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return (centre - spread) / (1 + z2 / n)
    }

    /// Whether this score meets `settings`' target (and its max-abs-diff limit); for
    /// agreement at ``CalibrationSettings/confidence`` when the events can show it.
    public func meets(_ settings: CalibrationSettings) -> Bool {
        var measured = value(settings.metric)
        if settings.metric == .agreement, settings.canShowTarget(events: events) {
            measured = agreementBound(z: settings.z)
        }
        guard measured >= settings.target else { return false }
        if let limit = settings.maxAbsDiff, !settings.decisionOnly, let diff = maxAbsDiff { return diff <= limit }
        return true
    }
}

/// A hardware cost proxy of a quantized graph: the sum over every multiplier of its
/// product's width (operand widths added), and the bits of every activation table a node
/// uses (entries × output width).
public struct ResourceProxy: Hashable, Sendable {
    public var productBits: Int
    public var tableBits: Int
    public var total: Int { productBits + tableBits }
}

/// One point of the width/accuracy trade-off.
public struct CalibrationPoint: Hashable, Sendable {
    /// "uniform 12" or "searched".
    public var label: String
    public var score: CalibrationScore
    public var cost: ResourceProxy
    /// The widest format of the point.
    public var maxWidth: Int
}

/// One node of the calibrated graph, for the per-layer table.
public struct LayerReport: Hashable, Sendable {
    public var node: String
    public var op: String
    /// The node's formats by what they hold: "result", "weight", "bias", "accumulator", and
    /// "<role> table" for each table's output (its entry count in ``tableSizes``).
    public var formats: [String: FixedFormat]
    public var tableSizes: [String: Int]
    /// `max |value|` on the calibration events (float), when measured.
    public var range: Double?
    /// `max |fixed − float|` and the root mean square of it at this node's output, over the
    /// calibration events: the error this node and everything before it leave.
    public var maxError: Double
    public var rmsError: Double
}

/// What calibration found.
public struct CalibrationResult: Sendable {
    /// The quantized graph (run it, compile it, write it).
    public var graph: Graph
    public var score: CalibrationScore
    public var cost: ResourceProxy
    /// Whether ``score`` meets the target; when not, ``graph`` is the best found.
    public var reached: Bool
    /// The uniform widths tried, then the searched result.
    public var points: [CalibrationPoint]
    public var layers: [LayerReport]
    /// Quantized models evaluated on the calibration events.
    public var evaluations: Int
    public var events: Int
    /// The events were too few to show the target at the settings' confidence, so the
    /// measured share was used.
    public var tooFewEvents: Bool
}
