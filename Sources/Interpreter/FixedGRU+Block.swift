import CFixedKernels
import FixedPoint

/// The GRU's matrix products over a block of events at once, in 32-bit lanes (the C kernel
/// `trigc_fixed_linear_block`, vectorized): used when every product and, with saturation,
/// every exact sum fits in 32 bits and the accumulator truncates or rounds (`TRN`, `RND`)
/// and wraps or saturates (`WRAP`, `SAT`), which covers the usual `ap_fixed<16,6>` and
/// `ap_fixed<16,6,AP_RND,AP_SAT>`. Other formats use the per-event path. Both give the same
/// codes (test `blockGRUEqualsThePerEventPath`).
struct GRUBlockPlan: Sendable {
    let kernel: [Int32]
    let recurrentKernel: [Int32]
    let inputBias: [Int32]
    let recurrentBias: [Int32]?
    let inputShift: Int32
    let stateShift: Int32
    let inputHalf: Int32
    let stateHalf: Int32
    let saturate: Bool
    let accumulatorWidth: Int32
    let lo: Int32
    let hi: Int32

    /// The plan, or nil when a product, sum or format does not fit the 32-bit rule.
    static func make(
        kernel: [Int64], recurrentKernel: [Int64], inputBias: [Int64], recurrentBias: [Int64], resetAfter: Bool,
        weight: FixedFormat, input: FixedFormat, state: FixedFormat, accumulator a: FixedFormat,
        inputProductBits: Int, stateProductBits: Int, features: Int, units: Int
    ) -> GRUBlockPlan? {
        guard a.isSigned, a.width <= 32, a.quantization == .trn || a.quantization == .rnd,
              a.overflow == .wrap || a.overflow == .sat,
              input.width <= 32, state.width <= 32, weight.width <= 32
        else { return nil }
        let inputShift = inputProductBits - a.fractionalBits
        let stateShift = stateProductBits - a.fractionalBits
        guard (0..<31).contains(inputShift), (0..<31).contains(stateShift) else { return nil }
        func half(_ shift: Int) -> Int64 { a.quantization == .rnd && shift > 0 ? Int64(1) << Int64(shift - 1) : 0 }
        // Every product plus its rounding half fits in int32.
        for (x, shift) in [(input, inputShift), (state, stateShift)] {
            let (product, overflow) = weight.maxMagnitude.multipliedReportingOverflow(by: x.maxMagnitude)
            guard !overflow, product + UInt64(half(shift)) < UInt64(Int32.max) else { return nil }
        }
        // With saturation the sum is exact: bias plus up to max(features, units) clamped terms.
        if a.overflow == .sat {
            let terms = UInt64(max(features, units) + 1)
            let (bound, overflow) = a.maxMagnitude.multipliedReportingOverflow(by: terms)
            guard !overflow, bound < UInt64(Int32.max) else { return nil }
        }
        func narrow(_ values: [Int64]) -> [Int32]? {
            var result = [Int32]()
            result.reserveCapacity(values.count)
            for v in values {
                guard let n = Int32(exactly: v) else { return nil }
                result.append(n)
            }
            return result
        }
        guard let k = narrow(kernel), let rk = narrow(recurrentKernel), let ib = narrow(inputBias),
              let rb = narrow(recurrentBias), let lo = Int32(exactly: a.minRaw), let hi = Int32(exactly: a.maxRaw)
        else { return nil }
        return GRUBlockPlan(
            kernel: k, recurrentKernel: rk, inputBias: ib, recurrentBias: resetAfter ? rb : nil,
            inputShift: Int32(inputShift), stateShift: Int32(stateShift),
            inputHalf: Int32(half(inputShift)), stateHalf: Int32(half(stateShift)),
            saturate: a.overflow == .sat, accumulatorWidth: Int32(a.width), lo: lo, hi: hi)
    }

    /// `out[c][e]` for columns `columns` of `matrix` times `x[i][e]` (`count` rows).
    func linear(
        _ matrix: [Int32], bias: [Int32]?, shift: Int32, half: Int32, columns: Range<Int>,
        x: UnsafePointer<Int32>, count: Int, out: UnsafeMutablePointer<Int32>, lanes: Int
    ) {
        matrix.withUnsafeBufferPointer { m in
            let run = { (b: UnsafePointer<Int32>?) in
                var plan = trigc_fixed_linear(
                    matrix: m.baseAddress, width: Int32(matrix.count / max(count, 1)), columnStart: Int32(columns.lowerBound),
                    columnEnd: Int32(columns.upperBound), bias: b, shift: shift, half: half, saturate: saturate ? 1 : 0,
                    accumulatorWidth: accumulatorWidth, lo: lo, hi: hi)
                trigc_fixed_linear_block(&plan, x, lanes, Int32(count), out, lanes, Int32(lanes))
            }
            if let bias { bias.withUnsafeBufferPointer { run($0.baseAddress) } } else { run(nil) }
        }
    }
}

extension FixedGRU {
    /// Runs the sequences of events `0..<n` (`x[(t·features + f)·stride + e]`) together and
    /// writes each last state to `h[j·stride + e]`; `mask[e·timeSteps + t]` as in
    /// ``evaluate(_:stride:mask:scratch:into:)``, whose codes this gives for every event.
    func evaluateBlock(
        _ x: UnsafePointer<Int64>, stride: Int, count n: Int, mask: UnsafePointer<UInt8>?,
        plan: GRUBlockPlan, into h: UnsafeMutablePointer<Int64>
    ) {
        let u = units
        let width = 3 * u
        // Int32 lanes: the step's inputs, the state, r ⊙ h, and the two projections.
        let buffer = UnsafeMutablePointer<Int32>.allocate(capacity: n * (features + 2 * u + 2 * width))
        defer { buffer.deallocate() }
        let x32 = buffer
        let state32 = x32 + features * n
        let reset32 = state32 + u * n
        let xw = reset32 + u * n
        let hw = xw + width * n
        let state = UnsafeMutablePointer<Int64>.allocate(capacity: u * n)
        defer { state.deallocate() }
        state.initialize(repeating: 0, count: u * n)
        state32.initialize(repeating: 0, count: u * n)
        let active = UnsafeMutablePointer<Bool>.allocate(capacity: n)
        defer { active.deallocate() }
        // Pre-activations of one unit across the lanes (two rows: z and the candidate).
        let rows = UnsafeMutablePointer<Int64>.allocate(capacity: 2 * n)
        defer { rows.deallocate() }
        let aBits = accumulator.fractionalBits
        let zBits = gate.output.fractionalBits
        let hBits = result.fractionalBits
        let cBits = candidate.output.fractionalBits
        let sumBits = zBits + max(hBits, cBits)
        let one = Int64(1) << Int64(zBits)
        for t in 0..<timeSteps {
            var any = false
            for e in 0..<n {
                active[e] = mask.map { $0[e * timeSteps + t] == 0 } ?? true
                any = any || active[e]
            }
            guard any else { continue }
            for f in 0..<features {
                let source = x + (t * features + f) * stride
                for e in 0..<n { x32[f * n + e] = Int32(truncatingIfNeeded: source[e]) }
            }
            plan.linear(plan.kernel, bias: plan.inputBias, shift: plan.inputShift, half: plan.inputHalf,
                        columns: 0..<width, x: x32, count: features, out: xw, lanes: n)
            plan.linear(plan.recurrentKernel, bias: plan.recurrentBias, shift: plan.stateShift, half: plan.stateHalf,
                        columns: 0..<(resetAfter ? width : 2 * u), x: state32, count: u, out: hw, lanes: n)
            for j in 0..<u {
                let pre = rows
                for e in 0..<n {
                    pre[e] = accumulator.convert(raw: Int64(xw[(u + j) * n + e]) + Int64(hw[(u + j) * n + e]), fractionalBits: aBits)
                }
                gate.applyLanes(pre, into: pre, count: n)  // r
                for e in 0..<n {
                    let r = pre[e]
                    let at = (2 * u + j) * n + e
                    if resetAfter {
                        let rh = accumulator.convert(raw: r * Int64(hw[at]), fractionalBits: zBits + aBits)
                        hw[at] = Int32(truncatingIfNeeded: accumulator.convert(raw: Int64(xw[at]) + rh, fractionalBits: aBits))
                    } else {
                        reset32[j * n + e] = Int32(truncatingIfNeeded:
                            result.convert(raw: r * state[j * n + e], fractionalBits: zBits + hBits))
                    }
                }
            }
            if !resetAfter {
                plan.linear(plan.recurrentKernel, bias: nil, shift: plan.stateShift, half: plan.stateHalf,
                            columns: 2 * u ..< width, x: reset32, count: u, out: hw, lanes: n)
                for j in 0..<u {
                    for e in 0..<n {
                        let at = (2 * u + j) * n + e
                        hw[at] = Int32(truncatingIfNeeded:
                            accumulator.convert(raw: Int64(xw[at]) + Int64(hw[at]), fractionalBits: aBits))
                    }
                }
            }
            for j in 0..<u {
                let z = rows, c = rows + n
                for e in 0..<n {
                    z[e] = accumulator.convert(raw: Int64(xw[j * n + e]) + Int64(hw[j * n + e]), fractionalBits: aBits)
                    c[e] = Int64(hw[(2 * u + j) * n + e])
                }
                gate.applyLanes(z, into: z, count: n)
                candidate.applyLanes(c, into: c, count: n)
                for e in 0..<n where active[e] {
                    let zj = z[e]
                    let old = state[j * n + e]
                    let kept = (zj * old) << Int64(sumBits - zBits - hBits)
                    let fresh = ((one - zj) * c[e]) << Int64(sumBits - zBits - cBits)
                    let new = result.convert(raw: kept + fresh, fractionalBits: sumBits)
                    state[j * n + e] = new
                    state32[j * n + e] = Int32(truncatingIfNeeded: new)
                }
            }
        }
        for j in 0..<u {
            for e in 0..<n { h[j * stride + e] = state[j * n + e] }
        }
    }
}
