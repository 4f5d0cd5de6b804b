import GraphIR

extension ActivationFunction {
    /// The function's float32 value at `x`, exactly as the float interpreter computes it
    /// elementwise (softmax, which needs a whole row, is the identity here).
    public func floatValue(_ x: Float) -> Float {
        FloatActivation.scalar(self, x)
    }
}
