import FixedPoint

/// An elementwise activation function, as Keras names them.
public enum ActivationFunction: Hashable, Sendable {
    case linear
    case relu
    /// `x < 0 ? alpha·x : x`.
    case leakyRelu(alpha: Float)
    case tanh
    case sigmoid
    /// `clip(slope·x + offset, 0, 1)`: Keras 2 uses slope 0.2, Keras 3 uses 1/6; offset 0.5.
    case hardSigmoid(slope: Float, offset: Float)
    /// Softmax over the last axis.
    case softmax
}

/// A gated recurrent unit with Keras's weight layout and gate order (z, r, h).
///
/// `kernel` is `[inputFeatures, 3·units]`, `recurrentKernel` is `[units, 3·units]`.
/// `bias` is `[3·units]` when `resetAfter` is false and `[2, 3·units]` (input bias row,
/// then recurrent bias row) when it is true. The layer consumes a `[time, features]`
/// sequence and returns the last state `[units]`; a masked step carries the state forward.
public struct GRUAttributes: Hashable, Sendable {
    public var units: Int
    public var activation: ActivationFunction
    public var recurrentActivation: ActivationFunction
    public var resetAfter: Bool
    public var kernel: Tensor
    public var recurrentKernel: Tensor
    public var bias: Tensor

    public init(
        units: Int, activation: ActivationFunction = .tanh,
        recurrentActivation: ActivationFunction = .sigmoid, resetAfter: Bool = true,
        kernel: Tensor, recurrentKernel: Tensor, bias: Tensor
    ) {
        self.units = units
        self.activation = activation
        self.recurrentActivation = recurrentActivation
        self.resetAfter = resetAfter
        self.kernel = kernel
        self.recurrentKernel = recurrentKernel
        self.bias = bias
    }

    /// Whether column `c` of the `[·, 3·units]` kernels (or of either half of the bias)
    /// belongs to a gate (z, r), whose sums have the precision's gate-sum format
    /// (``LayerPrecision/gateSums``), rather than to the candidate (the accumulator).
    public func isGateColumn(_ c: Int) -> Bool {
        units > 0 && c % (3 * units) < 2 * units
    }
}

/// Batch normalization in inference form: `gamma·(x - mean)/sqrt(variance + epsilon) + beta`
/// over the last axis.
public struct BatchNormAttributes: Hashable, Sendable {
    public var gamma: Tensor
    public var beta: Tensor
    public var mean: Tensor
    public var variance: Tensor
    public var epsilon: Float

    public init(gamma: Tensor, beta: Tensor, mean: Tensor, variance: Tensor, epsilon: Float) {
        self.gamma = gamma
        self.beta = beta
        self.mean = mean
        self.variance = variance
        self.epsilon = epsilon
    }
}

/// Every operation trigc knows. Lowering code switches over it exhaustively.
///
/// Shapes are per event (the batch axis is implicit): a feature vector is `[n]`, a particle
/// sequence `[time, features]`.
public enum Op: Hashable, Sendable {
    /// A named graph input of the given per-event shape.
    case input(shape: [Int])
    /// `activation(x · weights + bias)`; `weights` is `[in, out]`, `bias` is `[out]`.
    /// The activation is `.linear` until the fusion pass folds one in.
    case dense(weights: Tensor, bias: Tensor, activation: ActivationFunction)
    case activation(ActivationFunction)
    /// Marks time steps whose features all equal `value` as padding; values pass through.
    case masking(value: Float)
    case gru(GRUAttributes)
    /// Joins the inputs along `axis` of the per-event shape (negative counts from the end).
    case concatenate(axis: Int)
    /// Identity at inference; the rate is kept for the record.
    case dropout(rate: Float)
    case batchNormalization(BatchNormAttributes)
    /// `y = x · scale + offset` per feature over the last axis; `scale` and `offset` are
    /// `[features]`. Input scalers and (in a quantized graph) folded batch normalizations.
    case affine(scale: Tensor, offset: Tensor)
    /// Reshapes the per-event value to one axis.
    case flatten
    /// The index of the largest input (the first on ties), a hardware-friendly stand-in for
    /// a final softmax when only the decision matters. Output shape `[1]`.
    case argmax
}

extension Op {
    /// The op's keyword in the text format and in messages.
    public var keyword: String {
        switch self {
        case .input: "input"
        case .dense: "dense"
        case .activation: "activation"
        case .masking: "masking"
        case .gru: "gru"
        case .concatenate: "concatenate"
        case .dropout: "dropout"
        case .batchNormalization: "batch_normalization"
        case .affine: "affine"
        case .flatten: "flatten"
        case .argmax: "argmax"
        }
    }

    /// How many inputs the op takes: `nil` means one or more.
    public var arity: Int? {
        switch self {
        case .input: 0
        case .concatenate: nil
        case .dense, .activation, .masking, .gru, .dropout, .batchNormalization, .affine, .flatten, .argmax: 1
        }
    }
}
