/// A receiver operating characteristic curve of one binary problem (one class against the
/// rest): the points (false-positive rate, true-positive rate) as the threshold falls
/// through every distinct score, from (0, 0) to (1, 1).
public struct ROCCurve: Hashable, Sendable, Codable {
    public var falsePositiveRate: [Double]
    public var truePositiveRate: [Double]
    /// Area under the curve: the probability that a random positive scores above a random
    /// negative, ties counting one half (exact; equals the trapezoid area of the points).
    /// NaN when there are no positives or no negatives: the area is then undefined (see
    /// ``isDefined``), and no number would be honest.
    public var auc: Double
    public var positives: Int
    public var negatives: Int

    /// The curve of `scores` against `isPositive`. Events with equal scores move the curve
    /// together (one diagonal step), which is what makes ties count one half. NaN scores
    /// rank below every number and tie with each other (a diverged model still gets a curve,
    /// and the loop always ends).
    public init(scores: [Float], isPositive: [Bool]) {
        precondition(scores.count == isPositive.count, "one label per score")
        // A total order: NaN is not below, above or equal to anything under `<` and `==`.
        func ranksAbove(_ a: Int, _ b: Int) -> Bool {
            let (x, y) = (scores[a], scores[b])
            if x.isNaN || y.isNaN { return !x.isNaN && y.isNaN }
            return x > y
        }
        func tied(_ x: Float, _ y: Float) -> Bool { x == y || (x.isNaN && y.isNaN) }
        let order = scores.indices.sorted(by: ranksAbove)
        let p = isPositive.reduce(0) { $0 + ($1 ? 1 : 0) }
        let n = scores.count - p
        positives = p
        negatives = n
        var fpr: [Double] = [0]
        var tpr: [Double] = [0]
        var (tp, fp) = (0, 0)
        var area = 0.0  // Σ over groups of (Δfp) · (tp before + tp after) / 2, in counts
        var k = 0
        while k < order.count {
            let score = scores[order[k]]
            var (groupTP, groupFP) = (0, 0)
            while k < order.count, tied(scores[order[k]], score) {
                if isPositive[order[k]] { groupTP += 1 } else { groupFP += 1 }
                k += 1
            }
            area += Double(groupFP) * (Double(tp) + Double(groupTP) / 2)
            tp += groupTP
            fp += groupFP
            fpr.append(n > 0 ? Double(fp) / Double(n) : 0)
            tpr.append(p > 0 ? Double(tp) / Double(p) : 0)
        }
        falsePositiveRate = fpr
        truePositiveRate = tpr
        auc = p > 0 && n > 0 ? area / (Double(p) * Double(n)) : .nan
    }

    /// Whether the events hold both positives and negatives, so that the AUC is defined.
    public var isDefined: Bool { positives > 0 && negatives > 0 }

    /// Number of points.
    public var count: Int { falsePositiveRate.count }

    /// At most `limit` points, evenly picked along the curve (always keeping both ends), for
    /// plots and JSON files of bounded size.
    public func thinned(to limit: Int) -> [(fpr: Double, tpr: Double)] {
        zip(falsePositiveRate, truePositiveRate).map { (fpr: $0, tpr: $1) }.evenlyPicked(limit)
    }

    /// The TPR at the largest threshold whose FPR does not exceed `fpr` (trigger working
    /// points are quoted this way).
    public func truePositiveRate(atFalsePositiveRate fpr: Double) -> Double {
        var best = 0.0
        for (f, t) in zip(falsePositiveRate, truePositiveRate) where f <= fpr { best = max(best, t) }
        return best
    }
}

extension Array {
    /// At most `limit` elements, evenly picked by index (both ends kept): bounded plots and
    /// JSON files of long curves.
    func evenlyPicked(_ limit: Int) -> [Element] {
        guard count > limit, limit >= 2 else { return self }
        let step = Double(count - 1) / Double(limit - 1)
        return (0..<limit).map { self[Int((Double($0) * step).rounded())] }
    }
}
