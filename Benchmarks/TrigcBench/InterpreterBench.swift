import FixedPoint
import Foundation
import GraphIR
import Interpreter
import Passes

/// Runs `interpreter` on `batch` repeatedly for about `budget` seconds; returns events/s.
func eventsPerSecond(_ interpreter: Interpreter, _ batch: Batch, name: String, budget: Double = 1) throws -> Double {
    try rates(interpreter, batch, name: name, budget: budget).wall
}

/// Events per wall-clock second, and per second of this process's CPU time (all threads):
/// the second moves less when other jobs share the machine.
func rates(
    _ interpreter: Interpreter, _ batch: Batch, name: String, budget: Double
) throws -> (wall: Double, cpu: Double) {
    _ = try interpreter.run([name: batch])
    var runs = 0
    var elapsed = 0.0
    let cpuStart = clock()
    while elapsed < budget {
        elapsed += try seconds { _ = try interpreter.run([name: batch]) }
        runs += 1
    }
    let cpu = Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC)
    return (Double(runs * batch.count) / elapsed, Double(runs * batch.count) / max(cpu, 1e-9))
}

/// Interpreter events/s for the HLF DNN in float and fixed ap_fixed<16,6>, at batch 1 and
/// 10,000, against the targets: fixed ≥ 2,000,000 events/s at batch 10,000 and float ≥ fixed.
func interpreterBench(gru: Bool, arguments: Set<String>) throws {
    section("Interpreter: HLF DNN 14-50-20-10-3")
    let model = Graph.hlfDNN(seed: 1)
    let float = try PassPipeline(Pipelines.float).run(model)
    let fixed = try PassPipeline(Pipelines.quantize()).run(model)
    var rng = SplitMix64(seed: 7)
    let features = 14
    var rates: [String: Double] = [:]
    for count in [1, 10_000] {
        let values = (0..<(count * features)).map { _ in rng.nextFloat(limit: 3) }
        let batch = Batch(count: count, shape: [features], values: values)
        for (label, graph) in [("float", float), ("fixed ap_fixed<16,6>", fixed)] {
            let rate = try eventsPerSecond(try Interpreter(graph: graph), batch, name: "hlf_input")
            rates["\(label) \(count)"] = rate
            row("\(label), batch \(count)", "\(Int(rate)) events/s")
        }
    }
    let fixedBig = rates["fixed ap_fixed<16,6> 10000"] ?? 0
    let floatBig = rates["float 10000"] ?? 0
    ratio("fixed at batch 10,000 / target 2,000,000 events/s", fixedBig / 2e6)
    ratio("float / fixed at batch 10,000 (target >= 1)", floatBig / max(fixedBig, 1))

    if gru { try gruBench(arguments: arguments) }
}

/// `trigc-bench --gru`: the particle GRU (801 unmasked steps × 19 features, 50 units), as the
/// CERN inclusive model's branch. The per-event fixed-point path (fast paths off) is the
/// in-run reference of the block path; PyTorch's CPU GRU (Tools/torch_reference/
/// gru_inference.py, 2 threads) that of the float path, when `--torch-python=PATH` or the
/// repository's `.venv/bin/python` has torch.
func gruBench(arguments: Set<String>) throws {
    var rng = SplitMix64(seed: 7)
    section("Interpreter: particle GRU, 801 steps x 19 features, 50 units, batch 512 (two blocks: both cores)")
    let model2 = Graph.particleGRU(seed: 1)
    let sequences = Batch(count: 512, shape: [801, 19], values: (0..<(512 * 801 * 19)).map { _ in rng.nextFloat(limit: 1) })
    let trn = try PassPipeline(Pipelines.quantize()).run(model2)
    var rndOptions = PrecisionOptions(defaultFormat: try FixedFormat(parsing: "ap_fixed<16,6,AP_RND,AP_SAT>"))
    rndOptions.tables = PrecisionOptions().tables
    let rnd = try PassPipeline(Pipelines.quantize(rndOptions)).run(model2)
    var gruRates: [String: Double] = [:]
    for (label, graph, options) in [
        ("float", try PassPipeline(Pipelines.float).run(model2), InterpreterOptions()),
        ("fixed ap_fixed<16,6>", trn, InterpreterOptions()),
        ("fixed ap_fixed<16,6,AP_RND,AP_SAT>", rnd, InterpreterOptions()),
        ("fixed ap_fixed<16,6>, per-event path", trn, InterpreterOptions(fastPaths: false)),
    ] {
        let (rate, cpu) = try rates(try Interpreter(graph: graph, options: options), sequences, name: "gru_input", budget: 3)
        gruRates[label] = rate
        row(label, String(format: "%.1f events/s (%.1f per CPU-second)", rate, cpu))
    }
    let torch = torchGRURate(arguments: arguments)
    if let torch { row("PyTorch CPU GRU, 2 threads (same shape)", "\(String(format: "%.1f", torch)) events/s") }
    let block = gruRates["fixed ap_fixed<16,6>"] ?? 0
    let float = gruRates["float"] ?? 0
    ratio("fixed block / per-event path", block / max(gruRates["fixed ap_fixed<16,6>, per-event path"] ?? 0, 1e-9))
    ratio("fixed ap_fixed<16,6> / target 2,000 events/s", block / 2000)
    ratio("RND,SAT / TRN (target >= 0.67)", (gruRates["fixed ap_fixed<16,6,AP_RND,AP_SAT>"] ?? 0) / max(block, 1e-9))
    if let torch {
        ratio("float / PyTorch (this run)", float / max(torch, 1e-9))
    } else {
        row("float / PyTorch", "skipped (no Python with torch: --torch-python=PATH or .venv)")
    }
    ratio("float / Keras-JAX 1,886 events/s (issue 10's figure)", float / 1886)
}

/// PyTorch's events/s on the bench's GRU shape, or nil when no Python with torch can run
/// Tools/torch_reference/gru_inference.py.
func torchGRURate(arguments: Set<String>) -> Double? {
    let tools = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../")
    let venv = tools.appendingPathComponent(".venv/bin/python").standardized.path
    let given = arguments.first(where: { $0.hasPrefix("--torch-python=") }).map { String($0.dropFirst(15)) }
    guard let python = given ?? (FileManager.default.isExecutableFile(atPath: venv) ? venv : nil), !python.isEmpty
    else { return nil }
    let script = tools.appendingPathComponent("Tools/torch_reference/gru_inference.py").standardized.path
    guard let output = try? runProcess(python, [script, "--threads", "2"]) else { return nil }
    for line in output.split(separator: "\n") where line.hasPrefix("REFERENCE ") {
        if let json = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(10).utf8)) as? [String: Any],
           let rate = json["events_per_s"] as? Double { return rate }
    }
    return nil
}
