import Foundation
import GraphIR

/// The figures of one run or evaluation written together, the same way by `trigc train`
/// and `trigc evaluate`: ROC (and loss) plots and their JSON report.
extension Figures {
    /// The files ``writeReport(_:model:data:history:in:title:prefix:extra:)`` may write for
    /// `prefix` (the loss plot only with a history).
    public static func reportFileNames(prefix: String, history: Bool) -> [String] {
        let stem = prefix == "metrics" ? "" : prefix + "-"
        // A fixed-point evaluation also overlays its ROC on the float model's.
        let plots = ["roc", "rejection"] + (history ? ["loss", "lr"] : []) + (prefix == "evaluate-fixed" ? ["overlay"] : [])
        return plots.flatMap { ["\(stem)\($0).svg", "\(stem)\($0).png"] } + ["\(prefix).json"]
    }

    /// Writes `<prefix>-roc.svg`, `<prefix>-rejection.svg` (background rejection on a log
    /// axis), `<prefix>-loss.svg` and `<prefix>-lr.svg` (when there is a history), PNGs when a
    /// converter is present, and `<prefix>.json` (prefix `metrics`: `roc.svg`, `rejection.svg`,
    /// `loss.svg`, `lr.svg`, `metrics.json`); returns the report written.
    @discardableResult
    public static func writeReport(
        _ metrics: ClassificationMetrics, model: String, data: String, history: [EpochSummary], in directory: URL,
        title: String, prefix: String = "metrics", extra: [String: String] = [:],
        overlay: (reference: ClassificationMetrics, label: String, own: String)? = nil
    ) throws -> FigureReport {
        let names = EventClass.allCases.map(\.name)
        let converter = pngConverter()
        var plots: [String: String] = [:]
        let stem = prefix == "metrics" ? "" : prefix + "-"
        let roc = try write(rocPlot(metrics, classNames: names, title: "ROC, \(title)"),
                            name: stem + "roc", in: directory, converter: converter)
        plots["roc_svg"] = roc.svg
        plots["roc_png"] = roc.png
        if let overlay {
            let both = try write(overlayPlot(metrics, label: overlay.own, reference: overlay.reference, referenceLabel: overlay.label,
                                             classNames: names, title: "ROC, \(overlay.own) against \(overlay.label)"),
                                 name: stem + "overlay", in: directory, converter: converter)
            plots["overlay_svg"] = both.svg
            plots["overlay_png"] = both.png
        }
        let rejection = try write(rejectionPlot(metrics, classNames: names, title: "Background rejection, \(title)"),
                                  name: stem + "rejection", in: directory, converter: converter)
        plots["rejection_svg"] = rejection.svg
        plots["rejection_png"] = rejection.png
        if !history.isEmpty {
            let rates = try write(learningRatePlot(rates: history.map(\.learningRate), title: "Learning rate, \(model)"),
                                  name: stem + "lr", in: directory, converter: converter)
            plots["lr_svg"] = rates.svg
            plots["lr_png"] = rates.png
            let loss = try write(
                lossPlot(losses: history.map(\.loss), validationLosses: history.map(\.validationLoss), title: "Loss, \(model)"),
                name: stem + "loss", in: directory, converter: converter)
            plots["loss_svg"] = loss.svg
            plots["loss_png"] = loss.png
        }
        let png = converter.map { plots["roc_png"] != nil ? "PNG written with \($0.lastPathComponent)" : "PNG skipped: \($0.lastPathComponent) failed" }
            ?? "PNG skipped: neither rsvg-convert nor convert is on PATH"
        let epochs = history.map {
            FigureReport.Epoch(epoch: $0.epoch, loss: $0.loss, accuracy: $0.accuracy, validationLoss: $0.validationLoss,
                               validationAccuracy: $0.validationAccuracy, samplesPerSecond: $0.samplesPerSecond)
        }
        let report = FigureReport(model: model, data: data, metrics: metrics, classes: names, epochs: epochs,
                                  plots: plots, png: png, extra: extra)
        try AtomicFile.write(try report.json(), to: directory.appendingPathComponent(prefix + ".json"))
        return report
    }
}
