import GraphIR
import ScalarMath

/// Inverted dropout: while training, each value is zeroed with probability `rate` and the
/// rest scaled by `1/(1-rate)` (Keras's convention); the identity at inference. The mask
/// comes from a counter-based generator keyed by the training seed, the batch counter and
/// the layer's position, so it is the same on every run and thread layout.
public final class Dropout: Layer {
    public var name: String
    public let kind = "dropout"
    public let rate: Float
    public let parameters: [Parameter] = []
    /// Distinguishes this layer's masks from other dropout layers' (set by the model).
    var salt: UInt64 = 0
    private var cache = BufferCache<Buffers>()
    private var active = false

    private struct Buffers {
        var output: DeviceTensor
        var scale: DeviceTensor
        var inputGradient: DeviceTensor
    }

    public init(_ rate: Float, name: String = "") {
        precondition(rate >= 0 && rate < 1, "Dropout: rate \(rate) is not in [0, 1)")
        self.rate = rate
        self.name = name
    }

    public func outputShape(for inputShapes: [[Int]]) -> [Int] { inputShapes.first ?? [] }

    public func build(inputShapes: [[Int]], device: any Device, rng: inout SplitMix64) {}

    public func forward(_ inputs: [Flow], context: PassContext) -> Flow {
        let x = inputs[0]
        active = context.training && rate > 0
        guard active else { return x }
        let buffers = cache.get(batch: context.batch) {
            Buffers(output: context.device.makeTensor(shape: x.tensor.shape),
                    scale: context.device.makeTensor(shape: x.tensor.shape),
                    inputGradient: context.device.makeTensor(shape: x.tensor.shape))
        }
        let width = x.tensor.count / max(1, context.batch)
        context.device.dropout(x.tensor, into: buffers.output, scale: buffers.scale, rate: rate,
                               seed: context.seed ^ SplitMix64.mix(salt), counter: context.counter,
                               firstElement: context.firstRow * width)
        return Flow(tensor: buffers.output, mask: x.mask)
    }

    public func backward(_ gradient: DeviceTensor, fromLogits: Bool, needsInputGradient: [Bool],
                         context: PassContext) -> [DeviceTensor?] {
        guard needsInputGradient.first == true else { return [nil] }
        guard active else { return [gradient] }
        let buffers = cache.get(batch: context.batch) { preconditionFailure("Dropout \(name): no buffers") }
        context.device.multiply(gradient, buffers.scale, into: buffers.inputGradient)
        return [buffers.inputGradient]
    }

    public func exportOp(device: any Device) -> Op { .dropout(rate: rate) }
}
