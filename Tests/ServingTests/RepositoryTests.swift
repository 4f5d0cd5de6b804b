import FixedPoint
import Foundation
import GraphIR
import Interpreter
import Passes
import Testing
@testable import Serving

/// Models loaded from a repository, requests checked against them, and dynamic batching
/// that answers each request exactly as running it alone does.
@Suite struct RepositoryTests {
    static let inclusive = Graph.inclusive(timeSteps: 8, features: 5, units: 6, resetAfter: true, seed: 2)

    func failure(_ body: () throws -> Void) -> ServingError? {
        do {
            try body()
            return nil
        } catch let error as ServingError {
            return error
        } catch {
            return ServingError(.internalError, "\(error)")
        }
    }

    func request(_ model: ServedModel, events: Int, seed: UInt64, version: String? = nil) -> InferenceRequest {
        let inputs = model.inputs.map { input in
            let perEvent = input.shape.dropFirst().reduce(1, *)
            return InputTensor(name: input.name, datatype: .fp32, shape: [events] + input.shape.dropFirst(),
                               values: TestRepository.values(events * perEvent, seed: seed &+ UInt64(perEvent)))
        }
        return InferenceRequest(model: model.name, version: version, inputs: inputs)
    }

    /// Many concurrent requests of different sizes, batched together, each equal (bit for bit,
    /// every output) to the interpreter run on that request alone, for fixed and float; with
    /// a queue delay, and without one (small requests to an idle model then run inline).
    @Test(arguments: ["fixed", "float"], [2000, 0])
    func batchedAnswersEqualRunningAlone(backend: String, delay: Int) async throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        let fixed = backend == "fixed" ? #", "fixed": "ap_fixed<16,6>""# : ""
        let batching = delay > 0 ? #", "dynamic_batching": {"max_queue_delay_microseconds": \#(delay)}"# : ""
        try repository.add("inc", config: #"{"backend": "\#(backend)"\#(fixed), "max_batch_size": 40\#(batching)}"#,
                           versions: [1: Self.inclusive])
        let served = try ModelRepository(root: repository.root.path)
        try served.loadAll()
        defer { served.shutdown() }
        let model = try served.model("inc")
        let graph = try ServedModel.prepare(Self.inclusive, config: model.config, file: "inc")
        let interpreter = try Interpreter(graph: graph)
        let sizes = [1, 3, 7, 1, 12, 40, 2, 5, 1, 9, 17, 4, 1, 30, 6, 1]
        let results = try await withThrowingTaskGroup(of: (Int, InferenceResponse, BatchTiming).self) { group in
            for (k, size) in sizes.enumerated() {
                group.addTask {
                    let (response, timing) = try await served.infer(request(model, events: size, seed: UInt64(k)))
                    return (k, response, timing)
                }
            }
            var all: [(Int, InferenceResponse, BatchTiming)] = []
            for try await result in group { all.append(result) }
            return all
        }
        if delay > 0 { #expect(results.contains { $0.2.batchRequests > 1 }, "no two requests were batched together") }
        #expect(results.allSatisfy { $0.2.batchEvents <= 40 })
        for (k, response, _) in results {
            let alone = request(model, events: sizes[k], seed: UInt64(k))
            let expected = try interpreter.run(Dictionary(uniqueKeysWithValues: alone.inputs.map {
                ($0.name, Batch(count: sizes[k], shape: Array($0.shape.dropFirst()), values: $0.values))
            }))
            let output = try #require(expected[graph.outputs[0]])
            let name = Self.inclusive.outputs[0]
            #expect(response.outputs.first { $0.name == name }?.values == .fp32(output.batch.values), "request \(k)")
            if let raw = output.fixed?.raw {
                #expect(response.outputs.first { $0.name == name + "_raw" }?.values == .int64(raw), "request \(k)")
                #expect(response.outputs.first { $0.name == name + "_raw" }?.shape == [sizes[k], 3])
            }
        }
    }

    @Test func requestsCheckedAgainstTheModel() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        try repository.add("hlf", config: #"{"backend": "float", "max_batch_size": 8}"#, versions: [1: .hlfDNN(seed: 1), 3: .hlfDNN(seed: 2)])
        let served = try ModelRepository(root: repository.root.path)
        try served.loadAll()
        defer { served.shutdown() }
        let model = try served.model("hlf")
        #expect(model.version == 3)
        #expect(try served.model("hlf", version: "1").version == 1)
        #expect(served.versions(of: "hlf") == [1, 3])
        #expect(failure { _ = try served.model("hlf", version: "2") }?.kind == .notFound)
        #expect(failure { _ = try served.model("nope") }?.kind == .notFound)

        var bad = request(model, events: 2, seed: 1)
        bad.inputs[0].name = "x"
        #expect(failure { _ = try model.check(bad) }?.message == "model 'hlf' has no input 'x' (its inputs: hlf_input).")
        bad = request(model, events: 2, seed: 1)
        bad.inputs[0].shape = [2, 7, 2]
        #expect(failure { _ = try model.check(bad) }?.message.contains("has shape [2, 7, 2]; model 'hlf' takes") == true)
        bad = request(model, events: 9, seed: 1)
        #expect(failure { _ = try model.check(bad) }?.message.contains("at most 8 (max_batch_size)") == true)
        bad = request(model, events: 2, seed: 1)
        bad.inputs.append(bad.inputs[0])
        #expect(failure { _ = try model.check(bad) }?.message == "input 'hlf_input' is given twice.")
        bad = request(model, events: 2, seed: 1)
        bad.inputs = []
        #expect(failure { _ = try model.check(bad) }?.message == "the request lacks input 'hlf_input' of model 'hlf'.")
        bad = request(model, events: 2, seed: 1)
        bad.requestedOutputs = ["nope"]
        #expect(failure { _ = try model.check(bad) }?.message.contains("has no output 'nope'") == true)
    }

    @Test func loadUnloadAndIndex() async throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        try repository.add("a", config: #"{"backend": "float"}"#, versions: [1: .hlfDNN(seed: 1)])
        try repository.add("b", config: #"{"backend": "fixed", "fixed": "ap_fixed<16,6>"}"#, versions: [2: .hlfDNN(seed: 1)])
        let served = try ModelRepository(root: repository.root.path)
        try served.loadAll()
        defer { served.shutdown() }
        #expect(served.index().map { "\($0.name)/\($0.version)/\($0.state)" } == ["a/1/READY", "b/2/READY"])
        try served.unload("a")
        #expect(served.index().map(\.state) == ["UNAVAILABLE", "READY"])
        #expect(served.index(readyOnly: true).map(\.name) == ["b"])
        #expect(failure { try served.unload("a") }?.kind == .notFound)
        #expect(failure { _ = try served.model("a") }?.kind == .notFound)
        try served.load("a")
        #expect(try served.model("a").version == 1)
        #expect(failure { try served.load("zzz") }?.kind == .notFound)
        #expect(failure { try served.load("../a") }?.kind == .badRequest)
        // A reload that fails leaves the reason in the index.
        try Data(#"{"backend": "fixed"}"#.utf8).write(to: repository.root.appendingPathComponent("a/config.json"))
        let reason = failure { try served.load("a") }?.message ?? ""
        #expect(reason.contains("is a float model; backend fixed needs 'fixed'"), "\(reason)")
        let first = try #require(served.index().first)
        #expect(first.state == "READY" && first.reason.hasPrefix("the last load failed") && first.reason.hasSuffix(reason))
        #expect(try served.model("a").version == 1)
    }

    @Test func badRepositoriesNameTheFile() throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        #expect(throws: RepositoryError.self) { try ModelRepository(root: repository.root.appendingPathComponent("missing").path) }
        let empty = try ModelRepository(root: repository.root.path)
        #expect(throws: RepositoryError("\(repository.root.path): holds no model (expected <model>/config.json and <model>/<version>/model.ir).")) {
            try empty.loadAll()
        }
        try FileManager.default.createDirectory(at: repository.root.appendingPathComponent("m"), withIntermediateDirectories: true)
        try Data(#"{"backend": "float"}"#.utf8).write(to: repository.root.appendingPathComponent("m/config.json"))
        #expect(throws: RepositoryError("\(repository.root.path)/m: has no version folder (1/model.ir, 2/model.ir, …).")) {
            try ModelRepository(root: repository.root.path).loadAll()
        }
        try FileManager.default.createDirectory(at: repository.root.appendingPathComponent("m/1"), withIntermediateDirectories: true)
        #expect(throws: RepositoryError("\(repository.root.path)/m/1: holds none of model.ir, model.h5, model.keras.")) {
            try ModelRepository(root: repository.root.path).loadAll()
        }
        let quantized = try PassPipeline(Pipelines.quantize(PrecisionOptions(defaultFormat: try FixedFormat(parsing: "ap_fixed<16,6>"))))
            .run(.hlfDNN(seed: 1))
        try repository.add("q", config: #"{"backend": "float"}"#, versions: [1: quantized])
        try FileManager.default.removeItem(at: repository.root.appendingPathComponent("m"))
        var message = ""
        do {
            try ModelRepository(root: repository.root.path).loadAll()
        } catch {
            message = "\(error)"
        }
        #expect(message.hasSuffix("q/1/model.ir: is quantized; backend float needs a float model (serve it with backend fixed)."), "\(message)")
    }

    /// Stopping a batcher answers what was queued, then refuses.
    @Test func unloadAnswersQueuedRequests() async throws {
        let repository = try TestRepository()
        defer { repository.remove() }
        try repository.add("hlf", config: #"{"backend": "fixed", "fixed": "ap_fixed<16,6>", "dynamic_batching": {"max_queue_delay_microseconds": 200000}}"#,
                           versions: [1: .hlfDNN(seed: 1)])
        let served = try ModelRepository(root: repository.root.path)
        try served.loadAll()
        let model = try served.model("hlf")
        async let first = served.infer(request(model, events: 3, seed: 1))
        async let second = served.infer(request(model, events: 2, seed: 2))
        try await Task.sleep(for: .milliseconds(50))
        served.shutdown()
        let answers = try await [first.0, second.0]
        #expect(answers.map { $0.outputs[0].shape[0] } == [3, 2])
        #expect(failure { _ = try model.check(request(model, events: 1, seed: 3)) } == nil)
        await #expect(throws: ServingError.self) { _ = try await served.infer(request(model, events: 1, seed: 3)) }
    }
}
