import GraphIR

/// A GRU layer's whole sequence (all `steps` time steps of `batch` events), as
/// ``Device/gruSequenceForward(_:)`` and ``Device/gruSequenceBackward(_:gradient:)`` see it.
/// Per-step caches are time-major (`[T·n, ·]`, row `t·n + e`); the input projection and its
/// gradient are event-major (`[n·T, 3u]`, row `e·T + t`, the input's row order).
public struct GRUSequence {
    public var units: Int
    public var steps: Int
    /// The steps to run (≤ `steps`): the steps after the last one any event of the batch
    /// has live are padding for every event, which carries the state and the gradient
    /// unchanged, so a device may stop there (the per-step path does; a device that runs
    /// every step gives the same values).
    public var liveSteps: Int
    public var batch: Int
    public var resetAfter: Bool
    public var activation: ActivationFunction
    public var recurrentActivation: ActivationFunction
    /// `x·W + b_in` of every step, `[n·T, 3u]`.
    public var inputProjection: DeviceTensor
    /// `U`, `[u, 3u]`.
    public var recurrentKernel: DeviceTensor
    /// The layer's bias; with `resetAfter` its second row (from element `3u`) is the
    /// recurrent bias, added to `h·U` (reset-before has none).
    public var bias: DeviceTensor
    /// Saved by forward for backward: `h_{t-1}·U (+ b_rec)` `[T·n, 3u]` (reset-before: the h
    /// part is `(r ⊙ h)·U_h`), the states `[(T+1)·n, u]` (row block 0 the initial state, set
    /// by the caller), z, r, candidate and `r ⊙ h_{t-1}` `[T·n, u]`.
    public var recurrentProjection: DeviceTensor
    public var states: DeviceTensor
    public var z: DeviceTensor
    public var r: DeviceTensor
    public var candidate: DeviceTensor
    public var resetState: DeviceTensor
    /// The valid-step mask `[n, T]` (1 = valid), or nil when nothing is masked.
    public var mask: DeviceTensor?
    /// Backward: the gradients of the input and recurrent pre-activations (`[n·T, 3u]`,
    /// `[T·n, 3u]`), and `[n, u]` scratch the per-step path uses (∂L/∂h_t, ∂L/∂h_{t-1},
    /// ∂L/∂(r ⊙ h)).
    public var inputProjectionGradient: DeviceTensor
    public var recurrentProjectionGradient: DeviceTensor
    public var stateGradient: DeviceTensor
    public var previousGradient: DeviceTensor
    public var resetStateGradient: DeviceTensor
    /// Quantization-aware training: a factor per pre-activation gradient, time-major
    /// `[T·n, 3u]` (0 where the fixed-point forward pass clipped it), applied to both
    /// pre-activation gradients of every step before the recurrent `gemm`s read them; nil:
    /// none.
    public var gateGradientMask: DeviceTensor?

    public init(units: Int, steps: Int, batch: Int, resetAfter: Bool, activation: ActivationFunction,
                recurrentActivation: ActivationFunction, inputProjection: DeviceTensor, recurrentKernel: DeviceTensor,
                bias: DeviceTensor, recurrentProjection: DeviceTensor, states: DeviceTensor, z: DeviceTensor,
                r: DeviceTensor, candidate: DeviceTensor, resetState: DeviceTensor, mask: DeviceTensor?,
                inputProjectionGradient: DeviceTensor, recurrentProjectionGradient: DeviceTensor,
                stateGradient: DeviceTensor, previousGradient: DeviceTensor, resetStateGradient: DeviceTensor) {
        self.units = units
        self.steps = steps
        liveSteps = steps
        self.batch = batch
        self.resetAfter = resetAfter
        self.activation = activation
        self.recurrentActivation = recurrentActivation
        self.inputProjection = inputProjection
        self.recurrentKernel = recurrentKernel
        self.bias = bias
        self.recurrentProjection = recurrentProjection
        self.states = states
        self.z = z
        self.r = r
        self.candidate = candidate
        self.resetState = resetState
        self.mask = mask
        self.inputProjectionGradient = inputProjectionGradient
        self.recurrentProjectionGradient = recurrentProjectionGradient
        self.stateGradient = stateGradient
        self.previousGradient = previousGradient
        self.resetStateGradient = resetStateGradient
    }

    /// The views of step `t` (forward and backward).
    public func step(_ t: Int) -> GRUStep {
        let n = batch, u = units, w = 3 * u, T = steps
        func timeMajor(_ tensor: DeviceTensor, _ t: Int, _ columns: Int) -> MatrixView {
            MatrixView(tensor, offset: t * n * columns, rows: n, columns: columns, stride: columns)
        }
        return GRUStep(
            units: u, resetAfter: resetAfter, activation: activation, recurrentActivation: recurrentActivation,
            input: MatrixView(inputProjection, offset: t * w, rows: n, columns: w, stride: T * w),
            recurrent: timeMajor(recurrentProjection, t, w),
            previous: timeMajor(states, t, u), next: timeMajor(states, t + 1, u),
            z: timeMajor(z, t, u), r: timeMajor(r, t, u), candidate: timeMajor(candidate, t, u),
            resetState: timeMajor(resetState, t, u),
            mask: mask.map { MatrixView($0, offset: t, rows: n, columns: 1, stride: T) },
            stateGradient: stateGradient.matrix, previousGradient: previousGradient.matrix,
            inputGradient: MatrixView(inputProjectionGradient, offset: t * w, rows: n, columns: w, stride: T * w),
            recurrentGradient: timeMajor(recurrentProjectionGradient, t, w),
            resetStateGradient: resetStateGradient.matrix)
    }
}

extension Device {
    /// The default ``Device/gruSequenceForward(_:)``: ``gruSequenceForwardByStep(_:)``.
    public func gruSequenceForward(_ sequence: GRUSequence) { gruSequenceForwardByStep(sequence) }

    /// The default ``Device/gruSequenceBackward(_:gradient:)``: ``gruSequenceBackwardByStep(_:gradient:)``.
    public func gruSequenceBackward(_ sequence: GRUSequence, gradient: DeviceTensor) {
        gruSequenceBackwardByStep(sequence, gradient: gradient)
    }

    /// The forward recurrence one step at a time: per step the recurrent `gemm`(s) on the
    /// state and the fused gate kernels (2–4 operations per step).
    public func gruSequenceForwardByStep(_ sequence: GRUSequence) {
        let u = sequence.units, w = 3 * u
        let uz = sequence.recurrentKernel.matrix
        for t in 0..<sequence.liveSteps {
            let s = sequence.step(t)
            if sequence.resetAfter {
                broadcastRows(sequence.bias, offset: w, into: s.recurrent)
                gemm(s.previous, transposeA: false, uz, transposeB: false, into: s.recurrent, alpha: 1, beta: 1)
            } else {
                gemm(s.previous, transposeA: false, uz.columns(0, 2 * u), transposeB: false,
                     into: s.recurrent.columns(0, 2 * u), alpha: 1, beta: 0)
                gruResetGate(s)
                gemm(s.resetState, transposeA: false, uz.columns(2 * u, u), transposeB: false,
                     into: s.recurrent.columns(2 * u, u), alpha: 1, beta: 0)
            }
            gruForward(s)
        }
    }

    /// Backpropagation through time one step at a time from `gradient` = ∂L/∂h_T: per step
    /// the fused gate kernel(s) and the recurrent `gemm`(s).
    public func gruSequenceBackwardByStep(_ sequence: GRUSequence, gradient: DeviceTensor) {
        let u = sequence.units
        let uz = sequence.recurrentKernel.matrix
        var current = sequence.stateGradient, previous = sequence.previousGradient
        copy(gradient.matrix, to: current.matrix)
        for t in (0..<sequence.liveSteps).reversed() {
            var s = sequence.step(t)
            s.stateGradient = current.matrix
            s.previousGradient = previous.matrix
            gruBackward(s)
            let factors = sequence.gateGradientMask.map {
                MatrixView($0, offset: t * sequence.batch * 3 * u, rows: sequence.batch, columns: 3 * u, stride: 3 * u)
            }
            if let factors {
                multiply(s.recurrentGradient, by: factors)
                multiply(s.inputGradient, by: factors)
            }
            if sequence.resetAfter {
                gemm(s.recurrentGradient, transposeA: false, uz, transposeB: true, into: s.previousGradient, alpha: 1, beta: 1)
            } else {
                gemm(s.recurrentGradient.columns(2 * u, u), transposeA: false, uz.columns(2 * u, u),
                     transposeB: true, into: s.resetStateGradient, alpha: 1, beta: 0)
                gruResetGateBackward(s)
                if let factors {
                    multiply(s.recurrentGradient.columns(u, u), by: factors.columns(u, u))
                    multiply(s.inputGradient.columns(u, u), by: factors.columns(u, u))
                }
                gemm(s.recurrentGradient.columns(0, 2 * u), transposeA: false, uz.columns(0, 2 * u),
                     transposeB: true, into: s.previousGradient, alpha: 1, beta: 1)
            }
            swap(&current, &previous)
        }
    }
}
