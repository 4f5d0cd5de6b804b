import Foundation

/// Keras's activation functions in float32: the one definition of each formula, evaluated by
/// the float interpreter and by the training devices (the OpenCL kernels in `common.cl` are
/// a second formulation, checked against these by OpenCLTests).
///
/// The evaluation order of each formula is part of its definition: results are compared bit
/// for bit between the interpreter and the CPU training device.
public enum ActivationMath {
    @inlinable @inline(__always)
    public static func relu(_ x: Float) -> Float { max(x, 0) }

    /// `x < 0 ? alpha·x : x`.
    @inlinable @inline(__always)
    public static func leakyRelu(_ x: Float, alpha: Float) -> Float { x < 0 ? alpha * x : x }

    @inlinable @inline(__always)
    public static func tanh(_ x: Float) -> Float { Foundation.tanh(x) }

    /// `1 / (1 + exp(-x))`.
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }

    /// `clip(slope·x + offset, 0, 1)`.
    @inlinable @inline(__always)
    public static func hardSigmoid(_ x: Float, slope: Float, offset: Float) -> Float {
        min(max(slope * x + offset, 0), 1)
    }

    /// Numerically stable softmax of `count` values in place: `exp(x - max) / Σ exp(x - max)`,
    /// summed in order, then scaled by the sum's reciprocal.
    public static func softmax(_ y: UnsafeMutablePointer<Float>, count: Int) {
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
