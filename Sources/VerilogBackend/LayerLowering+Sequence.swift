import FixedPoint
import GraphIR

extension LayerLowering {
    /// Masking over one time step: `y = conv(x → R)` and `mask` = every feature's raw code
    /// equals `code` (the masking value quantized to the input's format). Combinational.
    mutating func masking(_ input: NodeValue, code: Int64) throws(VerilogError) {
        let x = inputs(count: input.features, format: input.format, registers: false)
        var y: [HWValue] = []
        var equal: [HWValue] = []
        for (j, xj) in x.enumerated() {
            y.append(try b.convert(xj, to: precision.result, name: "y_\(j)"))
            equal.append(b.compare(.eq, xj.value, b.constant(code, width: xj.width)))
        }
        output(y, format: precision.result)
        b.output("mask", b.extract(b.and(equal), low: 0, width: 1, name: "masked"), comment: "every feature equals the mask value")
    }

    /// A GRU over a streamed sequence, one time step per beat (per `step` of the pipeline).
    /// The state `h` lives in registers (reset to 0 after each event's last beat); a beat
    /// whose `mask` is set keeps `h`; the last beat's new state goes to the output register.
    /// The products of the gates' `lin` terms are time-multiplexed over the reuse factor.
    mutating func gru(_ attributes: GRUAttributes, input: NodeValue) throws(VerilogError) {
        let w = try format(precision.weight, "weight")
        let biasFormat = try format(precision.bias, "bias")
        let a = try format(precision.accumulator, "accumulator")
        let g = try format(precision.gateSums, "gate accumulator")
        let r = precision.result
        let u = attributes.units
        let width = 3 * u
        let features = input.features
        guard attributes.kernel.shape == [features, width], attributes.recurrentKernel.shape == [u, width] else {
            throw .unsupportedNode(node: node.name, reason: "its kernels do not match \(features) features and \(u) units")
        }
        let x = inputs(count: features, format: input.format, registers: true)
        let beat = control(.beat)
        let last = control(.last)
        let masked: HWValue? = input.mask == nil ? nil : control(.mask)
        let step = control(.step)
        let zero = b.constant(0, width: r.width)
        let h = (0..<u).map { j in b.register(zero, enable: nil, reset: 0, name: "h_\(j)") }
        let hSignals = h.map { FixedSignal($0, format: r) }
        let kernel = try codes(attributes.kernel, w, "kernel")
        let recurrentKernel = try codes(attributes.recurrentKernel, w, "recurrent kernel")
        func columns(_ matrix: [Int64], rows: Int, _ range: Range<Int>) -> [[Int64]] {
            range.map { c in (0..<rows).map { i in matrix[i * width + c] } }
        }
        // The gates' columns (z, r) sum into G, the candidate's into A.
        let sums = (0..<width).map { c in attributes.isGateColumn(c) ? g : a }
        let biases = try codes(attributes.bias, biasFormat, "bias").enumerated().map { k, code in
            (attributes.isGateColumn(k) ? g : a).convert(raw: code, from: biasFormat)
        }
        let inputBias = Array(biases.prefix(width))
        let recurrentBias = attributes.resetAfter && biases.count >= 2 * width ? Array(biases[width..<(2 * width)]) : nil
        let multiplexed = options.reuseFactor > 1
        let xs = try linear(x, coefficients: columns(kernel, rows: features, 0..<width), bias: inputBias,
                            multiplexed: multiplexed, pipelined: false, accumulators: sums, name: "x")
        let hs = try linear(hSignals, coefficients: columns(recurrentKernel, rows: u,
                                                            0..<(attributes.resetAfter ? width : 2 * u)),
                            bias: attributes.resetAfter ? recurrentBias : nil, multiplexed: multiplexed, pipelined: false,
                            accumulators: Array(sums.prefix(attributes.resetAfter ? width : 2 * u)), name: "h")
        var rGates: [FixedSignal] = []
        for j in 0..<u {
            let pre = try sum(xs[u + j], hs[u + j], to: g, name: "r_pre_\(j)")
            rGates.append(try gate(attributes.recurrentActivation, pre, role: .recurrentActivation, name: "r_\(j)"))
        }
        var candidates: [FixedSignal] = []
        if attributes.resetAfter {
            for j in 0..<u {
                let rh = FixedSignal(try b.convert(b.multiply(rGates[j], hs[2 * u + j]), to: a, name: "rh_\(j)"), format: a)
                candidates.append(try sum(xs[2 * u + j], rh, to: a, name: "c_pre_\(j)"))
            }
        } else {
            let reset = try (0..<u).map { (j) throws(VerilogError) in
                FixedSignal(try b.convert(b.multiply(rGates[j], hSignals[j]), to: r, name: "rh_\(j)"), format: r)
            }
            let hh = try linear(reset, coefficients: columns(recurrentKernel, rows: u, (2 * u)..<width),
                                bias: nil, multiplexed: false, pipelined: false, name: "c")
            for j in 0..<u { candidates.append(try sum(xs[2 * u + j], hh[j], to: a, name: "c_pre_\(j)")) }
        }
        let update = b.and([beat, step])
        let emit = b.and([update, last])
        var y: [HWValue] = []
        for j in 0..<u {
            let z = try gate(attributes.recurrentActivation, try sum(xs[j], hs[j], to: g, name: "z_pre_\(j)"),
                             role: .recurrentActivation, name: "z_\(j)")
            let c = try gate(attributes.activation, candidates[j], role: .activation, name: "c_\(j)")
            var next = try blend(z, hSignals[j], c, name: "h_next_\(j)")
            if let masked { next = b.mux(masked, h[j], next, name: "h_new_\(j)") }
            b.connect(h[j], next: b.mux(last, zero, next), enable: update)
            y.append(b.register(next, enable: emit, name: "y_r_\(j)"))
        }
        latency += 1
        output(y, format: r)
    }

    /// `conv(p + q → A)` of two values of A, the sum formed exactly.
    private mutating func sum(_ p: FixedSignal, _ q: FixedSignal, to a: FixedFormat, name: String) throws(VerilogError) -> FixedSignal {
        let width = max(p.width, q.width) + 1
        let total = b.add(.add(b.extend(p.value, to: width, signed: p.signed), b.extend(q.value, to: width, signed: q.signed),
                               signed: true), width: width)
        let exact = FixedSignal(total, width: width, signed: p.signed || q.signed, fractionalBits: a.fractionalBits)
        return FixedSignal(try b.convert(exact, to: a, name: name), format: a)
    }

    /// A gate or candidate activation of a GRU: a table's raw output in its own format, or an
    /// arithmetic activation converted to R.
    private mutating func gate(
        _ function: ActivationFunction, _ v: FixedSignal, role: TableRole, name: String
    ) throws(VerilogError) -> FixedSignal {
        switch function {
        case .tanh, .sigmoid:
            let (table, rom) = try table(role)
            romReads += 1
            return try b.lookup(v, table: table, rom: rom, name: name)
        case .softmax:
            throw .unsupportedNode(node: node.name, reason: "a GRU activation cannot be softmax")
        case .linear, .relu, .leakyRelu, .hardSigmoid:
            return FixedSignal(try activation(function, v, name: name), format: precision.result)
        }
    }

    /// `conv(z·h + (1 - z)·c → R)`, computed exactly.
    private mutating func blend(_ z: FixedSignal, _ h: FixedSignal, _ c: FixedSignal, name: String) throws(VerilogError) -> HWValue {
        let zBits = z.fractionalBits
        guard zBits >= 0 else {
            throw .unsupportedNode(node: node.name, reason: "the gate format has no fractional bits for 1 - z")
        }
        let sumBits = zBits + max(h.fractionalBits, c.fractionalBits)
        let oneWidth = max(z.width, zBits + 1) + 2
        let oneMinusZ = b.add(.sub(b.constant(Int64(1) << Int64(zBits), width: oneWidth),
                                   b.extend(z.value, to: oneWidth, signed: z.signed), signed: true), width: oneWidth)
        let kept = b.multiply(z, h)
        let fresh = b.multiply(FixedSignal(oneMinusZ, width: oneWidth, signed: true, fractionalBits: zBits), c)
        let keptShift = sumBits - kept.fractionalBits
        let freshShift = sumBits - fresh.fractionalBits
        let width = max(kept.width + keptShift, fresh.width + freshShift) + 1
        var terms: [HWValue] = []
        for (term, shift) in [(kept, keptShift), (fresh, freshShift)] {
            let wide = b.extend(term.value, to: width, signed: term.signed)
            terms.append(shift > 0 ? b.add(.shl(wide, shift), width: width) : wide)
        }
        let total = b.add(.add(terms[0], terms[1], signed: true), width: width)
        return try b.convert(FixedSignal(total, width: width, signed: true, fractionalBits: sumBits), to: precision.result,
                             name: name)
    }

    /// Affine per feature: `conv(conv(conv(x·scale → A) + conv(offset → A) → A) → R)`, with
    /// the scale and offset codes of the weight and bias formats as stored in the IR.
    mutating func affine(_ x: [FixedSignal], scale: Tensor, offset: Tensor) throws(VerilogError) -> [HWValue] {
        let w = try format(precision.weight, "weight")
        let biasFormat = try format(precision.bias, "bias")
        let a = try format(precision.accumulator, "accumulator")
        let scaleCodes = try codes(scale, w, "scale")
        let offsetCodes = try codes(offset, biasFormat, "offset")
        guard !scaleCodes.isEmpty, scaleCodes.count == offsetCodes.count, x.count % scaleCodes.count == 0 else {
            throw .unsupportedNode(node: node.name, reason: "its scale and offset do not match \(x.count) features")
        }
        var y: [HWValue] = []
        for (k, xk) in x.enumerated() {
            let c = k % scaleCodes.count
            let shift = FixedSignal(b.constant(a.convert(raw: offsetCodes[c], from: biasFormat), width: a.width), format: a)
            var q = FixedSignal(b.constant(0, width: a.width), format: a)
            if let p = b.multiply(xk, byConstant: scaleCodes[c], format: w, mapping: options.multipliers, name: "p_\(k)") {
                constantProducts += 1
                q = FixedSignal(try b.convert(p, to: a, name: "q_\(k)"), format: a)
            }
            let total = try sum(q, shift, to: a, name: "a_\(k)")
            y.append(try b.convert(total, to: precision.result, name: "y_\(k)"))
        }
        return y
    }
}
