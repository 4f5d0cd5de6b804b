import ScalarMath

extension ActivationFunction {
    /// The function's float32 value at `x` by ScalarMath's formulas, as the float interpreter
    /// and the CPU training device compute it (softmax, which needs a whole row, is the
    /// identity here: see ``ActivationMath/softmax(_:count:)``).
    @inlinable
    public func floatValue(_ x: Float) -> Float {
        switch self {
        case .linear, .softmax: x
        case .relu: ActivationMath.relu(x)
        case let .leakyRelu(alpha): ActivationMath.leakyRelu(x, alpha: alpha)
        case .tanh: ActivationMath.tanh(x)
        case .sigmoid: ActivationMath.sigmoid(x)
        case let .hardSigmoid(slope, offset): ActivationMath.hardSigmoid(x, slope: slope, offset: offset)
        }
    }
}
