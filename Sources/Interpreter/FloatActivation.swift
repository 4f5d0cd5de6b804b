import GraphIR
import ScalarMath

/// Keras's activation functions in float32, applied in place (the formulas are ScalarMath's,
/// through ``GraphIR/ActivationFunction/floatValue(_:)``).
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
        case .relu, .leakyRelu, .tanh, .sigmoid, .hardSigmoid:
            for i in 0..<count { y[i] = function.floatValue(y[i]) }
        }
    }
}
