import GraphIR
import Interpreter
import Passes

/// Builds a ``RangeProfile`` from float interpreter traces (Passes does not know the
/// interpreter, so the measuring lives here).
public enum RangeTracer {
    /// The graph whose node names precision assignment will see: `graph` after the float
    /// pipeline (which fuses exactly like the quantization pipeline), with softmax-to-argmax
    /// when `argmax` (so a dense that loses its softmax is profiled by its logits).
    public static func floatGraph(_ graph: Graph, argmax: Bool) throws -> Graph {
        try PassPipeline(Pipelines.float + (argmax ? [SoftmaxToArgmax()] : [])).run(graph)
    }

    /// Traces the float graph `graph` on at most `limit` events of `inputs`, `chunk` events
    /// at a time, and records every node's `max |value|`. A dense with a non-linear fused
    /// activation also gets its accumulator (pre-activation) range, recomputed in `Double`
    /// from its input's traced values; a linear dense and a batch normalization get their
    /// result's range as accumulator range; a GRU gets the range of its internals (see
    /// ``GRURanges``): its accumulator, and as result the largest state of any step.
    public static func profile(
        _ graph: Graph, inputs: [String: Batch], limit: Int, chunk: Int = 2048
    ) throws -> RangeProfile {
        let interpreter = try Interpreter(graph: graph)
        let count = min(limit, inputs.values.map(\.count).min() ?? 0)
        var profile = RangeProfile()
        var start = 0
        while start < count {
            let end = min(count, start + chunk)
            let slice = inputs.mapValues { batch in
                let size = batch.shape.reduce(1, *)
                return Batch(count: end - start, shape: batch.shape,
                             values: Array(batch.values[(start * size)..<(end * size)]))
            }
            let trace = try interpreter.trace(slice)
            profile = profile.merging(record(graph, trace: trace, events: end - start))
            start = end
        }
        return profile
    }

    /// One chunk's ranges.
    static func record(_ graph: Graph, trace: [String: InterpreterOutput], events: Int) -> RangeProfile {
        var profile = RangeProfile(events: events)
        for node in graph.nodes {
            guard let value = trace[node.name]?.batch.values else { continue }
            profile.record(result: node.name, values: value)
            switch node.op {
            case let .dense(weights, bias, activation):
                if activation == .linear {
                    profile.record(accumulator: node.name, values: value.lazy.map { Double($0) })
                } else if let input = node.inputs.first.flatMap({ trace[$0]?.batch.values }) {
                    profile.record(accumulator: node.name, values: preActivation(input, weights, bias))
                }
            case .batchNormalization, .affine:
                profile.record(accumulator: node.name, values: value.lazy.map { Double($0) })
            case let .gru(gru):
                guard let source = node.inputs.first, let x = trace[source]?.batch,
                      x.shape.count == 2 else { continue }
                var mask: Float?
                if let sourceNode = graph[source], case let .masking(value) = sourceNode.op { mask = value }
                var ranges = GRURanges()
                ranges.run(gru, x: x.values, count: events, steps: x.shape[0], features: x.shape[1], maskValue: mask)
                profile.record(accumulator: node.name, values: CollectionOfOne(ranges.accumulator))
                profile.record(gateAccumulator: node.name, values: CollectionOfOne(ranges.gates))
                profile.record(result: node.name, values: CollectionOfOne(Float(ranges.state)))
            case .input, .activation, .masking, .concatenate, .dropout, .flatten, .argmax:
                break
            }
        }
        return profile
    }

    /// `x · W + b` over the last axis of `x` (rows of `in` features), in `Double`.
    static func preActivation(_ x: [Float], _ weights: Tensor, _ bias: Tensor) -> [Double] {
        guard weights.shape.count == 2 else { return [] }
        let (inputs, outputs) = (weights.shape[0], weights.shape[1])
        guard inputs > 0, x.count % inputs == 0 else { return [] }
        let w = weights.values.map { Double($0) }
        var result: [Double] = []
        result.reserveCapacity(x.count / inputs * outputs)
        var row = [Double](repeating: 0, count: outputs)
        for r in 0..<(x.count / inputs) {
            for j in 0..<outputs { row[j] = j < bias.values.count ? Double(bias.values[j]) : 0 }
            for i in 0..<inputs {
                let xi = Double(x[r * inputs + i])
                if xi == 0 { continue }
                for j in 0..<outputs { row[j] += xi * w[i * outputs + j] }
            }
            result.append(contentsOf: row)
        }
        return result
    }
}
