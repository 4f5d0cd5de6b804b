import GraphIR
import Interpreter

/// The ranges a GRU's fixed-point internals must hold, measured by running the layer in
/// float32 on calibration sequences (the float interpreter returns only the last state).
///
/// In fixed point (see `Docs/Interpreter.md`) the gates' projections and pre-activations
/// (`x_z`, `h_z`, `x_z + h_z`, and r's) live in the gate accumulator G; the candidate's
/// projections, the reset product `r ⊙ h_h` and the candidate's pre-activation in the
/// accumulator A; the state in the result format. So `gates` is the largest magnitude of
/// the former, `accumulator` of the latter, `state` the largest `|h|` of any step (not only
/// the last).
///
/// This runs the layer's equations a second time on purpose, to see inside them; a test
/// keeps its last state equal to the interpreter's.
struct GRURanges {
    var accumulator: Double = 0
    var gates: Double = 0
    var state: Double = 0

    /// Runs `count` sequences `x` (`count × steps × features`), masked where every feature
    /// of a step equals `maskValue` (when given), widening the ranges; returns the last
    /// states (`count × units`).
    @discardableResult
    mutating func run(
        _ gru: GRUAttributes, x: [Float], count: Int, steps: Int, features: Int, maskValue: Float?
    ) -> [Float] {
        let u = gru.units
        let width = 3 * u
        let kernel = gru.kernel.values
        let recurrent = gru.recurrentKernel.values
        let biases = gru.bias.values
        let inputBias = Array(biases.prefix(width)) + [Float](repeating: 0, count: max(0, width - biases.count))
        let recurrentBias = gru.resetAfter && biases.count >= 2 * width
            ? Array(biases[width ..< 2 * width]) : [Float](repeating: 0, count: width)
        var states = [Float](repeating: 0, count: count * u)
        var xw = [Float](repeating: 0, count: width)
        var hw = [Float](repeating: 0, count: width)
        var rh = [Float](repeating: 0, count: u)
        var r = [Float](repeating: 0, count: u)
        var h = [Float](repeating: 0, count: u)
        let noBias = [Float](repeating: 0, count: width)
        var widest: Float = 0
        var widestGate: Float = 0
        var widestState: Float = 0
        for e in 0..<count {
            for j in 0..<u { h[j] = 0 }
            for t in 0..<steps {
                let row = (e * steps + t) * features
                guard row + features <= x.count else { break }
                if let maskValue, (0..<features).allSatisfy({ x[row + $0] == maskValue }) { continue }
                Self.project(x, at: row, count: features, matrix: kernel, bias: inputBias, columns: 0..<width, into: &xw)
                Self.project(h, at: 0, count: u, matrix: recurrent, bias: recurrentBias,
                             columns: 0..<(gru.resetAfter ? width : 2 * u), into: &hw)
                for j in 0..<u {
                    let pre = xw[u + j] + hw[u + j]
                    r[j] = gru.recurrentActivation.floatValue(pre)
                    widestGate = max(widestGate, abs(pre))
                }
                if !gru.resetAfter {
                    for j in 0..<u { rh[j] = r[j] * h[j] }
                    Self.project(rh, at: 0, count: u, matrix: recurrent, bias: noBias, columns: 2 * u ..< width, into: &hw)
                }
                for j in 0..<u {
                    let zPre = xw[j] + hw[j]
                    let z = gru.recurrentActivation.floatValue(zPre)
                    let reset = gru.resetAfter ? r[j] * hw[2 * u + j] : hw[2 * u + j]
                    let cPre = xw[2 * u + j] + reset
                    let c = gru.activation.floatValue(cPre)
                    h[j] = z * h[j] + (1 - z) * c
                    widestGate = max(widestGate, abs(zPre))
                    widest = max(widest, abs(cPre), abs(reset))
                    widestState = max(widestState, abs(h[j]))
                }
                for c in 0..<width {
                    if c < 2 * u {
                        widestGate = max(widestGate, abs(xw[c]), abs(hw[c]))
                    } else {
                        widest = max(widest, abs(xw[c]), abs(hw[c]))
                    }
                }
            }
            for j in 0..<u { states[e * u + j] = h[j] }
        }
        if widest.isFinite { accumulator = max(accumulator, Double(widest)) }
        if widestGate.isFinite { gates = max(gates, Double(widestGate)) }
        if widestState.isFinite { state = max(state, Double(widestState)) }
        return states
    }

    /// `y[c] = bias[c] + Σ_i v[at + i] · M[i, c]` for `c` in `columns` of a `[count, 3u]` matrix.
    private static func project(
        _ v: [Float], at start: Int, count: Int, matrix: [Float], bias: [Float], columns: Range<Int>,
        into y: inout [Float]
    ) {
        let width = y.count
        for c in columns { y[c] = bias[c] }
        for i in 0..<count {
            let value = v[start + i]
            if value == 0 { continue }
            let base = i * width
            for c in columns { y[c] += value * matrix[base + c] }
        }
    }
}
