import FixedPoint
import Foundation
import GraphIR
import Interpreter
import OpenCLBackend
import Passes
import Training
import VerilogBackend

/// What computes a model's outputs for a batch of events. Called from one batching thread
/// at a time (``DynamicBatcher``), so an implementation need not lock.
public protocol ModelBackend: Sendable {
    /// Runs `count` events (inputs by graph input name) and returns every output tensor's
    /// values by tensor name, `count` events each, in the order of the model's outputs.
    func run(_ inputs: [String: Batch], count: Int) throws -> [String: TensorValues]

    /// The most events of a request cheap enough to run on the caller's thread when the
    /// model is idle (``DynamicBatcher``); 0 for never.
    var inlineEvents: Int { get }
}

extension ModelBackend {
    public var inlineEvents: Int { 0 }
}

/// The float or bit-exact fixed-point interpreter: what `trigc run` computes, event for
/// event, however events are batched.
struct InterpreterBackend: ModelBackend {
    let interpreter: Interpreter
    /// (graph output node, tensor name) in the model's output order.
    let outputs: [(node: String, name: String)]

    /// Requests of up to about 200,000 multiply-accumulates (a tenth of a millisecond or
    /// so) run inline: the HLF DNN up to 100 events, a GRU over hundreds of steps never.
    var inlineEvents: Int { 200_000 / max(1, Self.multiplyAccumulates(interpreter.graph)) }

    /// The products one event costs: dense and GRU layers (the rest is small beside them).
    static func multiplyAccumulates(_ graph: Graph) -> Int {
        var total = 0
        for node in graph.nodes {
            switch node.op {
            case let .dense(weights, _, _):
                let rows = (node.shape?.reduce(1, *) ?? weights.shape[1]) / max(1, weights.shape[1])
                total += weights.elementCount * rows
            case let .gru(gru):
                let steps = graph[node.inputs.first ?? ""]?.shape?.first ?? 1
                total += steps * (gru.kernel.elementCount + gru.recurrentKernel.elementCount)
            default:
                continue
            }
        }
        return total
    }

    func run(_ inputs: [String: Batch], count: Int) throws -> [String: TensorValues] {
        let results = try interpreter.run(inputs)
        var tensors: [String: TensorValues] = [:]
        for (node, name) in outputs {
            guard let result = results[node] else {
                throw ServingError(.internalError, "the interpreter returned no value for output '\(name)'.")
            }
            tensors[name] = .fp32(result.batch.values)
            if let fixed = result.fixed { tensors[name + ModelOutputs.rawSuffix] = .int64(fixed.raw) }
        }
        return tensors
    }
}

/// Float on an OpenCL device, through the training front end's inference path (as
/// `trigc run --device opencl`). One output.
final class OpenCLServingBackend: ModelBackend, @unchecked Sendable {
    // Used from the model's batching thread only.
    private let network: Model
    private let device: any Device
    private let name: String

    init(graph: Graph, device selection: String, output name: String) throws {
        let parsed = try DeviceSelection(parsing: selection)
        device = try parsed.makeDevice()
        network = try Model(graph: graph, device: device)
        self.name = name
    }

    func run(_ inputs: [String: Batch], count: Int) throws -> [String: TensorValues] {
        let values = try network.predict(inputs.mapValues(\.values), count: count, batchSize: max(count, 1))
        try device.checkHealth()
        return [name: .fp32(values)]
    }
}

/// The compiled design run under a Verilog simulator: hardware in the loop. The design is
/// written to a folder of the server's own and built once, when the model loads.
final class RTLServingBackend: ModelBackend, @unchecked Sendable {
    private let graph: Graph
    private let simulator: any RTLSimulator
    private let outputName: String
    private let format: FixedFormat
    let directory: URL

    init(graph: Graph, simulator kind: String, directory: URL, output name: String) throws {
        guard let node = graph.outputs.first.flatMap({ graph[$0] }), let format = node.precision?.result else {
            throw RepositoryError("the quantized graph has no fixed-point output.")
        }
        let design = try VerilogLowering.lower(graph, options: VerilogOptions())
        let files = try VerilogPrinter().print(design.hardware)
        try DesignDirectory.write(design, files: files, graph: graph, to: directory, overwrite: false)
        simulator = kind == "icarus" ? try IcarusSimulator(directory: directory) : try VerilatorSimulator(directory: directory)
        try simulator.build()
        self.graph = graph
        self.directory = directory
        self.outputName = name
        self.format = format
    }

    func run(_ inputs: [String: Batch], count: Int) throws -> [String: TensorValues] {
        let stream = try EventStream(report: simulator.report, raw: EventStream.rawCodes(graph: graph, inputs: inputs.mapValues(\.values)),
                                     events: count)
        let raw = try simulator.run(stream, gaps: false, seed: 1).outputs
        return [outputName: .fp32(raw.map { Float(format.value(raw: $0)) }), outputName + ModelOutputs.rawSuffix: .int64(raw)]
    }
}

/// Naming of output tensors.
public enum ModelOutputs {
    /// A fixed-point output's raw codes are the tensor `<output>_raw` (INT64), as in `trigc run`'s files.
    public static let rawSuffix = "_raw"
}
