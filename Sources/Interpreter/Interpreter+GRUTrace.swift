import FixedPoint
import GraphIR

/// Every step of a fixed-point GRU node on a batch of events: what quantization-aware
/// training's backward pass needs (`Docs/Training.md`). Codes are event-major,
/// `[event][step][unit]`; a masked step (`valid` false) carries the state forward and leaves
/// its gates at 0.
public struct GRUTrace: Sendable {
    public var count: Int
    public var steps: Int
    public var units: Int
    /// `z`, `r` (codes of the gate table's output format), the candidate `h̃` (the candidate
    /// table's), the state after the step (the result format).
    public var z: [Int64]
    public var r: [Int64]
    public var candidate: [Int64]
    public var state: [Int64]
    /// Reset-after only: `lin(h, U_h, b_rec_h)` before the reset gate multiplies it (the
    /// accumulator format); zeros for reset-before.
    public var recurrentCandidate: [Int64]
    /// Reset-before only: `conv(r ⊙ h → R)`; zeros for reset-after.
    public var resetState: [Int64]
    /// `[event][step]`: whether the step was live (not padding).
    public var valid: [Bool]
    /// Where a pre-activation was clipped (``GRUClip`` bits, `[event][step][unit]`): a sum or
    /// one of its projections at the accumulator's bounds, or a value where the gate's or
    /// candidate's table is flat. Quantization-aware training passes no gradient there.
    public var clipped: [UInt8]
    public var gateFormat: FixedFormat
    public var candidateFormat: FixedFormat
    public var stateFormat: FixedFormat
    public var accumulatorFormat: FixedFormat
}

/// The bits of ``GRUTrace/clipped``: which of a unit's pre-activations were clipped.
public enum GRUClip {
    public static let z: UInt8 = 1
    public static let r: UInt8 = 2
    public static let candidate: UInt8 = 4
}

/// Where ``FixedGRU/evaluate(_:stride:mask:scratch:into:record:)`` writes one event's steps.
struct GRURecord {
    enum Field { case z, r, candidate, state, recurrentCandidate, resetState }

    let units: Int
    let z, r, candidate, state, recurrentCandidate, resetState: UnsafeMutablePointer<Int64>
    let valid: UnsafeMutablePointer<Bool>
    let clipped: UnsafeMutablePointer<UInt8>

    /// Zeroed buffers for `count` cells and `steps` valid flags.
    init(units: Int, count: Int, steps: Int) {
        func zeros() -> UnsafeMutablePointer<Int64> {
            let p = UnsafeMutablePointer<Int64>.allocate(capacity: max(1, count))
            p.initialize(repeating: 0, count: max(1, count))
            return p
        }
        self.units = units
        (z, r, candidate, state, recurrentCandidate, resetState) = (zeros(), zeros(), zeros(), zeros(), zeros(), zeros())
        valid = .allocate(capacity: max(1, steps))
        valid.initialize(repeating: false, count: max(1, steps))
        clipped = .allocate(capacity: max(1, count))
        clipped.initialize(repeating: 0, count: max(1, count))
    }

    private init(units: Int, offset: Int, stepOffset: Int, of whole: GRURecord) {
        self.units = units
        (z, r, candidate, state) = (whole.z + offset, whole.r + offset, whole.candidate + offset, whole.state + offset)
        (recurrentCandidate, resetState) = (whole.recurrentCandidate + offset, whole.resetState + offset)
        valid = whole.valid + stepOffset
        clipped = whole.clipped + offset
    }

    /// The view of event `e` (of `steps` steps).
    func event(_ e: Int, steps: Int) -> GRURecord {
        GRURecord(units: units, offset: e * steps * units, stepOffset: e * steps, of: self)
    }

    func deallocate() {
        for p in [z, r, candidate, state, recurrentCandidate, resetState] { p.deallocate() }
        valid.deallocate()
        clipped.deallocate()
    }

    @inline(__always)
    func set(_ field: Field, step t: Int, unit j: Int, _ code: Int64) {
        let at = t * units + j
        switch field {
        case .z: z[at] = code
        case .r: r[at] = code
        case .candidate: candidate[at] = code
        case .state: state[at] = code
        case .recurrentCandidate: recurrentCandidate[at] = code
        case .resetState: resetState[at] = code
        }
    }

    /// Marks a pre-activation (a ``GRUClip`` bit) clipped when `clipped` is true.
    @inline(__always)
    func clip(_ bit: UInt8, step t: Int, unit j: Int, _ clipped: Bool) {
        if clipped { self.clipped[t * units + j] |= bit }
    }

    func markValid(step t: Int) { valid[t] = true }

    /// A masked step: the state carried over.
    func skip(step t: Int, state carried: UnsafePointer<Int64>) {
        (state + t * units).update(from: carried, count: units)
    }
}

extension Interpreter {
    /// The internals of GRU node `node` on the events of `trace` (a fixed-point
    /// ``trace(_:)`` of the same inputs, which holds the GRU's input), recomputed on the
    /// block path when the formats allow it (through its Swift elementwise step), else on
    /// the per-event path; the two give the same codes, so `state`'s last step equals the
    /// node's value in `trace`. A masked step's gates are 0.
    public func gruTrace(_ node: String, in trace: [String: InterpreterOutput]) throws(InterpreterError) -> GRUTrace {
        guard case let .fixed(program) = program else {
            throw .unsupported(node: node, reason: "a GRU trace needs a fixed-point graph")
        }
        guard let position = layouts.firstIndex(where: { $0.name == node }),
              case let .gru(gru) = program.steps[position]
        else { throw .unsupported(node: node, reason: "it is not a GRU node of graph '\(graph.name)'") }
        let layout = layouts[position]
        let source = layouts[layout.inputs[0]]
        guard case let .fixed(input)? = trace[source.name] else {
            throw .unsupported(node: node, reason: "the trace lacks its input '\(source.name)'")
        }
        let n = input.count, steps = gru.timeSteps, u = gru.units, features = gru.features
        // The mask as the masking node makes it: its input's codes against the padding code.
        var padding: (codes: [Int64], code: Int64)?
        if let maskNode = source.maskSource, case let .masking(code, _) = program.steps[maskNode] {
            let maskInput = layouts[layouts[maskNode].inputs[0]].name
            guard case let .fixed(values)? = trace[maskInput] else {
                throw .unsupported(node: node, reason: "the trace lacks the masked value '\(maskInput)'")
            }
            padding = (values.raw, code)
        }
        let cells = n * steps * u
        let record = GRURecord(units: u, count: cells, steps: n * steps)
        defer { record.deallocate() }
        let size = steps * features
        /// The padding mask of events `first ..< first + m` into `mask` (`[e·steps + t]`), by the
        /// masking node's own rule on its input's codes (put feature-major into `block`).
        func padded(_ first: Int, _ m: Int, block: UnsafeMutablePointer<Int64>, into mask: UnsafeMutablePointer<UInt8>) {
            guard let padding else { return }
            for e in 0..<m {
                for i in 0..<size { block[i * m + e] = padding.codes[(first + e) * size + i] }
            }
            FixedProgram.paddingMask(block, stride: m, count: m, steps: steps, features: features, code: padding.code,
                                     into: mask)
        }
        if let plan = gru.block {
            // The block path over chunks of events (its Swift elementwise step records).
            let chunk = min(max(n, 1), 256)
            let x = UnsafeMutablePointer<Int64>.allocate(capacity: max(1, size * chunk))
            defer { x.deallocate() }
            let mask = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, steps * chunk))
            defer { mask.deallocate() }
            let last = UnsafeMutablePointer<Int64>.allocate(capacity: max(1, u * chunk))
            defer { last.deallocate() }
            let block = UnsafeMutablePointer<Int64>.allocate(capacity: max(1, size * chunk))
            defer { block.deallocate() }
            for first in stride(from: 0, to: n, by: chunk) {
                let m = min(chunk, n - first)
                for e in 0..<m {
                    for i in 0..<size { x[i * m + e] = input.raw[(first + e) * size + i] }
                }
                padded(first, m, block: block, into: mask)
                gru.evaluateBlock(x, stride: m, count: m, mask: padding == nil ? nil : UnsafePointer(mask), plan: plan,
                                  into: last, record: record.event(first, steps: steps))
            }
        } else {
            let scratch = UnsafeMutablePointer<Int64>.allocate(capacity: gru.scratchSize)
            defer { scratch.deallocate() }
            let event = UnsafeMutablePointer<Int64>.allocate(capacity: max(1, size))
            defer { event.deallocate() }
            let mask = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, steps))
            defer { mask.deallocate() }
            let last = UnsafeMutablePointer<Int64>.allocate(capacity: max(1, u))
            defer { last.deallocate() }
            let block = UnsafeMutablePointer<Int64>.allocate(capacity: max(1, size))
            defer { block.deallocate() }
            for e in 0..<n {
                for i in 0..<size { event[i] = input.raw[e * size + i] }
                padded(e, 1, block: block, into: mask)
                gru.evaluate(event, stride: 1, mask: padding == nil ? nil : UnsafePointer(mask), scratch: scratch,
                             into: last, record: record.event(e, steps: steps))
            }
        }
        func array(_ p: UnsafeMutablePointer<Int64>) -> [Int64] { Array(UnsafeBufferPointer(start: p, count: cells)) }
        return GRUTrace(
            count: n, steps: steps, units: u, z: array(record.z), r: array(record.r),
            candidate: array(record.candidate), state: array(record.state),
            recurrentCandidate: array(record.recurrentCandidate), resetState: array(record.resetState),
            valid: Array(UnsafeBufferPointer(start: record.valid, count: n * steps)),
            clipped: Array(UnsafeBufferPointer(start: record.clipped, count: cells)),
            gateFormat: gru.gate.output, candidateFormat: gru.candidate.output, stateFormat: gru.result,
            accumulatorFormat: gru.accumulator)
    }
}
