import GraphIR
@testable import OpenCLBackend
import Testing
import Training

/// The persistent GRU kernels (`gru_sequence.cl`: a whole sequence per launch) against the
/// per-step path: the CPU device's and OpenCL's own (``OpenCLOptions/persistentGRU`` off),
/// both reset conventions, masked steps, batches that do and do not divide the tile, and
/// more units than work items per event (the unit loop).
@Suite struct GRUSequenceTests {
    /// Forward: the recurrent product sums `u` terms with `fma` in index order where the
    /// per-step path runs SGEMM (BLAS on the CPU, the packed kernel on OpenCL), and tanh/sigmoid
    /// are OpenCL built-ins (a few ulp); the differences carry through the steps, but a GRU
    /// state is a convex mix of bounded values, so they stay at the product's rounding
    /// (measured on PoCL, T = 13: ≤ 5e-7 against the CPU device; bit-identical to OpenCL's
    /// per-step path, whose packed SGEMM also sums in index order with fma).
    static let forward = Tolerance(absolute: 3e-6, relative: 1e-5,
                                   reason: "recurrent dot products in another order than SGEMM, built-in tanh/exp, over T steps")
    /// Backward from the same saved values: plain arithmetic, but ∂h_{t-1} sums `3u` products
    /// (dhw·Uᵀ) in another order than SGEMM, carried back through all steps (measured on
    /// PoCL: ≤ 8e-8 against the CPU device, exact at 7 units; bit-identical to OpenCL's
    /// per-step path).
    static let backward = Tolerance(absolute: 1e-6, relative: 1e-5,
                                    reason: "dhw·Uᵀ dot products in another order than SGEMM, over T steps")

    struct Case: CustomTestStringConvertible, Sendable {
        var batch: Int
        var units: Int
        var resetAfter: Bool
        var masked: Bool
        /// Work items per event (nil: the device's default, 1 on PoCL).
        var unitItems: Int? = nil
        var testDescription: String {
            "n \(batch) u \(units) resetAfter \(resetAfter) masked \(masked) items \(unitItems.map(String.init) ?? "default")"
        }
    }

    static let cases: [Case] = [
        Case(batch: 8, units: 7, resetAfter: true, masked: true),     // 8 events: two full tiles of 4
        Case(batch: 9, units: 7, resetAfter: true, masked: false),    // 9: the last tile has one event
        Case(batch: 9, units: 7, resetAfter: false, masked: true),
        Case(batch: 8, units: 7, resetAfter: false, masked: false),
        Case(batch: 5, units: 70, resetAfter: true, masked: true),    // 70 units on 64 items per event
        Case(batch: 6, units: 70, resetAfter: false, masked: true),
        // The GPU shape (one item per unit, at most 64) on PoCL.
        Case(batch: 9, units: 7, resetAfter: true, masked: true, unitItems: 64),
        Case(batch: 8, units: 7, resetAfter: false, masked: true, unitItems: 64),
        Case(batch: 5, units: 70, resetAfter: true, masked: true, unitItems: 64),
        Case(batch: 6, units: 70, resetAfter: false, masked: false, unitItems: 64),
    ]

    static func persistent(_ c: Case) throws -> OpenCLDevice {
        var options = OpenCLOptions()
        options.gruUnitItems = c.unitItems
        return try openCL(options)
    }

    static let steps = 13

    /// A sequence's buffers on `device`, filled from `seed` (same values on every device).
    static func sequence(_ device: any Device, _ c: Case, seed: UInt64) -> (GRUSequence, DeviceTensor) {
        var values = Values(seed: seed)
        let n = c.batch, u = c.units, w = 3 * u, T = steps
        func tensor(_ rows: Int, _ columns: Int, limit: Float = 0) -> DeviceTensor {
            limit == 0 ? device.makeTensor(shape: [rows, columns])
                : device.upload(values.uniform(rows * columns, limit: limit), shape: [rows, columns])
        }
        // Every third step of every event but the first is masked, and so is the last step.
        let maskValues = (0..<(n * T)).map { i in Float((i % 3 == 1 && i / T > 0) || i % T == T - 1 ? 0 : 1) }
        let sequence = GRUSequence(
            units: u, steps: T, batch: n, resetAfter: c.resetAfter, activation: .tanh, recurrentActivation: .sigmoid,
            inputProjection: tensor(n * T, w, limit: 1.5), recurrentKernel: tensor(u, w, limit: 1.2 / Float(u).squareRoot()),
            bias: tensor(2, w, limit: 0.3), recurrentProjection: tensor(T * n, w), states: tensor((T + 1) * n, u),
            z: tensor(T * n, u), r: tensor(T * n, u), candidate: tensor(T * n, u), resetState: tensor(T * n, u),
            mask: c.masked ? device.upload(maskValues, shape: [n, T]) : nil,
            inputProjectionGradient: tensor(n * T, w), recurrentProjectionGradient: tensor(T * n, w),
            stateGradient: tensor(n, u), previousGradient: tensor(n, u), resetStateGradient: tensor(n, u))
        return (sequence, tensor(n, u, limit: 1))
    }

    static func saved(_ s: GRUSequence) -> [(String, DeviceTensor)] {
        [("states", s.states), ("z", s.z), ("r", s.r), ("candidate", s.candidate), ("r ⊙ h", s.resetState),
         ("hw", s.recurrentProjection)]
    }

    /// Forward on both, then backward on both from the reference's saved values.
    static func compare(_ c: Case, reference: any Device, persistent: OpenCLDevice, what: String) throws {
        let (a, gradientA) = sequence(reference, c, seed: 31)
        let (b, gradientB) = sequence(persistent, c, seed: 31)
        #expect(persistent.gruTiling(units: c.units, batch: c.batch) != nil)
        reference.gruSequenceForward(a)
        let before = persistent.launchCount
        persistent.gruSequenceForward(b)
        #expect(persistent.launchCount - before == 1, "\(c.testDescription): one forward launch")
        for ((name, ta), (_, tb)) in zip(saved(a), saved(b)) {
            expectClose(persistent.read(tb), reference.read(ta), forward, "\(what) \(c.testDescription) forward \(name)")
        }
        for ((_, ta), (_, tb)) in zip(saved(a), saved(b)) {
            reference.read(ta).withUnsafeBufferPointer { persistent.write($0, to: tb, at: 0) }
        }
        reference.gruSequenceBackward(a, gradient: gradientA)
        let mid = persistent.launchCount
        persistent.gruSequenceBackward(b, gradient: gradientB)
        #expect(persistent.launchCount - mid == 1, "\(c.testDescription): one backward launch")
        for (name, ta, tb) in [("dx", a.inputProjectionGradient, b.inputProjectionGradient),
                               ("dhw", a.recurrentProjectionGradient, b.recurrentProjectionGradient)] {
            expectClose(persistent.read(tb), reference.read(ta), backward, "\(what) \(c.testDescription) backward \(name)")
        }
        try persistent.check()
    }

    @Test(arguments: cases)
    func persistentKernelsMatchTheCPUDevice(_ c: Case) throws {
        try Self.compare(c, reference: CPUDevice(), persistent: try Self.persistent(c), what: "CPU")
    }

    @Test(arguments: cases)
    func persistentKernelsMatchTheOpenCLPerStepPath(_ c: Case) throws {
        var options = OpenCLOptions()
        options.persistentGRU = false
        let perStep = try openCL(options)
        #expect(perStep.gruTiling(units: c.units, batch: c.batch) == nil)
        try Self.compare(c, reference: perStep, persistent: try Self.persistent(c), what: "OpenCL per step")
        try perStep.check()
    }

    @Test func sizeRule() throws {
        var options = OpenCLOptions()
        options.gruUnitItems = 64
        let gpuShape = try openCL(options), device = try openCL()
        #expect(gpuShape.gruTiling(units: 50, batch: 128) == GRUTiling(unitItems: 50, events: 4))
        #expect(gpuShape.gruTiling(units: 50, batch: 3) == GRUTiling(unitItems: 50, events: 3))
        #expect(gpuShape.gruTiling(units: 200, batch: 128) == GRUTiling(unitItems: 64, events: 4))
        let floats = device.info.localMemoryBytes / 4
        #expect(gpuShape.gruTiling(units: floats / 6 + 1, batch: 8) == nil, "too large for local memory: per step")
        if device.info.kind == .cpu {
            #expect(device.gruTiling(units: 50, batch: 128) == GRUTiling(unitItems: 1, events: 4))
            // 6·u + 3u² floats with one event: on PoCL's 512 KiB, 208 units fit, 209 do not.
            let largest = (0..<2000).last { OpenCLDevice.localFloats(units: $0, events: 1, unitItems: 1) <= floats } ?? 0
            #expect(device.gruTiling(units: largest, batch: 8) != nil)
            #expect(device.gruTiling(units: largest + 1, batch: 8) == nil)
        }
        #expect(GRUTiling(unitItems: 7, events: 4).groups(batch: 9) == 3)
    }
}
