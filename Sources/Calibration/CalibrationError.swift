import GraphIR
import Interpreter

/// Why calibration cannot start or finish, as one sentence.
public enum CalibrationError: Error, Hashable, Sendable, CustomStringConvertible {
    case badTarget(Double)
    case badWidths(min: Int, max: Int)
    case noEvents
    case missingInput(input: String, available: [String])
    case wrongShape(input: String, expected: [Int], found: [Int])
    case nonFinite(input: String, event: Int)
    case countsDiffer([String: Int])
    case labelCount(labels: Int, events: Int)
    case aucNeedsLabels
    case noOutput(graph: String)
    case nonFiniteFloat(event: Int)
    case nothingEvaluates(graph: String)

    public var description: String {
        switch self {
        case let .badTarget(t):
            "the target \(t) must lie above 0 and at most 1 (0.999 asks that 99.9% of events decide like float)."
        case let .badWidths(low, high):
            "widths from \(low) to \(high) bits are not a range calibration can search (it needs 2 ≤ min ≤ max, and max plus the accumulators' extra bits ≤ 32)."
        case .noEvents:
            "the calibration data holds no events."
        case let .missingInput(input, available):
            "the calibration data has no '\(input)' for the model's input of that name (it has "
                + (available.isEmpty ? "nothing" : available.sorted().map { "'\($0)'" }.joined(separator: ", ")) + ")."
        case let .wrongShape(input, expected, found):
            "the calibration events of '\(input)' have shape \(found) where the model expects \(expected)."
        case let .nonFinite(input, event):
            "the calibration data's '\(input)' holds NaN or infinity in event \(event)."
        case let .countsDiffer(counts):
            "the calibration inputs hold different numbers of events ("
                + counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")."
        case let .labelCount(labels, events):
            "the calibration data has \(labels) labels for \(events) events."
        case .aucNeedsLabels:
            "--metric auc needs labels (a 'label' dataset in the calibration file); use --metric agreement without them."
        case let .noOutput(graph):
            "model '\(graph)' has no output to calibrate against."
        case let .nonFiniteFloat(event):
            "the float model's output is NaN or infinite on calibration event \(event), so it cannot be a reference."
        case let .nothingEvaluates(graph):
            "no width between the minimum and maximum gives a fixed-point version of '\(graph)' that the interpreter can run."
        }
    }

    /// Checks the settings and that `data` matches `graph`'s inputs.
    static func check(settings: CalibrationSettings, data: CalibrationData, graph: Graph) throws(CalibrationError) {
        guard settings.target > 0, settings.target <= 1 else { throw .badTarget(settings.target) }
        guard settings.minWidth >= 2, settings.minWidth <= settings.maxWidth,
              settings.maxWidth + max(0, settings.accumulatorExtraBits) <= 32 else {
            throw .badWidths(min: settings.minWidth, max: settings.maxWidth + max(0, settings.accumulatorExtraBits))
        }
        for name in graph.inputs {
            guard let batch = data.inputs[name] else {
                throw .missingInput(input: name, available: Array(data.inputs.keys))
            }
            if let node = graph[name], case let .input(shape) = node.op, batch.shape != shape {
                throw .wrongShape(input: name, expected: shape, found: [batch.count] + batch.shape)
            }
            if let bad = batch.values.firstIndex(where: { !$0.isFinite }) {
                throw .nonFinite(input: name, event: bad / max(1, batch.elementsPerEvent))
            }
        }
        let counts = data.inputs.filter { graph.inputs.contains($0.key) }.mapValues(\.count)
        guard Set(counts.values).count <= 1 else { throw .countsDiffer(counts) }
        guard let count = counts.values.first, count > 0 else { throw .noEvents }
        if let labels = data.labels, labels.count != count { throw .labelCount(labels: labels.count, events: count) }
        if settings.metric == .auc, data.labels == nil { throw .aucNeedsLabels }
    }
}
