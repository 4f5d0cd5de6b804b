import Foundation
import GraphIR
import Interpreter
import ModelIO
import Passes

/// One version of one model, loaded and ready: its tensors, its backend and its queue.
public final class ServedModel: Sendable {
    public let name: String
    public let version: Int
    public let config: ModelConfig
    public let file: String
    public let inputs: [TensorMetadata]
    public let outputs: [TensorMetadata]
    /// "trigc_fixed", "trigc_float", "trigc_opencl" or "trigc_rtl".
    public var platform: String { "trigc_\(config.backend.rawValue)" }
    let batcher: DynamicBatcher
    /// A folder the server wrote for this model (the rtl backend's design), removed on unload.
    let scratch: URL?

    /// Loads `file` and prepares it for `config`'s backend. `scratchRoot` is a folder of
    /// the server's own for designs.
    init(name: String, version: Int, file: String, config: ModelConfig, keras: KerasImportOptions,
         scratchRoot: URL) throws(RepositoryError) {
        self.name = name
        self.version = version
        self.config = config
        self.file = file
        let loaded: Graph
        do {
            loaded = try ModelFile.load(file, keras: keras)
        } catch {
            let text = "\(error)"
            throw RepositoryError(text.contains(file) ? text : "model '\(name)' version \(version) (\(file)): \(text)")
        }
        let graph: Graph
        do {
            graph = try Self.prepare(loaded, config: config, file: file)
        } catch let error as RepositoryError {
            throw error
        } catch {
            throw RepositoryError("\(file): cannot be prepared for backend \(config.backend.rawValue): \(error)")
        }
        var inputs: [TensorMetadata] = []
        var inputShapes: [String: [Int]] = [:]
        for name in graph.inputs {
            guard let node = graph[name], case let .input(shape) = node.op else {
                throw RepositoryError("\(file): input '\(name)' is not an input node.")
            }
            inputs.append(TensorMetadata(name: name, datatype: .fp32, shape: [-1] + shape))
            inputShapes[name] = shape
        }
        var outputs: [TensorMetadata] = []
        var nodes: [(node: String, name: String)] = []
        for (name, node) in zip(loaded.outputs, graph.outputs) {
            guard let shape = graph[node]?.shape else {
                throw RepositoryError("\(file): output '\(name)' has no inferred shape.")
            }
            nodes.append((node, name))
            outputs.append(TensorMetadata(name: name, datatype: .fp32, shape: [-1] + shape))
            if graph.isFixedPoint {
                outputs.append(TensorMetadata(name: name + ModelOutputs.rawSuffix, datatype: .int64, shape: [-1] + shape))
            }
        }
        var scratch: URL?
        let backend: any ModelBackend
        do {
            switch config.backend {
            case .fixed, .float:
                backend = InterpreterBackend(interpreter: try Interpreter(graph: graph), outputs: nodes)
            case .opencl:
                guard nodes.count == 1 else {
                    throw RepositoryError("\(file): backend opencl serves models with one output; this one has \(nodes.count).")
                }
                backend = try OpenCLServingBackend(graph: graph, device: config.device, output: nodes[0].name)
            case .rtl:
                guard nodes.count == 1 else {
                    throw RepositoryError("\(file): backend rtl serves models with one output; this one has \(nodes.count).")
                }
                let folder = scratchRoot.appendingPathComponent("\(name)-\(version)-design")
                scratch = folder
                backend = try RTLServingBackend(graph: graph, simulator: config.simulator, directory: folder, output: nodes[0].name)
            }
        } catch let error as RepositoryError {
            throw error
        } catch {
            if let scratch { try? FileManager.default.removeItem(at: scratch) }
            throw RepositoryError("\(file): backend \(config.backend.rawValue) cannot serve it: \(error)")
        }
        self.scratch = scratch
        self.inputs = inputs
        self.outputs = outputs
        batcher = DynamicBatcher(
            backend: backend, inputShapes: inputShapes,
            outputWidths: Dictionary(uniqueKeysWithValues: outputs.map { ($0.name, $0.shape.dropFirst().reduce(1, *)) }),
            maxBatchSize: config.maxBatchSize, maxQueueDelayMicroseconds: config.maxQueueDelayMicroseconds,
            inlineEvents: backend.inlineEvents, label: "\(name)-\(version)")
    }

    /// The graph as `trigc run` prepares it: quantized with `config.fixed` when given,
    /// otherwise as the file holds it (float, or already quantized).
    static func prepare(_ graph: Graph, config: ModelConfig, file: String) throws -> Graph {
        var options: PrecisionOptions?
        switch config.backend {
        case .float, .opencl:
            if graph.isFixedPoint {
                throw RepositoryError("\(file): is quantized; backend \(config.backend.rawValue) needs a float model (serve it with backend fixed).")
            }
        case .fixed, .rtl:
            if let format = config.fixed {
                if graph.isFixedPoint {
                    throw RepositoryError("\(file): is already quantized; drop 'fixed' from config.json to serve its own formats.")
                }
                var precision = PrecisionOptions(defaultFormat: format)
                precision.exactAccumulators = config.exactAccumulators
                precision.tables.size = config.tableSize
                options = precision
            } else if !graph.isFixedPoint {
                throw RepositoryError("\(file): is a float model; backend \(config.backend.rawValue) needs 'fixed' (e.g. \"ap_fixed<16,6>\") in config.json or a quantized model.")
            }
        }
        return try PassPipeline(Pipelines.forRunning(options)).run(graph)
    }

    /// Checks `request` against the model and runs it through the batcher.
    func infer(_ request: InferenceRequest) async throws(ServingError) -> (InferenceResponse, BatchTiming) {
        let (batches, count) = try check(request)
        let (values, timing) = try await batcher.submit(batches, count: count)
        var tensors: [OutputTensor] = []
        let wanted = request.requestedOutputs.map(Set.init)
        for output in outputs where wanted?.contains(output.name) ?? true {
            guard let data = values[output.name] else { continue }
            tensors.append(OutputTensor(name: output.name, shape: [count] + output.shape.dropFirst(), values: data))
        }
        return (InferenceResponse(model: name, version: "\(version)", id: request.id, outputs: tensors), timing)
    }

    /// The request's inputs as batches, and its event count; every problem as one sentence.
    func check(_ request: InferenceRequest) throws(ServingError) -> ([String: Batch], Int) {
        var batches: [String: Batch] = [:]
        var count: Int?
        for tensor in request.inputs {
            guard let input = inputs.first(where: { $0.name == tensor.name }) else {
                throw .bad("model '\(name)' has no input '\(tensor.name)' (its inputs: \(inputs.map(\.name).joined(separator: ", "))).")
            }
            if batches[tensor.name] != nil { throw .bad("input '\(tensor.name)' is given twice.") }
            guard TensorDataType.inputTypes.contains(tensor.datatype) else {
                throw .bad("input '\(tensor.name)' must be FP32 (or FP64), not \(tensor.datatype.rawValue).")
            }
            let perEvent = Array(input.shape.dropFirst())
            guard tensor.shape.count == input.shape.count, Array(tensor.shape.dropFirst()) == perEvent, let events = tensor.shape.first,
                  events >= 1
            else {
                throw .bad("input '\(tensor.name)' has shape \(tensor.shape); model '\(name)' takes [\((["N"] + perEvent.map(String.init)).joined(separator: ", "))] with N ≥ 1.")
            }
            if let count, count != events {
                throw .bad("input '\(tensor.name)' has \(events) events but another input has \(count).")
            }
            guard events <= config.maxBatchSize else {
                throw .bad("the request holds \(events) events; model '\(name)' takes at most \(config.maxBatchSize) (max_batch_size).")
            }
            guard tensor.values.count == events * perEvent.reduce(1, *) else {
                throw .bad("input '\(tensor.name)' holds \(tensor.values.count) values; its shape \(tensor.shape) needs \(events * perEvent.reduce(1, *)).")
            }
            count = events
            batches[tensor.name] = Batch(count: events, shape: perEvent, values: tensor.values)
        }
        for input in inputs where batches[input.name] == nil {
            throw .bad("the request lacks input '\(input.name)' of model '\(name)'.")
        }
        for output in request.requestedOutputs ?? [] where !outputs.contains(where: { $0.name == output }) {
            throw .bad("model '\(name)' has no output '\(output)' (its outputs: \(outputs.map(\.name).joined(separator: ", "))).")
        }
        guard let count else { throw .bad("the request has no inputs.") }
        return (batches, count)
    }

    /// Answers what is queued, refuses more, and removes the server's own files.
    func unload() {
        batcher.stop()
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }
}
