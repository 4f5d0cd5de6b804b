import FixedPoint
import GraphIR

/// What a layer module's input port connects to in the top.
enum LayerPort: Hashable, Sendable {
    case step, tick, phase, beat, last, mask
    /// The value of the node's input at this position.
    case value(Int)
}

/// Lowers one node of a quantized graph to one layer module: packed input `x` (feature 0 in
/// the low bits), packed output `y`, an `en` input for its pipeline registers.
struct LayerLowering {
    var b: HWModuleBuilder
    let node: Node
    let precision: LayerPrecision
    let tables: [String: ActivationTable]
    let options: VerilogOptions
    /// ROM modules by table name; lookups add the ones they need.
    var roms: [String: HWModule]
    var enable: HWValue?
    var latency = 0
    var constantProducts = 0
    var variableProducts = 0
    var romReads = 0
    /// What each input port of the module connects to in the top, in port order.
    var connections: [LayerPort] = []
    var controls: [LayerPort: HWValue] = [:]
    var phaseIs: [HWValue]?

    init(node: Node, moduleName: String, tables: [String: ActivationTable], options: VerilogOptions,
         roms: [String: HWModule]) throws(VerilogError) {
        guard let precision = node.precision else { throw .notFixedPoint(graph: node.name) }
        self.node = node
        self.precision = precision
        self.tables = tables
        self.options = options
        self.roms = roms
        b = HWModuleBuilder(name: moduleName)
    }

    /// Declares the step-enable input `en` (for layers with registers) and the packed input
    /// `x` (or `x<index>` for a layer with several inputs); returns one signal per feature.
    mutating func inputs(count: Int, format: FixedFormat, registers: Bool, index: Int = 0, name: String = "x") -> [FixedSignal] {
        if registers, enable == nil { enable = control(.step) }
        let x = b.input(name, width: count * format.width, comment: "\(count) × \(format), feature 0 in the low bits")
        connections.append(.value(index))
        return (0..<count).map { i in
            FixedSignal(b.extract(x, low: i * format.width, width: format.width, name: "\(name)_\(i)"), format: format)
        }
    }

    /// A control input of the layer (declared on first use): `en` advances the pipeline
    /// registers once per step, `tick` every cycle the pipeline is not stalled, `phase` counts
    /// the cycles of a step (reuse factor > 1), `beat`/`last`/`mask` describe a sequence beat.
    mutating func control(_ port: LayerPort) -> HWValue {
        if let value = controls[port] { return value }
        let value: HWValue
        switch port {
        case .step: value = b.input("en", width: 1, comment: "pipeline advance, once per step (low: hold)")
        case .tick: value = b.input("tick", width: 1, comment: "a cycle in which the pipeline is not stalled")
        case .phase: value = b.input("phase", width: phaseWidth, comment: "cycle of the step, 0 ..< reuse factor")
        case .beat: value = b.input("beat", width: 1, comment: "the input register holds a sequence beat")
        case .last: value = b.input("last", width: 1, comment: "that beat is the last of its event")
        case .mask: value = b.input("mask", width: 1, comment: "that beat is a masked (padding) step")
        case .value: preconditionFailure("values are declared with inputs(count:format:registers:)")
        }
        connections.append(port)
        controls[port] = value
        return value
    }

    /// Bits of the phase counter.
    var phaseWidth: Int {
        var bits = 1
        while (1 << bits) < options.reuseFactor { bits += 1 }
        return bits
    }

    /// Registers every value (enabled by `en`) and counts one stage of latency.
    mutating func stage(_ values: [HWValue], name: String) -> [HWValue] {
        latency += 1
        return values.enumerated().map { i, v in b.register(v, enable: enable, name: "\(name)_\(i)") }
    }

    /// Drives the packed output `y` from per-feature raw codes of `format`.
    mutating func output(_ values: [HWValue], format: FixedFormat) {
        let y = values.count == 1 ? values[0] : b.add(.concat(values.reversed()), width: values.count * format.width)
        b.output("y", y, comment: "\(values.count) × \(format), feature 0 in the low bits")
    }

    func format(_ format: FixedFormat?, _ role: String) throws(VerilogError) -> FixedFormat {
        guard let format else { throw .missingPrecision(node: node.name, role: role) }
        return format
    }

    /// The table a role names, and its ROM module (created on first use).
    mutating func table(_ role: TableRole) throws(VerilogError) -> (ActivationTable, HWModule) {
        guard let name = precision.tables[role], let table = tables[name] else {
            throw .missingPrecision(node: node.name, role: "\(role.rawValue) table")
        }
        if let rom = roms[name] { return (table, rom) }
        let rom = romModule(name: "rom_\(name)", table: table)
        roms[name] = rom
        return (table, rom)
    }

    // MARK: - Dense

    /// `q_ij = conv(w_ij·x_i → A)`, `S_j = Σ_i q_ij + conv(b_j → A)` exactly, `a_j = conv(S_j → A)`.
    mutating func dense(_ x: [FixedSignal], weights: Tensor, bias: Tensor) throws(VerilogError) -> [FixedSignal] {
        let w = try format(precision.weight, "weight")
        let bFormat = try format(precision.bias, "bias")
        let a = try format(precision.accumulator, "accumulator")
        let (inputs, outputs) = (weights.shape[0], weights.shape[1])
        let weightCodes = try codes(weights, w, "weights")
        let biasCodes = try codes(bias, bFormat, "bias")
        guard inputs == x.count, biasCodes.count == outputs, weightCodes.count == inputs * outputs else {
            throw .unsupportedNode(node: node.name, reason: "weights \(weights.shape) do not match \(x.count) inputs")
        }
        let coefficients = (0..<outputs).map { j in (0..<inputs).map { i in weightCodes[i * outputs + j] } }
        let biasRaw = biasCodes.map { a.convert(raw: $0, from: bFormat) }
        return try linear(x, coefficients: coefficients, bias: biasRaw, multiplexed: options.reuseFactor > 1, name: "")
    }

    /// The raw codes of a constant, which must be codes of `format` (the `constant-quantization`
    /// pass stores them; lowering never converts a float constant).
    func codes(_ tensor: Tensor, _ format: FixedFormat, _ attribute: String) throws(VerilogError) -> [Int64] {
        guard let (raw, stored) = tensor.codes, stored == format else {
            throw .unsupportedNode(node: node.name, reason: "its \(attribute) are not codes of its format \(format): "
                + "run the constant-quantization pass (the last pass of Pipelines.quantize) first")
        }
        return raw
    }

    // MARK: - Argmax

    /// The first index of the largest raw input, as `R.quantize(index)`.
    mutating func argmax(_ x: [FixedSignal]) -> HWValue {
        let r = precision.result
        var level: [(value: HWValue, code: HWValue)] = x.enumerated().map { i, signal in
            (signal.value, b.constant(r.quantize(Double(i)), width: r.width))
        }
        let compare: HWComparison = (x.first?.signed ?? true) ? .sgt : .ugt
        while level.count > 1 {
            var next: [(HWValue, HWValue)] = []
            var i = 0
            while i < level.count {
                if i + 1 < level.count {
                    // The right (later) one wins only when strictly larger: the first on ties.
                    let right = b.compare(compare, level[i + 1].value, level[i].value)
                    next.append((b.mux(right, level[i + 1].value, level[i].value),
                                 b.mux(right, level[i + 1].code, level[i].code)))
                } else {
                    next.append(level[i])
                }
                i += 2
            }
            level = next
        }
        return level.first?.code ?? b.constant(0, width: r.width)
    }
}
