import FixedPoint
import GraphIR
import Interpreter
import Training

/// Quantization-aware training's forward pass: the model's current weights exported,
/// quantized with ``formats`` and run by the bit-exact fixed-point interpreter (the same
/// arithmetic the Verilog has). Its values, decoded to float, replace the device's float
/// pass (``Training/Trainer/exactForward``): the loss is the fixed-point model's, and the
/// gradients are taken at its values (the straight-through estimator: rounding counts as
/// the identity), zeroed where a layer's output sat at its format's saturation bound and,
/// inside a GRU, where a gate's or the candidate's pre-activation was clipped.
public final class FixedForward: ExactForward {
    public let formats: QATFormats

    /// Checks that `model` has only layers the fixed-point pass stands in for (Dense,
    /// GRU, Concatenate, Masking, Dropout at rate 0) and that the formats quantize it
    /// into a graph the interpreter runs.
    public init(model: Model, formats: QATFormats) throws(QATError) {
        self.formats = formats
        for layer in model.layers {
            switch layer {
            case is Dense, is GRU, is Concatenate, is Masking:
                continue
            case let dropout as Dropout where dropout.rate == 0:
                continue
            case let dropout as Dropout:
                throw .unsupportedLayer(layer: dropout.name, reason: "the fixed-point forward pass is the inference graph, so dropout must be 0 (it is \(dropout.rate))")
            default:
                throw .unsupportedLayer(layer: layer.name, reason: "a \(layer.kind) layer has no fixed-point stand-in (use Dense's activation)")
            }
        }
        _ = try interpreter(for: model)
    }

    /// The quantized graph of the model's current weights: what `trigc run` of the export
    /// evaluates, equal to this forward pass bit for bit.
    public func quantizedGraph(_ model: Model) throws(QATError) -> Graph {
        try formats.quantize(model.export())
    }

    func interpreter(for model: Model) throws(QATError) -> Interpreter {
        let graph = try quantizedGraph(model)
        do {
            return try Interpreter(graph: graph)
        } catch {
            throw .interpreter(error.description)
        }
    }

    public func values(for model: Model, inputs: [[Float]], batch n: Int) throws(TrainingError) -> ForwardValues {
        let interpreter: Interpreter
        do {
            interpreter = try self.interpreter(for: model)
        } catch {
            throw .forwardValues(layer: model.name, reason: error.description)
        }
        var batches: [String: Batch] = [:]
        for (input, values) in zip(model.inputs, inputs) {
            batches[input.name] = Batch(count: n, shape: input.shape, values: values)
        }
        do {
            let trace = try interpreter.trace(batches)
            var values = try Self.values(model: model, trace: trace, interpreter: interpreter)
            if let last = model.layers.last?.name,
               let mask = try Self.logitSaturationMask(interpreter.graph, node: last, trace: trace) {
                values.gradientMasks[last] = mask
            }
            return values
        } catch {
            throw .forwardValues(layer: model.name, reason: error.description)
        }
    }

    /// The trace's values where the model's inputs and layers keep theirs.
    static func values(model: Model, trace: [String: InterpreterOutput], interpreter: Interpreter)
        throws(InterpreterError) -> ForwardValues
    {
        func fixed(_ name: String) throws(InterpreterError) -> FixedBatch {
            guard case let .fixed(batch)? = trace[name] else {
                throw .unsupported(node: name, reason: "the fixed-point trace has no value for it")
            }
            return batch
        }
        var inputs: [String: [Float]] = [:]
        for input in model.inputs { inputs[input.name] = try fixed(input.name).values }
        var layers: [String: LayerValues] = [:]
        var masks: [String: [Float]] = [:]
        let last = model.layers.last.map(\.name)
        for layer in model.layers {
            switch layer {
            case is Dense, is Concatenate:
                let value = try fixed(layer.name)
                layers[layer.name] = .output(value.values)
                if layer.name != last, let mask = saturationMask(value) { masks[layer.name] = mask }
            case is GRU:
                let steps = try interpreter.gruTrace(layer.name, in: trace)
                layers[layer.name] = .gru(GRUValues(
                    z: decode(steps.z, steps.gateFormat), r: decode(steps.r, steps.gateFormat),
                    candidate: decode(steps.candidate, steps.candidateFormat), state: decode(steps.state, steps.stateFormat),
                    recurrentCandidate: decode(steps.recurrentCandidate, steps.accumulatorFormat),
                    resetState: decode(steps.resetState, steps.stateFormat), valid: steps.valid.map { $0 ? 1 : 0 },
                    gradientMask: gateGradientMask(steps)))
                if layer.name != last, let mask = saturationMask(try fixed(layer.name)) { masks[layer.name] = mask }
            default:
                continue
            }
        }
        return ForwardValues(inputs: inputs, layers: layers, gradientMasks: masks)
    }

    /// For a final dense with a fused softmax: 0 for each logit the softmax read at its
    /// saturating accumulator's bounds (the cross-entropy would push it further, to no
    /// effect), 1 elsewhere; nil when none sat there or the layer is not such a dense. The
    /// logits are the interpreter's: the dense alone, linear, with the accumulator as its
    /// result format, on the dense's input from `trace`.
    static func logitSaturationMask(
        _ graph: Graph, node name: String, trace: [String: InterpreterOutput]
    ) throws(InterpreterError) -> [Float]? {
        guard let node = graph.nodes.first(where: { $0.name == name }),
              case let .dense(weights, bias, .softmax) = node.op, var precision = node.precision,
              let accumulator = precision.accumulator, accumulator.overflow == .sat,
              let source = node.inputs.first, case let .fixed(x)? = trace[source]
        else { return nil }
        precision.result = accumulator
        precision.tables = [:]
        let logits = Graph(
            name: graph.name,
            nodes: [Node(name: source, op: .input(shape: x.shape), shape: x.shape, precision: LayerPrecision(result: x.format)),
                    Node(name: name, op: .dense(weights: weights, bias: bias, activation: .linear), inputs: [source],
                         shape: node.shape, precision: precision)],
            inputs: [source], outputs: [name])
        let outputs = try Interpreter(graph: logits).run([source: Batch(count: x.count, shape: x.shape, values: x.values)])
        guard let codes = outputs[name]?.fixed else { return nil }
        return saturationMask(codes)
    }

    /// The GRU's ``Training/GRUValues/gradientMask``: per step and unit, 0 for each of z, r and
    /// the candidate whose pre-activation the fixed-point pass clipped; empty when none was.
    static func gateGradientMask(_ steps: GRUTrace) -> [Float] {
        guard steps.clipped.contains(where: { $0 != 0 }) else { return [] }
        let u = steps.units
        var mask = [Float](repeating: 1, count: steps.clipped.count * 3)
        for (cell, bits) in steps.clipped.enumerated() where bits != 0 {
            let row = cell / u * 3 * u, j = cell % u
            for (block, bit) in [GRUClip.z, GRUClip.r, GRUClip.candidate].enumerated() where bits & bit != 0 {
                mask[row + block * u + j] = 0
            }
        }
        return mask
    }

    static func decode(_ codes: [Int64], _ format: FixedFormat) -> [Float] {
        codes.map { Float(format.value(raw: $0)) }
    }

    /// 0 where a value sits at a bound its saturating format clamps to
    /// (`FixedFormat.isAtSaturationBound`), 1 elsewhere; nil when none does.
    static func saturationMask(_ batch: FixedBatch) -> [Float]? {
        let format = batch.format
        var mask = [Float](repeating: 1, count: batch.raw.count)
        var any = false
        for (i, code) in batch.raw.enumerated() where format.isAtSaturationBound(code) {
            mask[i] = 0
            any = true
        }
        return any ? mask : nil
    }
}
