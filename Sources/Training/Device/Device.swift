import GraphIR

/// Where training runs: the array operations layers, losses and optimizers need, on tensors
/// the device owns. ``CPUDevice`` implements them with OpenBLAS; an accelerator (OpenCL)
/// implements the same list on its own buffers. Layers never touch values directly, only
/// through these calls, so a model runs unchanged on any device.
///
/// Every operation is synchronous from the caller's point of view (a queued device may defer
/// work until ``read(_:)``). Matrices are row-major ``MatrixView``s.
public protocol Device: AnyObject {
    /// A short name for messages and benchmarks ("cpu").
    var name: String { get }

    /// Throws the device's first failure since it was opened. Operations cannot throw, so a
    /// failed device keeps going with undefined values (an OpenCL device reads zeros); the
    /// trainer asks after every batch and before anything read back is kept, so no failed
    /// device state reaches a metric, a checkpoint or an export. A CPU never fails.
    func checkHealth() throws(TrainingError)

    // MARK: Memory

    /// A new zero-filled tensor.
    func makeTensor(shape: [Int]) -> DeviceTensor
    /// Copies `values` into `tensor` starting at element `offset`.
    func write(_ values: UnsafeBufferPointer<Float>, to tensor: DeviceTensor, at offset: Int)
    /// The tensor's values on the host.
    func read(_ tensor: DeviceTensor) -> [Float]
    /// Sets every element to `value`.
    func fill(_ tensor: DeviceTensor, with value: Float)
    /// `destination = source` (same rows and columns).
    func copy(_ source: MatrixView, to destination: MatrixView)
    /// `destination += source` (same rows and columns).
    func add(_ source: MatrixView, to destination: MatrixView)
    /// `destination ⊙= factors` (same rows and columns).
    func multiply(_ destination: MatrixView, by factors: MatrixView)

    // MARK: Linear algebra

    /// `c = alpha · op(a) · op(b) + beta · c`, where `op` transposes when asked.
    func gemm(_ a: MatrixView, transposeA: Bool, _ b: MatrixView, transposeB: Bool,
              into c: MatrixView, alpha: Float, beta: Float)
    /// Every row of `c` becomes `vector[offset ..< offset + c.columns]` (a bias before a
    /// `gemm` with `beta: 1`).
    func broadcastRows(_ vector: DeviceTensor, offset: Int, into c: MatrixView)
    /// `vector[offset + j] (+)= Σ_i x[i, j]` (a bias gradient); overwrites unless `accumulate`.
    func sumRows(_ x: MatrixView, into vector: DeviceTensor, offset: Int, accumulate: Bool)

    // MARK: Elementwise

    /// `y = f(x)`; softmax works on each row.
    func activate(_ function: ActivationFunction, _ x: MatrixView, into y: MatrixView)
    /// `dx = dy · f'(x)`, with `f'` computed from the output `y = f(x)` (every elementwise
    /// function but softmax, whose gradient the loss fuses).
    func activationGradient(_ function: ActivationFunction, output y: DeviceTensor,
                            gradient dy: DeviceTensor, into dx: DeviceTensor)
    /// Softmax's backward on each row: `dx_i = y_i · (dy_i - Σ_j dy_j · y_j)` (a softmax
    /// that is not the last layer; the last one is fused into the loss).
    func softmaxGradient(output y: MatrixView, gradient dy: MatrixView, into dx: MatrixView)
    /// `c = a ⊙ b` over the first `a.count` elements.
    func multiply(_ a: DeviceTensor, _ b: DeviceTensor, into c: DeviceTensor)
    /// Inverted dropout: `scale[i]` becomes `0` with probability `rate` and `1/(1-rate)`
    /// otherwise, drawn from a counter-based generator keyed by `(seed, counter,
    /// firstElement + i)` so the mask does not depend on threads, nor on how a batch is split
    /// between the ranks of a distributed job (`firstElement`: where `x` starts in the whole
    /// batch); then `y = x ⊙ scale`.
    func dropout(_ x: DeviceTensor, into y: DeviceTensor, scale: DeviceTensor, rate: Float,
                 seed: UInt64, counter: UInt64, firstElement: Int)
    /// `mask[s] = 1` when some feature of time step `s` (rows of `features` values) differs
    /// from `value`, else `0`; `x` holds `mask.count` steps.
    func sequenceMask(_ x: DeviceTensor, value: Float, features: Int, into mask: DeviceTensor)

    // MARK: Loss

    /// Categorical cross-entropy of `probabilities` (rows, clipped to `[1e-7, 1 - 1e-7]` as
    /// Keras does) against one-hot `labels`; writes the gradient with respect to the
    /// softmax's *logits*, `(p - y) / batch`, into `logitGradient`. Returns the summed loss
    /// (not averaged) and the number of rows whose argmax matches the label's. With
    /// `classWeights`, a row's loss and gradient are multiplied by its label's weight
    /// (Keras's `class_weight`).
    func softmaxCrossEntropy(probabilities: MatrixView, labels: MatrixView, logitGradient: MatrixView,
                             classWeights: [Float]?) -> (lossSum: Double, correct: Int)

    // MARK: GRU

    /// Reset-before only: `r = σ(x_r + hw_r)` and `r ⊙ h` (before the candidate's `gemm`).
    func gruResetGate(_ step: GRUStep)
    /// The rest of a forward step: gates, candidate, and the new state (a masked row keeps
    /// its state).
    func gruForward(_ step: GRUStep)
    /// The backward step from `step.stateGradient` (∂L/∂h_t): writes the gate
    /// pre-activation gradients and `step.previousGradient = ∂L/∂h_t ⊙ z` (or all of it for
    /// a masked row); the recurrent `gemm`s are the caller's.
    func gruBackward(_ step: GRUStep)
    /// Reset-before only, after `resetStateGradient = ∂L/∂(r ⊙ h)`: the reset gate's
    /// gradients, and `previousGradient += ∂L/∂(r ⊙ h) ⊙ r`.
    func gruResetGateBackward(_ step: GRUStep)
    /// The forward recurrence of a whole sequence (after the input projection, with the
    /// initial state in `states`' first row block): every step's gates, candidate and state,
    /// saved for backward. The default runs it step by step through the calls above
    /// (``gruSequenceForwardByStep(_:)``); a device may run it in fewer launches.
    func gruSequenceForward(_ sequence: GRUSequence)
    /// Backpropagation through time of a whole sequence from `gradient` = ∂L/∂h_T `[n, u]`:
    /// every step's input and recurrent pre-activation gradients (the weight gradients are
    /// the caller's `gemm`s over all steps). Default: ``gruSequenceBackwardByStep(_:gradient:)``.
    func gruSequenceBackward(_ sequence: GRUSequence, gradient: DeviceTensor)

    // MARK: Optimizers

    /// Keras's Adam step: `m += (g - m)(1 - β1)`, `v += (g² - v)(1 - β2)`,
    /// `p -= alpha · m / (√v + ε)`.
    func adamUpdate(parameter: DeviceTensor, gradient: DeviceTensor, m: DeviceTensor, v: DeviceTensor,
                    alpha: Float, beta1: Float, beta2: Float, epsilon: Float)
    /// Keras's SGD step: without `velocity` `p -= lr · g`; with it
    /// `v = momentum · v - lr · g`, then `p += v` (or `p += momentum · v - lr · g` if `nesterov`).
    func sgdUpdate(parameter: DeviceTensor, gradient: DeviceTensor, velocity: DeviceTensor?,
                   learningRate: Float, momentum: Float, nesterov: Bool)
}

extension Device {
    /// A tensor holding `values`.
    public func upload(_ values: [Float], shape: [Int]) -> DeviceTensor {
        precondition(values.count == shape.reduce(1, *), "upload: \(values.count) values for shape \(shape)")
        let tensor = makeTensor(shape: shape)
        values.withUnsafeBufferPointer { write($0, to: tensor, at: 0) }
        return tensor
    }
}

/// The views one GRU time step works on (all `[batch, ·]` row blocks).
public struct GRUStep {
    public var units: Int
    public var resetAfter: Bool
    public var activation: ActivationFunction
    public var recurrentActivation: ActivationFunction
    /// `x_t · W + b_in`, `[n, 3u]` (a strided slice of the whole sequence's projection).
    public var input: MatrixView
    /// `h_{t-1} · U (+ b_rec)`, `[n, 3u]`; for reset-before the h part is `(r ⊙ h) · U_h`.
    public var recurrent: MatrixView
    public var previous: MatrixView
    public var next: MatrixView
    /// Saved for backward: `[n, u]` each. `resetState` is `r ⊙ h_{t-1}` (reset-before).
    public var z: MatrixView
    public var r: MatrixView
    public var candidate: MatrixView
    public var resetState: MatrixView
    /// `[n, 1]` view of the valid-step mask (1 = valid), or `nil` when nothing is masked.
    public var mask: MatrixView?
    /// Backward only: ∂L/∂h_t, ∂L/∂h_{t-1}, the gradients of the input and recurrent
    /// pre-activations (`[n, 3u]`), and ∂L/∂(r ⊙ h) (reset-before).
    public var stateGradient: MatrixView
    public var previousGradient: MatrixView
    public var inputGradient: MatrixView
    public var recurrentGradient: MatrixView
    public var resetStateGradient: MatrixView
}

extension Device {
    /// Unweighted categorical cross-entropy (``Device/softmaxCrossEntropy(probabilities:labels:logitGradient:classWeights:)``).
    public func softmaxCrossEntropy(probabilities: MatrixView, labels: MatrixView,
                                    logitGradient: MatrixView) -> (lossSum: Double, correct: Int) {
        softmaxCrossEntropy(probabilities: probabilities, labels: labels, logitGradient: logitGradient, classWeights: nil)
    }
}
