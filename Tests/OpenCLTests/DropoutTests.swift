import OpenCLBackend
import Testing
import Training

/// Dropout masks come from a counter-based generator keyed by (seed, counter, element), so
/// they equal the CPU device's bit for bit and do not depend on the launch shape.
@Suite struct DropoutTests {
    @Test(arguments: [0.2 as Float, 0.5])
    func masksEqualTheCPUDevice(rate: Float) throws {
        let cpu = CPUDevice(), gpu = try openCL()
        var values = Values(seed: 4)
        let x = Pair(values.uniform(1000), shape: [1000], cpu, gpu)
        let yc = cpu.makeTensor(shape: [1000]), sc = cpu.makeTensor(shape: [1000])
        let yg = gpu.makeTensor(shape: [1000]), sg = gpu.makeTensor(shape: [1000])
        cpu.dropout(x.cpu, into: yc, scale: sc, rate: rate, seed: 99, counter: 12)
        gpu.dropout(x.gpu, into: yg, scale: sg, rate: rate, seed: 99, counter: 12)
        #expect(gpu.read(sg) == cpu.read(sc))
        #expect(gpu.read(yg) == cpu.read(yc))
        let dropped = Float(cpu.read(sc).filter { $0 == 0 }.count) / 1000
        #expect(abs(dropped - rate) < 0.06)
        try gpu.check()
    }

    @Test func maskDoesNotDependOnLaunchShape() throws {
        let gpu = try openCL()
        // 1000 and 4099 elements launch different global sizes (and work-group splits);
        // element i's mask is the same in both.
        let small = gpu.makeTensor(shape: [1000]), large = gpu.makeTensor(shape: [4099])
        let ys = gpu.makeTensor(shape: [1000]), yl = gpu.makeTensor(shape: [4099])
        let ss = gpu.makeTensor(shape: [1000]), sl = gpu.makeTensor(shape: [4099])
        gpu.fill(small, with: 1)
        gpu.fill(large, with: 1)
        gpu.dropout(small, into: ys, scale: ss, rate: 0.3, seed: 5, counter: 1)
        gpu.dropout(large, into: yl, scale: sl, rate: 0.3, seed: 5, counter: 1)
        #expect(gpu.read(ss) == Array(gpu.read(sl).prefix(1000)))
        // A different counter gives a different mask.
        gpu.dropout(small, into: ys, scale: sl, rate: 0.3, seed: 5, counter: 2)
        #expect(gpu.read(ss) != Array(gpu.read(sl).prefix(1000)))
        try gpu.check()
    }
}
