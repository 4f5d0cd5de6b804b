import FixedPoint
import Passes
import QAT
import Testing
import Training

/// Quantization-aware training on the OpenCL device: the fixed-point forward pass is the
/// interpreter's on either device, so one step's update must equal the CPU device's within
/// the float backward pass's tolerance. At `ap_fixed<7,1>` many GRU gate sums clip, so the
/// step also runs the per-step masking of their gradients (which the persistent kernels
/// leave to the per-step path).
@Suite struct QATOpenCLTests {
    @Test(arguments: ["ap_fixed<10,4,AP_RND,AP_SAT>", "ap_fixed<7,1,AP_RND,AP_SAT>"])
    func oneQATStepOnOpenCLEqualsTheCPUDevice(format: String) throws {
        let data = EventGenerator(maxParticles: 6, threads: 1).generate(events: 400, seed: 4)
        let prepared = try DataPreparation.prepare(data, options: PreparationOptions(seed: 2))
        let formats = QATFormats.options(PrecisionOptions(defaultFormat: try FixedFormat(parsing: format)))
        func step(on device: any Device) throws -> [String: [Float]] {
            let model = Model.inclusive(timeSteps: 6, units: 8, dropout: 0, device: device, seed: 5)
            let arrays = prepared.arrays(prepared.train, inputs: Set(model.inputs.map(\.name)))
            // One batch of every training event, one plain gradient step.
            let trainer = Trainer(model: model, optimizer: SGD(learningRate: 0.1),
                                  options: TrainingOptions(epochs: 1, batchSize: arrays.count, shuffle: false))
            trainer.exactForward = try FixedForward(model: model, formats: formats)
            try trainer.fit(arrays)
            return model.weights()
        }
        let opencl = try openCL()
        let (cpu, gpu) = (try step(on: CPUDevice()), try step(on: opencl))
        try opencl.check()
        // The forward values are identical; the backward pass is float on each device
        // (summation order): 1e-5 absolute + 1e-4 relative, as the float training tests.
        for (name, a) in cpu {
            let b = try #require(gpu[name])
            for (x, y) in zip(a, b) {
                #expect(abs(x - y) <= 1e-5 + 1e-4 * abs(x), "\(name): CPU \(x), OpenCL \(y)")
            }
        }
    }
}
