// trigc-bench: events per second of the interpreter on the HLF DNN (float and fixed
// ap_fixed<16,6>), at batch 1 and batch 10,000. Run with `make bench` (release build).
import Dispatch
import GraphIR
import Interpreter
import Passes

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Runs `interpreter` on `batch` repeatedly for about `budget` seconds; returns events/s.
func eventsPerSecond(_ interpreter: Interpreter, _ batch: Batch, name: String, budget: Double = 1) throws -> Double {
    _ = try interpreter.run([name: batch])
    var runs = 0
    var elapsed = 0.0
    while elapsed < budget {
        elapsed += try seconds { _ = try interpreter.run([name: batch]) }
        runs += 1
    }
    return Double(runs * batch.count) / elapsed
}

func main() throws {
    let model = Graph.hlfDNN(seed: 1)
    let float = try PassPipeline(Pipelines.float).run(model)
    let fixed = try PassPipeline(Pipelines.quantize()).run(model)
    var rng = SplitMix64(seed: 7)
    let features = 14
    for count in [1, 10_000] {
        let values = (0..<(count * features)).map { _ in rng.nextFloat(limit: 3) }
        let batch = Batch(count: count, shape: [features], values: values)
        for (label, graph) in [("float", float), ("fixed ap_fixed<16,6>", fixed)] {
            let interpreter = try Interpreter(graph: graph)
            let rate = try eventsPerSecond(interpreter, batch, name: "hlf_input")
            let padded = label.padding(toLength: 22, withPad: " ", startingAt: 0)
            print("hlf_dnn \(padded) batch \(count):\t\(Int(rate)) events/s")
        }
    }
}

do {
    try main()
} catch {
    print("trigc-bench: \(error)")
}
