import GraphIR

extension ActivationFunction {
    /// The function's float32 value at `x`, as the float interpreter's elementwise
    /// activations compute it (softmax, which needs a whole row, is the identity here).
    public func floatValue(_ x: Float) -> Float {
        if case .softmax = self { return x }
        var y = x
        FloatActivation.apply(self, &y, count: 1, row: 1)
        return y
    }
}
