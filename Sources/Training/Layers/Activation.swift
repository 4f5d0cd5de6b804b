import GraphIR

/// An elementwise activation (or softmax over the last axis) as its own layer.
public final class Activation: Layer {
    public var name: String
    public let kind = "activation"
    public let function: ActivationFunction
    public let parameters: [Parameter] = []
    private var cache = BufferCache<Buffers>()
    private var output: DeviceTensor?

    private struct Buffers {
        var output: DeviceTensor
        var inputGradient: DeviceTensor
    }

    public init(_ function: ActivationFunction, name: String = "") {
        self.function = function
        self.name = name
    }

    public func outputShape(for inputShapes: [[Int]]) -> [Int] { inputShapes.first ?? [] }

    public func build(inputShapes: [[Int]], device: any Device, rng: inout SplitMix64) {}

    public func forward(_ inputs: [Flow], context: PassContext) -> Flow {
        let x = inputs[0]
        let buffers = cache.get(batch: context.batch) {
            Buffers(output: context.device.makeTensor(shape: x.tensor.shape),
                    inputGradient: context.device.makeTensor(shape: x.tensor.shape))
        }
        context.device.activate(function, x.tensor.matrix, into: buffers.output.matrix)
        output = buffers.output
        return Flow(tensor: buffers.output, mask: x.mask)
    }

    public func backward(_ gradient: DeviceTensor, fromLogits: Bool, needsInputGradient: [Bool],
                         context: PassContext) -> [DeviceTensor?] {
        guard needsInputGradient.first == true else { return [nil] }
        if fromLogits || function == .linear { return [gradient] }
        guard let y = output else { preconditionFailure("Activation \(name): backward before forward") }
        let buffers = cache.get(batch: context.batch) { preconditionFailure("Activation \(name): no buffers") }
        if function == .softmax {
            context.device.softmaxGradient(output: y.matrix, gradient: gradient.matrix, into: buffers.inputGradient.matrix)
        } else {
            context.device.activationGradient(function, output: y, gradient: gradient, into: buffers.inputGradient)
        }
        return [buffers.inputGradient]
    }

    public func exportOp(device: any Device) -> Op { .activation(function) }
}
