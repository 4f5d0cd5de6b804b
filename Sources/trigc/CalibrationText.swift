import Calibration
import FixedPoint
import Foundation

/// What `trigc quantize` prints.
enum CalibrationText {
    /// One row per node: formats, table sizes, calibrated range, error against float.
    static func layers(_ result: CalibrationResult) -> String {
        var rows = [["node", "op", "result", "weight", "bias", "accumulator", "tables", "range", "max err", "rms err"]]
        for layer in result.layers {
            let f = layer.formats
            let tables = layer.tableSizes.keys.sorted().compactMap { key -> String? in
                guard let format = f[key], let size = layer.tableSizes[key] else { return nil }
                return "\(key.replacingOccurrences(of: " table", with: "")): \(size) x \(format)"
            }.joined(separator: "; ")
            rows.append([
                layer.node, layer.op, f["result"].map { "\($0)" } ?? "-", f["weight"].map { "\($0)" } ?? "-",
                f["bias"].map { "\($0)" } ?? "-", accumulator(f), tables.isEmpty ? "-" : tables,
                layer.range.map { String(format: "%.4g", $0) } ?? "-", String(format: "%.3g", layer.maxError),
                String(format: "%.3g", layer.rmsError),
            ])
        }
        return table(rows)
    }

    /// The accumulator, and a GRU's gate accumulator after it when it has its own.
    private static func accumulator(_ f: [String: FixedFormat]) -> String {
        guard let a = f["accumulator"] else { return "-" }
        guard let g = f["gate accumulator"] else { return "\(a)" }
        return "\(a) (gates \(g))"
    }

    /// The width/accuracy points.
    static func points(_ result: CalibrationResult, settings: CalibrationSettings) -> String {
        var rows = [["point", "widest", "agreement", "max |diff|", "min AUC ratio", "product bits", "table bits", "meets"]]
        for p in result.points {
            rows.append([
                p.label, "\(p.maxWidth)", String(format: "%.3f%%", 100 * p.score.agreement),
                p.score.maxAbsDiff.map { String(format: "%.4f", $0) } ?? "-",
                p.score.aucRatio.map { String(format: "%.5f", $0) } ?? "-", "\(p.cost.productBits)", "\(p.cost.tableBits)",
                p.score.meets(settings) ? "yes" : "no",
            ])
        }
        return table(rows)
    }

    /// The final figures.
    static func summary(_ result: CalibrationResult, settings: CalibrationSettings, seconds: Double) -> String {
        var lines = ["calibrated on \(result.events) events: \(describe(result.score)); "
            + "resource proxy \(result.cost.productBits) product bits + \(result.cost.tableBits) table bits; "
            + "\(result.evaluations) models evaluated in \(String(format: "%.1f", seconds)) s"]
        if let auc = result.score.auc, let floatAUC = result.score.floatAUC {
            lines.append("AUC fixed / float per class: " + zip(auc, floatAUC).map {
                String(format: "%.4f / %.4f", $0, $1)
            }.joined(separator: ", "))
        }
        if result.tooFewEvents {
            lines.append("note: \(result.events) events are too few to show the target at confidence \(settings.confidence); "
                + "the measured share was used (use more events, or --confidence 0 to say so)")
        } else if settings.metric == .agreement, settings.confidence > 0 {
            lines.append(String(format: "agreement lower bound at confidence %.2f: %.3f%%", settings.confidence,
                                100 * result.score.agreementBound(z: settings.z)))
        }
        lines.append(result.reached
            ? "target \(settings.metric.rawValue) ≥ \(settings.target) met"
            : "target \(settings.metric.rawValue) ≥ \(settings.target) NOT met within \(settings.maxWidth) bits")
        return lines.joined(separator: "\n")
    }

    /// The result on held-out events.
    static func check(_ score: CalibrationScore, file: String, events: Int) -> String {
        "held-out check on \(events) events of \(file): \(describe(score))"
    }

    static func describe(_ score: CalibrationScore) -> String {
        var parts = [String(format: "agreement %.3f%%", 100 * score.agreement)]
        if let d = score.maxAbsDiff { parts.append(String(format: "max |fixed - float| %.4f", d)) }
        if let r = score.aucRatio { parts.append(String(format: "min AUC ratio %.5f", r)) }
        return parts.joined(separator: ", ")
    }

    /// Left-aligned columns.
    static func table(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.first?.count ?? 0)).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
