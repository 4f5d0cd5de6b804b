import FixedPoint
import GraphIR

/// The largest magnitudes of one node's values on calibration events (`nil`: not measured
/// and not derivable): weights and biases are the layer's own, exactly.
public struct ValueMagnitudes: Hashable, Sendable {
    public var result: Double?
    public var weight: Double?
    public var bias: Double?
    public var accumulator: Double?
    /// A GRU's gate sums, when measured apart from its candidate's (``accumulator``).
    public var gateAccumulator: Double?

    public init(
        result: Double? = nil, weight: Double? = nil, bias: Double? = nil, accumulator: Double? = nil,
        gateAccumulator: Double? = nil
    ) {
        self.result = result
        self.weight = weight
        self.bias = bias
        self.accumulator = accumulator
        self.gateAccumulator = gateAccumulator
    }

    /// The range one accumulator for every sum of the node must hold.
    public var anyAccumulator: Double? {
        guard let gates = gateAccumulator else { return accumulator }
        return max(accumulator ?? 0, gates)
    }
}

/// The formats a ``RangeProfile`` suggests for one node; `nil` fields keep the default.
struct ProfiledFormats {
    var result: FixedFormat?
    var weight: FixedFormat?
    var bias: FixedFormat?
    var accumulator: FixedFormat?
}

extension PrecisionAssignment {
    /// The profile's formats for `node` (all `nil` without ``PrecisionOptions/profile``):
    /// the default's width and modes with integer bits from the ranges (see
    /// ``PrecisionOptions/profile``). `input` bounds `|x|` of the node's first input.
    ///
    /// Accumulators use the measured pre-activation range when the profile has one; else, for
    /// a linear dense or a batch normalization, the result's range; else a bound from `input`
    /// and the layer's weights (`max_j Σ_i |w_ij| · |x| + |b_j|`, for a GRU with the state's
    /// range as well). The Calibration target's tracer measures a GRU's accumulator (every
    /// internal sum) and its state over all steps; an unmeasured state gets 1, the bound of a
    /// tanh, sigmoid or hard sigmoid candidate.
    func profiledFormats(of node: Node, input: Double) throws(PrecisionError) -> ProfiledFormats {
        guard let profile = options.profile else { return ProfiledFormats() }
        let m = Self.magnitudes(of: node, profile: profile, input: input)
        let margin = options.profileMargin
        var formats = ProfiledFormats()
        formats.result = try m.result.map { m throws(PrecisionError) in try format(m, margin: margin, node: node) }
        formats.weight = try m.weight.map { m throws(PrecisionError) in try format(m, margin: 0, node: node) }
        formats.bias = try m.bias.map { m throws(PrecisionError) in try format(m, margin: 0, node: node) }
        // One accumulator for all of a GRU's sums here (a gate accumulator is calibration's).
        formats.accumulator = try m.anyAccumulator.map { m throws(PrecisionError) in
            try format(m, margin: margin, node: node)
        }
        return formats
    }

    /// The magnitudes one node's values take on `profile`'s events, as ``profiledFormats(of:input:)``
    /// sizes them (`input` bounds `|x|` of the node's first input).
    public static func magnitudes(of node: Node, profile: RangeProfile, input: Double) -> ValueMagnitudes {
        var result = profile.result(node.name)
        var weight: Double?
        var bias: Double?
        var accumulator = profile.accumulator(node.name)
        var gateAccumulator: Double?
        switch node.op {
        case .input, .masking, .concatenate, .dropout, .flatten, .argmax:
            break
        case let .dense(weights, biases, activation):
            let (aw, ab) = parameterMagnitudes(activation)
            weight = max(weights.maxMagnitude, aw)
            bias = max(biases.maxMagnitude, ab)
            if accumulator == nil, activation == .linear { accumulator = result }
            if accumulator == nil {
                accumulator = columnBound(weights, x: input, bias: biases.values.map { abs(Double($0)) }).max()
            }
        case let .activation(function):
            let (aw, ab) = parameterMagnitudes(function)
            switch function {
            case .leakyRelu:
                weight = aw
            case .hardSigmoid:
                (weight, bias) = (aw, ab)
            case .linear, .relu, .tanh, .sigmoid, .softmax:
                break
            }
        case let .gru(gru):
            let (cw, cb) = parameterMagnitudes(gru.activation)
            let (gw, gb) = parameterMagnitudes(gru.recurrentActivation)
            weight = max(gru.kernel.maxMagnitude, gru.recurrentKernel.maxMagnitude, cw, gw)
            bias = max(gru.bias.maxMagnitude, cb, gb)
            // The state's range is measured over every step (the tracer sees inside the GRU);
            // without a measurement the candidate's bound holds it.
            if result == nil, let bound = unitBound(gru.activation) { result = bound }
            if accumulator == nil, let state = result, unitBound(gru.recurrentActivation) != nil {
                accumulator = gruBound(gru, x: input, state: state)
            }
            gateAccumulator = profile.gateAccumulator(node.name)
        case .batchNormalization, .affine:
            let (scale, shift) = Self.scaleAndShift(node.op)
            weight = scale.map(abs).max() ?? 0
            bias = shift.map(abs).max() ?? 0
            if accumulator == nil { accumulator = result }
            if accumulator == nil {
                accumulator = zip(scale, shift).map { abs($0) * input + abs($1) }.max()
            }
        }
        return ValueMagnitudes(
            result: result, weight: weight, bias: bias, accumulator: accumulator, gateAccumulator: gateAccumulator)
    }

    /// ``magnitudes(of:profile:input:)`` of every node, in graph order, each node's input
    /// bound being its first input's result range (0 when unknown).
    public static func magnitudes(of graph: Graph, profile: RangeProfile) -> [String: ValueMagnitudes] {
        var result: [String: ValueMagnitudes] = [:]
        for node in graph.nodes {
            let input = node.inputs.first.flatMap { result[$0]?.result } ?? 0
            result[node.name] = magnitudes(of: node, profile: profile, input: input)
        }
        return result
    }

    /// The default format with the integer bits `magnitude` needs plus `margin`.
    func format(_ magnitude: Double, margin: Int, node: Node) throws(PrecisionError) -> FixedFormat {
        let d = options.defaultFormat
        let bits = RangeProfile.integerBits(magnitude: magnitude, width: d.width, signed: d.isSigned) + margin
        do {
            return try FixedFormat(
                width: d.width, integerBits: bits, signed: d.isSigned, quantization: d.quantization,
                overflow: d.overflow)
        } catch {
            throw .invalidFormat(node: node.name, error)
        }
    }

    /// The largest magnitude a node's value can have: its profiled range, else its format's.
    func valueMagnitude(of node: String, format: FixedFormat) -> Double {
        options.profile?.result(node) ?? max(abs(format.minValue), abs(format.maxValue))
    }

    /// The magnitudes an activation puts into the weight format (alpha, slope) and the bias
    /// format (offset); 0 when it has none.
    static func parameterMagnitudes(_ function: ActivationFunction) -> (weight: Double, bias: Double) {
        switch function {
        case let .leakyRelu(alpha):
            return (abs(Double(alpha)), 0)
        case let .hardSigmoid(slope, offset):
            return (abs(Double(slope)), abs(Double(offset)))
        case .linear, .relu, .tanh, .sigmoid, .softmax:
            return (0, 0)
        }
    }

    /// 1 for activations whose values lie in [-1, 1], else nil.
    static func unitBound(_ function: ActivationFunction) -> Double? {
        switch function {
        case .tanh, .sigmoid, .hardSigmoid:
            return 1
        case .linear, .relu, .leakyRelu, .softmax:
            return nil
        }
    }

    /// `Σ_i |w_ij| · x + bias_j` for each column `j` of a `[in, out]` kernel.
    static func columnBound(_ kernel: Tensor, x: Double, bias: [Double]) -> [Double] {
        let rows = kernel.shape.first ?? 0
        let columns = kernel.shape.count == 2 ? kernel.shape[1] : 0
        var sums = (0..<columns).map { $0 < bias.count ? bias[$0] : 0 }
        for i in 0..<rows {
            for j in 0..<columns { sums[j] += abs(Double(kernel.values[i * columns + j])) * x }
        }
        return sums
    }

    /// The largest `|x-part + h-part|` of any GRU gate column, for inputs up to `x` and states
    /// up to `state` (the reset gate, at most 1, only shrinks the recurrent part).
    static func gruBound(_ gru: GRUAttributes, x: Double, state: Double) -> Double? {
        let width = 3 * gru.units
        let biases = gru.bias.values.map { abs(Double($0)) }
        let inputBias = Array(biases.prefix(width))
        let recurrentBias = gru.resetAfter ? Array(biases.dropFirst(width)) : []
        let xPart = columnBound(gru.kernel, x: x, bias: inputBias)
        let hPart = columnBound(gru.recurrentKernel, x: state, bias: recurrentBias)
        return zip(xPart, hPart).map { $0 + $1 }.max()
    }
}

extension Tensor {
    /// `max |value|`, 0 for an empty tensor.
    var maxMagnitude: Double {
        values.reduce(0) { max($0, abs(Double($1))) }
    }
}

extension PrecisionAssignment {
    /// The per-channel scale and shift of a batch normalization or an affine node, in `Double`.
    static func scaleAndShift(_ op: Op) -> (scale: [Double], shift: [Double]) {
        switch op {
        case let .batchNormalization(bn): bn.scaleAndShift()
        case let .affine(scale, offset): (scale.values.map(Double.init), offset.values.map(Double.init))
        case .input, .dense, .activation, .masking, .gru, .concatenate, .dropout, .flatten, .argmax: ([], [])
        }
    }
}
