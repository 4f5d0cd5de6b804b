import Foundation
import Testing
@testable import Training

/// The background-rejection plot: a logarithmic axis with decade ticks, one curve per class
/// whose points are (efficiency, 1 / FPR) of the ROC, and the random classifier.
@Suite struct RejectionPlotTests {
    static func metrics() -> ClassificationMetrics {
        var probabilities: [Float] = []
        var labels: [Int32] = []
        var state: UInt64 = 7
        for event in 0..<3000 {
            let label = Int32(event % 3)
            // Overlapping classes: every score is noise, the true class's shifted up a little.
            var p: [Float] = (0..<3).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Float(state >> 40) / Float(1 << 24)
            }
            p[Int(label)] += 0.5 + 0.1 * Float(label)
            let sum = p.reduce(0, +)
            probabilities += p.map { $0 / sum }
            labels.append(label)
        }
        return ClassificationMetrics(probabilities: probabilities, labels: labels)
    }

    @Test func pointsAreEfficiencyAndInverseFalsePositiveRate() {
        let metrics = Self.metrics()
        let plot = Figures.rejectionPlot(metrics, classNames: ["QCD", "ttbar", "W+jets"], title: "rejection")
        #expect(plot.yLogarithmic)
        #expect(plot.series.count == 4)
        for (c, curve) in metrics.roc.enumerated() {
            let expected = zip(curve.falsePositiveRate, curve.truePositiveRate).filter { $0.0 > 0 && $0.1 > 0 }
            let points = plot.series[c].points
            #expect(!points.isEmpty)
            #expect(points.count == min(600, expected.count))
            #expect(points.first?.x == expected.first?.1 && points.first?.y == expected.first.map { 1 / $0.0 })
            #expect(points.last?.y == 1, "all events pass at the end: rejection 1")
            // Efficiency never falls and rejection never rises along the curve.
            for (a, b) in zip(points, points.dropFirst()) { #expect(a.x <= b.x && a.y >= b.y) }
            // The largest rejection is bounded by the background count and fits the axis.
            #expect((points.map(\.y).max() ?? 0) <= Double(curve.negatives))
            #expect((points.map(\.y).max() ?? 0) <= plot.yRange.upperBound)
        }
        let random = plot.series[3]
        #expect(random.dashed && random.points.allSatisfy { abs($0.x * $0.y - 1) < 1e-9 })
    }

    @Test func decadeTicksAreWrittenAsPowersOfTen() {
        #expect(LinePlot.decades(1...1000) == [1, 10, 100, 1000])
        #expect(LinePlot.decades(1...2500) == [1, 10, 100, 1000, 10000])
        let svg = Figures.rejectionPlot(Self.metrics(), classNames: ["a", "b", "c"], title: "t").svg()
        #expect(svg.contains(">10<tspan dy=\"-6\" font-size=\"9\">3</tspan></text>"))
        #expect(svg.contains("background rejection (1 / false positive rate)"))
    }
}

@Suite struct LearningRatePlotTests {
    @Test func ratesOnALogAxisSpanningTheirDecades() {
        let plot = Figures.learningRatePlot(rates: [1e-3, 1e-3, 5e-4, 2.5e-4], title: "lr")
        #expect(plot.yLogarithmic)
        #expect(plot.yRange == 1e-4...1e-2)
        #expect(plot.series[0].points.map(\.y) == [Double(Float(1e-3)), Double(Float(1e-3)), Double(Float(5e-4)), Double(Float(2.5e-4))])
        let constant = Figures.learningRatePlot(rates: [1e-3, 1e-3], title: "lr")
        #expect(constant.yRange == 1e-4...1e-2)
        #expect(LinePlot.decades(Double(Float(1e-3))...Double(Float(1e-1))) == [1e-3, 1e-2, 1e-1].map { pow(10, log10($0).rounded()) })
    }
}
