import GraphIR

/// Marks the time steps of a `[time, features]` sequence whose features all equal `value`
/// as padding; values pass through unchanged and the mask travels with them to the GRU.
public final class Masking: Layer {
    public var name: String
    public let kind = "masking"
    public let value: Float
    public let parameters: [Parameter] = []
    private var cache = BufferCache<DeviceTensor>()
    private var features = 1
    private var steps = 1

    public init(value: Float = 0, name: String = "") {
        self.value = value
        self.name = name
    }

    public func outputShape(for inputShapes: [[Int]]) -> [Int] { inputShapes.first ?? [] }

    public func build(inputShapes: [[Int]], device: any Device, rng: inout SplitMix64) {
        let shape = inputShapes.first ?? []
        features = shape.last ?? 1
        steps = shape.count >= 2 ? shape[0] : 1
    }

    public func forward(_ inputs: [Flow], context: PassContext) -> Flow {
        let x = inputs[0]
        let mask = cache.get(batch: context.batch) { context.device.makeTensor(shape: [context.batch, steps]) }
        context.device.sequenceMask(x.tensor, value: value, features: features, into: mask)
        return Flow(tensor: x.tensor, mask: mask)
    }

    public func backward(_ gradient: DeviceTensor, fromLogits: Bool, needsInputGradient: [Bool],
                         context: PassContext) -> [DeviceTensor?] {
        [needsInputGradient.first == true ? gradient : nil]
    }

    public func exportOp(device: any Device) -> Op { .masking(value: value) }
}
