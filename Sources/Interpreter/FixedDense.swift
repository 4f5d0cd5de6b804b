import FixedPoint
import GraphIR

/// A dense layer in fixed point: for output `j`, `S = Σ_i conv(w_ij·x_i → A) + conv(b_j → A)`
/// formed exactly, `a = conv(S → A)`, then the fused activation `a → R`.
struct FixedDense: Sendable {
    let inFeatures: Int
    let outFeatures: Int
    /// Weights as codes of the weight format, `[in][out]`.
    let weights: [Int64]
    /// Biases already converted to the accumulator format.
    let bias: [Int64]
    /// Fractional bits of a product `w·x`.
    let productBits: Int
    let accumulator: FixedFormat
    let activation: FixedActivation
    /// The SIMD kernel, when it is exact for these formats and enabled.
    let fast: FastDense?

    init(
        node: Node, weights w: Tensor, bias b: Tensor, activation function: ActivationFunction,
        input: FixedFormat, tables: [String: ActivationTable], fastPaths: Bool, inputRank: Int
    ) throws(InterpreterError) {
        guard let precision = node.precision else { throw .missingFormat(node: node.name, role: "result") }
        let weightFormat = try FixedActivation.format(precision.weight, node: node.name, role: "weight")
        let biasFormat = try FixedActivation.format(precision.bias, node: node.name, role: "bias")
        let a = try FixedActivation.format(precision.accumulator, node: node.name, role: "accumulator")
        inFeatures = w.shape[0]
        outFeatures = w.shape[1]
        weights = try constantCodes(w, weightFormat, node: node.name, attribute: "weights")
        bias = try constantCodes(b, biasFormat, node: node.name, attribute: "bias").map { a.convert(raw: $0, from: biasFormat) }
        productBits = weightFormat.fractionalBits + input.fractionalBits
        accumulator = a
        try checkProduct(weightFormat.maxMagnitude, input.maxMagnitude, node: node.name, what: "weight × input")
        try checkSum(terms: inFeatures + 1, of: a, node: node.name)
        activation = try FixedActivation(
            function, node: node.name, precision: precision, tables: tables, input: a, result: precision.result)
        fast = fastPaths && inputRank == 1
            ? FastDense(weights: weights, bias: bias, inFeatures: inFeatures, outFeatures: outFeatures,
                        input: input, weight: weightFormat, accumulator: a, activation: activation)
            : nil
    }

    /// The accumulator value `a_j` for one event's inputs `x[i·stride]`.
    @inline(__always)
    func accumulate(_ x: UnsafePointer<Int64>, stride: Int, output j: Int) -> Int64 {
        var s = bias[j]
        for i in 0..<inFeatures {
            s &+= accumulator.convert(raw: weights[i * outFeatures + j] * x[i * stride], fractionalBits: productBits)
        }
        return accumulator.convert(raw: s, fractionalBits: accumulator.fractionalBits)
    }

    /// Evaluates a feature-major block: rows of `inFeatures` values in, rows of
    /// `outFeatures` out, `rows` rows per event.
    func evaluate(
        _ x: UnsafePointer<Int64>, into y: UnsafeMutablePointer<Int64>, rows: Int, count n: Int,
        stride: Int, scratch: UnsafeMutablePointer<Int32>
    ) {
        if let fast {
            fast.evaluate(x, into: y, count: n, stride: stride, scratch: scratch)
        } else {
            for r in 0..<rows {
                let xr = x + r * inFeatures * stride
                let yr = y + r * outFeatures * stride
                for j in 0..<outFeatures {
                    for e in 0..<n { yr[j * stride + e] = accumulate(xr + e, stride: stride, output: j) }
                }
            }
        }
        if fast?.appliesActivation != true {
            activation.apply(y, into: y, size: rows * outFeatures, rowLength: outFeatures, count: n, stride: stride)
        }
    }
}

/// Throws when `terms` values of format `a` may not sum exactly in `Int64` (a wrapping
/// accumulator is exact modulo 2^64, which is all its conversion needs).
func checkSum(terms: Int, of a: FixedFormat, node: String) throws(InterpreterError) {
    guard a.overflow != .wrap else { return }
    let (total, overflow) = a.maxMagnitude.multipliedReportingOverflow(by: UInt64(max(terms, 1)))
    if overflow || total >= UInt64(1) << 63 {
        throw .unsupported(node: node, reason: "the exact sum of \(terms) values of \(a) may exceed 63 bits")
    }
}
