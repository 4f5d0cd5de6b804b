/// The shared base of the optimizers: the learning rate, the step count, and per-parameter
/// state tensors ("slots", e.g. Adam's `m` and `v`) made on first use. A subclass names its
/// slots and writes one parameter's update.
public class Optimizer {
    /// The rate of the next step (schedules change it between epochs).
    public var learningRate: Float
    /// Steps taken so far (Keras's `iterations`).
    public internal(set) var iterations: Int = 0
    /// State tensors by parameter name, in ``slotNames`` order.
    private(set) var slots: [String: [DeviceTensor]] = [:]

    init(learningRate: Float) {
        self.learningRate = learningRate
    }

    /// Names of the per-parameter state tensors (checkpoint keys `opt/<slot>/<parameter>`).
    var slotNames: [String] { [] }

    /// Called once per step before the parameters, after `iterations` has been incremented.
    func beginStep() {}

    /// Updates one parameter from its gradient.
    func update(_ parameter: Parameter, slots: [DeviceTensor], device: any Device) {}

    /// One optimization step over every parameter, from the gradients backward left.
    public func step(_ parameters: [Parameter], device: any Device) {
        iterations += 1
        beginStep()
        for parameter in parameters {
            update(parameter, slots: slots(for: parameter, device: device), device: device)
        }
    }

    /// The parameter's state tensors, made (zero) on first use.
    func slots(for parameter: Parameter, device: any Device) -> [DeviceTensor] {
        if let existing = slots[parameter.name] { return existing }
        let made = slotNames.map { _ in device.makeTensor(shape: parameter.value.shape) }
        slots[parameter.name] = made
        return made
    }
}
