import Foundation

/// Training at the study's scale, through the `trigc` binary: the inclusive model at 801
/// particles per event with masking (trigc against PyTorch's packed GRU on the same file,
/// when a torch Python is given), and data-parallel step time over MPI at N = 1 and 2
/// ranks (when `mpirun` is on PATH). Rates are those of the last of two epochs.
func scaleBench(arguments: Set<String>) throws {
    section("Training at 801 particles (inclusive, masking), and MPI ranks")
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("trigc").path
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trigc-bench-scale-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let long = folder.appendingPathComponent("events-801.h5").path
    _ = try runProcess(binary, ["datagen", "--events", "2000", "--seed", "5", "--max-particles", "801", "-o", long])
    let common = ["--model", "inclusive", "--epochs", "2", "--batch", "128", "--seed", "1"]
    let run801 = folder.appendingPathComponent("run-801")
    _ = try runProcess(binary, ["train", "--data", long, "--out", run801.path] + common)
    let trigcRate = lastEpochRate(run801)
    row("trigc inclusive, 801 steps (masked)", trigcRate.map { "\(Int($0)) samples/s" } ?? "no rate printed")
    if let python = arguments.first(where: { $0.hasPrefix("--torch-python=") })?.dropFirst(15), !python.isEmpty {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Tools/torch_reference/reference.py").standardized.path
        let output = (try? runProcess(String(python), [script, long, "--model", "inclusive", "--bench-epochs", "2"])) ?? ""
        let rate = output.split(separator: "\n").compactMap { line -> Double? in
            guard line.hasPrefix("REFERENCE "),
                  let json = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(10).utf8)) as? [String: Any]
            else { return nil }
            return json["samples_per_s"] as? Double
        }.first
        row("PyTorch CPU inclusive, 801 steps (packed)", rate.map { "\(Int($0)) samples/s" } ?? "failed")
        if let rate, let trigcRate { ratio("trigc / PyTorch inclusive at 801 steps (target >= 1)", trigcRate / max(rate, 1)) }
    } else {
        row("PyTorch reference", "skipped (make bench TORCH_PYTHON=/path/to/python with torch and h5py)")
    }

    guard let mpirun = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
        row("MPI step time", "skipped (no mpirun: make deps installs openmpi-bin)")
        return
    }
    let short = folder.appendingPathComponent("events-20.h5").path
    _ = try runProcess(binary, ["datagen", "--events", "20000", "--seed", "5", "--max-particles", "20", "-o", short])
    var rates: [Int: Double] = [:]
    for ranks in [1, 2] {
        setenv("OMPI_MCA_btl", "self,vader", 1)
        let run = folder.appendingPathComponent("mpi-\(ranks)")
        _ = try runProcess(mpirun, ["--allow-run-as-root", "--oversubscribe", "-np", "\(ranks)", binary, "train",
                                    "--data", short, "--out", run.path, "--distributed"] + common)
        guard let rate = lastEpochRate(run) else { continue }
        rates[ranks] = rate
        row("MPI inclusive (20 steps), N = \(ranks)", String(format: "%d samples/s, step %.1f ms (batch 128)", Int(rate), 128_000 / rate))
    }
    if let one = rates[1], let two = rates[2] { ratio("MPI speed-up N = 2 / N = 1 (2 cores: at most 2)", two / one) }
}

/// The last epoch's samples/s of a finished run (its `metrics.json`).
func lastEpochRate(_ run: URL) -> Double? {
    guard let data = FileManager.default.contents(atPath: run.appendingPathComponent("metrics.json").path),
          let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          let epochs = json["epochs"] as? [[String: Any]]
    else { return nil }
    return epochs.last?["samplesPerSecond"] as? Double
}
