import GraphIR

/// Fills ``Node/shape`` for every node from the input shapes and the op attributes, checking
/// on the way that weights fit their inputs.
///
/// Rules (shapes are per event): dense maps the last axis `in → out`; activation, masking,
/// dropout and batch normalization keep the shape; GRU turns `[time, features]` into
/// `[units]` (the last state); concatenate adds up the joined axis; flatten gives
/// `[product]`; argmax gives `[1]`. Shapes already present on non-input nodes are replaced.
///
/// Prerequisites: none.
public struct ShapeInference: GraphPass {
    public static let name = "shape-inference"
    public var name: String { Self.name }
    public var prerequisites: [String] { [] }

    public init() {}

    public func run(_ graph: Graph) throws -> Graph {
        try infer(graph)
    }

    /// The pass with its typed error.
    public func infer(_ graph: Graph) throws(ShapeInferenceError) -> Graph {
        var result = graph
        var shapes: [String: [Int]] = [:]
        for i in result.nodes.indices {
            let node = result.nodes[i]
            var inputShapes: [[Int]] = []
            for input in node.inputs {
                guard let shape = shapes[input] else { throw .unknownInput(node: node.name, input: input) }
                inputShapes.append(shape)
            }
            let shape = try Self.shape(of: node, inputs: inputShapes)
            result.nodes[i].shape = shape
            shapes[node.name] = shape
        }
        return result
    }

    /// The output shape of one node given its inputs' shapes (in `node.inputs` order).
    static func shape(of node: Node, inputs: [[Int]]) throws(ShapeInferenceError) -> [Int] {
        let arity = node.op.arity
        if arity.map({ $0 != inputs.count }) ?? inputs.isEmpty {
            throw .wrongInputCount(node: node.name, op: node.op.keyword, expected: arity, actual: inputs.count)
        }
        let check = Checker(node: node, inputShapes: inputs)
        switch node.op {
        case let .input(shape):
            if let declared = node.shape, declared != shape {
                throw .declaredShapeMismatch(node: node.name, declared: declared, op: shape)
            }
            guard shape.allSatisfy({ $0 >= 1 }) else { throw .invalidShape(node: node.name, shape: shape) }
            guard Self.elementCount(shape) != nil else { throw .shapeTooLarge(node: node.name, shape: shape) }
        case let .dense(weights, bias, _):
            try check.rank(atLeast: 1, "a rank 1 or higher")
            try check.tensor(weights, "weights", rank: 2)
            try check.features(weights.shape[0])
            try check.tensor(bias, "bias", [weights.shape[1]])
        case let .activation(function):
            if function == .softmax { try check.rank(atLeast: 1, "a rank 1 or higher") }
        case .masking:
            try check.rank(exactly: 2, "a [time, features]")
        case let .gru(gru):
            try check.rank(exactly: 2, "a [time, features]")
            try check.tensor(gru.kernel, "kernel", rank: 2)
            try check.features(gru.kernel.shape[0])
            try check.tensor(gru.kernel, "kernel", [gru.kernel.shape[0], 3 * gru.units])
            try check.tensor(gru.recurrentKernel, "recurrent kernel", [gru.units, 3 * gru.units])
            try check.tensor(gru.bias, "bias", gru.resetAfter ? [2, 3 * gru.units] : [3 * gru.units])
        case let .concatenate(axis):
            try check.concatenation(axis: axis)
        case .dropout, .flatten:
            break
        case let .batchNormalization(bn):
            try check.rank(atLeast: 1, "a rank 1 or higher")
            let channels = [inputs[0].last ?? 0]
            for (tensor, label) in [(bn.gamma, "gamma"), (bn.beta, "beta"), (bn.mean, "mean"), (bn.variance, "variance")] {
                try check.tensor(tensor, label, channels)
            }
        case let .affine(scale, offset):
            try check.rank(atLeast: 1, "a rank 1 or higher")
            let features = [inputs[0].last ?? 0]
            try check.tensor(scale, "scale", features)
            try check.tensor(offset, "offset", features)
        case .argmax:
            try check.rank(atLeast: 1, "a rank 1 or higher")
        }
        guard let shape = node.op.outputShape(inputShapes: inputs) else {
            // Every case the shape rule rejects is caught above but sizes that overflow.
            throw .shapeTooLarge(node: node.name, shape: inputs.first ?? [])
        }
        guard Self.elementCount(shape) != nil else { throw .shapeTooLarge(node: node.name, shape: shape) }
        return shape
    }

    /// The most values per event a node may have (2^31: far above any trigger model, far
    /// below what overflows the interpreter's index arithmetic).
    public static let maxElements = 1 << 31

    /// The number of values of `shape`, or nil when it exceeds ``maxElements``.
    static func elementCount(_ shape: [Int]) -> Int? {
        checkedElementCount(shape).flatMap { $0 <= maxElements ? $0 : nil }
    }
}

/// The checks shape inference makes on one node.
private struct Checker {
    let node: Node
    let inputShapes: [[Int]]

    var input: String { node.inputs.first ?? "" }
    var shape: [Int] { inputShapes.first ?? [] }

    func rank(atLeast rank: Int, _ expected: String) throws(ShapeInferenceError) {
        if shape.count < rank {
            throw .wrongRank(node: node.name, op: node.op.keyword, input: input, shape: shape, expected: expected)
        }
    }

    func rank(exactly rank: Int, _ expected: String) throws(ShapeInferenceError) {
        if shape.count != rank {
            throw .wrongRank(node: node.name, op: node.op.keyword, input: input, shape: shape, expected: expected)
        }
    }

    func features(_ expected: Int) throws(ShapeInferenceError) {
        let features = shape.last ?? 0
        if features != expected {
            throw .featureMismatch(
                node: node.name, op: node.op.keyword, input: input, features: features, expected: expected)
        }
    }

    func tensor(_ tensor: Tensor, _ label: String, rank: Int) throws(ShapeInferenceError) {
        try count(tensor, label)
        if tensor.shape.count != rank {
            throw .tensorShape(node: node.name, tensor: label, shape: tensor.shape, expected: "of rank \(rank)")
        }
    }

    func tensor(_ tensor: Tensor, _ label: String, _ expected: [Int]) throws(ShapeInferenceError) {
        try count(tensor, label)
        if tensor.shape != expected {
            throw .tensorShape(node: node.name, tensor: label, shape: tensor.shape, expected: render(expected))
        }
    }

    func count(_ tensor: Tensor, _ label: String) throws(ShapeInferenceError) {
        if tensor.storedCount != tensor.elementCount || tensor.shape.contains(where: { $0 < 0 }) {
            throw .tensorSize(node: node.name, tensor: label, shape: tensor.shape, count: tensor.values.count)
        }
    }

    func concatenation(axis: Int) throws(ShapeInferenceError) {
        guard let resolved = Op.normalizedAxis(axis, rank: shape.count) else {
            throw .axisOutOfRange(node: node.name, axis: axis, rank: shape.count)
        }
        for (name, other) in zip(node.inputs, inputShapes).dropFirst() {
            let mismatch = other.count != shape.count
                || other.indices.contains { $0 != resolved && other[$0] != shape[$0] }
            if mismatch {
                throw .concatenateMismatch(
                    node: node.name, axis: axis, input: name, shape: other, first: input, firstShape: shape)
            }
        }
    }
}
