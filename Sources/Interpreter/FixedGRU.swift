import FixedPoint
import GraphIR

/// A GRU in fixed point, per the spec in `Docs/Interpreter.md`. `lin(x, M, b)` is the dense
/// rule (products → A, exact sum plus `conv(b → A)`, then `conv → A`), into the gate
/// accumulator G for the z and r columns; gates use the recurrent activation, the candidate
/// the activation; the state has the result format.
struct FixedGRU: Sendable {
    let units: Int
    let timeSteps: Int
    let features: Int
    let resetAfter: Bool
    /// `[features][3u]` and `[units][3u]`, codes of the weight format.
    let kernel: [Int64]
    let recurrentKernel: [Int64]
    /// Biases converted to their column's sums (G or A; the recurrent one is zeros unless
    /// reset-after).
    let inputBias: [Int64]
    let recurrentBias: [Int64]
    /// A: the candidate's sums.
    let accumulator: FixedFormat
    /// G: the gates' (z and r) sums; A unless the precision gives `gate_accumulator`.
    let gateAccumulator: FixedFormat
    let result: FixedFormat
    /// Fractional bits of `kernel·x` and `recurrentKernel·h` products.
    let inputProductBits: Int
    let stateProductBits: Int
    let gate: FixedActivation
    let candidate: FixedActivation
    /// A TRN/WRAP accumulator (the common `<16,6>` case): each product's conversion is an
    /// arithmetic right shift and its wrap may be deferred to the end of the sum (the low
    /// bits of a sum depend only on the low bits of its terms), so `linear` skips `convert`
    /// per product. Off when fast paths are off.
    let shiftOnly: Bool
    /// The 32-bit lane plan for whole blocks of events, when the formats allow it (and fast
    /// paths are on); see `FixedGRU+Block.swift` and `FixedGRU+Gates.swift`.
    let block: GRUBlockPlan?

    init(node: Node, _ a: GRUAttributes, input: FixedFormat, inputShape: [Int],
         tables: [String: ActivationTable], fastPaths: Bool) throws(InterpreterError) {
        guard let precision = node.precision else { throw .missingFormat(node: node.name, role: "result") }
        let name = node.name
        let w = try FixedActivation.format(precision.weight, node: name, role: "weight")
        let b = try FixedActivation.format(precision.bias, node: name, role: "bias")
        let acc = try FixedActivation.format(precision.accumulator, node: name, role: "accumulator")
        let g = try FixedActivation.format(precision.gateSums, node: name, role: "gate accumulator")
        let r = precision.result
        units = a.units
        timeSteps = inputShape.count >= 2 ? inputShape[0] : 1
        features = inputShape.last ?? 0
        resetAfter = a.resetAfter
        kernel = try constantCodes(a.kernel, w, node: name, attribute: "kernel")
        recurrentKernel = try constantCodes(a.recurrentKernel, w, node: name, attribute: "recurrent_kernel")
        let width = 3 * a.units
        // Bias column k of either half sums into G (z, r) or A (the candidate).
        let biases = try constantCodes(a.bias, b, node: name, attribute: "bias").enumerated().map { k, code in
            (a.isGateColumn(k) ? g : acc).convert(raw: code, from: b)
        }
        inputBias = Array(biases.prefix(width))
        recurrentBias = a.resetAfter && biases.count >= 2 * width
            ? Array(biases[width ..< 2 * width]) : [Int64](repeating: 0, count: width)
        accumulator = acc
        gateAccumulator = g
        result = r
        let inputBits = w.fractionalBits + input.fractionalBits
        let stateBits = w.fractionalBits + r.fractionalBits
        inputProductBits = inputBits
        stateProductBits = stateBits
        shiftOnly = fastPaths && [acc, g].allSatisfy { f in
            f.quantization == .trn && f.overflow == .wrap
                && inputBits >= f.fractionalBits && stateBits >= f.fractionalBits
                && inputBits - f.fractionalBits < 63 && stateBits - f.fractionalBits < 63
        }
        gate = try FixedActivation(a.recurrentActivation, node: name, precision: precision, tables: tables,
                                   input: g, result: r, role: .recurrentActivation, keepTableFormat: true)
        candidate = try FixedActivation(a.activation, node: name, precision: precision, tables: tables,
                                        input: acc, result: r, role: .activation, keepTableFormat: true)
        guard !gate.isSoftmax, !candidate.isSoftmax else {
            throw .unsupported(node: name, reason: "a GRU activation cannot be softmax")
        }
        let z = gate.output
        guard z.fractionalBits >= 0 else {
            throw .unsupported(node: name, reason: "the gate format \(z) has no fractional bits for 1 - z")
        }
        try checkProduct(w.maxMagnitude, input.maxMagnitude, node: name, what: "kernel × input")
        try checkProduct(w.maxMagnitude, r.maxMagnitude, node: name, what: "recurrent kernel × state")
        try checkProduct(z.maxMagnitude, acc.maxMagnitude, node: name, what: "reset gate × recurrent candidate")
        try checkProduct(z.maxMagnitude, r.maxMagnitude, node: name, what: "reset gate × state")
        try checkSum(terms: max(features, a.units) + 1, of: acc, node: name)
        try checkSum(terms: max(features, a.units) + 1, of: g, node: name)
        let c = candidate.output
        let one = UInt64(1) << UInt64(z.fractionalBits)
        try checkProduct(z.maxMagnitude, r.maxMagnitude, shift: max(c.fractionalBits - r.fractionalBits, 0) + 1,
                         node: name, what: "update gate × state")
        try checkProduct(z.maxMagnitude + one, c.maxMagnitude, shift: max(r.fractionalBits - c.fractionalBits, 0) + 1,
                         node: name, what: "(1 - update gate) × candidate")
        var plan = fastPaths ? GRUBlockPlan.make(
            kernel: kernel, recurrentKernel: recurrentKernel, inputBias: inputBias, recurrentBias: recurrentBias,
            resetAfter: resetAfter, weight: w, input: input, state: r, accumulator: acc, gateAccumulator: g,
            inputProductBits: inputProductBits, stateProductBits: stateProductBits, features: features, units: units) : nil
        if plan != nil {
            plan?.gates = GRUGatePlan.make(accumulator: acc, gateAccumulator: g, result: r, gate: gate, candidate: candidate,
                                           units: units, resetAfter: resetAfter)
        }
        block = plan
    }

    /// Int64 scratch values per event: projections of the input and the state, and r ⊙ h.
    var scratchSize: Int { 3 * units * 2 + 2 * units }

    /// `lin(x, M[:, columns], bias)` for `x[i·stride]` with `xBits` fractional bits.
    @inline(__always)
    private func linear(
        _ x: UnsafePointer<Int64>, stride: Int, count: Int, matrix: [Int64], productBits: Int,
        columns: Range<Int>, bias: [Int64]?, into y: UnsafeMutablePointer<Int64>
    ) {
        let width = 3 * units
        for c in columns {
            let accumulator = sums(column: c)
            let shift = Int64(productBits - accumulator.fractionalBits)
            var s = bias?[c] ?? 0
            if shiftOnly {
                for i in 0..<count { s &+= (matrix[i * width + c] * x[i * stride]) >> shift }
            } else {
                for i in 0..<count {
                    s &+= accumulator.convert(raw: matrix[i * width + c] * x[i * stride], fractionalBits: productBits)
                }
            }
            y[c] = accumulator.convert(raw: s, fractionalBits: accumulator.fractionalBits)
        }
    }

    /// The format column `c` of a projection sums into: G for z and r, A for the candidate.
    @inline(__always)
    func sums(column c: Int) -> FixedFormat { c < 2 * units ? gateAccumulator : accumulator }

    /// Whether `a + b` (two codes of `acc`, each a converted projection or product) and the
    /// pre-activation `v` they convert to are clipped for quantization-aware training: a term
    /// at a saturating accumulator's bounds, the sum beyond them, or `v` where `activation`'s
    /// table is flat (``FixedActivation/clips(_:)``).
    @inline(__always)
    func clipped(_ a: Int64, _ b: Int64, _ v: Int64, _ activation: FixedActivation, in acc: FixedFormat) -> Bool {
        let s = a &+ b
        if s < acc.minRaw || s > acc.maxRaw { return true }
        return acc.isAtSaturationBound(a) || acc.isAtSaturationBound(b) || activation.clips(v)
    }

    /// Runs one event's sequence (`x[(t·features + f)·stride]`, feature-major block) and
    /// writes the last state to `h[j·stride]`.
    ///
    /// With `record`, every step's internals are written there too (the codes do not change).
    func evaluate(
        _ x: UnsafePointer<Int64>, stride: Int, mask: UnsafePointer<UInt8>?,
        scratch: UnsafeMutablePointer<Int64>, into h: UnsafeMutablePointer<Int64>, record: GRURecord? = nil
    ) {
        let u = units
        let width = 3 * u
        let xw = scratch
        let hw = scratch + width
        let state = hw + width
        let resetState = state + u
        let aBits = accumulator.fractionalBits
        let g = gateAccumulator
        let zBits = gate.output.fractionalBits
        let hBits = result.fractionalBits
        let cBits = candidate.output.fractionalBits
        let sumBits = zBits + max(hBits, cBits)
        let one = Int64(1) << Int64(zBits)
        state.update(repeating: 0, count: u)
        for t in 0..<timeSteps {
            if let mask, mask[t] != 0 {
                record?.skip(step: t, state: state)
                continue
            }
            linear(x + t * features * stride, stride: stride, count: features, matrix: kernel,
                   productBits: inputProductBits, columns: 0..<width, bias: inputBias, into: xw)
            linear(state, stride: 1, count: u, matrix: recurrentKernel, productBits: stateProductBits,
                   columns: 0..<(resetAfter ? width : 2 * u), bias: resetAfter ? recurrentBias : nil, into: hw)
            for j in 0..<u {
                let rPre = g.convert(raw: xw[u + j] + hw[u + j], fractionalBits: g.fractionalBits)
                let r = gate.apply(rPre)
                record?.set(.r, step: t, unit: j, r)
                record?.clip(GRUClip.r, step: t, unit: j, clipped(xw[u + j], hw[u + j], rPre, gate, in: g))
                if resetAfter {
                    record?.set(.recurrentCandidate, step: t, unit: j, hw[2 * u + j])
                    // The candidate's pre-activation, kept in hw[2u + j].
                    let rh = accumulator.convert(raw: r * hw[2 * u + j], fractionalBits: zBits + aBits)
                    let pre = accumulator.convert(raw: xw[2 * u + j] + rh, fractionalBits: aBits)
                    record?.clip(GRUClip.candidate, step: t, unit: j,
                                 clipped(hw[2 * u + j], 0, pre, candidate, in: accumulator)
                                    || clipped(xw[2 * u + j], rh, pre, candidate, in: accumulator))
                    hw[2 * u + j] = pre
                } else {
                    resetState[j] = result.convert(raw: r * state[j], fractionalBits: zBits + hBits)
                    record?.set(.resetState, step: t, unit: j, resetState[j])
                }
            }
            if !resetAfter {
                linear(resetState, stride: 1, count: u, matrix: recurrentKernel, productBits: stateProductBits,
                       columns: 2 * u ..< width, bias: nil, into: hw)
                for j in 0..<u {
                    let pre = accumulator.convert(raw: xw[2 * u + j] + hw[2 * u + j], fractionalBits: aBits)
                    record?.clip(GRUClip.candidate, step: t, unit: j,
                                 clipped(xw[2 * u + j], hw[2 * u + j], pre, candidate, in: accumulator))
                    hw[2 * u + j] = pre
                }
            }
            for j in 0..<u {
                let zPre = g.convert(raw: xw[j] + hw[j], fractionalBits: g.fractionalBits)
                let zj = gate.apply(zPre)
                record?.clip(GRUClip.z, step: t, unit: j, clipped(xw[j], hw[j], zPre, gate, in: g))
                let c = candidate.apply(hw[2 * u + j])
                let kept = (zj * state[j]) << Int64(sumBits - zBits - hBits)
                let fresh = ((one - zj) * c) << Int64(sumBits - zBits - cBits)
                state[j] = result.convert(raw: kept + fresh, fractionalBits: sumBits)
                record?.set(.z, step: t, unit: j, zj)
                record?.set(.candidate, step: t, unit: j, c)
                record?.set(.state, step: t, unit: j, state[j])
            }
            record?.markValid(step: t)
        }
        for j in 0..<u { h[j * stride] = state[j] }
    }
}
