import GraphIR
import OpenCLBackend
import Testing
import Training

/// Acceptance: the HLF DNN trained on OpenCL (PoCL in CI) with the same seed and data as the
/// CPU device reaches the same test AUC within 0.002 per class. Everything but SGEMM's
/// summation order and the exp/log built-ins is bit-identical, so the runs stay close.
@Suite struct TrainingTests {
    static func train(on device: any Device, _ prepared: PreparedData) throws -> (metrics: ClassificationMetrics, loss: Double) {
        let train = prepared.arrays(prepared.train, inputs: ["hlf_input"])
        let test = prepared.arrays(prepared.test, inputs: ["hlf_input"])
        let model = Model.hlfDNN(device: device, seed: 7)
        let trainer = Trainer(model: model, optimizer: Adam(learningRate: 3e-3),
                              options: TrainingOptions(epochs: 3, batchSize: 128, seed: 11))
        let history = try trainer.fit(train)
        let probabilities = try model.predict(test.inputs, count: test.count)
        return (ClassificationMetrics(probabilities: probabilities, labels: prepared.test.labels), history.last?.loss ?? 0)
    }

    @Test func hlfDNNOnOpenCLMatchesTheCPUDevice() throws {
        let data = EventGenerator(maxParticles: 20, threads: 1).generate(events: 4000, seed: 3)
        let prepared = try DataPreparation.prepare(data, options: PreparationOptions(seed: 2))
        let opencl = try openCL()
        let cpu = try Self.train(on: CPUDevice(), prepared)
        let gpu = try Self.train(on: opencl, prepared)
        try opencl.check()
        for (c, (a, b)) in zip(cpu.metrics.auc, gpu.metrics.auc).enumerated() {
            #expect(abs(a - b) <= 0.002, "class \(c): CPU AUC \(a), OpenCL AUC \(b)")
        }
        #expect(abs(cpu.loss - gpu.loss) <= 1e-3 * cpu.loss, "final epoch loss: CPU \(cpu.loss), OpenCL \(gpu.loss)")
        #expect(cpu.metrics.auc.allSatisfy { $0 > 0.6 }, "the model learned: \(cpu.metrics.auc)")
    }
}
