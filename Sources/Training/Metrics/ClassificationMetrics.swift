/// The figures of a multi-class classifier on labelled events: per-class one-vs-rest ROC
/// curves and AUCs, accuracy and the confusion matrix.
public struct ClassificationMetrics: Sendable {
    public var classes: Int
    public var events: Int
    /// One curve per class: that class's probability as the score, the class as positive.
    public var roc: [ROCCurve]
    /// Share of events whose highest-probability class (first on ties) is the label.
    public var accuracy: Double
    /// `confusion[true][predicted]` event counts.
    public var confusion: [[Int]]

    /// From `count × classes` probabilities (row-major) and integer labels.
    public init(probabilities: [Float], labels: [Int32], classes: Int = EventSchema.classCount) {
        precondition(classes > 0 && probabilities.count == labels.count * classes, "count × classes probabilities")
        self.classes = classes
        events = labels.count
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        var correct = 0
        for (i, label) in labels.enumerated() {
            let row = probabilities[(i * classes)..<((i + 1) * classes)]
            var best = row.startIndex
            for j in row.indices where row[j] > row[best] { best = j }
            let predicted = best - row.startIndex
            if Int(label) == predicted { correct += 1 }
            if (0..<classes).contains(Int(label)) { matrix[Int(label)][predicted] += 1 }
        }
        confusion = matrix
        accuracy = labels.isEmpty ? 0 : Double(correct) / Double(labels.count)
        roc = (0..<classes).map { c in
            ROCCurve(
                scores: (0..<labels.count).map { probabilities[$0 * classes + c] },
                isPositive: labels.map { Int($0) == c })
        }
    }

    /// AUC per class, in label order.
    public var auc: [Double] { roc.map(\.auc) }

    /// The share of events on which two classifiers pick the same class (argmax, first on
    /// ties): how often a fixed-point model decides as its float original.
    public static func decisionAgreement(_ a: [Float], _ b: [Float], classes: Int = EventSchema.classCount) -> Double {
        precondition(a.count == b.count && classes > 0, "same number of events and classes")
        let events = a.count / classes
        guard events > 0 else { return 1 }
        func argmax(_ v: [Float], _ i: Int) -> Int {
            var best = 0
            for j in 1..<classes where v[i * classes + j] > v[i * classes + best] { best = j }
            return best
        }
        var same = 0
        for i in 0..<events where argmax(a, i) == argmax(b, i) { same += 1 }
        return Double(same) / Double(events)
    }
}
