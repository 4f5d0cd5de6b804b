import Foundation
import GraphIR

/// Keras's activation functions in float32, applied in place.
enum FloatActivation {
    /// Applies `function` to `count` values; softmax works on rows of `row` values.
    static func apply(_ function: ActivationFunction, _ y: UnsafeMutablePointer<Float>, count: Int, row: Int) {
        switch function {
        case .linear:
            return
        case .softmax:
            for start in stride(from: 0, to: count, by: max(1, row)) {
                softmax(y + start, count: min(row, count - start))
            }
        case .relu:
            for i in 0..<count { y[i] = max(y[i], 0) }
        case let .leakyRelu(alpha):
            for i in 0..<count where y[i] < 0 { y[i] *= alpha }
        case .tanh:
            for i in 0..<count { y[i] = Foundation.tanh(y[i]) }
        case .sigmoid:
            for i in 0..<count { y[i] = 1 / (1 + Foundation.exp(-y[i])) }
        case let .hardSigmoid(slope, offset):
            for i in 0..<count { y[i] = min(max(slope * y[i] + offset, 0), 1) }
        }
    }

    /// Numerically stable softmax: `exp(x - max) / Σ exp(x - max)`.
    static func softmax(_ y: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 0 else { return }
        var m = y[0]
        for i in 1..<count { m = max(m, y[i]) }
        var sum: Float = 0
        for i in 0..<count {
            y[i] = Foundation.exp(y[i] - m)
            sum += y[i]
        }
        let inverse = 1 / sum
        for i in 0..<count { y[i] *= inverse }
    }
}
