import FixedPoint
import GraphIR
import Interpreter
import Passes

extension Calibrator {
    /// The resource proxy of a quantized graph (see ``ResourceProxy``): per dense `in·out`
    /// products of `weight + input` bits; per GRU `F·3u` products of `weight + input` bits,
    /// `u·3u` of `weight + state`, `u` reset products (`gate + accumulator` bits, or `gate +
    /// state` reset-before) and `2u` update products (`gate + max(state, candidate)`); per
    /// batch normalization `C` products; plus every node's tables, entries × output width.
    static func cost(of graph: Graph) -> ResourceProxy {
        var products = 0
        var tables = 0
        for node in graph.nodes {
            guard let p = node.precision else { continue }
            let x = node.inputs.first.flatMap { graph[$0]?.precision?.result.width } ?? 0
            let w = p.weight?.width ?? 0
            for name in p.tables.values {
                if let table = graph.tables[name] { tables += table.entries.count * table.outputFormat.width }
            }
            switch node.op {
            case let .dense(weights, _, _):
                products += weights.values.count * (w + x)
            case let .gru(gru):
                let u = gru.units
                let features = gru.kernel.shape.first ?? 0
                let h = p.result.width
                let gate = p.tables[.recurrentActivation].flatMap { graph.tables[$0]?.outputFormat.width } ?? h
                let candidate = p.tables[.activation].flatMap { graph.tables[$0]?.outputFormat.width } ?? h
                products += features * 3 * u * (w + x) + u * 3 * u * (w + h)
                products += u * (gate + (gru.resetAfter ? (p.accumulator?.width ?? h) : h))
                products += 2 * u * (gate + max(h, candidate))
            case let .batchNormalization(bn):
                products += bn.gamma.values.count * (w + x)
            case let .affine(scale, _):
                products += scale.values.count * (w + x)
            case .activation(.leakyRelu), .activation(.hardSigmoid):
                products += (node.shape?.reduce(1, *) ?? 0) * (w + x)
            case .input, .activation, .masking, .concatenate, .dropout, .flatten, .argmax:
                break
            }
        }
        return ResourceProxy(productBits: products, tableBits: tables)
    }

    /// How much one bit of each plan entry weighs in ``cost(of:)``: the number of products it
    /// is an operand of (a result counts for each node that reads it), or a table's entries.
    static func costWeights(_ graph: Graph) -> [String: [ValueRole: Int]] {
        var weights: [String: [ValueRole: Int]] = [:]
        func add(_ node: String, _ role: ValueRole, _ n: Int) { weights[node, default: [:]][role, default: 0] += n }
        // A pass-through node's result is its input's.
        var source: [String: String] = [:]
        for node in graph.nodes {
            let input = node.inputs.first.map { source[$0] ?? $0 }
            switch node.op {
            case .masking, .dropout, .flatten:
                if let input { source[node.name] = input }
            case .input, .concatenate, .argmax, .activation:
                break
            case let .dense(weightsTensor, bias, _):
                let n = weightsTensor.values.count
                add(node.name, .weight, n)
                if let input { add(input, .result, n) }
                add(node.name, .bias, bias.values.count)
                add(node.name, .accumulator, bias.values.count)
            case let .gru(gru):
                let u = gru.units
                let features = gru.kernel.shape.first ?? 0
                add(node.name, .weight, (features + u) * 3 * u)
                if let input { add(input, .result, features * 3 * u) }
                add(node.name, .result, u * 3 * u + 2 * u)
                add(node.name, .accumulator, u)
                add(node.name, .bias, 3 * u)
            case let .batchNormalization(bn):
                let n = bn.gamma.values.count
                add(node.name, .weight, n)
                if let input { add(input, .result, n) }
                add(node.name, .bias, n)
                add(node.name, .accumulator, n)
            case let .affine(scale, _):
                let n = scale.values.count
                add(node.name, .weight, n)
                if let input { add(input, .result, n) }
                add(node.name, .bias, n)
                add(node.name, .accumulator, n)
            }
        }
        return weights
    }
}

extension ResourceProxy {
    /// The resource proxy of a quantized graph (``Calibrator/cost(of:)``): what `trigc
    /// quantize` minimizes and `trigc compile` prints.
    public init(of graph: Graph) {
        self = Calibrator.cost(of: graph)
    }
}
