import Foundation
import GraphIR

/// An independent scalar float reference: plain loops in Double, one event at a time,
/// written from Keras's formulas (not from the interpreter's code).
enum FloatReference {
    static func activation(_ f: ActivationFunction, _ x: Double) -> Double {
        switch f {
        case .linear, .softmax: x
        case .relu: x > 0 ? x : 0
        case let .leakyRelu(alpha): x >= 0 ? x : Double(alpha) * x
        case .tanh: Foundation.tanh(x)
        case .sigmoid: 1 / (1 + Foundation.exp(-x))
        case let .hardSigmoid(slope, offset): Swift.min(1, Swift.max(0, Double(slope) * x + Double(offset)))
        }
    }

    static func activation(_ f: ActivationFunction, row: [Double]) -> [Double] {
        guard f == .softmax else { return row.map { activation(f, $0) } }
        let e = row.map { Foundation.exp($0) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    static func dense(_ x: [Double], _ w: Tensor, _ b: Tensor, _ f: ActivationFunction) -> [Double] {
        let (n, m) = (w.shape[0], w.shape[1])
        var y = [Double](repeating: 0, count: m)
        for j in 0..<m {
            var s = Double(b.values[j])
            for i in 0..<n { s += Double(w.values[i * m + j]) * x[i] }
            y[j] = s
        }
        return activation(f, row: y)
    }

    /// Keras GRU; `sequence[t]` is step t's features; masked steps (all features 0 here)
    /// keep the state.
    static func gru(_ sequence: [[Double]], _ a: GRUAttributes, maskValue: Double?) -> [Double] {
        let u = a.units
        let width = 3 * u
        let k = a.kernel.values.map(Double.init)
        let rk = a.recurrentKernel.values.map(Double.init)
        let bias = a.bias.values.map(Double.init)
        var h = [Double](repeating: 0, count: u)
        for x in sequence {
            if let maskValue, x.allSatisfy({ $0 == maskValue }) { continue }
            func project(_ v: [Double], _ m: [Double], column c: Int) -> Double {
                var s = 0.0
                for i in v.indices { s += v[i] * m[i * width + c] }
                return s
            }
            var next = h
            for j in 0..<u {
                let xz = project(x, k, column: j) + bias[j]
                let xr = project(x, k, column: u + j) + bias[u + j]  // r of unit j
                let xh = project(x, k, column: 2 * u + j) + bias[2 * u + j]
                let rb = a.resetAfter ? Array(bias[width...]) : [Double](repeating: 0, count: width)
                let z = activation(a.recurrentActivation, xz + project(h, rk, column: j) + rb[j])
                let c: Double
                if a.resetAfter {
                    let r = activation(a.recurrentActivation, xr + project(h, rk, column: u + j) + rb[u + j])
                    c = activation(a.activation, xh + r * (project(h, rk, column: 2 * u + j) + rb[2 * u + j]))
                } else {
                    var rh = [Double](repeating: 0, count: u)
                    for i in 0..<u {
                        rh[i] = activation(a.recurrentActivation,
                                           project(x, k, column: u + i) + bias[u + i] + project(h, rk, column: u + i))
                            * h[i]
                    }
                    c = activation(a.activation, xh + project(rh, rk, column: 2 * u + j))
                }
                next[j] = z * h[j] + (1 - z) * c
            }
            h = next
        }
        return h
    }

    static func batchNorm(_ x: [Double], _ bn: BatchNormAttributes) -> [Double] {
        let c = bn.gamma.values.count
        return x.indices.map { i in
            let k = i % c
            return Double(bn.gamma.values[k]) * (x[i] - Double(bn.mean.values[k]))
                / (Double(bn.variance.values[k]) + Double(bn.epsilon)).squareRoot() + Double(bn.beta.values[k])
        }
    }
}

/// `true` when every value is within `1e-6 × max(1, |reference|)`.
func close(_ got: [Float], _ reference: [Double], tolerance: Double = 1e-6) -> Bool {
    got.count == reference.count
        && zip(got, reference).allSatisfy { abs(Double($0) - $1) <= tolerance * max(1, abs($1)) }
}
