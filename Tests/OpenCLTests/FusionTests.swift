import Foundation
import GraphIR
import OpenCLBackend
import Testing
import Training

/// The device merges a dense layer's `broadcastRows` + `gemm` + in-place `activate` into one
/// packed-SGEMM launch and consecutive Adam steps into shared launches; results must be
/// those of the separate operations.
@Suite struct FusionTests {
    /// Dense forward (bias, product, activation) on a packed plan against an exact double
    /// reference: SGEMM's tolerance (4·√K·ε·Σ|a·w| + |bias|·ε, carried through the 1-Lipschitz
    /// activations) plus the transcendental tolerance for tanh/sigmoid.
    @Test(arguments: [ActivationFunction.relu, .tanh, .sigmoid, .linear, .leakyRelu(alpha: 0.3)],
          [SGEMMPlan.cpuSmall, SGEMMPlan.packed(blockM: 16, blockN: 16, blockK: 8, microM: 4, microN: 16)])
    func denseForwardMatchesReference(_ function: ActivationFunction, plan: SGEMMPlan) throws {
        try denseForward(function, plan: plan, fusion: true)
        try denseForward(function, plan: plan, fusion: false)
    }

    func denseForward(_ function: ActivationFunction, plan: SGEMMPlan, fusion: Bool) throws {
        var options = OpenCLOptions(largeSGEMM: plan, smallSGEMM: plan)
        options.fusion = fusion
        let device = try openCL(options)
        let (rows, k, n) = (37, 21, 45)
        var values = Values(seed: 17)
        let x = values.uniform(rows * k), w = values.uniform(k * n), b = values.uniform(n + 2)
        let xt = device.upload(x, shape: [rows, k]), wt = device.upload(w, shape: [k, n])
        let bt = device.upload(b, shape: [n + 2]), yt = device.makeTensor(shape: [rows, n])
        let before = device.launchCount
        device.broadcastRows(bt, offset: 2, into: yt.matrix)
        device.gemm(xt.matrix, transposeA: false, wt.matrix, transposeB: false, into: yt.matrix, alpha: 1, beta: 1)
        device.activate(function, yt.matrix, into: yt.matrix)
        let y = device.read(yt)
        try device.check()
        let launches = device.launchCount - before
        #expect(launches == (fusion ? 1 : 3), "dense forward took \(launches) launches (fusion \(fusion))")
        for i in 0..<rows {
            for j in 0..<n {
                var exact = Double(b[2 + j]), magnitude = abs(Double(b[2 + j])) / 2
                for p in 0..<k {
                    exact += Double(x[i * k + p]) * Double(w[p * n + j])
                    magnitude += abs(Double(x[i * k + p]) * Double(w[p * n + j]))
                }
                let expected = Self.apply(function, exact)
                let bound = 4 * Double(k).squareRoot() * 0x1p-24 * magnitude + 2e-7 + 8e-7 * abs(expected)
                #expect(abs(Double(y[i * n + j]) - expected) <= bound, "\(function) fusion \(fusion) [\(i), \(j)]: \(y[i * n + j]) vs \(expected)")
            }
        }
    }

    static func apply(_ function: ActivationFunction, _ x: Double) -> Double {
        switch function {
        case .relu: max(x, 0)
        case .tanh: Foundation.tanh(x)
        case .sigmoid: 1 / (1 + exp(-x))
        case let .leakyRelu(alpha): x < 0 ? Double(alpha) * x : x
        default: x
        }
    }

    /// Six Adam steps with the same hyper-parameters (one four-slot launch and one two-slot
    /// launch), bit-identical to the CPU device.
    @Test func mergedAdamStepsEqualTheCPUDevice() throws {
        let cpu = CPUDevice(), gpu = try openCL()
        var values = Values(seed: 5)
        let sizes = [7, 130, 1, 64, 3, 50]
        let tensors = sizes.map { size in
            (p: Pair(values.uniform(size), shape: [size], cpu, gpu), g: Pair(values.uniform(size), shape: [size], cpu, gpu),
             m: Pair(values.uniform(size, limit: 0.1), shape: [size], cpu, gpu),
             v: Pair(values.uniform(size, limit: 0.1).map(abs), shape: [size], cpu, gpu))
        }
        let before = gpu.launchCount
        for step in 1...2 {
            for t in tensors {
                cpu.adamUpdate(parameter: t.p.cpu, gradient: t.g.cpu, m: t.m.cpu, v: t.v.cpu,
                               alpha: 1e-3 * Float(step), beta1: 0.9, beta2: 0.999, epsilon: 1e-7)
                gpu.adamUpdate(parameter: t.p.gpu, gradient: t.g.gpu, m: t.m.gpu, v: t.v.gpu,
                               alpha: 1e-3 * Float(step), beta1: 0.9, beta2: 0.999, epsilon: 1e-7)
            }
        }
        gpu.fill(gpu.makeTensor(shape: [1]), with: 0)   // launches the held steps
        #expect(gpu.launchCount - before == 4, "12 Adam steps took \(gpu.launchCount - before) launches")
        for (index, t) in tensors.enumerated() {
            for (name, pair) in [("parameter", t.p), ("m", t.m), ("v", t.v)] {
                expectClose(gpu.read(pair.gpu), cpu.read(pair.cpu), .exact, "Adam \(name) \(index)")
            }
        }
        try gpu.check()
    }
}
