import CKernels
import FixedPoint

/// The GRU's matrix products over a block of events at once, in 32-bit lanes (the C kernel
/// `trigc_fixed_linear_block`, register-blocked with AVX2 where the CPU has it): used when
/// every product and, with saturation, every exact sum fits in 32 bits and the accumulator
/// truncates or rounds (`TRN`, `RND`) and wraps or saturates (`WRAP`, `SAT`), which covers
/// the usual `ap_fixed<16,6>` and `ap_fixed<16,6,AP_RND,AP_SAT>`. Other formats use the
/// per-event path. Both give the same codes (test `blockGRUEqualsThePerEventPath`). The
/// elementwise step runs in C too when ``gates`` is set (`FixedGRU+Gates.swift`).
struct GRUBlockPlan: Sendable {
    let kernel: [Int32]
    let recurrentKernel: [Int32]
    /// The matrices' low 16 bits (zero-extended) when they and their inputs fit `Int16`: the
    /// products are then one 16-bit multiply-add each.
    let narrowKernel: [Int32]?
    let narrowRecurrentKernel: [Int32]?
    let inputBias: [Int32]
    let recurrentBias: [Int32]?
    /// How the candidate's columns sum (A), and the gates' (G; the same when G is A).
    let candidateSums: BlockSums
    let gateSums: BlockSums
    /// The gates' columns: `0 ..< 2·units`.
    let gateColumns: Int
    /// Whether the register-blocked AVX2 kernel may be used (tests turn it off to compare).
    var vectorKernel = true
    /// The elementwise step in C, when the formats allow it.
    var gates: GRUGatePlan?

    /// The plan, or nil when a product, sum or format does not fit the 32-bit rule.
    static func make(
        kernel: [Int64], recurrentKernel: [Int64], inputBias: [Int64], recurrentBias: [Int64], resetAfter: Bool,
        weight: FixedFormat, input: FixedFormat, state: FixedFormat, accumulator a: FixedFormat,
        gateAccumulator g: FixedFormat, inputProductBits: Int, stateProductBits: Int, features: Int, units: Int
    ) -> GRUBlockPlan? {
        guard input.width <= 32, state.width <= 32, weight.width <= 32 else { return nil }
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
              let rb = narrow(recurrentBias)
        else { return nil }
        func sums(_ f: FixedFormat) -> BlockSums? {
            BlockSums.make(f, kernel: k, recurrentKernel: rk, weight: weight, input: input, state: state,
                           inputProductBits: inputProductBits, stateProductBits: stateProductBits,
                           terms: max(features, units) + 1)
        }
        guard let candidateSums = sums(a), let gateSums = sums(g) else { return nil }
        // Int16 inputs: the input's and the state's codes (r ⊙ h has the state's format too).
        func narrow16(_ m: [Int32], _ x: FixedFormat) -> [Int32]? {
            guard x.minRaw >= Int64(Int16.min), x.maxRaw <= Int64(Int16.max),
                  m.allSatisfy({ Int16(exactly: $0) != nil }) else { return nil }
            return m.map { $0 & 0xFFFF }
        }
        return GRUBlockPlan(
            kernel: k, recurrentKernel: rk, narrowKernel: narrow16(k, input), narrowRecurrentKernel: narrow16(rk, state),
            inputBias: ib, recurrentBias: resetAfter ? rb : nil, candidateSums: candidateSums, gateSums: gateSums,
            gateColumns: 2 * units)
    }

    /// `out[c][e]` for columns `columns` of `matrix` times `x[i][e]` (`count` rows), each
    /// column summed in its own format (G below ``gateColumns``, A from there).
    func linear(
        _ matrix: [Int32], narrow: [Int32]?, bias: [Int32]?, input: Bool, columns: Range<Int>,
        x: UnsafePointer<Int32>, count: Int, out: UnsafeMutablePointer<Int32>, lanes: Int
    ) {
        // One call over the whole range when G is A.
        let split = gateSums == candidateSums
            ? columns.upperBound : min(max(gateColumns, columns.lowerBound), columns.upperBound)
        for (part, sums) in [(columns.lowerBound ..< split, gateSums), (split ..< columns.upperBound, candidateSums)]
        where !part.isEmpty {
            matrix.withUnsafeBufferPointer { m in
                (narrow ?? []).withUnsafeBufferPointer { m16 in
                    (bias ?? []).withUnsafeBufferPointer { b in
                        var plan = trigc_fixed_linear(
                            matrix: m.baseAddress, width: Int32(matrix.count / max(count, 1)),
                            columnStart: Int32(part.lowerBound), columnEnd: Int32(part.upperBound),
                            bias: bias == nil ? nil : b.baseAddress, shift: input ? sums.inputShift : sums.stateShift,
                            half: input ? sums.inputHalf : sums.stateHalf, saturate: sums.saturate ? 1 : 0,
                            clampProducts: (input ? sums.inputClamp : sums.stateClamp) ? 1 : 0,
                            accumulatorWidth: sums.accumulatorWidth, lo: sums.lo, hi: sums.hi,
                            narrowMatrix: narrow == nil ? nil : m16.baseAddress, vector: vectorKernel ? 1 : 0)
                        trigc_fixed_linear_block(&plan, x, lanes, Int32(count), out, lanes, Int32(lanes))
                    }
                }
            }
        }
    }

    /// The input projections `lin(x_t, K, b_in)` of every lane.
    func inputProjection(_ x: UnsafePointer<Int32>, features: Int, width: Int, out: UnsafeMutablePointer<Int32>, lanes: Int) {
        linear(kernel, narrow: narrowKernel, bias: inputBias, input: true, columns: 0..<width, x: x, count: features,
               out: out, lanes: lanes)
    }

    /// `lin(h, U[:, columns], bias)` of every lane.
    func stateProjection(
        _ h: UnsafePointer<Int32>, bias: [Int32]?, columns: Range<Int>, units: Int, out: UnsafeMutablePointer<Int32>,
        lanes: Int
    ) {
        linear(recurrentKernel, narrow: narrowRecurrentKernel, bias: bias, input: false, columns: columns, x: h,
               count: units, out: out, lanes: lanes)
    }
}

/// How one accumulator format's columns sum in 32-bit lanes: the shifts and rounding halves
/// of the input's and the state's products, the clamp, and whether a product can need it.
struct BlockSums: Sendable, Equatable {
    let inputShift: Int32
    let stateShift: Int32
    let inputHalf: Int32
    let stateHalf: Int32
    let saturate: Bool
    /// With SAT, whether a product of the kernel (the recurrent kernel) can leave the
    /// format's range: when none can, the per-product clamp is the identity and the AVX2
    /// kernel skips it.
    let inputClamp: Bool
    let stateClamp: Bool
    let accumulatorWidth: Int32
    let lo: Int32
    let hi: Int32

    /// The sums into `a`, or nil when a product or an exact sum does not fit 32 bits or `a`
    /// is not signed TRN/RND and WRAP/SAT.
    static func make(
        _ a: FixedFormat, kernel k: [Int32], recurrentKernel rk: [Int32], weight: FixedFormat, input: FixedFormat,
        state: FixedFormat, inputProductBits: Int, stateProductBits: Int, terms: Int
    ) -> BlockSums? {
        guard a.isSigned, a.width <= 32, a.quantization == .trn || a.quantization == .rnd,
              a.overflow == .wrap || a.overflow == .sat,
              let lo = Int32(exactly: a.minRaw), let hi = Int32(exactly: a.maxRaw)
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
            let (bound, overflow) = a.maxMagnitude.multipliedReportingOverflow(by: UInt64(terms))
            guard !overflow, bound < UInt64(Int32.max) else { return nil }
        }
        // Whether (p + half) >> s can leave [minRaw, maxRaw] for |p| ≤ max |k| · max |x|.
        func clamps(_ m: [Int32], _ x: FixedFormat, shift: Int) -> Bool {
            let p = Int64(m.reduce(0) { max($0, $1.magnitude) }) * Int64(x.maxMagnitude)
            let h = half(shift)
            return (-p + h) >> Int64(shift) < a.minRaw || (p + h) >> Int64(shift) > a.maxRaw
        }
        return BlockSums(
            inputShift: Int32(inputShift), stateShift: Int32(stateShift),
            inputHalf: Int32(half(inputShift)), stateHalf: Int32(half(stateShift)),
            saturate: a.overflow == .sat, inputClamp: clamps(k, input, shift: inputShift),
            stateClamp: clamps(rk, state, shift: stateShift), accumulatorWidth: Int32(a.width), lo: lo, hi: hi)
    }
}

extension FixedGRU {
    /// Runs the sequences of events `0..<n` (`x[(t·features + f)·stride + e]`) together and
    /// writes each last state to `h[j·stride + e]`; `mask[e·timeSteps + t]` as in
    /// ``evaluate(_:stride:mask:scratch:into:)``, whose codes this gives for every event.
    ///
    /// With `record` (event `e` of the block is event `e` of the record), every step's
    /// internals are written there too, through the Swift elementwise step (whose codes the
    /// C step equals).
    func evaluateBlock(
        _ x: UnsafePointer<Int64>, stride: Int, count n: Int, mask: UnsafePointer<UInt8>?,
        plan: GRUBlockPlan, into h: UnsafeMutablePointer<Int64>, record: GRURecord? = nil
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
        state32.initialize(repeating: 0, count: u * n)
        // The Swift step keeps the state in Int64 (mirrored in state32 for the products).
        let gates = record == nil ? plan.gates : nil
        let lanes = gates == nil ? SwiftLanes(units: u, count: n) : nil
        defer { lanes?.deallocate() }
        // Whether each lane's step is live (all are without a mask).
        let active = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
        defer { active.deallocate() }
        active.initialize(repeating: 1, count: n)
        for t in 0..<timeSteps {
            if let mask, !liveLanes(mask, step: t, steps: timeSteps, count: n, into: active) {
                if let record, let lanes { recordCarried(record, lanes: lanes, step: t, count: n) }
                continue
            }
            for f in 0..<features {
                let source = x + (t * features + f) * stride
                for e in 0..<n { x32[f * n + e] = Int32(truncatingIfNeeded: source[e]) }
            }
            plan.inputProjection(x32, features: features, width: width, out: xw, lanes: n)
            plan.stateProjection(state32, bias: plan.recurrentBias, columns: 0..<(resetAfter ? width : 2 * u),
                                 units: u, out: hw, lanes: n)
            if let gates {
                gates.reset(xw: xw, hw: hw, state: state32, reset: reset32, lanes: n)
            } else if let lanes {
                laneReset(xw: xw, hw: hw, lanes: lanes, reset: reset32, count: n, record: record.map { ($0, step: t, active: UnsafePointer(active)) })
            }
            if !resetAfter {
                plan.stateProjection(reset32, bias: nil, columns: 2 * u ..< width, units: u, out: hw, lanes: n)
            }
            if let gates {
                gates.update(xw: xw, hw: hw, state: state32, active: active, lanes: n)
            } else if let lanes {
                laneUpdate(xw: xw, hw: hw, lanes: lanes, state32: state32, active: active, count: n,
                           record: record.map { ($0, step: t) })
            }
        }
        for j in 0..<u {
            for e in 0..<n { h[j * stride + e] = lanes.map { $0.state[j * n + e] } ?? Int64(state32[j * n + e]) }
        }
    }
}

/// The Swift step's lanes: the Int64 state and two rows of pre-activations.
struct SwiftLanes {
    let state: UnsafeMutablePointer<Int64>
    let rows: UnsafeMutablePointer<Int64>

    init(units: Int, count n: Int) {
        state = .allocate(capacity: units * n)
        state.initialize(repeating: 0, count: units * n)
        rows = .allocate(capacity: 2 * n)
    }

    func deallocate() {
        state.deallocate()
        rows.deallocate()
    }
}

extension FixedGRU {
    /// r per lane in Swift, then the reset-after candidate's pre-activation or `conv(r·h → R)`.
    func laneReset(
        xw: UnsafePointer<Int32>, hw: UnsafeMutablePointer<Int32>, lanes: SwiftLanes,
        reset: UnsafeMutablePointer<Int32>, count n: Int,
        record: (GRURecord, step: Int, active: UnsafePointer<UInt8>)? = nil
    ) {
        let u = units
        let aBits = accumulator.fractionalBits
        let zBits = gate.output.fractionalBits
        let hBits = result.fractionalBits
        let pre = lanes.rows
        for j in 0..<u {
            for e in 0..<n {
                let a = Int64(xw[(u + j) * n + e]), b = Int64(hw[(u + j) * n + e])
                pre[e] = gateAccumulator.convert(raw: a + b, fractionalBits: gateAccumulator.fractionalBits)
                if let (record, t, active) = record, active[e] != 0 {
                    record.event(e, steps: timeSteps).clip(
                        GRUClip.r, step: t, unit: j, clipped(a, b, pre[e], gate, in: gateAccumulator))
                }
            }
            gate.applyLanes(pre, into: pre, count: n)  // r
            for e in 0..<n {
                let r = pre[e]
                let at = (2 * u + j) * n + e
                if let (record, t, active) = record, active[e] != 0 {
                    let steps = record.event(e, steps: timeSteps)
                    steps.set(.r, step: t, unit: j, r)
                    if resetAfter { steps.set(.recurrentCandidate, step: t, unit: j, Int64(hw[at])) }
                }
                if resetAfter {
                    let rh = accumulator.convert(raw: r * Int64(hw[at]), fractionalBits: zBits + aBits)
                    let c = accumulator.convert(raw: Int64(xw[at]) + rh, fractionalBits: aBits)
                    if let (record, t, active) = record, active[e] != 0 {
                        record.event(e, steps: timeSteps).clip(
                            GRUClip.candidate, step: t, unit: j,
                            clipped(Int64(hw[at]), 0, c, candidate, in: accumulator)
                                || clipped(Int64(xw[at]), rh, c, candidate, in: accumulator))
                    }
                    hw[at] = Int32(truncatingIfNeeded: c)
                } else {
                    reset[j * n + e] = Int32(truncatingIfNeeded:
                        result.convert(raw: r * lanes.state[j * n + e], fractionalBits: zBits + hBits))
                    if let (record, t, active) = record, active[e] != 0 {
                        record.event(e, steps: timeSteps).set(.resetState, step: t, unit: j, Int64(reset[j * n + e]))
                    }
                }
            }
        }
    }

    /// z, the candidate and the new state per lane in Swift, for the live lanes.
    func laneUpdate(
        xw: UnsafePointer<Int32>, hw: UnsafeMutablePointer<Int32>, lanes: SwiftLanes,
        state32: UnsafeMutablePointer<Int32>, active: UnsafeMutablePointer<UInt8>, count n: Int,
        record: (GRURecord, step: Int)? = nil
    ) {
        let u = units
        let aBits = accumulator.fractionalBits
        let zBits = gate.output.fractionalBits
        let hBits = result.fractionalBits
        let cBits = candidate.output.fractionalBits
        let sumBits = zBits + max(hBits, cBits)
        let one = Int64(1) << Int64(zBits)
        let z = lanes.rows, c = lanes.rows + n
        for j in 0..<u {
            for e in 0..<n {
                let at = (2 * u + j) * n + e
                z[e] = gateAccumulator.convert(raw: Int64(xw[j * n + e]) + Int64(hw[j * n + e]),
                                               fractionalBits: gateAccumulator.fractionalBits)
                c[e] = resetAfter
                    ? Int64(hw[at]) : accumulator.convert(raw: Int64(xw[at]) + Int64(hw[at]), fractionalBits: aBits)
                if let (record, t) = record, active[e] != 0 {
                    let steps = record.event(e, steps: timeSteps)
                    steps.clip(GRUClip.z, step: t, unit: j,
                               clipped(Int64(xw[j * n + e]), Int64(hw[j * n + e]), z[e], gate, in: gateAccumulator))
                    if !resetAfter {
                        steps.clip(GRUClip.candidate, step: t, unit: j,
                                   clipped(Int64(xw[at]), Int64(hw[at]), c[e], candidate, in: accumulator))
                    }
                }
            }
            gate.applyLanes(z, into: z, count: n)
            candidate.applyLanes(c, into: c, count: n)
            for e in 0..<n where active[e] != 0 {
                let zj = z[e]
                let old = lanes.state[j * n + e]
                let kept = (zj * old) << Int64(sumBits - zBits - hBits)
                let fresh = ((one - zj) * c[e]) << Int64(sumBits - zBits - cBits)
                let new = result.convert(raw: kept + fresh, fractionalBits: sumBits)
                lanes.state[j * n + e] = new
                state32[j * n + e] = Int32(truncatingIfNeeded: new)
                if let (record, t) = record {
                    let steps = record.event(e, steps: timeSteps)
                    steps.set(.z, step: t, unit: j, zj)
                    steps.set(.candidate, step: t, unit: j, c[e])
                }
            }
        }
        if let (record, t) = record {
            recordCarried(record, lanes: lanes, step: t, count: n)
            for e in 0..<n where active[e] != 0 { record.event(e, steps: timeSteps).markValid(step: t) }
        }
    }

    /// Every lane's state after step `t` (a masked lane's is the one it carries).
    func recordCarried(_ record: GRURecord, lanes: SwiftLanes, step t: Int, count n: Int) {
        for e in 0..<n {
            let steps = record.event(e, steps: timeSteps)
            for j in 0..<units { steps.set(.state, step: t, unit: j, lanes.state[j * n + e]) }
        }
    }
}
