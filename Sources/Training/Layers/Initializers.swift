import Foundation
import GraphIR

/// Keras's initializers, drawn from one seeded ``SplitMix64`` so a seed fixes every weight.
enum Initializers {
    /// Glorot uniform: uniform in `±sqrt(6 / (fanIn + fanOut))` (GraphIR's ``GraphIR/Tensor/glorot(shape:fanIn:fanOut:using:)``).
    static func glorotUniform(shape: [Int], fanIn: Int, fanOut: Int, rng: inout SplitMix64) -> [Float] {
        Tensor.glorot(shape: shape, fanIn: fanIn, fanOut: fanOut, using: &rng).values
    }

    /// A standard normal draw (Box–Muller on two uniforms), in Double.
    static func normal(_ rng: inout SplitMix64) -> Double {
        let u1 = (Double(rng.next() >> 11) + 1) * 0x1p-53
        let u2 = Double(rng.next() >> 11) * 0x1p-53
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Keras's orthogonal initializer for a `[rows, columns]` matrix (gain 1): the Q factor
    /// of a Gaussian `[max, min]` matrix with R's diagonal made positive (Gram–Schmidt),
    /// transposed when `rows < columns`, so rows (or columns) are orthonormal.
    static func orthogonal(rows: Int, columns: Int, rng: inout SplitMix64) -> [Float] {
        let tall = max(rows, columns), narrow = min(rows, columns)
        // a[i][k]: column k of a tall × narrow Gaussian matrix.
        var a = (0..<narrow).map { _ in (0..<tall).map { _ in normal(&rng) } }
        for k in 0..<narrow {
            for p in 0..<k {
                let dot = zip(a[k], a[p]).reduce(0) { $0 + $1.0 * $1.1 }
                for i in 0..<tall { a[k][i] -= dot * a[p][i] }
            }
            let norm = a[k].reduce(0) { $0 + $1 * $1 }.squareRoot()
            for i in 0..<tall { a[k][i] /= max(norm, 1e-300) }
        }
        var values = [Float](repeating: 0, count: rows * columns)
        for i in 0..<rows {
            for j in 0..<columns {
                // q is tall × narrow with q[i][k] = a[k][i]; the result is q, or qᵀ when wide.
                values[i * columns + j] = Float(rows >= columns ? a[j][i] : a[i][j])
            }
        }
        return values
    }
}
