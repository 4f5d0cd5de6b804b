import FixedPoint

/// The type of the values a node produces.
public enum ValueType: Hashable, Sendable {
    case float32
    case fixed(FixedFormat)
}

/// Which activation table a node uses, and for what.
public enum TableRole: String, CaseIterable, Hashable, Sendable, Comparable {
    /// The node's own elementwise function (tanh or sigmoid activation; the GRU's candidate
    /// activation).
    case activation
    /// The GRU's gate activation (usually sigmoid).
    case recurrentActivation = "recurrent_activation"
    /// Softmax: `exp(x - max)`.
    case exp
    /// Softmax: `1 / sum`.
    case reciprocal

    public static func < (a: TableRole, b: TableRole) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }
}

/// The fixed-point formats of one node. A node without a precision computes in float32.
///
/// The fixed-point semantics of each op (which the interpreter defines and the Verilog must
/// equal) are documented in `Docs/Interpreter.md`. In short: products of raw values are
/// exact, each product is converted to `accumulator`, the sum (plus `bias` converted to
/// `accumulator`) is formed exactly and converted once to `accumulator`, and the node's
/// output is converted to `result`.
public struct LayerPrecision: Hashable, Sendable {
    /// The format of the node's output.
    public var result: FixedFormat
    /// Weights (Dense, GRU kernels, BatchNorm scale, leaky ReLU / hard sigmoid slopes).
    public var weight: FixedFormat?
    /// Biases (Dense, GRU, BatchNorm shift, hard sigmoid offset).
    public var bias: FixedFormat?
    /// Sums of products.
    public var accumulator: FixedFormat?
    /// A GRU's gate sums (the z and r projections and pre-activations), when they have a
    /// format of their own; `nil`: ``accumulator``. The candidate's sums keep ``accumulator``.
    /// Gates saturate near ±8 where the candidate stays within ±3, so one 16-bit format
    /// cannot give both the gates' range and the candidate's resolution.
    public var gateAccumulator: FixedFormat?
    /// Tables by role, by name in ``Graph/tables``.
    public var tables: [TableRole: String]

    public init(
        result: FixedFormat, weight: FixedFormat? = nil, bias: FixedFormat? = nil,
        accumulator: FixedFormat? = nil, gateAccumulator: FixedFormat? = nil, tables: [TableRole: String] = [:]
    ) {
        self.result = result
        self.weight = weight
        self.bias = bias
        self.accumulator = accumulator
        self.gateAccumulator = gateAccumulator
        self.tables = tables
    }

    /// The format of a GRU's gate sums: ``gateAccumulator``, else ``accumulator``.
    public var gateSums: FixedFormat? { gateAccumulator ?? accumulator }
}
