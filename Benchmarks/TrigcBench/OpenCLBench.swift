import Foundation
import GraphIR
import OpenCLBackend
import OpenCLRuntime
import Training

/// OpenCL section: SGEMM GFLOP/s at 1024³ against OpenBLAS `cblas_sgemm` (through
/// `CPUDevice`, all cores) in the same run, and HLF DNN training samples/s on the OpenCL
/// device against the CPU device. `--opencl-device P:D` picks the device (default 0:0).
func openCLBench(arguments: Set<String>) throws {
    section("OpenCL")
    let spelling = arguments.first { $0.hasPrefix("--opencl-device=") }.map { "opencl:" + $0.dropFirst(16) } ?? "opencl"
    guard case let .opencl(platform, index) = try DeviceSelection(parsing: spelling) else { return }
    let opencl: OpenCLDevice
    do {
        opencl = try OpenCLDevice(options: OpenCLOptions(platform: platform, device: index))
    } catch {
        row("skipped", "\(error)")
        return
    }
    row("device", opencl.info.summary)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let cpu = CPUDevice(blasThreads: cores)

    // SGEMM 1024 × 1024 × 1024.
    let n = 1024
    var rng = SplitMix64(seed: 1)
    let a = (0..<(n * n)).map { _ in rng.nextFloat(limit: 1) }
    let b = (0..<(n * n)).map { _ in rng.nextFloat(limit: 1) }
    func gflops(_ device: any Device, repeats: Int, sync: () throws -> Void) throws -> Double {
        let at = device.upload(a, shape: [n, n]), bt = device.upload(b, shape: [n, n]), ct = device.makeTensor(shape: [n, n])
        device.gemm(at.matrix, transposeA: false, bt.matrix, transposeB: false, into: ct.matrix, alpha: 1, beta: 0)
        try sync()
        let time = try seconds {
            for _ in 0..<repeats {
                device.gemm(at.matrix, transposeA: false, bt.matrix, transposeB: false, into: ct.matrix, alpha: 1, beta: 0)
            }
            try sync()
        }
        return 2 * Double(n * n * n) * Double(repeats) / time / 1e9
    }
    // OpenCL first: OpenBLAS's threads keep spinning for a while after a call.
    let cl = try gflops(opencl, repeats: 10) { try opencl.check() }
    let blas = try gflops(cpu, repeats: 10) {}
    row("cblas_sgemm 1024³ (OpenBLAS, \(cores) threads)", String(format: "%.1f GFLOP/s", blas))
    row("OpenCL sgemm 1024³ (plan \(opencl.largePlan))", String(format: "%.1f GFLOP/s", cl))
    ratio("OpenCL / OpenBLAS (target ≥ 0.8)", cl / blas)

    // HLF DNN training throughput, one epoch each (after a short warm-up epoch).
    let data = EventGenerator(maxParticles: 20).generate(events: 20_000, seed: 5)
    let prepared = try DataPreparation.prepare(data, options: PreparationOptions(seed: 1))
    let train = prepared.arrays(prepared.train, inputs: ["hlf_input"])
    func samplesPerSecond(_ device: any Device) throws -> Double {
        let model = Model.hlfDNN(device: device, seed: 1)
        let trainer = Trainer(model: model, options: TrainingOptions(epochs: 2, batchSize: 128, seed: 1))
        let history = try trainer.fit(train)
        return history.last?.samplesPerSecond ?? 0
    }
    let cpuRate = try samplesPerSecond(CPUDevice())
    let clRate = try samplesPerSecond(opencl)
    try opencl.check()
    var unfused = OpenCLOptions(platform: platform, device: index)
    unfused.fusion = false
    let separate = try OpenCLDevice(options: unfused)
    let separateRate = try samplesPerSecond(separate)
    try separate.check()
    row("HLF DNN training, CPU device (1 BLAS thread)", String(format: "%.0f samples/s", cpuRate))
    row("HLF DNN training, OpenCL device", String(format: "%.0f samples/s", clRate))
    row("HLF DNN training, OpenCL device, fusion off", String(format: "%.0f samples/s", separateRate))
    ratio("OpenCL / CPU training", clRate / cpuRate)
}
