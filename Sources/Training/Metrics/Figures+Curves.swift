import Foundation

extension Figures {
    /// Background rejection (1 / false-positive rate, on a logarithmic axis) against signal
    /// efficiency (true-positive rate), one curve per class against the rest, with the
    /// random classifier (rejection = 1 / efficiency) dashed. This is how trigger physicists
    /// read a classifier whose linear ROC sits in one corner: at AUC 0.99 the curves still
    /// part by decades here. Points where no background passes (rejection infinite) are left
    /// out; the largest finite rejection is the number of background events.
    public static func rejectionPlot(_ metrics: ClassificationMetrics, classNames: [String], title: String) -> LinePlot {
        var highest = 10.0
        var series: [LinePlot.Series] = metrics.roc.enumerated().map { c, curve in
            let points = zip(curve.falsePositiveRate, curve.truePositiveRate)
                .filter { $0.0 > 0 && $0.1 > 0 }
                .map { (x: $0.1, y: 1 / $0.0) }
            highest = max(highest, points.map(\.y).max() ?? 1)
            return LinePlot.Series(
                name: c < classNames.count ? classNames[c] : "class \(c)",
                points: points.evenlyPicked(600),
                color: LinePlot.palette[c % LinePlot.palette.count])
        }
        let top = LinePlot.decades(1...highest).last ?? 10
        let random = stride(from: 0.0, through: 1.0, by: 0.01).map { step -> (x: Double, y: Double) in
            let efficiency = pow(10, -log10(top) * (1 - step))  // evenly spaced on the log axis
            return (x: efficiency, y: 1 / efficiency)
        }
        series.append(LinePlot.Series(name: "random", points: random, color: "#999999", dashed: true))
        return LinePlot(title: title, xLabel: "signal efficiency (true positive rate)",
                        yLabel: "background rejection (1 / false positive rate)",
                        xRange: 0...1, yRange: 1...top, series: series, yLogarithmic: true)
    }

}

extension Figures {
    /// The learning rate used in each epoch (log axis: schedules move it by factors).
    public static func learningRatePlot(rates: [Float], title: String) -> LinePlot {
        let points = rates.enumerated().map { (x: Double($0 + 1), y: Double($1)) }
        let positive = points.map(\.y).filter { $0 > 0 }
        // The decades around the rates, with room: a rate never sits on the frame.
        let low = pow(10, floor(log10(positive.min() ?? 1e-3) - 0.01))
        let high = pow(10, ceil(log10(positive.max() ?? 1e-3) + 0.01))
        var plot = LinePlot(title: title, xLabel: "epoch", yLabel: "learning rate",
                            xRange: 1...Double(max(2, rates.count)), yRange: low...high,
                            series: [LinePlot.Series(name: "learning rate", points: points, color: LinePlot.palette[2])],
                            yLogarithmic: true)
        plot.xWholeNumbers = true
        return plot
    }
}

extension Figures {
    /// Two models' ROC curves on the same axes, class by class: `metrics` solid, `reference`
    /// dashed in the same colour (a fixed-point model against its float original: where the
    /// curves part, quantization costs efficiency).
    public static func overlayPlot(_ metrics: ClassificationMetrics, label: String, reference: ClassificationMetrics,
                                   referenceLabel: String, classNames: [String], title: String) -> LinePlot {
        let own = rocSeries(metrics, classNames: classNames, label: label)
        let other = rocSeries(reference, classNames: classNames, label: referenceLabel, dashed: true)
        let series = zip(own, other).flatMap { [$0, $1] }
        return LinePlot(title: title, xLabel: "false positive rate", yLabel: "true positive rate",
                        xRange: 0...1, yRange: 0...1, series: series, legend: .bottomRight)
    }
}
