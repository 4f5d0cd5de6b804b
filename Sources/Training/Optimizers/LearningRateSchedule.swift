import Foundation

/// How the learning rate changes between epochs.
public enum LearningRateSchedule: Hashable, Sendable {
    /// The optimizer's rate throughout.
    case constant
    /// Step decay: `initial · factor^⌊epoch / every⌋` (epoch 0-based).
    case stepDecay(factor: Float, every: Int)
    /// The study's adaptive schedule, as Keras's `ReduceLROnPlateau` on the validation loss
    /// (the training loss when there is no validation data): when the loss has not improved
    /// on the best by more than `minDelta` for `patience` epochs, the rate is multiplied by
    /// `factor` (not below `minimum`) and the wait starts again.
    case reduceOnPlateau(factor: Float = 0.5, patience: Int = 2, minDelta: Double = 1e-4, minimum: Float = 1e-6)
    /// Cosine annealing over `epochs`: `minimum + (initial − minimum)·(1 + cos(π·epoch/epochs))/2`
    /// (epoch 0-based), from the initial rate down to `minimum` at the last epoch's end.
    case cosine(epochs: Int, minimum: Float = 0)
}

/// The schedule's memory (saved in checkpoints).
struct ScheduleState: Codable, Equatable {
    var initialRate: Float
    var best: Double = .infinity
    var wait: Int = 0

    /// The rate for epoch `next` (0-based) after an epoch whose monitored loss was `loss`.
    mutating func rate(after loss: Double, next: Int, current: Float, schedule: LearningRateSchedule) -> Float {
        switch schedule {
        case .constant:
            return current
        case let .stepDecay(factor, every):
            var rate = initialRate
            for _ in 0..<(next / max(1, every)) { rate *= factor }
            return rate
        case let .cosine(epochs, minimum):
            let phase = Double.pi * Double(min(next, epochs)) / Double(max(1, epochs))
            return minimum + (initialRate - minimum) * Float((1 + cos(phase)) / 2)
        case let .reduceOnPlateau(factor, patience, minDelta, minimum):
            if loss < best - minDelta {
                best = loss
                wait = 0
                return current
            }
            wait += 1
            guard wait >= patience else { return current }
            wait = 0
            return max(current * factor, minimum)
        }
    }
}
