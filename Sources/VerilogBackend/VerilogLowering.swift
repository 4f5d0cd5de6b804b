import FixedPoint
import GraphIR

/// A lowered design: its hardware IR and the compiler's report.
public struct VerilogDesign: Hashable, Sendable {
    public var hardware: HWDesign
    public var report: DesignReport
}

/// What the lowering knows about one node's value: per beat for sequence values (one time
/// step), per event otherwise; `stage` counts the steps after the input register at which it
/// is valid.
struct NodeValue {
    var features: Int
    var format: FixedFormat
    var stage: Int
    var sequence: Bool
    /// The masking node whose mask travels with a sequence value.
    var mask: String?
}

/// One lowered layer: its module, what its ports connect to, and when its value is valid.
struct LayerPlan {
    var node: Node
    var module: HWModule
    var connections: [LayerPort]
    var value: NodeValue
    /// The stage at which the module's inputs must be valid (shorter paths are delayed).
    var inputStage: Int
}

/// Lowers a quantized graph (after `Pipelines.quantize`, so every constant is codes) to hardware IR: one module per
/// layer, a top with a valid/ready stream on each side (one time step per beat for a sequence
/// input), a debug top exposing every node's value, and a report with the latency and
/// initiation interval.
public enum VerilogLowering {
    /// The most constant products (weights) and values per node a design may have: far
    /// beyond any FPGA (the largest hold about 12,000 DSP slices), far below what would
    /// exhaust memory while lowering and printing.
    public static let maxWeights = 1_000_000
    public static let maxNodeValues = 65_536

    /// Refuses, before any lowering, a graph too large to become a design.
    static func checkSize(_ graph: Graph) throws(VerilogError) {
        var weights = 0
        for node in graph.nodes {
            let values = checkedElementCount(node.shape ?? []) ?? Int.max
            if values > maxNodeValues {
                throw .unsupportedGraph(graph: graph.name, reason: "node '\(node.name)' has \(values) values per event, "
                    + "more than the \(maxNodeValues) trigc lowers to hardware")
            }
            switch node.op {
            case let .dense(kernel, _, _): weights += kernel.storedCount
            case let .gru(gru): weights += gru.kernel.storedCount + gru.recurrentKernel.storedCount
            case .input, .activation, .masking, .concatenate, .dropout, .batchNormalization, .affine, .flatten, .argmax: break
            }
            if weights > maxWeights {
                throw .unsupportedGraph(graph: graph.name, reason: "it has more than \(maxWeights) weights (constant products) "
                    + "by node '\(node.name)', far more than any FPGA holds")
            }
        }
    }

    /// Lowers `graph`; it must be fixed point with one output; inputs are feature vectors and
    /// at most one sequence (read by a GRU).
    public static func lower(_ graph: Graph, options: VerilogOptions = VerilogOptions()) throws(VerilogError) -> VerilogDesign {
        guard graph.isFixedPoint else { throw .notFixedPoint(graph: graph.name) }
        guard (1...256).contains(options.reuseFactor) else {
            throw .unsupported(what: "reuse factor \(options.reuseFactor) (use 1 to 256)")
        }
        guard graph.outputs.count == 1, let outputName = graph.outputs.first else {
            throw .unsupportedGraph(graph: graph.name, reason: "it has \(graph.outputs.count) outputs, only one is supported")
        }
        try checkSize(graph)
        var values: [String: NodeValue] = [:]
        var ports: [DesignReport.StreamPort] = []
        var sequence: DesignReport.SequenceInput?
        var plans: [LayerPlan] = []
        var layerReports: [DesignReport.Layer] = []
        var roms: [String: HWModule] = [:]
        var modules: [HWModule] = []
        var usedNames: Set<String> = [options.topName, options.debugTopName]
        for node in graph.nodes {
            guard let precision = node.precision else { throw .notFixedPoint(graph: graph.name) }
            if case let .input(shape) = node.op {
                let r = precision.result
                let offset = ports.last.map { $0.offset + $0.busWidth } ?? 0
                switch shape.count {
                case 1:
                    values[node.name] = NodeValue(features: shape[0], format: r, stage: 0, sequence: false)
                    ports.append(.init(node: node.name, features: shape[0], format: "\(r)", width: r.width, offset: offset))
                case 2 where sequence == nil:
                    values[node.name] = NodeValue(features: shape[1], format: r, stage: 0, sequence: true)
                    ports.append(.init(node: node.name, features: shape[1], format: "\(r)", width: r.width, offset: offset,
                                       sequence: true))
                    sequence = .init(node: node.name, timeSteps: shape[0], features: shape[1], maskCode: nil)
                default:
                    throw .unsupportedNode(node: node.name, reason: "inputs must be feature vectors or one sequence [time, features], not \(shape)")
                }
                continue
            }
            var inputs: [NodeValue] = []
            for name in node.inputs {
                guard let value = values[name] else {
                    throw .unsupportedGraph(graph: graph.name, reason: "node '\(node.name)' reads '\(name)', which is not before it")
                }
                inputs.append(value)
            }
            var moduleName = "layer_\(node.name)"
            while usedNames.contains(moduleName) { moduleName += "_" }
            usedNames.insert(moduleName)
            var layer = try LayerLowering(node: node, moduleName: moduleName, tables: graph.tables, options: options, roms: roms)
            var value: NodeValue
            do {
                value = try lowerLayer(&layer, inputs: inputs)
            } catch .unsupported(let what) {
                // A format the mapping cannot handle: say which layer has it.
                throw .unsupportedNode(node: node.name, reason: "the backend does not support \(what)")
            }
            let inputStage = inputs.map(\.stage).max() ?? 0
            value.stage = inputStage + layer.latency
            if case let .masking(maskValue) = node.op, let input = inputs.first, var s = sequence {
                s.maskCode = input.format.quantize(maskValue)
                sequence = s
            }
            roms = layer.roms
            for rom in layer.roms.values.sorted(by: { $0.name < $1.name }) where !modules.contains(where: { $0.name == rom.name }) {
                modules.append(rom)
            }
            let shapes = inputs.map { "\($0.features) × \($0.format)" }.joined(separator: ", ")
            layer.b.comments = ["layer '\(node.name)' (\(node.op.keyword)): \(shapes) → \(value.features) × \(layer.precision.result)"
                + "\(value.sequence ? " per time step" : ""), latency \(layer.latency)"]
            let module = layer.b.module
            modules.append(module)
            plans.append(LayerPlan(node: node, module: module, connections: layer.connections, value: value, inputStage: inputStage))
            values[node.name] = value
            layerReports.append(DesignReport.Layer(
                node: node.name, op: node.op.keyword, module: moduleName, inputs: inputs.map(\.features).reduce(0, +),
                outputs: value.features, latency: layer.latency, constantProducts: layer.constantProducts,
                variableProducts: layer.variableProducts, romReads: layer.romReads, formats: formats(of: layer.precision)))
        }
        guard let output = values[outputName], !output.sequence else {
            throw .unsupportedGraph(graph: graph.name, reason: "its output must be a feature vector")
        }
        guard output.stage >= 1 else {
            throw .unsupportedGraph(graph: graph.name, reason: "its output is not computed by any registered layer")
        }
        let stages = 1 + output.stage
        let latency = (stages - 1) * options.reuseFactor + 1
        let outputPort = DesignReport.StreamPort(node: outputName, features: output.features, format: "\(output.format)",
                                                 width: output.format.width)
        let plan = TopPlan(graph: graph, options: options, inputs: ports, sequence: sequence, values: values,
                           layers: plans, output: outputName, stages: stages, latency: latency)
        let (top, _) = plan.build(debug: false)
        let (debugTop, debugFields) = plan.build(debug: true)
        let header = [
            "Generated by trigc from model '\(graph.name)'; do not edit.",
            "Inputs: " + ports.map { "'\($0.node)' \($0.features) × \($0.format)\($0.sequence ? " per time step" : "")" }
                .joined(separator: ", ") + "; output '\(outputName)': \(output.features) × \(output.format).",
            "Latency \(latency) cycles, initiation interval \(options.reuseFactor); multipliers: \(options.multipliers.rawValue)"
                + (options.reuseFactor > 1 ? ", reuse factor \(options.reuseFactor)." : "."),
        ]
        let hardware = HWDesign(modules: modules + [top, debugTop], top: options.topName, header: header)
        do {
            try HWVerifier.verify(hardware)
        } catch {
            throw .invalidHardware(error)
        }
        let report = DesignReport(
            model: graph.name, top: options.topName, latency: latency, initiationInterval: options.reuseFactor,
            inputs: ports, output: outputPort, sequence: sequence, debugTop: options.debugTopName, debugFields: debugFields,
            multipliers: options.multipliers.rawValue, reuseFactor: options.reuseFactor,
            adderLevelsPerStage: options.adderLevelsPerStage, layers: layerReports,
            files: (modules + [top]).map { "\($0.name).v" })
        return VerilogDesign(hardware: hardware, report: report)
    }

    static func formats(of p: LayerPrecision) -> [String] {
        var result = ["result=\(p.result)"]
        if let w = p.weight { result.append("weight=\(w)") }
        if let b = p.bias { result.append("bias=\(b)") }
        if let a = p.accumulator { result.append("accumulator=\(a)") }
        if let g = p.gateAccumulator { result.append("gate_accumulator=\(g)") }
        for (role, name) in p.tables.sorted(by: { $0.key < $1.key }) { result.append("\(role.rawValue)=\(name)") }
        return result
    }
}
