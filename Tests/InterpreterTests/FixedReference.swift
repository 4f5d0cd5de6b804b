import FixedPoint
import GraphIR

/// An independent scalar fixed-point reference, one event at a time, written straight from
/// the spec in `Docs/Interpreter.md` (it shares only FixedFormat's conversions and
/// ActivationTable's lookup with the interpreter, which are the spec's own primitives).
struct FixedReference {
    let tables: [String: ActivationTable]

    /// conv(raw × 2^-bits → f).
    func conv(_ raw: Int64, _ bits: Int, _ f: FixedFormat) -> Int64 {
        f.convert(raw: raw, fractionalBits: bits)
    }

    func table(_ p: LayerPrecision, _ role: TableRole) -> ActivationTable {
        guard let name = p.tables[role], let table = tables[name] else { fatalError("test graph lacks table \(role)") }
        return table
    }

    /// The dense rule into the accumulator: Σ conv(w·x → A) + conv(b → A), then conv → A.
    func dense(_ x: [Int64], xBits: Int, _ w: Tensor, _ b: Tensor?, _ p: LayerPrecision, bias biasRow: Int = 0)
        -> [Int64]
    {
        let (W, B, A) = (p.weight!, p.bias!, p.accumulator!)
        let (n, m) = (w.shape[0], w.shape[1])
        return (0..<m).map { j in
            var s: Int64 = 0
            for i in 0..<n {
                s += conv(W.quantize(w.values[i * m + j]) * x[i], W.fractionalBits + xBits, A)
            }
            if let b { s += conv(B.quantize(b.values[biasRow * m + j]), B.fractionalBits, A) }
            return conv(s, A.fractionalBits, A)
        }
    }

    /// An activation of values with `vBits` fractional bits into `R`; with `keepTable`, a
    /// table's output is returned in the table's own format (GRU gates and candidates).
    func activation(
        _ f: ActivationFunction, _ v: [Int64], vBits: Int, _ p: LayerPrecision, role: TableRole = .activation,
        keepTable: Bool = false
    ) -> [Int64] {
        let R = p.result
        switch f {
        case .linear:
            return v.map { conv($0, vBits, R) }
        case .relu:
            return v.map { conv($0 > 0 ? $0 : 0, vBits, R) }
        case let .leakyRelu(alpha):
            let a = p.weight!.quantize(alpha)
            return v.map { $0 >= 0 ? conv($0, vBits, R) : conv(a * $0, p.weight!.fractionalBits + vBits, R) }
        case let .hardSigmoid(slope, offset):
            let (W, B) = (p.weight!, p.bias!)
            let productBits = W.fractionalBits + vBits
            let bits = max(productBits, B.fractionalBits, 0)
            let one = Int64(1) << Int64(bits)
            return v.map { x in
                let t = W.quantize(slope) * x * (Int64(1) << Int64(bits - productBits))
                    + B.quantize(offset) * (Int64(1) << Int64(bits - B.fractionalBits))
                return conv(t < 0 ? 0 : (t > one ? one : t), bits, R)
            }
        case .tanh, .sigmoid:
            let t = table(p, role)
            return v.map { x in
                let o = t.lookup(raw: t.inputFormat.convert(raw: x, fractionalBits: vBits))
                return keepTable ? o : conv(o, t.outputFormat.fractionalBits, R)
            }
        case .softmax:
            let (texp, trec) = (table(p, .exp), table(p, .reciprocal))
            let m = v.max()!
            let e = v.map { texp.lookup(raw: texp.inputFormat.convert(raw: $0 - m, fractionalBits: vBits)) }
            let s = e.reduce(0, +)
            let r = trec.lookup(raw: trec.inputFormat.convert(raw: s, fractionalBits: texp.outputFormat.fractionalBits))
            let bits = texp.outputFormat.fractionalBits + trec.outputFormat.fractionalBits
            return e.map { conv($0 * r, bits, R) }
        }
    }

    /// Fractional bits of an activation's output (table format or R).
    func outputBits(_ f: ActivationFunction, _ p: LayerPrecision, role: TableRole) -> Int {
        switch f {
        case .tanh, .sigmoid: table(p, role).outputFormat.fractionalBits
        case .linear, .relu, .leakyRelu, .hardSigmoid, .softmax: p.result.fractionalBits
        }
    }

    /// The GRU rule of the spec, one event; `steps[t]` holds raw codes of format `X`.
    func gru(_ steps: [[Int64]], X: FixedFormat, maskCode: Int64?, _ a: GRUAttributes, _ p: LayerPrecision)
        -> [Int64]
    {
        let (R, A) = (p.result, p.accumulator!)
        let u = a.units
        func columns(_ t: Tensor, _ range: Range<Int>) -> Tensor {
            let rows = t.shape[0]
            var values: [Float] = []
            for i in 0..<rows { for c in range { values.append(t.values[i * t.shape[1] + c]) } }
            return Tensor(shape: [rows, range.count], values: values)
        }
        func bias(_ row: Int, _ range: Range<Int>) -> Tensor {
            Tensor(shape: [range.count], values: range.map { a.bias.values[row * 3 * u + $0] })
        }
        let gates = [0..<u, u..<2 * u, 2 * u..<3 * u]
        var h = [Int64](repeating: 0, count: u)
        for x in steps {
            if let maskCode, x.allSatisfy({ $0 == maskCode }) { continue }
            let xs = gates.map { dense(x, xBits: X.fractionalBits, columns(a.kernel, $0), bias(0, $0), p) }
            let zero = Tensor(zeros: [u])
            let hs = gates.map { g in
                dense(h, xBits: R.fractionalBits, columns(a.recurrentKernel, g), a.resetAfter ? bias(1, g) : zero, p)
            }
            let gateBits = outputBits(a.recurrentActivation, p, role: .recurrentActivation)
            let candidateBits = outputBits(a.activation, p, role: .activation)
            let sum = { (l: [Int64], r: [Int64]) in zip(l, r).map { conv($0 + $1, A.fractionalBits, A) } }
            let z = activation(a.recurrentActivation, sum(xs[0], hs[0]), vBits: A.fractionalBits, p,
                               role: .recurrentActivation, keepTable: true)
            let r = activation(a.recurrentActivation, sum(xs[1], hs[1]), vBits: A.fractionalBits, p,
                               role: .recurrentActivation, keepTable: true)
            let pre: [Int64]
            if a.resetAfter {
                let rhh = zip(r, hs[2]).map { conv($0 * $1, gateBits + A.fractionalBits, A) }
                pre = sum(xs[2], rhh)
            } else {
                let rh = zip(r, h).map { conv($0 * $1, gateBits + R.fractionalBits, R) }
                pre = sum(xs[2], dense(rh, xBits: R.fractionalBits, columns(a.recurrentKernel, gates[2]), zero, p))
            }
            let c = activation(a.activation, pre, vBits: A.fractionalBits, p, role: .activation, keepTable: true)
            let bits = gateBits + max(R.fractionalBits, candidateBits)
            let one = Int64(1) << Int64(gateBits)
            h = (0..<u).map { j in
                let kept = z[j] * h[j] * (Int64(1) << Int64(bits - gateBits - R.fractionalBits))
                let fresh = (one - z[j]) * c[j] * (Int64(1) << Int64(bits - gateBits - candidateBits))
                return conv(kept + fresh, bits, R)
            }
        }
        return h
    }
}
