import GraphIR
import OpenCLBackend
import Testing
@testable import Training

/// The fused GRU step kernels against the CPU device, on the same step inputs, for both
/// reset conventions, with and without masking. Forward uses tanh/sigmoid built-ins
/// (``Tolerance/transcendental``); backward is given the CPU's saved z, r, c and is plain
/// arithmetic in the CPU's order (``Tolerance/exact``).
@Suite struct GRUTests {
    struct Buffers {
        var tensors: [String: DeviceTensor] = [:]
    }

    static let n = 9, u = 7

    /// One step's views over fresh tensors on `device`, filled from `values` (same seed on both devices).
    static func step(_ device: any Device, resetAfter: Bool, masked: Bool, seed: UInt64) -> GRUStep {
        var values = Values(seed: seed)
        let n = Self.n, u = Self.u, w = 3 * u
        func tensor(_ rows: Int, _ columns: Int, limit: Float = 1) -> DeviceTensor {
            device.upload(values.uniform(rows * columns, limit: limit), shape: [rows, columns])
        }
        // The input projection is a strided slice (stride 2·3u: step 1 of a 2-step sequence).
        let input = tensor(n, 2 * w, limit: 2)
        let maskValues = (0..<(n * 2)).map { Float($0 % 3 == 1 ? 0 : 1) }
        let mask = device.upload(maskValues, shape: [n, 2])
        let zr = tensor(n, u), rr = tensor(n, u), cr = tensor(n, u)
        return GRUStep(
            units: u, resetAfter: resetAfter, activation: .tanh, recurrentActivation: .sigmoid,
            input: MatrixView(input, offset: w, rows: n, columns: w, stride: 2 * w),
            recurrent: tensor(n, w, limit: 2).matrix, previous: tensor(n, u).matrix, next: tensor(n, u).matrix,
            z: zr.matrix, r: rr.matrix, candidate: cr.matrix, resetState: tensor(n, u).matrix,
            mask: masked ? MatrixView(mask, offset: 1, rows: n, columns: 1, stride: 2) : nil,
            stateGradient: tensor(n, u).matrix, previousGradient: tensor(n, u).matrix,
            inputGradient: MatrixView(tensor(n, 2 * w), offset: w, rows: n, columns: w, stride: 2 * w),
            recurrentGradient: tensor(n, w).matrix, resetStateGradient: tensor(n, u).matrix)
    }

    static func read(_ device: any Device, _ view: MatrixView) -> [Float] { device.read(view.tensor) }

    @Test(arguments: [true, false], [true, false])
    func forwardAndBackwardMatchTheCPU(resetAfter: Bool, masked: Bool) throws {
        let cpu = CPUDevice(), gpu = try openCL()
        let c = Self.step(cpu, resetAfter: resetAfter, masked: masked, seed: 21)
        let g = Self.step(gpu, resetAfter: resetAfter, masked: masked, seed: 21)
        let label = "resetAfter \(resetAfter) masked \(masked)"
        if !resetAfter {
            cpu.gruResetGate(c)
            gpu.gruResetGate(g)
            expectClose(Self.read(gpu, g.r), Self.read(cpu, c.r), .transcendental, "\(label) r")
            expectClose(Self.read(gpu, g.resetState), Self.read(cpu, c.resetState), .transcendental, "\(label) r⊙h")
        }
        cpu.gruForward(c)
        gpu.gruForward(g)
        for (name, cv, gv) in [("h'", c.next, g.next), ("z", c.z, g.z), ("r", c.r, g.r), ("c", c.candidate, g.candidate)] {
            expectClose(Self.read(gpu, gv), Self.read(cpu, cv), .transcendental, "\(label) forward \(name)")
        }
        // Backward from identical saved activations.
        for (cv, gv) in [(c.z, g.z), (c.r, g.r), (c.candidate, g.candidate)] {
            cpu.read(cv.tensor).withUnsafeBufferPointer { gpu.write($0, to: gv.tensor, at: 0) }
        }
        cpu.gruBackward(c)
        gpu.gruBackward(g)
        if !resetAfter {
            cpu.gruResetGateBackward(c)
            gpu.gruResetGateBackward(g)
        }
        for (name, cv, gv) in [("dh_prev", c.previousGradient, g.previousGradient), ("dx", c.inputGradient, g.inputGradient),
                               ("dhw", c.recurrentGradient, g.recurrentGradient)] {
            expectClose(Self.read(gpu, gv), Self.read(cpu, cv), .exact, "\(label) backward \(name)")
        }
        try gpu.check()
    }
}
