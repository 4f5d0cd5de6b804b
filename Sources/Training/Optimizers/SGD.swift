/// Stochastic gradient descent as Keras writes it: `p -= lr · g`, or with momentum
/// `v = momentum · v - lr · g; p += v` (Nesterov: `p += momentum · v - lr · g`).
public final class SGD: Optimizer {
    public let momentum: Float
    public let nesterov: Bool

    public init(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false) {
        self.momentum = momentum
        self.nesterov = nesterov
        super.init(learningRate: learningRate)
    }

    override var slotNames: [String] { momentum == 0 ? [] : ["velocity"] }

    override func update(_ parameter: Parameter, slots: [DeviceTensor], device: any Device) {
        device.sgdUpdate(parameter: parameter.value, gradient: parameter.gradient, velocity: slots.first,
                         learningRate: learningRate, momentum: momentum, nesterov: nesterov)
    }
}
