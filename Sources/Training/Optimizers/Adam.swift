import Foundation

/// Adam with Keras's defaults and Keras's exact update: with `t = iterations`,
/// `alpha = lr · √(1 - β2^t) / (1 - β1^t)` (float32), `m += (g - m)(1 - β1)`,
/// `v += (g² - v)(1 - β2)`, `p -= alpha · m / (√v + ε)`.
public final class Adam: Optimizer {
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    private var alpha: Float = 0

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        super.init(learningRate: learningRate)
    }

    override var slotNames: [String] { ["m", "v"] }

    override func beginStep() {
        let t = Float(iterations)
        alpha = learningRate * (1 - Foundation.pow(beta2, t)).squareRoot() / (1 - Foundation.pow(beta1, t))
    }

    override func update(_ parameter: Parameter, slots: [DeviceTensor], device: any Device) {
        device.adamUpdate(parameter: parameter.value, gradient: parameter.gradient, m: slots[0], v: slots[1],
                          alpha: alpha, beta1: beta1, beta2: beta2, epsilon: epsilon)
    }
}
