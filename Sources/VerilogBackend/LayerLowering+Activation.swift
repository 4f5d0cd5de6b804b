import FixedPoint
import GraphIR

extension LayerLowering {
    /// An elementwise activation of `v`, converted to the result format R (softmax is done
    /// per row by ``softmax(_:)``).
    mutating func activation(
        _ function: ActivationFunction, _ v: FixedSignal, name: String
    ) throws(VerilogError) -> HWValue {
        let r = precision.result
        switch function {
        case .linear, .softmax:
            return try b.convert(v, to: r, name: name)
        case .relu:
            guard v.signed else { return try b.convert(v, to: r, name: name) }
            let negative = b.bit(v.value, v.width - 1)
            let clipped = b.mux(negative, b.constant(0, width: v.width), v.value)
            return try b.convert(FixedSignal(clipped, width: v.width, signed: true, fractionalBits: v.fractionalBits),
                                 to: r, name: name)
        case let .leakyRelu(alpha):
            let w = try format(precision.weight, "weight")
            let positive = try b.convert(v, to: r)
            guard v.signed else { return b.extract(positive, low: 0, width: r.width, name: name) }
            let negativeValue: HWValue
            if let p = b.multiply(v, byConstant: w.quantize(alpha), format: w, mapping: options.multipliers,
                                  name: "\(name)_alpha_x") {
                constantProducts += 1
                negativeValue = try b.convert(p, to: r)
            } else {
                negativeValue = b.constant(0, width: r.width)
            }
            return b.mux(b.bit(v.value, v.width - 1), negativeValue, positive, name: name)
        case let .hardSigmoid(slope, offset):
            return try hardSigmoid(v, slope: slope, offset: offset, name: name)
        case .tanh, .sigmoid:
            let (table, rom) = try table(.activation)
            romReads += 1
            let o = try b.lookup(v, table: table, rom: rom, name: "\(name)_\(table.function.rawValue)")
            return try b.convert(o, to: r, name: name)
        }
    }

    /// `t = slope·v + offset` aligned exactly, clipped to `[0, 1]`, converted to R.
    private mutating func hardSigmoid(
        _ v: FixedSignal, slope: Float, offset: Float, name: String
    ) throws(VerilogError) -> HWValue {
        let w = try format(precision.weight, "weight")
        let bias = try format(precision.bias, "bias")
        let productBits = w.fractionalBits + v.fractionalBits
        let bits = max(productBits, bias.fractionalBits, 0)
        let (slopeShift, offsetShift) = (bits - productBits, bits - bias.fractionalBits)
        let o = bias.quantize(offset)
        let productWidth = v.width + w.width
        let width = max(productWidth + slopeShift, HWModuleBuilder.signedBits(o) + offsetShift, bits + 2) + 1
        guard width <= 62 else { throw .unsupported(what: "a hard sigmoid needing \(width) bits in layer '\(node.name)'") }
        var t = b.constant(o << Int64(offsetShift), width: width, name: "\(name)_offset")
        if let p = b.multiply(v, byConstant: w.quantize(slope), format: w, mapping: options.multipliers,
                              name: "\(name)_slope_x") {
            constantProducts += 1
            var scaled = b.extend(p.value, to: width, signed: p.signed)
            if slopeShift > 0 { scaled = b.add(.shl(scaled, slopeShift), width: width) }
            t = b.add(.add(scaled, t, signed: true), width: width, name: "\(name)_t")
        }
        let one = Int64(1) << Int64(bits)
        let over = b.compare(.sgt, t, b.constant(one, width: width))
        var clipped = b.mux(over, b.constant(one, width: width), t)
        clipped = b.mux(b.bit(t, width - 1), b.constant(0, width: width), clipped)
        return try b.convert(FixedSignal(clipped, width: width, signed: true, fractionalBits: bits), to: precision.result,
                             name: name)
    }

    /// Softmax over the row: `m = max v`, `e_i = exp(v_i - m)` (ROM), a register stage,
    /// `s = Σ e_i` exactly, `r = 1/s` (ROM), `y_i = conv(e_i·r → R)`. One stage of latency
    /// inside; the caller registers the outputs.
    mutating func softmax(_ v: [FixedSignal]) throws(VerilogError) -> [HWValue] {
        guard let first = v.first else { return [] }
        let (expTable, expROM) = try table(.exp)
        let (reciprocalTable, reciprocalROM) = try table(.reciprocal)
        let greater: HWComparison = first.signed ? .sgt : .ugt
        var level = v.map(\.value)
        while level.count > 1 {
            var next: [HWValue] = []
            var i = 0
            while i < level.count {
                if i + 1 < level.count {
                    let right = b.compare(greater, level[i + 1], level[i])
                    next.append(b.mux(right, level[i + 1], level[i]))
                } else {
                    next.append(level[i])
                }
                i += 2
            }
            level = next
        }
        let m = b.extend(level[0], to: first.width + 1, signed: first.signed)
        var e: [HWValue] = []
        for (i, x) in v.enumerated() {
            let d = b.add(.sub(b.extend(x.value, to: x.width + 1, signed: x.signed), m, signed: true),
                          width: x.width + 1, name: "d_\(i)")
            let signal = FixedSignal(d, width: x.width + 1, signed: true, fractionalBits: x.fractionalBits)
            e.append(try b.lookup(signal, table: expTable, rom: expROM, name: "exp_\(i)").value)
            romReads += 1
        }
        e = stage(e, name: "e")
        let expFormat = expTable.outputFormat
        var growth = 0
        while (1 << growth) < v.count { growth += 1 }
        let sumWidth = expFormat.width + growth
        let (sums, _) = b.adderTrees([e], width: sumWidth, signed: expFormat.isSigned, levelsPerStage: nil,
                                     enable: nil, name: "exp_sum")
        let sum = FixedSignal(b.extract(sums[0], low: 0, width: sumWidth, name: "exp_sum"), width: sumWidth,
                              signed: expFormat.isSigned, fractionalBits: expFormat.fractionalBits)
        let r = try b.lookup(sum, table: reciprocalTable, rom: reciprocalROM, name: "reciprocal")
        romReads += 1
        var y: [HWValue] = []
        for (i, ei) in e.enumerated() {
            let product = b.multiply(FixedSignal(ei, format: expFormat), r, name: "er_\(i)")
            variableProducts += 1
            y.append(try b.convert(product, to: precision.result, name: "softmax_\(i)"))
        }
        return y
    }
}
