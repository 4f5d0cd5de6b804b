import CKernels
import FixedPoint

/// The GRU's per-step elementwise arithmetic over a block of events in C (`trigc_gru_reset`,
/// `trigc_gru_update` in `Sources/CKernels/fixed_gru.c`): the gate and the candidate
/// activation become maps from every code of their sums' format (G, A) to the activation's
/// output (built with ``FixedActivation/apply(_:)``, so any activation kind and table gives
/// its own codes), and each conversion is `(v + half) >> s` then a wrap or a clamp, exact in
/// `Int64`. Taken when A and G are at most 16 bits wide with one overflow mode, and A, G and
/// R are signed, truncate or round (TRN, RND) and wrap or saturate (WRAP, SAT); otherwise
/// the block path does the step in Swift.
struct GRUGatePlan: Sendable {
    let gateMap: [Int32]
    let candidateMap: [Int32]
    let units: Int
    let resetAfter: Bool
    /// `-A.minRaw`, `-G.minRaw`: the map index of code 0 of A (G).
    let mapOffset: Int64
    let gateMapOffset: Int64
    /// 1 in the gate's output scale.
    let one: Int64
    let keptShift: Int32
    let freshShift: Int32
    let accumulator: trigc_conversion
    let gateAccumulator: trigc_conversion
    let resetProduct: trigc_conversion
    let state: trigc_conversion

    /// The plan, or nil when a format or a bound does not fit the C step.
    static func make(
        accumulator a: FixedFormat, gateAccumulator g: FixedFormat, result r: FixedFormat, gate: FixedActivation,
        candidate: FixedActivation, units: Int, resetAfter: Bool
    ) -> GRUGatePlan? {
        guard a.width <= 16, g.width <= 16, a.overflow == g.overflow,
              let gateMap = map(gate, g), let candidateMap = map(candidate, a) else { return nil }
        let zBits = gate.output.fractionalBits
        let hBits = r.fractionalBits
        let cBits = candidate.output.fractionalBits
        let sumBits = zBits + max(hBits, cBits)
        let keptShift = sumBits - zBits - hBits
        let freshShift = sumBits - zBits - cBits
        guard zBits >= 0, let accumulator = conversion(a, shift: 0), let gateAccumulator = conversion(g, shift: 0),
              let resetProduct = conversion(resetAfter ? a : r, shift: zBits),
              let state = conversion(r, shift: sumBits - hBits)
        else { return nil }
        // |z·h| << kept + |(1 - z)·c| << fresh + half, and |r|·max(|A|, |R|) + half, below 2^62.
        let z = magnitude(gateMap)
        let c = magnitude(candidateMap)
        let one = UInt64(1) << UInt64(zBits)
        // 1 - z is an int32 in C.
        guard zBits <= 30, z + one < UInt64(Int32.max) else { return nil }
        guard let kept = bound(z, r.maxMagnitude, shift: keptShift),
              let fresh = bound(z + one, c, shift: freshShift),
              let product = bound(z, max(a.maxMagnitude, r.maxMagnitude), shift: 0),
              kept < 1 << 61, fresh < 1 << 61, product < 1 << 61
        else { return nil }
        return GRUGatePlan(
            gateMap: gateMap, candidateMap: candidateMap, units: units, resetAfter: resetAfter, mapOffset: -a.minRaw,
            gateMapOffset: -g.minRaw, one: Int64(one), keptShift: Int32(keptShift), freshShift: Int32(freshShift),
            accumulator: accumulator, gateAccumulator: gateAccumulator, resetProduct: resetProduct, state: state)
    }

    /// `activation(v)` for every code `v` of `a`, or nil when an output does not fit `Int32`.
    private static func map(_ activation: FixedActivation, _ a: FixedFormat) -> [Int32]? {
        var result = [Int32]()
        result.reserveCapacity(Int(a.maxRaw - a.minRaw + 1))
        for v in a.minRaw...a.maxRaw {
            guard let o = Int32(exactly: activation.apply(v)) else { return nil }
            result.append(o)
        }
        return result
    }

    private static func magnitude(_ map: [Int32]) -> UInt64 {
        map.reduce(0) { max($0, UInt64($1.magnitude)) }
    }

    /// `a·b << shift`, or nil when it overflows.
    private static func bound(_ a: UInt64, _ b: UInt64, shift: Int) -> UInt64? {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow, shift < 62, p <= UInt64.max >> UInt64(shift + 1) else { return nil }
        return p << UInt64(shift)
    }

    /// `conv(v → f)` of values with `shift` more fractional bits than `f`, when `f` is signed,
    /// TRN or RND, WRAP or SAT.
    private static func conversion(_ f: FixedFormat, shift: Int) -> trigc_conversion? {
        guard f.isSigned, f.width <= 32, (0..<62).contains(shift),
              f.quantization == .trn || f.quantization == .rnd, f.overflow == .wrap || f.overflow == .sat
        else { return nil }
        let half = f.quantization == .rnd && shift > 0 ? Int64(1) << Int64(shift - 1) : 0
        return trigc_conversion(
            shift: Int32(shift), saturate: f.overflow == .sat ? 1 : 0, width: Int32(f.width), unused: 0,
            half: half, lo: f.minRaw, hi: f.maxRaw)
    }

    /// r for every unit and lane, then (reset after) the candidate's pre-activation in
    /// `hw[2u + j]` or (reset before) `conv(r·h → R)` in `reset`.
    func reset(xw: UnsafePointer<Int32>, hw: UnsafeMutablePointer<Int32>, state: UnsafePointer<Int32>,
               reset: UnsafeMutablePointer<Int32>, lanes: Int) {
        withGates { trigc_gru_reset($0, xw, hw, state, reset, Int32(lanes)) }
    }

    /// The new state of the lanes whose `active[e]` is nonzero.
    func update(xw: UnsafePointer<Int32>, hw: UnsafePointer<Int32>, state: UnsafeMutablePointer<Int32>,
                active: UnsafePointer<UInt8>, lanes: Int) {
        withGates { trigc_gru_update($0, xw, hw, state, active, Int32(lanes)) }
    }

    private func withGates(_ body: (UnsafePointer<trigc_gru_gates>) -> Void) {
        gateMap.withUnsafeBufferPointer { g in
            candidateMap.withUnsafeBufferPointer { c in
                var plan = trigc_gru_gates(
                    units: Int32(units), resetAfter: resetAfter ? 1 : 0, gateMap: g.baseAddress,
                    candidateMap: c.baseAddress, mapOffset: mapOffset, gateMapOffset: gateMapOffset, one: one,
                    keptShift: keptShift, freshShift: freshShift, accumulator: accumulator,
                    gateAccumulator: gateAccumulator, resetProduct: resetProduct, state: state)
                body(&plan)
            }
        }
    }
}
