/// A forward pass computed outside the training device, for quantization-aware training:
/// the bit-exact fixed-point interpreter runs the batch, and its values (decoded to float)
/// replace what the device's float forward pass left for the backward pass, so the loss is
/// the fixed-point model's and the gradients are taken at its values (the straight-through
/// estimator). Set it as ``Trainer/exactForward``.
public protocol ExactForward: AnyObject {
    /// The forward values of `model` on one batch: `inputs` holds `n` events of each model
    /// input, in the model's input order, as the training arrays give them.
    func values(for model: Model, inputs: [[Float]], batch n: Int) throws(TrainingError) -> ForwardValues
}

/// What an ``ExactForward`` computed for one batch of `n` events.
public struct ForwardValues: Sendable {
    /// By model input name, `n ×` the input's size: the values the model actually read
    /// (quantized to the input's format).
    public var inputs: [String: [Float]]
    /// By layer name: the layer's output, or a GRU's every step. A layer absent here
    /// passes its input through (Dropout at rate 0, Masking).
    public var layers: [String: LayerValues]
    /// By layer name, the layer's output size per event: multiplies the gradient reaching
    /// that output (0 where the value sat at its format's saturation bound: the
    /// straight-through estimator's clipping).
    public var gradientMasks: [String: [Float]]

    public init(inputs: [String: [Float]], layers: [String: LayerValues], gradientMasks: [String: [Float]] = [:]) {
        self.inputs = inputs
        self.layers = layers
        self.gradientMasks = gradientMasks
    }
}

/// One layer's values in an exact forward pass.
public enum LayerValues: Sendable {
    /// The output, `n ×` the per-event output size, row-major.
    case output([Float])
    case gru(GRUValues)
}

/// A GRU's values at every step, event-major (`[event][step][unit]`); a step that was
/// padding has `valid` 0, and its state is the one carried over.
public struct GRUValues: Sendable {
    public var z: [Float]
    public var r: [Float]
    public var candidate: [Float]
    /// The state after each step (so the last step's is the layer's output).
    public var state: [Float]
    /// Reset-after: the recurrent candidate `h·U_h + b_rec_h` before the reset gate.
    public var recurrentCandidate: [Float]
    /// Reset-before: `r ⊙ h_{t-1}`.
    public var resetState: [Float]
    /// `[event][step]`, 1 for a live step.
    public var valid: [Float]
    /// `[event][step][3u]`, the blocks z, r, candidate: 1 where the gradient passes through
    /// that pre-activation, 0 where the forward pass clipped it (a saturated sum, or a value
    /// where the activation's table is flat: the straight-through estimator's clipping).
    /// Empty: nothing clipped.
    public var gradientMask: [Float]

    public init(z: [Float], r: [Float], candidate: [Float], state: [Float], recurrentCandidate: [Float],
                resetState: [Float], valid: [Float], gradientMask: [Float] = []) {
        self.z = z
        self.r = r
        self.candidate = candidate
        self.state = state
        self.recurrentCandidate = recurrentCandidate
        self.resetState = resetState
        self.valid = valid
        self.gradientMask = gradientMask
    }
}

/// A layer whose saved forward values an ``ExactForward`` can replace.
protocol ForwardValueLoading {
    /// Writes `values` where the layer's last ``Layer/forward(_:context:)`` left its own
    /// (same batch); throws when their sizes do not fit.
    func load(_ values: LayerValues, context: PassContext) throws(TrainingError)
}

extension Device {
    /// Writes all of `values` to `tensor`, after checking the count.
    func write(_ values: [Float], to tensor: DeviceTensor, layer: String) throws(TrainingError) {
        guard values.count == tensor.count else {
            throw .forwardValues(layer: layer, reason: "\(values.count) values for \(tensor.count) elements")
        }
        values.withUnsafeBufferPointer { write($0, to: tensor, at: 0) }
    }
}
