import FixedPoint
import GraphIR

/// Gives every node a ``LayerPrecision`` and fills ``Graph/tables``: after it the graph is
/// fixed point (``Graph/isFixedPoint``).
///
/// Per op (`D` = ``PrecisionOptions/defaultFormat``; every field can be overridden per node,
/// see ``LayerOverride``):
/// With a ``PrecisionOptions/profile``, D below stands for the default's width and modes with
/// the integer bits of that node's observed range (see ``profiledFormats(of:input:)``).
///
/// - every node: `result` = D; argmax: the narrowest unsigned integer format holding the
///   largest class index.
/// - dense, GRU, batch normalization: `weight` = `bias` = D; `accumulator` = D, or with
///   ``PrecisionOptions/exactAccumulators`` the exact format from ``AccumulatorBound``.
/// - leaky ReLU: `weight` (for alpha); hard sigmoid: `weight` (slope) and `bias` (offset); a
///   dense with one of them fused reuses its own weight and bias formats.
/// - tanh and sigmoid (standalone, fused, or in a GRU): a table under role `.activation`
///   (the GRU's gates: `.recurrentActivation`); softmax: `.exp` and `.reciprocal` tables.
///   Tables read the accumulator of a fused dense or GRU and the input's result otherwise.
///
/// Existing precisions and tables are replaced. Prerequisites: `shape-inference`.
public struct PrecisionAssignment: GraphPass {
    public static let name = "precision-assignment"
    public var name: String { Self.name }
    public var prerequisites: [String] { [ShapeInference.name] }

    public var options: PrecisionOptions

    public init(_ options: PrecisionOptions = PrecisionOptions()) {
        self.options = options
    }

    public func run(_ graph: Graph) throws -> Graph {
        try assign(graph)
    }

    /// The pass with its typed error.
    public func assign(_ graph: Graph) throws(PrecisionError) -> Graph {
        let names = Set(graph.nodes.map(\.name))
        if let unknown = options.overrides.keys.sorted().first(where: { !names.contains($0) }) {
            throw .unknownOverride(node: unknown, graph: graph.name)
        }
        // A graph quantized before starts again from its codes' real values.
        var result = graph.withFloatConstants()
        var registry = TableRegistry()
        var formats: [String: FixedFormat] = [:]
        var shapes: [String: [Int]] = [:]
        var magnitudes: [String: Double] = [:]
        for i in result.nodes.indices {
            let node = result.nodes[i]
            let inputs = node.inputs.map { formats[$0] ?? options.defaultFormat }
            let classes = node.inputs.first.flatMap { shapes[$0] }?.reduce(1, *) ?? 1
            let input = node.inputs.first.flatMap { magnitudes[$0] } ?? 0
            let precision = try precision(
                of: node, inputs: inputs, classes: classes, inputMagnitude: input, registry: &registry)
            shapes[node.name] = node.shape
            result.nodes[i].precision = precision
            formats[node.name] = precision.result
            magnitudes[node.name] = valueMagnitude(of: node.name, format: precision.result)
        }
        result.tables = registry.tables
        return result
    }

    /// The formats of one node, given its inputs' result formats (`classes`: the number of
    /// elements of its first input, for argmax; `inputMagnitude`: a bound on `|x|` of its
    /// first input, used by a profile-derived accumulator bound).
    func precision(
        of node: Node, inputs: [FixedFormat], classes: Int, inputMagnitude: Double = 0,
        registry: inout TableRegistry
    ) throws(PrecisionError) -> LayerPrecision {
        guard let shape = node.shape else { throw .missingShape(node: node.name) }
        let layer = options.overrides[node.name] ?? LayerOverride()
        let d = options.defaultFormat
        let profiled = try profiledFormats(of: node, input: inputMagnitude)
        let x = inputs.first ?? d
        let w = layer.weight ?? profiled.weight ?? d
        let b = layer.bias ?? profiled.bias ?? d
        let a = profiled.accumulator
        var p = LayerPrecision(result: layer.result ?? profiled.result ?? d)
        switch node.op {
        case .input, .masking, .concatenate, .dropout, .flatten:
            break
        case .argmax:
            p.result = try argmaxFormat(node: node, classes: classes, override: layer.result)
        case let .dense(weights, bias, activation):
            (p.weight, p.bias) = (w, b)
            let accumulator = try accumulatorFormat(node: node, override: layer.accumulator, profiled: a) {
                AccumulatorBound.dense(weights: weights, bias: bias, input: x, weight: w, biasFormat: b)
            }
            p.accumulator = accumulator
            p.tables = try tables(
                for: activation, role: .activation, value: accumulator, result: p.result,
                classes: shape.last ?? 1, node: node.name, registry: &registry)
        case let .activation(function):
            switch function {
            case .leakyRelu:
                p.weight = w
            case .hardSigmoid:
                (p.weight, p.bias) = (w, b)
            case .linear, .relu, .tanh, .sigmoid, .softmax:
                break
            }
            p.tables = try tables(
                for: function, role: .activation, value: x, result: p.result, classes: shape.last ?? 1,
                node: node.name, registry: &registry)
        case let .gru(gru):
            for (function, role) in [(gru.activation, "activation"), (gru.recurrentActivation, "recurrent activation")]
            where function == .softmax {
                throw .unsupportedActivation(node: node.name, activation: "softmax", role: role)
            }
            (p.weight, p.bias) = (w, b)
            let state = p.result
            let gateTable = layer.tables[.recurrentActivation]?.outputFormat
            let gate = gateMagnitude(gru.recurrentActivation, result: state, table: gateTable)
            let accumulator = try accumulatorFormat(node: node, override: layer.accumulator, profiled: a) {
                AccumulatorBound.gru(gru, input: x, state: state, weight: w, biasFormat: b, gateMagnitude: gate)
            }
            p.accumulator = accumulator
            if let g = layer.gateAccumulator, g != accumulator { p.gateAccumulator = g }
            let candidate = try tables(
                for: gru.activation, role: .activation, value: accumulator, result: p.result, classes: 1,
                node: node.name, registry: &registry)
            let gates = try tables(
                for: gru.recurrentActivation, role: .recurrentActivation, value: p.gateSums ?? accumulator,
                result: p.result, classes: 1, node: node.name, registry: &registry)
            p.tables = candidate.merging(gates) { a, _ in a }
        case let .batchNormalization(bn):
            (p.weight, p.bias) = (w, b)
            let (scale, shift) = bn.scaleAndShift()
            p.accumulator = try accumulatorFormat(node: node, override: layer.accumulator, profiled: a) {
                AccumulatorBound.batchNormalization(scale: scale, shift: shift, input: x, weight: w, biasFormat: b)
            }
        case let .affine(scale, offset):
            (p.weight, p.bias) = (w, b)
            p.accumulator = try accumulatorFormat(node: node, override: layer.accumulator, profiled: a) {
                AccumulatorBound.batchNormalization(
                    scale: scale.values.map(Double.init), shift: offset.values.map(Double.init),
                    input: x, weight: w, biasFormat: b)
            }
        }
        return p
    }

    /// The override, else the exact format from `bound` (with the default's modes) when
    /// exact accumulators are on, else the profile's format, else the default format.
    func accumulatorFormat(
        node: Node, override: FixedFormat?, profiled: FixedFormat? = nil, bound: () -> AccumulatorBound
    ) throws(PrecisionError) -> FixedFormat {
        if let override { return override }
        guard options.exactAccumulators else { return profiled ?? options.defaultFormat }
        let exact = bound()
        guard exact.width <= FixedFormat.maxWidth else {
            throw .accumulatorTooWide(node: node.name, width: exact.width, maximum: FixedFormat.maxWidth)
        }
        do {
            return try exact.format(modes: options.defaultFormat)
        } catch {
            throw .invalidFormat(node: node.name, error)
        }
    }

    /// A bound on `|r|`, the GRU reset gate, for the exact accumulator: 1 for functions with
    /// values in [-1, 1] (unless the format's resolution is coarser), else the whole range
    /// of the result format. `table` is the node's own gate table output format, if overridden.
    func gateMagnitude(
        _ function: ActivationFunction, result: FixedFormat, table: FixedFormat? = nil
    ) -> (raw: Int64, fractionalBits: Int) {
        switch function {
        case .tanh:
            return (1, min(0, (table ?? options.tables.tanhOutputFormat ?? result).fractionalBits))
        case .sigmoid:
            return (1, min(0, (table ?? options.tables.sigmoidOutputFormat ?? result).fractionalBits))
        case .hardSigmoid:
            return (1, min(0, result.fractionalBits))
        case .linear, .relu, .leakyRelu, .softmax:
            return (result.maxMagnitudeRaw, result.fractionalBits)
        }
    }

    /// The argmax result: the override (checked to hold the largest index), else
    /// `ap_ufixed<B,B>` with B the bit length of the largest index.
    func argmaxFormat(node: Node, classes: Int, override: FixedFormat?) throws(PrecisionError) -> FixedFormat {
        let classes = max(classes, 1)
        let largest = Double(classes - 1)
        if let override {
            guard override.value(raw: override.quantize(largest)) == largest else {
                throw .argmaxFormatTooSmall(node: node.name, classes: classes, format: override)
            }
            return override
        }
        return Self.argmaxFormat(classes: classes)
    }

    /// `ap_ufixed<B,B>`, B the bit length of `classes - 1` (at least 1): the narrowest
    /// unsigned integer format holding every class index.
    public static func argmaxFormat(classes: Int) -> FixedFormat {
        let bits = max(1, Int.bitWidth - (max(classes, 1) - 1).leadingZeroBitCount)
        return FixedFormat.constant(width: bits, integerBits: bits, signed: false)
    }
}
