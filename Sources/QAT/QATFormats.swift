import FixedPoint
import GraphIR
import Passes

/// The fixed-point formats quantization-aware training trains against: precision options
/// (one format, per-layer overrides, table sizes — what `trigc run --fixed` takes), or the
/// formats of a quantized graph (a `trigc quantize` result) with the same node names.
public enum QATFormats: Sendable {
    case options(PrecisionOptions)
    case template(Graph)

    /// The model's float graph (as ``Training/Model/export(name:scaling:)`` writes it, no
    /// scalers) made fixed point with these formats, constants as codes: the graph whose
    /// interpretation is the training forward pass, and which the run exports.
    public func quantize(_ graph: Graph) throws(QATError) -> Graph {
        switch self {
        case let .options(options):
            do {
                return try PassPipeline(Pipelines.quantize(options)).run(graph)
            } catch {
                throw .quantization(String(describing: error))
            }
        case let .template(template):
            let prepared: Graph
            do {
                prepared = try PassPipeline(Pipelines.float).run(graph)
            } catch {
                throw .quantization(String(describing: error))
            }
            var result = prepared
            for (i, node) in prepared.nodes.enumerated() {
                guard let precision = template[node.name]?.precision else {
                    throw .formats("the formats graph '\(template.name)' has no format for node '\(node.name)'")
                }
                result.nodes[i].precision = precision
            }
            result.tables = template.tables
            do {
                return try PassPipeline([ConstantQuantization()]).run(result)
            } catch {
                throw .quantization(String(describing: error))
            }
        }
    }
}

/// What stops quantization-aware training before it starts; `description` is one sentence.
public enum QATError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The model has a layer the fixed-point forward pass cannot stand in for.
    case unsupportedLayer(layer: String, reason: String)
    /// The formats cannot quantize the model (a pass refused them).
    case quantization(String)
    /// The interpreter refuses the quantized graph (a product too wide, a gate without
    /// fractional bits, ...).
    case interpreter(String)
    case formats(String)

    public var description: String {
        switch self {
        case let .unsupportedLayer(layer, reason):
            "quantization-aware training cannot train layer '\(layer)': \(reason)."
        case let .quantization(reason):
            "quantization-aware training: the formats do not quantize the model (\(Self.sentence(reason)))."
        case let .interpreter(reason):
            "quantization-aware training: the fixed-point model cannot run (\(Self.sentence(reason)))."
        case let .formats(reason):
            "quantization-aware training: \(reason)."
        }
    }

    /// `text` without its final full stop, to sit inside another sentence.
    static func sentence(_ text: String) -> String {
        text.hasSuffix(".") ? String(text.dropLast()) : text
    }
}
