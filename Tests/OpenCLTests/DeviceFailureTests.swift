import Foundation
import GraphIR
import OpenCLBackend
import Testing
import Training

/// A failed OpenCL device never hands its zeros on: training stops at the next check with
/// one sentence, and the last good checkpoint stays as it was.
@Suite struct DeviceFailureTests {
    @Test func aFailureMidRunStopsTrainingAndKeepsTheGoodCheckpoint() throws {
        let data = EventGenerator(maxParticles: 4, threads: 1).generate(events: 600, seed: 5)
        let prepared = try DataPreparation.prepare(data, options: PreparationOptions(seed: 2))
        let train = prepared.arrays(prepared.train, inputs: ["hlf_input"])
        let device = try openCL()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trigc-devfail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let checkpoint = folder.appendingPathComponent("checkpoint.trgc")

        let model = Model.hlfDNN(device: device, seed: 7)
        var options = TrainingOptions(epochs: 1, batchSize: 64, seed: 3)
        options.checkpoint = checkpoint
        try Trainer(model: model, options: options).fit(train)
        let good = try Data(contentsOf: checkpoint)

        // A buffer no device can make: the device records the failure and reads zeros after.
        _ = device.makeTensor(shape: [1 << 40])
        #expect(device.read(model.parameters[0].value).allSatisfy { $0 == 0 })
        options.epochs = 2
        let trainer = Trainer(model: model, options: options)
        try trainer.resume(from: checkpoint)
        #expect(throws: TrainingError.self) { try trainer.fit(train) }
        do {
            try trainer.fit(train)
        } catch {
            #expect("\(error)".contains("the training device opencl failed"), "\(error)")
        }
        #expect(try Data(contentsOf: checkpoint) == good)
        #expect(throws: TrainingError.self) { try model.predict(train.inputs, count: train.count) }
    }
}
