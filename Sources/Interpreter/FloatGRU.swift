import GraphIR

/// A GRU in float32, exactly as Keras computes it (gate order z, r, h; both reset
/// conventions; a masked step carries the state forward).
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

    /// Floats of scratch the GRU needs for a block: input and recurrent projections, and
    /// the reset-state product.
    func scratchSize(blockSize: Int) -> Int { blockSize * (3 * units * 2 + units) }

    /// Runs the sequences `x` (`count × timeSteps × features`) and writes the last state
    /// (`count × units`) to `h`.
    func evaluate(
        x: UnsafePointer<Float>, mask: UnsafePointer<UInt8>?, count n: Int,
        scratch: UnsafeMutablePointer<Float>, into h: UnsafeMutablePointer<Float>
    ) {
        let width = 3 * units
        let xw = scratch  // [n, 3u]: x_t · kernel + input bias
        let hw = scratch + n * width  // [n, 3u]: h · recurrentKernel (+ recurrent bias)
        let rh = hw + n * width  // [n, u]: r ⊙ h (reset before)
        h.update(repeating: 0, count: n * units)
        kernel.withUnsafeBufferPointer { k in
            recurrentKernel.withUnsafeBufferPointer { rk in
                guard let k = k.baseAddress, let rk = rk.baseAddress else { return }
                for t in 0..<timeSteps {
                    for e in 0..<n { (xw + e * width).update(from: inputBias, count: width) }
                    sgemm(m: n, n: width, k: features, a: x + t * features, lda: timeSteps * features,
                          b: k, ldb: width, beta: 1, c: xw, ldc: width)
                    if resetAfter {
                        for e in 0..<n { (hw + e * width).update(from: recurrentBias, count: width) }
                        sgemm(m: n, n: width, k: units, a: h, lda: units, b: rk, ldb: width,
                              beta: 1, c: hw, ldc: width)
                    } else {
                        sgemm(m: n, n: 2 * units, k: units, a: h, lda: units, b: rk, ldb: width,
                              beta: 0, c: hw, ldc: width)
                    }
                    step(t: t, count: n, mask: mask, xw: xw, hw: hw, rh: rh, rk: rk, h: h)
                }
            }
        }
    }

    /// The gate arithmetic of one time step, after the matrix products.
    private func step(
        t: Int, count n: Int, mask: UnsafePointer<UInt8>?,
        xw: UnsafeMutablePointer<Float>, hw: UnsafeMutablePointer<Float>,
        rh: UnsafeMutablePointer<Float>, rk: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>
    ) {
        let u = units
        let width = 3 * u
        if !resetAfter {
            // r = act(x_r + h·U_r); the candidate's recurrent part is (r ⊙ h) · U_h.
            for e in 0..<n {
                for j in 0..<u {
                    let r = FloatActivation.scalar(
                        recurrentActivation, xw[e * width + u + j] + hw[e * width + u + j])
                    rh[e * u + j] = r * h[e * u + j]
                }
            }
            sgemm(m: n, n: u, k: u, a: rh, lda: u, b: rk + 2 * u, ldb: width, beta: 0,
                  c: hw + 2 * u, ldc: width)
        }
        for e in 0..<n {
            if let mask, mask[e * timeSteps + t] != 0 { continue }
            for j in 0..<u {
                let z = FloatActivation.scalar(recurrentActivation, xw[e * width + j] + hw[e * width + j])
                let candidate: Float
                if resetAfter {
                    let r = FloatActivation.scalar(
                        recurrentActivation, xw[e * width + u + j] + hw[e * width + u + j])
                    candidate = FloatActivation.scalar(
                        activation, xw[e * width + 2 * u + j] + r * hw[e * width + 2 * u + j])
                } else {
                    candidate = FloatActivation.scalar(
                        activation, xw[e * width + 2 * u + j] + hw[e * width + 2 * u + j])
                }
                let previous = h[e * u + j]
                h[e * u + j] = z * previous + (1 - z) * candidate
            }
        }
    }
}
