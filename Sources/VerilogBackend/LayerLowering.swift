import FixedPoint
import GraphIR

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

    /// Declares the enable input (for layers with registers) and the packed input; returns
    /// one signal per input feature.
    mutating func inputs(count: Int, format: FixedFormat, registers: Bool) -> [FixedSignal] {
        if registers { enable = b.input("en", width: 1, comment: "pipeline advance (low: hold every register)") }
        let x = b.input("x", width: count * format.width, comment: "\(count) × \(format), feature 0 in the low bits")
        return (0..<count).map { i in
            FixedSignal(b.extract(x, low: i * format.width, width: format.width, name: "x_\(i)"), format: format)
        }
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
        guard inputs == x.count, bias.values.count == outputs else {
            throw .unsupportedNode(node: node.name, reason: "weights \(weights.shape) do not match \(x.count) inputs")
        }
        // Each term in A; the sum exact (or modulo 2^W_A, which is all a wrapping A needs).
        let terms = inputs + 1
        var growth = 0
        while (1 << growth) < terms { growth += 1 }
        let sumWidth = a.overflow == .wrap ? a.width : a.width + growth
        var rows: [[HWValue]] = []
        for j in 0..<outputs {
            var row: [HWValue] = []
            for i in 0..<inputs {
                let coefficient = w.quantize(weights.values[i * outputs + j])
                guard let p = b.multiply(x[i], byConstant: coefficient, format: w, mapping: options.multipliers,
                                         name: "p_\(i)_\(j)") else { continue }
                constantProducts += 1
                let q = try b.convert(p, to: a, name: "q_\(i)_\(j)")
                row.append(b.extend(q, to: sumWidth, signed: a.isSigned))
            }
            let biasRaw = a.convert(raw: bFormat.quantize(bias.values[j]), from: bFormat)
            if biasRaw != 0 || row.isEmpty { row.append(b.constant(biasRaw, width: sumWidth, name: "bias_\(j)")) }
            rows.append(row)
        }
        let (sums, stages) = b.adderTrees(rows, width: sumWidth, signed: a.isSigned,
                                          levelsPerStage: options.adderLevelsPerStage, enable: enable, name: "s")
        latency += stages
        var result: [FixedSignal] = []
        for (j, sum) in sums.enumerated() {
            let s = FixedSignal(sum, width: sumWidth, signed: a.isSigned, fractionalBits: a.fractionalBits)
            result.append(FixedSignal(try b.convert(s, to: a, name: "a_\(j)"), format: a))
        }
        return result
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
