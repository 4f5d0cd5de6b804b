import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GraphIR
import Testing
@testable import Training

struct MetricsTests {
    /// AUC by definition: over all positive–negative pairs, 1 when the positive scores
    /// higher, 1/2 on a tie.
    static func bruteForceAUC(_ scores: [Float], _ positive: [Bool]) -> Double {
        var (sum, pairs) = (0.0, 0.0)
        for i in scores.indices where positive[i] {
            for j in scores.indices where !positive[j] {
                sum += scores[i] > scores[j] ? 1 : (scores[i] == scores[j] ? 0.5 : 0)
                pairs += 1
            }
        }
        return sum / pairs
    }

    /// Scores on a coarse grid (many ties) with labels that depend on them.
    static func sample(_ n: Int, seed: UInt64, levels: Int) -> ([Float], [Bool]) {
        var rng = SplitMix64(seed: seed)
        var scores: [Float] = []
        var positive: [Bool] = []
        for _ in 0..<n {
            let s = Float(rng.next() % UInt64(levels)) / Float(levels)
            scores.append(s)
            positive.append(rng.nextUnitFloat() < 0.2 + 0.6 * s)
        }
        return (scores, positive)
    }

    @Test(arguments: [(1, 3), (2, 10), (3, 1000), (4, 2)])
    func aucEqualsTheBruteForcePairCount(seed: Int, levels: Int) {
        let (scores, positive) = Self.sample(400, seed: UInt64(seed), levels: levels)
        let curve = ROCCurve(scores: scores, isPositive: positive)
        #expect(abs(curve.auc - Self.bruteForceAUC(scores, positive)) < 1e-12)
        // The exact AUC equals the trapezoid area under the curve's points.
        var area = 0.0
        for k in 1..<curve.count {
            area += (curve.falsePositiveRate[k] - curve.falsePositiveRate[k - 1])
                * (curve.truePositiveRate[k] + curve.truePositiveRate[k - 1]) / 2
        }
        #expect(abs(area - curve.auc) < 1e-12)
    }

    @Test func rocEndpointsAndMonotonicity() {
        let (scores, positive) = Self.sample(300, seed: 9, levels: 50)
        let curve = ROCCurve(scores: scores, isPositive: positive)
        #expect(curve.falsePositiveRate.first == 0 && curve.truePositiveRate.first == 0)
        #expect(curve.falsePositiveRate.last == 1 && curve.truePositiveRate.last == 1)
        for k in 1..<curve.count {
            #expect(curve.falsePositiveRate[k] >= curve.falsePositiveRate[k - 1])
            #expect(curve.truePositiveRate[k] >= curve.truePositiveRate[k - 1])
        }
        let thin = curve.thinned(to: 10)
        #expect(thin.count == 10 && thin.first?.fpr == 0 && thin.last?.tpr == 1)
    }

    @Test func perfectReversedAndConstantScores() {
        #expect(ROCCurve(scores: [0.9, 0.8, 0.2, 0.1], isPositive: [true, true, false, false]).auc == 1)
        #expect(ROCCurve(scores: [0.9, 0.8, 0.2, 0.1], isPositive: [false, false, true, true]).auc == 0)
        #expect(ROCCurve(scores: [0.5, 0.5, 0.5, 0.5], isPositive: [true, false, true, false]).auc == 0.5)
    }

    @Test func accuracyConfusionAndOneVsRest() {
        let probabilities: [Float] = [
            0.7, 0.2, 0.1,  // label 0, predicted 0
            0.1, 0.8, 0.1,  // label 1, predicted 1
            0.5, 0.4, 0.1,  // label 1, predicted 0
            0.2, 0.2, 0.6,  // label 2, predicted 2
        ]
        let m = ClassificationMetrics(probabilities: probabilities, labels: [0, 1, 1, 2])
        #expect(m.accuracy == 0.75)
        #expect(m.confusion == [[1, 0, 0], [1, 1, 0], [0, 0, 1]])
        #expect(m.auc[2] == 1)
        #expect(abs(m.auc[0] - Self.bruteForceAUC([0.7, 0.1, 0.5, 0.2], [true, false, false, false])) < 1e-12)
        #expect(ClassificationMetrics.decisionAgreement(probabilities, probabilities) == 1)
        var other = probabilities
        other[6] = 0.3
        #expect(ClassificationMetrics.decisionAgreement(probabilities, other) == 0.75)
    }

    @Test func progressBarIsPlainWithoutATerminal() {
        var text = ""
        let plain = ProgressBar(interactive: false) { text += $0 }
        plain.update(epoch: 1, epochs: 2, seen: 50, total: 100, loss: 0.5, samplesPerSecond: 1000)
        #expect(text.isEmpty)
        plain.finish(epoch: 1, epochs: 2, total: 100, loss: 0.5, accuracy: 0.8, validationLoss: 0.6,
                     validationAccuracy: 0.7, samplesPerSecond: 1000, seconds: 0.1)
        #expect(text.hasPrefix("epoch 1/2 [==============================] 100/100 loss 0.5000"))
        #expect(text.hasSuffix("\n") && !text.contains("\r") && !text.contains("\u{1B}"))
        #expect(text.contains("val_loss 0.6000"))
        var live = ""
        let bar = ProgressBar(interactive: true) { live += $0 }
        bar.update(epoch: 1, epochs: 1, seen: 10, total: 40, loss: 1, samplesPerSecond: 5)
        #expect(live.hasPrefix("\repoch 1/1 [=======.......................] 10/40"))
        #expect(!live.contains("\u{1B}"))
    }

    /// Parses SVG text with Foundation's XML parser and counts elements by name.
    final class ElementCounter: NSObject, XMLParserDelegate {
        var counts: [String: Int] = [:]
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            counts[name, default: 0] += 1
        }
    }

    @Test func plotsAreWellFormedSVG() throws {
        let (scores, positive) = Self.sample(200, seed: 2, levels: 100)
        let probabilities = scores.flatMap { [$0, (1 - $0) / 2, (1 - $0) / 2] }
        let labels = positive.map { Int32($0 ? 0 : 1) }
        let metrics = ClassificationMetrics(probabilities: probabilities, labels: labels)
        let plots = [
            Figures.rocPlot(metrics, classNames: ["QCD", "t<t>&\"bar\"", "W+jets"], title: "ROC <test>"),
            Figures.lossPlot(losses: [1.0, 0.5, 0.4], validationLosses: [1.1, 0.6, nil], title: "loss"),
        ]
        for plot in plots {
            let svg = plot.svg()
            let parser = XMLParser(data: Data(svg.utf8))
            let counter = ElementCounter()
            parser.delegate = counter
            #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
            #expect(counter.counts["svg"] == 1)
            #expect((counter.counts["polyline"] ?? 0) == plot.series.filter { !$0.points.isEmpty }.count)
            #expect((counter.counts["text"] ?? 0) > 8, "title, axis labels, ticks and legend")
        }
    }

    @Test func ticksCoverTheRangeInNiceSteps() {
        let unit = LinePlot.ticks(0...1)
        #expect(unit.count == 6 && unit.first == 0 && abs((unit.last ?? 0) - 1) < 1e-12)
        #expect(LinePlot.ticks(1...10).count >= 4)
        let t = LinePlot.ticks(0.31...0.58)
        #expect(t.first.map { $0 >= 0.31 } == true && t.last.map { $0 <= 0.58 } == true && t.count >= 3)
    }

    @Test func reportJSONHoldsTheFigures() throws {
        let m = ClassificationMetrics(probabilities: [0.9, 0.05, 0.05, 0.1, 0.8, 0.1], labels: [0, 1])
        let report = FigureReport(model: "hlf", data: "d.h5", metrics: m, classes: ["QCD", "ttbar", "W+jets"],
                                  epochs: [.init(epoch: 1, loss: 0.5, accuracy: 0.9, validationLoss: 0.6,
                                                 validationAccuracy: 0.8, samplesPerSecond: 100)])
        let object = try JSONSerialization.jsonObject(with: try report.json()) as? [String: Any]
        let auc = object?["auc"] as? [String: Double]
        #expect(auc?["QCD"] == 1)
        #expect((object?["epochs"] as? [Any])?.count == 1)
    }
}

/// Scores a diverged model gives, and splits too small for a curve.
@Suite struct ROCEdgeCaseTests {
    @Test func nanScoresRankLowestAndTheCurveEnds() {
        let curve = ROCCurve(scores: [.nan, 0.9, .nan, 0.1], isPositive: [true, true, false, false])
        // 0.9 (positive) > 0.1 (negative) > the tied NaNs (one of each).
        #expect(curve.count == 4)
        #expect(curve.falsePositiveRate.last == 1 && curve.truePositiveRate.last == 1)
        #expect(abs(curve.auc - (1 + 0.5 + 0.5 + 0.5) / 4) < 1e-12)
        let allNaN = ROCCurve(scores: [Float](repeating: .nan, count: 1000), isPositive: (0..<1000).map { $0 % 2 == 0 })
        #expect(allNaN.auc == 0.5 && allNaN.count == 2)
    }

    @Test func anAUCWithoutBothClassesIsUndefinedNotOneHalf() {
        let one = ROCCurve(scores: [0.7], isPositive: [true])
        #expect(!one.isDefined && one.auc.isNaN)
        let metrics = ClassificationMetrics(probabilities: [0.2, 0.7, 0.1], labels: [1])
        let report = FigureReport(model: "m", data: "d", metrics: metrics, classes: ["a", "b", "c"])
        #expect(report.auc.isEmpty)
        #expect(throws: Never.self) { try report.json() }
    }
}
