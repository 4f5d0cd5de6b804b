import GraphIR
import Interpreter
import Passes

/// `--profile` done so that it never makes a model worse than the same formats without it:
/// the profiled quantization (integer bits from the measured ranges, GRU internals
/// included) and the plain one are both run on the profile's events, and the one that
/// decides like float more often is kept (the profiled one on a tie).
public enum ProfileChoice {
    /// The two candidates' agreement with float on the profile events, and which was kept.
    public struct Outcome: Sendable {
        public var graph: Graph
        public var profiledAgreement: Double
        public var plainAgreement: Double
        public var keptProfile: Bool
    }

    /// Quantizes `graph` with `options` (whose ``PrecisionOptions/profile`` is set) and
    /// without the profile, and keeps the better on `data`.
    public static func choose(
        _ graph: Graph, options: PrecisionOptions, decisionOnly: Bool, data: CalibrationData
    ) throws -> Outcome {
        var plainOptions = options
        plainOptions.profile = nil
        let profiled = try PassPipeline(Pipelines.quantize(options, decisionOnly: decisionOnly)).run(graph)
        let plain = try PassPipeline(Pipelines.quantize(plainOptions, decisionOnly: decisionOnly)).run(graph)
        var settings = CalibrationSettings()
        settings.decisionOnly = decisionOnly
        try CalibrationError.check(settings: settings, data: data, graph: graph)
        let reference = try FloatReference(graph: graph, data: data)
        func agreement(_ g: Graph) throws -> Double {
            guard let output = g.outputs.first, let values = try Interpreter(graph: g).run(data.inputs)[output] else {
                throw CalibrationError.noOutput(graph: g.name)
            }
            return reference.score(values.batch.values).agreement
        }
        let a = try agreement(profiled)
        let b = try agreement(plain)
        return Outcome(graph: a >= b ? profiled : plain, profiledAgreement: a, plainAgreement: b, keptProfile: a >= b)
    }
}
