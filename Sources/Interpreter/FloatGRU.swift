import CKernels
import GraphIR

/// A GRU in float32, exactly as Keras computes it (gate order z, r, h; both reset
/// conventions; a masked step carries the state forward).
///
/// The events of a block are the lanes (C kernels in `Sources/CKernels`): each step's
/// inputs are gathered feature-major, the two products run over all lanes at once
/// (register-blocked with AVX2 where the CPU has it), and the gates and the state update are
/// vectorized over lanes. Every lane does the same float operations in the same order, so an
/// event's output does not depend on its batch.
struct FloatGRU: Sendable {
    let units: Int
    let timeSteps: Int
    let features: Int
    let resetAfter: Bool
    let activation: ActivationFunction
    let recurrentActivation: ActivationFunction
    /// `[features, 3·units]` and `[units, 3·units]`, row-major.
    let kernel: [Float]
    let recurrentKernel: [Float]
    /// Input bias `[3·units]`, and the recurrent bias (zeros unless `resetAfter`).
    let inputBias: [Float]
    let recurrentBias: [Float]

    init(_ a: GRUAttributes, timeSteps: Int, features: Int) {
        units = a.units
        self.timeSteps = timeSteps
        self.features = features
        resetAfter = a.resetAfter
        activation = a.activation
        recurrentActivation = a.recurrentActivation
        kernel = a.kernel.values
        recurrentKernel = a.recurrentKernel.values
        let width = 3 * a.units
        inputBias = Array(a.bias.values.prefix(width))
        recurrentBias = a.resetAfter && a.bias.values.count >= 2 * width
            ? Array(a.bias.values[width ..< 2 * width]) : [Float](repeating: 0, count: width)
    }

    /// Floats of scratch the GRU needs for a block: the step's inputs, the input and
    /// recurrent projections, the state, r ⊙ h, and two rows for the gates.
    func scratchSize(blockSize: Int) -> Int { blockSize * (features + 3 * units * 2 + 2 * units + 2) }

    /// Runs the sequences `x` (`count × timeSteps × features`) and writes the last state
    /// (`count × units`) to `h`.
    func evaluate(
        x: UnsafePointer<Float>, mask: UnsafePointer<UInt8>?, count n: Int,
        scratch: UnsafeMutablePointer<Float>, into h: UnsafeMutablePointer<Float>
    ) {
        let u = units
        let width = 3 * u
        let step = scratch  // [features][n]
        let xw = step + features * n  // [3u][n]: x_t · kernel + input bias
        let hw = xw + width * n  // [3u][n]: h · recurrentKernel (+ recurrent bias)
        let state = hw + width * n  // [u][n]
        let rh = state + u * n  // [u][n]: r ⊙ h (reset before)
        let rows = rh + u * n  // [2][n]
        state.update(repeating: 0, count: u * n)
        let active = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
        defer { active.deallocate() }
        active.initialize(repeating: 1, count: n)
        var plan = trigc_float_gru(units: Int32(u), resetAfter: resetAfter ? 1 : 0,
                                   gate: Self.kernelActivation(recurrentActivation), candidate: Self.kernelActivation(activation))
        let lanes = Int32(n)
        withMatrices { k, rk, bias, recurrentBias in
            for t in 0..<timeSteps {
                if let mask, !liveLanes(mask, step: t, steps: timeSteps, count: n, into: active) { continue }
                let source = x + t * features
                for e in 0..<n {
                    let row = source + e * timeSteps * features
                    for f in 0..<features { step[f * n + e] = row[f] }
                }
                var input = trigc_float_linear(matrix: k, width: Int32(width), columnStart: 0, columnEnd: Int32(width), bias: bias)
                trigc_float_linear_block(&input, step, n, Int32(features), xw, n, lanes)
                var recurrent = trigc_float_linear(
                    matrix: rk, width: Int32(width), columnStart: 0, columnEnd: Int32(resetAfter ? width : 2 * u),
                    bias: resetAfter ? recurrentBias : nil)
                trigc_float_linear_block(&recurrent, state, n, Int32(u), hw, n, lanes)
                trigc_float_gru_reset(&plan, xw, hw, state, rh, rows, lanes)
                if !resetAfter {
                    var candidate = trigc_float_linear(
                        matrix: rk, width: Int32(width), columnStart: Int32(2 * u), columnEnd: Int32(width), bias: nil)
                    trigc_float_linear_block(&candidate, rh, n, Int32(u), hw, n, lanes)
                }
                trigc_float_gru_update(&plan, xw, hw, state, active, rows, lanes)
            }
        }
        for e in 0..<n {
            for j in 0..<u { h[e * u + j] = state[j * n + e] }
        }
    }

    /// The kernel, the recurrent kernel and the two biases, pinned.
    private func withMatrices(
        _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) -> Void
    ) {
        kernel.withUnsafeBufferPointer { k in
            recurrentKernel.withUnsafeBufferPointer { rk in
                inputBias.withUnsafeBufferPointer { b in
                    recurrentBias.withUnsafeBufferPointer { rb in
                        guard let k = k.baseAddress, let rk = rk.baseAddress, let b = b.baseAddress,
                              let rb = rb.baseAddress else { return }
                        body(k, rk, b, rb)
                    }
                }
            }
        }
    }

    /// Keras's activation as the C kernels' description (softmax, which needs a row and is
    /// not a GRU activation, is the identity here).
    static func kernelActivation(_ function: ActivationFunction) -> trigc_float_activation {
        func make(_ kind: trigc_float_activation_kind, _ a: Float = 0, _ b: Float = 0) -> trigc_float_activation {
            trigc_float_activation(kind: Int32(kind.rawValue), a: a, b: b)
        }
        return switch function {
        case .linear, .softmax: make(trigc_float_linear_activation)
        case .relu: make(trigc_float_relu)
        case let .leakyRelu(alpha): make(trigc_float_leaky_relu, alpha)
        case .tanh: make(trigc_float_tanh)
        case .sigmoid: make(trigc_float_sigmoid)
        case let .hardSigmoid(slope, offset): make(trigc_float_hard_sigmoid, slope, offset)
        }
    }
}
