import FixedPoint
import GraphIR

extension LayerLowering {
    /// The dense rule `lin(x, M, b)` for each output `j`: `q_ij = conv(M_ij·x_i → A)` (exact
    /// product), `S_j = Σ_i q_ij + b_j` formed exactly (modulo `2^W_A` for a wrapping A, which
    /// is all its conversion needs), `a_j = conv(S_j → A)`. `coefficients[j][i]` are raw codes
    /// of the weight format, `bias` raw codes of A.
    ///
    /// Fully parallel (one product per non-zero coefficient, a balanced adder tree), or, when
    /// `multiplexed`, time-multiplexed over the reuse factor R: each output gets
    /// `⌈non-zero/R⌉` run-time multipliers whose operands are chosen by `phase`; their
    /// converted products are summed into an accumulator register (seeded with the bias in
    /// phase 0), and the complete sum is valid in the last phase of the step.
    ///
    /// Output `j` sums into `accumulators[j]` when given (a GRU's gate and candidate columns
    /// differ), else into the precision's accumulator. Outputs are grouped by format, so
    /// each adder tree has one width.
    mutating func linear(
        _ x: [FixedSignal], coefficients: [[Int64]], bias: [Int64]?, multiplexed: Bool, pipelined: Bool = true,
        accumulators: [FixedFormat]? = nil, name: String
    ) throws(VerilogError) -> [FixedSignal] {
        let w = try format(precision.weight, "weight")
        let a = try format(precision.accumulator, "accumulator")
        let formats = accumulators ?? [FixedFormat](repeating: a, count: coefficients.count)
        var result: [FixedSignal?] = Array(repeating: nil, count: coefficients.count)
        var groups: [FixedFormat] = []
        for f in formats where !groups.contains(f) { groups.append(f) }
        for f in groups {
            let columns = formats.indices.filter { formats[$0] == f }
            let sums = try linear(x, coefficients: columns.map { coefficients[$0] }, bias: bias.map { b in columns.map { b[$0] } },
                                  weight: w, accumulator: f, multiplexed: multiplexed, pipelined: pipelined,
                                  columns: columns, name: name)
            for (j, sum) in zip(columns, sums) { result[j] = sum }
        }
        return result.compactMap { $0 }
    }

    /// ``linear(_:coefficients:bias:multiplexed:pipelined:accumulators:name:)`` with one
    /// accumulator `a`; `columns[k]` names output `k`'s signals.
    private mutating func linear(
        _ x: [FixedSignal], coefficients: [[Int64]], bias: [Int64]?, weight w: FixedFormat, accumulator a: FixedFormat,
        multiplexed: Bool, pipelined: Bool, columns: [Int], name: String
    ) throws(VerilogError) -> [FixedSignal] {
        let terms = x.count + 1
        var growth = 0
        while (1 << growth) < terms { growth += 1 }
        let sumWidth = a.overflow == .wrap ? a.width : a.width + growth
        if multiplexed {
            return try multiplexedLinear(x, coefficients: coefficients, bias: bias, weight: w, accumulator: a,
                                         sumWidth: sumWidth, columns: columns, name: name)
        }
        var rows: [[HWValue]] = []
        for (k, column) in coefficients.enumerated() {
            let j = columns[k]
            var row: [HWValue] = []
            for (i, coefficient) in column.enumerated() {
                guard let p = b.multiply(x[i], byConstant: coefficient, format: w, mapping: options.multipliers,
                                         name: "\(name)p_\(i)_\(j)") else { continue }
                constantProducts += 1
                row.append(try b.convert(p, to: a, name: "\(name)q_\(i)_\(j)"))
            }
            let biasRaw = bias?[k] ?? 0
            if biasRaw != 0 || row.isEmpty {
                row.append(b.constant(biasRaw, width: a.width, name: "\(name)bias_\(j)"))
            }
            rows.append(row)
        }
        let (sums, stages) = b.adderTrees(rows, width: sumWidth, signed: a.isSigned,
                                          levelsPerStage: pipelined ? options.adderLevelsPerStage : nil, enable: enable,
                                          name: (columns.first ?? 0) == 0 ? "\(name)s" : "\(name)s_c\(columns.first ?? 0)")
        latency += stages
        var result: [FixedSignal] = []
        for (k, sum) in sums.enumerated() {
            let s = FixedSignal(sum, width: sumWidth, signed: a.isSigned, fractionalBits: a.fractionalBits)
            result.append(FixedSignal(try b.convert(s, to: a, name: "\(name)a_\(columns[k])"), format: a))
        }
        return result
    }

    /// `phase == k` for every k of the step, built once per module.
    mutating func phaseFlags() -> [HWValue] {
        if let flags = phaseIs { return flags }
        let phase = control(.phase)
        let flags = (0..<options.reuseFactor).map { k in
            b.compare(.eq, phase, b.constant(Int64(k), width: phaseWidth))
        }
        phaseIs = flags
        return flags
    }

    /// A value chosen by phase: `choices[k]` in phase k.
    mutating func select(_ choices: [HWValue]) -> HWValue {
        let flags = phaseFlags()
        var value = choices[0]
        for k in 1..<choices.count where choices[k] != choices[0] {
            value = b.mux(flags[k], choices[k], value)
        }
        return value
    }

    private mutating func multiplexedLinear(
        _ x: [FixedSignal], coefficients: [[Int64]], bias: [Int64]?, weight w: FixedFormat, accumulator a: FixedFormat,
        sumWidth: Int, columns: [Int], name: String
    ) throws(VerilogError) -> [FixedSignal] {
        let reuse = options.reuseFactor
        let tick = control(.tick)
        let flags = phaseFlags()
        guard let first = x.first else { return [] }
        let zeroX = b.constant(0, width: first.width)
        let zeroW = b.constant(0, width: w.width)
        var result: [FixedSignal] = []
        for (k, column) in coefficients.enumerated() {
            let j = columns[k]
            let terms = column.enumerated().filter { $0.element != 0 }
            let slots = (terms.count + reuse - 1) / reuse
            var row: [HWValue] = []
            for s in 0..<slots {
                // Slot s multiplies term k·slots + s in phase k.
                var xs: [HWValue] = []
                var ws: [HWValue] = []
                for k in 0..<reuse {
                    let t = k * slots + s
                    if t < terms.count {
                        xs.append(x[terms[t].offset].value)
                        ws.append(b.constant(terms[t].element, width: w.width))
                    } else {
                        xs.append(zeroX)
                        ws.append(zeroW)
                    }
                }
                let xSelected = FixedSignal(select(xs), width: first.width, signed: first.signed,
                                            fractionalBits: first.fractionalBits)
                let wSelected = FixedSignal(select(ws), format: w)
                let p = b.multiply(xSelected, wSelected, name: "\(name)m_\(j)_\(s)")
                variableProducts += 1
                row.append(try b.convert(p, to: a, name: "\(name)q_\(j)_\(s)"))
            }
            if row.isEmpty { row.append(b.constant(0, width: sumWidth)) }
            let (sums, _) = b.adderTrees([row], width: sumWidth, signed: a.isSigned, levelsPerStage: nil, enable: nil,
                                         name: "\(name)s_\(j)")
            // acc holds the sum of the earlier phases; phase 0 starts from the bias.
            let accumulator = b.register(sums[0], enable: tick, name: "\(name)acc_\(j)")
            let seed = b.constant(bias?[k] ?? 0, width: sumWidth, name: "\(name)bias_\(j)")
            let base = b.mux(flags[0], seed, accumulator)
            let total = b.add(.add(base, sums[0], signed: a.isSigned), width: sumWidth, name: "\(name)total_\(j)")
            b.connect(accumulator, next: total, enable: tick)
            let sum = FixedSignal(total, width: sumWidth, signed: a.isSigned, fractionalBits: a.fractionalBits)
            result.append(FixedSignal(try b.convert(sum, to: a, name: "\(name)a_\(j)"), format: a))
        }
        return result
    }
}
