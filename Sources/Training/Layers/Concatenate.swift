import GraphIR

/// Joins per-event feature vectors along the last axis (masks are dropped, as in the
/// interpreter).
public final class Concatenate: Layer {
    public var name: String
    public let kind = "concatenate"
    public let parameters: [Parameter] = []
    private var widths: [Int] = []
    private var cache = BufferCache<Buffers>()

    private struct Buffers {
        var output: DeviceTensor
        var inputGradients: [DeviceTensor]
    }

    public init(name: String = "") {
        self.name = name
    }

    public func outputShape(for inputShapes: [[Int]]) -> [Int] {
        let prefix = Array((inputShapes.first ?? []).dropLast())
        return prefix + [inputShapes.reduce(0) { $0 + ($1.last ?? 0) }]
    }

    public func build(inputShapes: [[Int]], device: any Device, rng: inout SplitMix64) {
        widths = inputShapes.map { $0.last ?? 0 }
    }

    public func forward(_ inputs: [Flow], context: PassContext) -> Flow {
        let rows = inputs[0].tensor.count / max(1, widths[0])
        let total = widths.reduce(0, +)
        let buffers = cache.get(batch: context.batch) {
            Buffers(output: context.device.makeTensor(shape: [rows, total]),
                    inputGradients: inputs.map { context.device.makeTensor(shape: $0.tensor.shape) })
        }
        var offset = 0
        for (input, width) in zip(inputs, widths) {
            context.device.copy(input.tensor.matrix(rows: rows),
                                to: buffers.output.matrix(rows: rows).columns(offset, width))
            offset += width
        }
        return Flow(tensor: buffers.output, mask: nil)
    }

    public func backward(_ gradient: DeviceTensor, fromLogits: Bool, needsInputGradient: [Bool],
                         context: PassContext) -> [DeviceTensor?] {
        let buffers = cache.get(batch: context.batch) { preconditionFailure("Concatenate \(name): no buffers") }
        let rows = gradient.count / max(1, widths.reduce(0, +))
        var offset = 0
        var result: [DeviceTensor?] = []
        for (k, width) in widths.enumerated() {
            if needsInputGradient[k] {
                context.device.copy(gradient.matrix(rows: rows).columns(offset, width),
                                    to: buffers.inputGradients[k].matrix(rows: rows))
                result.append(buffers.inputGradients[k])
            } else {
                result.append(nil)
            }
            offset += width
        }
        return result
    }

    public func exportOp(device: any Device) -> Op { .concatenate(axis: -1) }
}

extension Concatenate: ForwardValueLoading {
    func load(_ values: LayerValues, context: PassContext) throws(TrainingError) {
        guard case let .output(v) = values else {
            throw .forwardValues(layer: name, reason: "a concatenation takes its output")
        }
        let buffers = cache.get(batch: context.batch) { preconditionFailure("Concatenate \(name): no buffers") }
        try context.device.write(v, to: buffers.output, layer: name)
    }
}
