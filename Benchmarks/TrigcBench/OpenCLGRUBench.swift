import Foundation
import GraphIR
import OpenCLBackend
import Training

/// `trigc-bench --only-opencl-gru`: particle GRU training (the study's 50 units, masked
/// sequences, reset_after) on the OpenCL device with the persistent GRU kernels against the
/// per-step path (``OpenCLOptions/persistentGRU`` off): samples/s of the second of two
/// epochs, and kernel launches per batch. `--gru-steps=T` (default 100), `--gru-batch=N`
/// (default 32), `--gru-events=E` (default 1024).
func openCLGRUBench(arguments: Set<String>) throws {
    func value(_ name: String, _ fallback: Int) -> Int {
        arguments.first { $0.hasPrefix("--\(name)=") }.flatMap { Int($0.dropFirst(name.count + 3)) } ?? fallback
    }
    let steps = value("gru-steps", 100), batch = value("gru-batch", 32), events = value("gru-events", 1024)
    section("OpenCL: particle GRU training, T = \(steps), batch \(batch), \(StudyModels.gruUnits) units")
    let data = EventGenerator(maxParticles: steps).generate(events: events, seed: 5)
    let prepared = try DataPreparation.prepare(data, options: PreparationOptions(seed: 1))
    let train = prepared.arrays(prepared.train, inputs: ["gru_input"])
    let batches = (train.count + batch - 1) / batch
    for persistent in [false, true] {
        var options = OpenCLOptions()
        options.persistentGRU = persistent
        let device: OpenCLDevice
        do {
            device = try OpenCLDevice(options: options)
        } catch {
            row("skipped", "\(error)")
            return
        }
        let model = Model.particleGRU(timeSteps: steps, features: EventSchema.particleFeatureCount,
                                      classes: EventSchema.classCount, device: device, seed: 1)
        let warm = Trainer(model: model, options: TrainingOptions(epochs: 1, batchSize: batch, seed: 1))
        _ = try warm.fit(train)
        try device.check()
        let before = device.launchCount
        let trainer = Trainer(model: model, options: TrainingOptions(epochs: 1, batchSize: batch, seed: 2))
        let history = try trainer.fit(train)
        try device.check()
        let launches = Double(device.launchCount - before) / Double(batches)
        let label = persistent ? "persistent GRU kernels" : "per-step path"
        row("\(label): samples/s", String(format: "%.0f", history.last?.samplesPerSecond ?? 0))
        row("\(label): launches per batch", String(format: "%.1f", launches))
    }
}
