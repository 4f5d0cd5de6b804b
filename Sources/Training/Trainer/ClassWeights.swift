import Foundation

/// How a run weights the classes in its training loss (Keras's `class_weight`; see
/// ``TrainingOptions/classWeights``): given numbers, or `balanced`, the inverse class
/// frequency of the training events.
public enum ClassWeights: Equatable, Sendable {
    case balanced
    case given([Float])

    /// Reads `balanced` or one positive number per class, comma-separated; nil otherwise.
    public init?(parsing text: String, classes: Int = EventSchema.classCount) {
        if text == "balanced" {
            self = .balanced
            return
        }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let weights = parts.compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == classes, weights.count == classes, weights.allSatisfy({ $0.isFinite && $0 > 0 }) else { return nil }
        self = .given(weights)
    }

    /// The weights for training events with these class counts (`balanced`: Keras's
    /// `events / (classes · events of the class)`).
    public func weights(classCounts counts: [Int]) -> [Float] {
        switch self {
        case let .given(weights): weights
        case .balanced:
            counts.map { Float(counts.reduce(0, +)) / Float(max(1, counts.count * $0)) }
        }
    }
}
