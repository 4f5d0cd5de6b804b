import Foundation
import Training

/// Training section: samples/s at batch 128 on the CPU device for the HLF DNN, the particle
/// GRU and the inclusive model (20 particles per event), and the same models trained by
/// PyTorch (Tools/torch_reference/reference.py) in the same run when
/// `--torch-python=PATH` names a Python with torch and h5py (`make bench` passes it).
func trainingBench(arguments: Set<String>) throws {
    section("Training on the CPU device, batch 128 (20 particles per event)")
    let events = 20_000
    let data = EventGenerator(maxParticles: 20).generate(events: events, seed: 5)
    let prepared = try DataPreparation.prepare(data, options: PreparationOptions(seed: 1))
    var trigcRates: [String: Double] = [:]
    let models: [(String, () -> Model)] = [
        ("hlf", { Model.hlfDNN(seed: 1) }),
        ("gru", { Model.particleGRU(timeSteps: 20, seed: 1) }),
        ("inclusive", { Model.inclusive(timeSteps: 20, seed: 1) }),
    ]
    for (name, make) in models {
        let model = make()
        let train = prepared.arrays(prepared.train, inputs: Set(model.inputs.map(\.name)))
        // Two epochs; the second (warm) one is measured.
        let trainer = Trainer(model: model, options: TrainingOptions(epochs: 2, batchSize: 128, seed: 1))
        let rate = try trainer.fit(train).last?.samplesPerSecond ?? 0
        trigcRates[name] = rate
        row("trigc \(name)", "\(Int(rate)) samples/s")
    }

    guard let python = arguments.first(where: { $0.hasPrefix("--torch-python=") })?.dropFirst(15),
          !python.isEmpty
    else {
        row("PyTorch reference", "skipped (make bench TORCH_PYTHON=/path/to/python with torch and h5py)")
        return
    }
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("trigc-bench-\(getpid()).h5").path
    defer { try? FileManager.default.removeItem(atPath: file) }
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Tools/torch_reference/reference.py").standardized.path
    guard (try? runProcess(binary.appendingPathComponent("trigc").path,
                           ["datagen", "--events", "\(events)", "--seed", "5", "--max-particles", "20", "-o", file])) != nil,
          let output = try? runProcess(String(python), [script, file, "--model", "hlf", "--model", "gru",
                                                         "--model", "inclusive", "--bench-epochs", "2"])
    else {
        row("PyTorch reference", "skipped (\(python) could not run \(script))")
        return
    }
    for line in output.split(separator: "\n") where line.hasPrefix("REFERENCE ") {
        guard let json = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(10).utf8)) as? [String: Any],
              let model = json["model"] as? String, let rate = json["samples_per_s"] as? Double
        else { continue }
        row("PyTorch CPU \(model)", "\(Int(rate)) samples/s")
        if let ours = trigcRates[model] { ratio("trigc / PyTorch \(model) (target >= 1)", ours / max(rate, 1)) }
    }
}

/// Runs a program and returns its standard output; throws when it fails.
func runProcess(_ path: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
    return String(decoding: data, as: UTF8.self)
}
