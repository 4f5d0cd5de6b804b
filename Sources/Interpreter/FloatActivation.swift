import GraphIR
import ScalarMath

/// Keras's activation functions in float32, applied in place: ScalarMath's formulas
/// (``ActivationMath``), one loop per function so that each loop is a plain, vectorizable
/// pass over the values.
enum FloatActivation {
    /// Applies `function` to `count` values; softmax works on rows of `row` values.
    static func apply(_ function: ActivationFunction, _ y: UnsafeMutablePointer<Float>, count: Int, row: Int) {
        switch function {
        case .linear:
            return
        case .softmax:
            for start in stride(from: 0, to: count, by: max(1, row)) {
                ActivationMath.softmax(y + start, count: min(row, count - start))
            }
        case .relu:
            for i in 0..<count { y[i] = ActivationMath.relu(y[i]) }
        case let .leakyRelu(alpha):
            for i in 0..<count { y[i] = ActivationMath.leakyRelu(y[i], alpha: alpha) }
        case .tanh:
            for i in 0..<count { y[i] = ActivationMath.tanh(y[i]) }
        case .sigmoid:
            for i in 0..<count { y[i] = ActivationMath.sigmoid(y[i]) }
        case let .hardSigmoid(slope, offset):
            for i in 0..<count { y[i] = ActivationMath.hardSigmoid(y[i], slope: slope, offset: offset) }
        }
    }
}
