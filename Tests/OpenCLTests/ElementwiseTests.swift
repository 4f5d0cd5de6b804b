import GraphIR
import OpenCLBackend
import Testing
import Training

/// Each elementwise, reduction, loss and optimizer kernel against the CPU device on the same
/// inputs. Tolerances: ``Tolerance/exact`` where the kernel performs the CPU device's float
/// operations in the same order; ``Tolerance/transcendental`` where OpenCL's exp/tanh/log
/// built-ins (3–5 ulp by the spec) replace glibc's.
@Suite struct ElementwiseTests {
    let cpu = CPUDevice()

    static let activations: [ActivationFunction] = [
        .linear, .relu, .leakyRelu(alpha: 0.3), .tanh, .sigmoid, .hardSigmoid(slope: 0.2, offset: 0.5), .softmax,
    ]

    static func tolerance(_ f: ActivationFunction) -> Tolerance {
        switch f {
        case .linear, .relu, .leakyRelu, .hardSigmoid: .exact
        case .tanh, .sigmoid, .softmax: .transcendental
        }
    }

    @Test(arguments: activations)
    func activationForwardAndBackward(_ f: ActivationFunction) throws {
        let gpu = try openCL()
        var values = Values(seed: 11)
        let x = Pair(values.uniform(7 * 13, limit: 4), shape: [7, 13], cpu, gpu)
        let yc = cpu.makeTensor(shape: [7, 13]), yg = gpu.makeTensor(shape: [7, 13])
        // A strided view: columns 2..<11 of each row.
        let view = { (t: DeviceTensor) in t.matrix.columns(2, 9) }
        cpu.activate(f, view(x.cpu), into: view(yc))
        gpu.activate(f, view(x.gpu), into: view(yg))
        expectClose(gpu.read(yg), cpu.read(yc), Self.tolerance(f), "\(f) forward")
        let dy = Pair(values.uniform(7 * 13), shape: [7, 13], cpu, gpu)
        let dxc = cpu.makeTensor(shape: [7, 13]), dxg = gpu.makeTensor(shape: [7, 13])
        if case .softmax = f {
            cpu.softmaxGradient(output: yc.matrix, gradient: dy.cpu.matrix, into: dxc.matrix)
            gpu.softmaxGradient(output: gpu.upload(cpu.read(yc), shape: [7, 13]).matrix, gradient: dy.gpu.matrix,
                                into: dxg.matrix)
        } else {
            // The same y on both sides, so only the derivative is compared.
            let y = cpu.read(yc)
            cpu.activationGradient(f, output: yc, gradient: dy.cpu, into: dxc)
            gpu.activationGradient(f, output: gpu.upload(y, shape: [7, 13]), gradient: dy.gpu, into: dxg)
        }
        expectClose(gpu.read(dxg), cpu.read(dxc), .exact, "\(f) backward")
        try gpu.check()
    }

    @Test func copyAddBroadcastAndColumnSums() throws {
        let gpu = try openCL()
        var values = Values(seed: 5)
        let a = Pair(values.uniform(9 * 11), shape: [9, 11], cpu, gpu)
        let b = Pair(values.uniform(9 * 11), shape: [9, 11], cpu, gpu)
        let v = Pair(values.uniform(20), shape: [20], cpu, gpu)
        for device in [cpu, gpu] as [any Device] {
            let (at, bt, vt) = device === cpu ? (a.cpu, b.cpu, v.cpu) : (a.gpu, b.gpu, v.gpu)
            device.copy(at.matrix.columns(1, 4), to: bt.matrix.columns(6, 4))
            device.add(at.matrix.columns(0, 5), to: bt.matrix.columns(2, 5))
            device.broadcastRows(vt, offset: 3, into: at.matrix.columns(4, 6))
            device.sumRows(bt.matrix.columns(1, 8), into: vt, offset: 10, accumulate: true)
            device.sumRows(at.matrix.columns(0, 3), into: vt, offset: 0, accumulate: false)
        }
        expectClose(gpu.read(a.gpu), cpu.read(a.cpu), .exact, "broadcast")
        expectClose(gpu.read(b.gpu), cpu.read(b.cpu), .exact, "copy/add")
        expectClose(gpu.read(v.gpu), cpu.read(v.cpu), .exact, "column sums (rows in order)")
        try gpu.check()
    }

    @Test func crossEntropyLossGradientAndAccuracy() throws {
        let gpu = try openCL()
        var values = Values(seed: 8)
        let n = 37, classes = 3
        var logits = values.uniform(n * classes, limit: 3)
        logits[0] = 40  // a probability near 1, clipped
        var labels = [Float](repeating: 0, count: n * classes)
        for e in 0..<n { labels[e * classes + (e * 7) % classes] = 1 }
        let p = Pair(logits, shape: [n, classes], cpu, gpu), y = Pair(labels, shape: [n, classes], cpu, gpu)
        cpu.activate(.softmax, p.cpu.matrix, into: p.cpu.matrix)
        let probabilities = cpu.read(p.cpu)
        let pg = gpu.upload(probabilities, shape: [n, classes])
        let gc = cpu.makeTensor(shape: [n, classes]), gg = gpu.makeTensor(shape: [n, classes])
        let expected = cpu.softmaxCrossEntropy(probabilities: p.cpu.matrix, labels: y.cpu.matrix, logitGradient: gc.matrix)
        let actual = gpu.softmaxCrossEntropy(probabilities: pg.matrix, labels: y.gpu.matrix, logitGradient: gg.matrix)
        // Per-row log in float on the device, summed in double on the host: a few ulp per row.
        #expect(abs(actual.lossSum - expected.lossSum) <= 1e-6 * abs(expected.lossSum))
        #expect(actual.correct == expected.correct)
        expectClose(gpu.read(gg), cpu.read(gc), .exact, "logit gradient (p - y)/n")
        // Class weights: each row's loss and gradient times its label's weight, on both devices.
        let weights: [Float] = [0.5, 2, 1.25]
        let wc = cpu.makeTensor(shape: [n, classes]), wg = gpu.makeTensor(shape: [n, classes])
        let weighted = cpu.softmaxCrossEntropy(probabilities: p.cpu.matrix, labels: y.cpu.matrix, logitGradient: wc.matrix,
                                               classWeights: weights)
        let weightedGPU = gpu.softmaxCrossEntropy(probabilities: pg.matrix, labels: y.gpu.matrix, logitGradient: wg.matrix,
                                                  classWeights: weights)
        #expect(abs(weightedGPU.lossSum - weighted.lossSum) <= 1e-6 * abs(weighted.lossSum))
        expectClose(gpu.read(wg), cpu.read(wc), .exact, "weighted logit gradient")
        let plain = cpu.read(gc), scaled = cpu.read(wc)
        for e in 0..<n {
            let w = weights[(e * 7) % classes]
            for j in 0..<classes { #expect(scaled[e * classes + j] == plain[e * classes + j] * w) }
        }
        #expect(weighted.lossSum != expected.lossSum)
        try gpu.check()
    }

    @Test func multiplyMaskAndOptimizers() throws {
        let gpu = try openCL()
        var values = Values(seed: 3)
        let count = 257
        let p = Pair(values.uniform(count), shape: [count], cpu, gpu)
        let g = Pair(values.uniform(count), shape: [count], cpu, gpu)
        let m = Pair(values.uniform(count, limit: 0.1), shape: [count], cpu, gpu)
        let v = Pair(values.uniform(count, limit: 0.1).map(abs), shape: [count], cpu, gpu)
        let velocity = Pair(values.uniform(count), shape: [count], cpu, gpu)
        for device in [cpu, gpu] as [any Device] {
            let pick = { (pair: Pair) in device === cpu ? pair.cpu : pair.gpu }
            for step in 1...3 {
                device.adamUpdate(parameter: pick(p), gradient: pick(g), m: pick(m), v: pick(v),
                                  alpha: 1e-3 * Float(step), beta1: 0.9, beta2: 0.999, epsilon: 1e-7)
            }
            device.sgdUpdate(parameter: pick(p), gradient: pick(g), velocity: nil, learningRate: 0.1, momentum: 0,
                             nesterov: false)
            device.sgdUpdate(parameter: pick(p), gradient: pick(g), velocity: pick(velocity), learningRate: 0.1,
                             momentum: 0.9, nesterov: true)
            device.multiply(pick(p), pick(g), into: pick(m))
        }
        for (name, pair) in [("parameter", p), ("m", m), ("v", v), ("velocity", velocity)] {
            expectClose(gpu.read(pair.gpu), cpu.read(pair.cpu), .exact, "adam/sgd \(name)")
        }
        // Sequence mask: steps whose features all equal the masking value.
        var sequence = values.uniform(6 * 4 * 5)
        for f in 0..<5 { sequence[(1 * 4 + 2) * 5 + f] = 0; sequence[(5 * 4 + 3) * 5 + f] = 0 }
        sequence[(3 * 4 + 1) * 5 + 2] = 0
        let x = Pair(sequence, shape: [6, 4, 5], cpu, gpu)
        let mc = cpu.makeTensor(shape: [6, 4]), mg = gpu.makeTensor(shape: [6, 4])
        cpu.sequenceMask(x.cpu, value: 0, features: 5, into: mc)
        gpu.sequenceMask(x.gpu, value: 0, features: 5, into: mg)
        #expect(gpu.read(mg) == cpu.read(mc))
        #expect(cpu.read(mc).filter { $0 == 0 }.count == 2)
        try gpu.check()
    }
}
