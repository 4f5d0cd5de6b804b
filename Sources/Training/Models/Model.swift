import GraphIR

/// A model input: the name (also the exported graph input's) and the per-event shape.
public struct ModelInput: Hashable, Sendable {
    public var name: String
    public var shape: [Int]
    /// Values per event.
    public var size: Int { shape.reduce(1, *) }
}

/// A runnable model: the layers of a functional definition in topological order, built on a
/// device with weights drawn from `seed`. A ``Sequential`` list of layers is the common
/// special case.
///
/// ```swift
/// let x = Input("hlf_input", shape: [14])
/// let y = Dense(3, activation: .softmax)(Dense(50, activation: .relu)(x))
/// let model = Model(name: "tiny", inputs: [x], output: y, seed: 1)
/// ```
public final class Model {
    public let name: String
    public let device: any Device
    public let inputs: [ModelInput]
    /// The per-event output shape (`[classes]` for the classifiers).
    public let outputShape: [Int]
    /// Every trainable parameter, layer by layer in topological order.
    public let parameters: [Parameter]
    let nodes: [ModelNode]
    private var inputCache = BufferCache<[DeviceTensor]>()
    private var gradientSums: [Int: BufferCache<DeviceTensor>] = [:]
    /// Set by an exact forward pass (``load(_:inputs:context:)``) for the next backward:
    /// by node, a tensor multiplying the gradient that reaches the node's output.
    var gradientMasks: [Int: DeviceTensor] = [:]
    var gradientMaskBuffers: [Int: BufferCache<DeviceTensor>] = [:]

    enum Source: Hashable {
        case input(Int)
        case node(Int)
    }

    struct ModelNode {
        var layer: any Layer
        var sources: [Source]
        var shape: [Int]
    }

    /// Builds the model that computes `output` from `inputs` on `device`, drawing initial
    /// weights from a ``SplitMix64`` seeded with `seed` (layers in topological order).
    /// Unnamed layers are named `kind_k` (`dense_1`, `dense_2`, ...).
    public init(name: String, inputs: [SymbolicTensor], output: SymbolicTensor,
                device: any Device = CPUDevice(), seed: UInt64 = 1) {
        self.name = name
        self.device = device
        self.inputs = inputs.map { ModelInput(name: $0.inputName ?? "input", shape: $0.shape) }
        outputShape = output.shape
        var order: [SymbolicTensor] = []
        var seen: [ObjectIdentifier: Int] = [:]
        var layersSeen = Set<ObjectIdentifier>()
        func visit(_ value: SymbolicTensor) {
            guard value.layer != nil, seen[ObjectIdentifier(value)] == nil else { return }
            value.inputs.forEach(visit)
            seen[ObjectIdentifier(value)] = order.count
            order.append(value)
        }
        visit(output)
        var counters: [String: Int] = [:]
        var rng = SplitMix64(seed: seed)
        var nodes: [ModelNode] = []
        for value in order {
            guard let layer = value.layer else { continue }
            precondition(layersSeen.insert(ObjectIdentifier(layer)).inserted,
                         "Model \(name): layer '\(layer.name)' is applied twice (shared layers are not supported)")
            if layer.name.isEmpty {
                counters[layer.kind, default: 0] += 1
                layer.name = "\(layer.kind)_\(counters[layer.kind, default: 1])"
            }
            if let dropout = layer as? Dropout { dropout.salt = UInt64(nodes.count + 1) }
            let sources = value.inputs.map { input -> Source in
                if let index = seen[ObjectIdentifier(input)] { return .node(index) }
                guard let slot = inputs.firstIndex(where: { $0 === input }) else {
                    preconditionFailure("Model \(name): input '\(input.inputName ?? "?")' is not in the model's inputs")
                }
                return .input(slot)
            }
            layer.build(inputShapes: value.inputs.map(\.shape), device: device, rng: &rng)
            nodes.append(ModelNode(layer: layer, sources: sources, shape: value.shape))
        }
        self.nodes = nodes
        parameters = nodes.flatMap(\.layer.parameters)
    }

    /// The layers in topological order.
    public var layers: [any Layer] { nodes.map(\.layer) }

    /// Whether the last layer ends in a softmax (what the cross-entropy loss needs).
    public var endsInSoftmax: Bool { nodes.last?.layer.endsInSoftmax ?? false }

    /// Device tensors for one batch of each input (reused for every batch of that size).
    func inputTensors(batch: Int) -> [DeviceTensor] {
        inputCache.get(batch: batch) { inputs.map { device.makeTensor(shape: [batch] + $0.shape) } }
    }

    /// Runs every layer; returns the output tensor `[batch] + outputShape`.
    func forward(_ inputs: [DeviceTensor], context: PassContext) -> DeviceTensor {
        var flows: [Flow] = []
        flows.reserveCapacity(nodes.count)
        for node in nodes {
            let x = node.sources.map { source -> Flow in
                switch source {
                case let .input(slot): Flow(tensor: inputs[slot], mask: nil)
                case let .node(index): flows[index]
                }
            }
            flows.append(node.layer.forward(x, context: context))
        }
        guard let last = flows.last else { preconditionFailure("Model \(name) has no layers") }
        return last.tensor
    }

    /// Backpropagates ∂L/∂logits of the final softmax through every layer, leaving each
    /// parameter's gradient in ``Parameter/gradient``. With `inputGradients` it also
    /// returns ∂L/∂input for each model input (else `nil`s).
    @discardableResult
    func backward(logitGradient: DeviceTensor, context: PassContext, inputGradients: Bool = false) -> [DeviceTensor?] {
        var pending = [DeviceTensor?](repeating: nil, count: nodes.count)
        var inputResults = [DeviceTensor?](repeating: nil, count: inputs.count)
        pending[nodes.count - 1] = logitGradient
        for index in nodes.indices.reversed() {
            guard let gradient = pending[index] else { continue }
            let node = nodes[index]
            if let mask = gradientMasks[index] { device.multiply(gradient, mask, into: gradient) }
            let needs = node.sources.map { source in
                if case .node = source { true } else { inputGradients }
            }
            let results = node.layer.backward(gradient, fromLogits: index == nodes.count - 1,
                                              needsInputGradient: needs, context: context)
            for (source, result) in zip(node.sources, results) {
                guard let result else { continue }
                switch source {
                case let .node(j): pending[j] = accumulate(pending[j], result, node: j, batch: context.batch)
                case let .input(slot): inputResults[slot] = accumulate(inputResults[slot], result, node: -1 - slot,
                                                                       batch: context.batch)
                }
            }
        }
        gradientMasks = [:]
        return inputResults
    }

    /// `existing + new`, in a model-owned buffer when a value has several consumers.
    private func accumulate(_ existing: DeviceTensor?, _ new: DeviceTensor, node: Int, batch: Int) -> DeviceTensor {
        guard let existing else { return new }
        var cache = gradientSums[node] ?? BufferCache()
        let sum = cache.get(batch: batch) { device.makeTensor(shape: new.shape) }
        gradientSums[node] = cache
        if sum !== existing { device.copy(existing.matrix, to: sum.matrix) }
        device.add(new.matrix, to: sum.matrix)
        return sum
    }
}
