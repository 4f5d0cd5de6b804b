import GraphIR

/// A trainable array: its value and the gradient the last backward pass left in it.
public final class Parameter {
    /// Stable, `layer/weight` style (`"dense_1/kernel"`); checkpoints and exports use it.
    public let name: String
    public let value: DeviceTensor
    public let gradient: DeviceTensor

    init(name: String, value: DeviceTensor, device: any Device) {
        self.name = name
        self.value = value
        self.gradient = device.makeTensor(shape: value.shape)
    }
}

/// A value flowing through a model during one pass: `batch` events as a tensor of
/// `[batch] + shape`, and for sequences that went through ``Masking`` the valid-step mask
/// (`[batch, time]`, 1 = valid).
public struct Flow {
    public var tensor: DeviceTensor
    public var mask: DeviceTensor?
}

/// What a layer needs to know about the pass it runs in.
public struct PassContext {
    public var device: any Device
    public var batch: Int
    /// Dropout is active only when training.
    public var training: Bool
    /// Counter-based randomness: the training seed, and a counter unique to this batch.
    public var seed: UInt64
    public var counter: UInt64
    /// Where this pass's rows start in the whole batch (a rank's share of a distributed
    /// batch; 0 otherwise): dropout masks follow the event, not the rank.
    public var firstRow: Int = 0
}

/// A layer: built once for its input shapes (which creates its weights), then run forward
/// and backward on batches. Layers are called as functions on ``SymbolicTensor``s to build a
/// ``Model`` (`let y = Dense(50, activation: .relu)(x)`).
///
/// `forward` keeps what `backward` needs until the next `forward` with the same batch size;
/// buffers are allocated once per batch size.
public protocol Layer: AnyObject {
    /// Set from the initializer or assigned by the model (`dense_1`, `gru`, ...).
    var name: String { get set }
    /// The prefix of automatic names (`"dense"`).
    var kind: String { get }
    /// The per-event output shape for these per-event input shapes (no weights needed).
    func outputShape(for inputShapes: [[Int]]) -> [Int]
    /// Creates the weights (drawing initial values from `rng`) and remembers the shapes.
    func build(inputShapes: [[Int]], device: any Device, rng: inout SplitMix64)
    /// The trainable parameters, in a fixed order.
    var parameters: [Parameter] { get }
    func forward(_ inputs: [Flow], context: PassContext) -> Flow
    /// From ∂L/∂output (or ∂L/∂logits when `fromLogits`: the loss fused the final softmax),
    /// writes the parameter gradients and returns ∂L/∂input for each input whose flag in
    /// `needsInputGradient` is set (`nil` for the others).
    func backward(_ gradient: DeviceTensor, fromLogits: Bool, needsInputGradient: [Bool],
                  context: PassContext) -> [DeviceTensor?]
    /// The GraphIR op of the trained layer (weights read back from the device).
    func exportOp(device: any Device) -> Op
}

extension Layer {
    /// Applies the layer to a symbolic value: records a node of the model being defined.
    public func callAsFunction(_ input: SymbolicTensor) -> SymbolicTensor {
        callAsFunction([input])
    }

    /// Applies a layer that takes several inputs (``Concatenate``).
    public func callAsFunction(_ inputs: [SymbolicTensor]) -> SymbolicTensor {
        SymbolicTensor(layer: self, inputs: inputs, shape: outputShape(for: inputs.map(\.shape)))
    }

    /// Whether the layer ends in a softmax (so the loss can fuse it).
    var endsInSoftmax: Bool {
        switch self {
        case let dense as Dense: dense.activation == .softmax
        case let activation as Activation: activation.function == .softmax
        default: false
        }
    }
}

/// A layer's buffers for one batch size, made on first use.
struct BufferCache<Buffers> {
    private var byBatch: [Int: Buffers] = [:]

    mutating func get(batch: Int, make: () -> Buffers) -> Buffers {
        if let buffers = byBatch[batch] { return buffers }
        let buffers = make()
        byBatch[batch] = buffers
        return buffers
    }
}
