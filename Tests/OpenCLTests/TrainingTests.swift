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

    /// The particle GRU (masked sequences, dropout) trained for 2 epochs on the CPU device,
    /// on OpenCL with the persistent GRU kernels and on OpenCL step by step: the same final
    /// loss within 1e-3 (relative) and test AUC within 0.002 per class. Batches of 46
    /// (not a multiple of the tile of 4) and a smaller last batch.
    @Test func particleGRUOnOpenCLMatchesTheCPUDevice() throws {
        let data = EventGenerator(maxParticles: 12, threads: 1).generate(events: 700, seed: 5)
        let prepared = try DataPreparation.prepare(data, options: PreparationOptions(seed: 2))
        func run(_ device: any Device) throws -> (auc: [Double], loss: Double) {
            let train = prepared.arrays(prepared.train, inputs: ["gru_input"])
            let test = prepared.arrays(prepared.test, inputs: ["gru_input"])
            let model = Model.particleGRU(timeSteps: 12, features: EventSchema.particleFeatureCount, units: 10,
                                          classes: EventSchema.classCount, device: device, seed: 4)
            let trainer = Trainer(model: model, optimizer: Adam(learningRate: 3e-3),
                                  options: TrainingOptions(epochs: 2, batchSize: 46, seed: 11))
            let history = try trainer.fit(train)
            let probabilities = try model.predict(test.inputs, count: test.count)
            return (ClassificationMetrics(probabilities: probabilities, labels: prepared.test.labels).auc, history.last?.loss ?? 0)
        }
        var stepOptions = OpenCLOptions()
        stepOptions.persistentGRU = false
        let persistent = try openCL(), perStep = try openCL(stepOptions)
        let cpu = try run(CPUDevice())
        for (name, device) in [("persistent", persistent), ("per step", perStep)] {
            let result = try run(device)
            try device.check()
            for (c, (a, b)) in zip(cpu.auc, result.auc).enumerated() {
                #expect(abs(a - b) <= 0.002, "\(name) class \(c): CPU AUC \(a), OpenCL AUC \(b)")
            }
            #expect(abs(cpu.loss - result.loss) <= 1e-3 * cpu.loss, "\(name) final loss: CPU \(cpu.loss), OpenCL \(result.loss)")
        }
    }
}
