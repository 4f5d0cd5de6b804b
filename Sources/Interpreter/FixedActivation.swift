import FixedPoint
import GraphIR

/// An activation in fixed point, per the spec in `Docs/Interpreter.md`: applied to a value
/// of `inputBits` fractional bits, it gives a raw code of the result format, or (for a GRU
/// gate or candidate that uses a table) of the table's output format.
struct FixedActivation: Sendable {
    enum Kind: Sendable {
        case linear
        case relu
        /// `alpha` quantized to the weight format, with that format's fractional bits.
        case leakyRelu(alpha: Int64, alphaBits: Int)
        /// `t = slope·v + offset` aligned to `bits` fractional bits, clipped to `[0, 1]`.
        case hardSigmoid(slope: Int64, slopeShift: Int, offset: Int64, offsetShift: Int, bits: Int)
        case table(ActivationTable)
        case softmax(exp: ActivationTable, reciprocal: ActivationTable)
    }

    let kind: Kind
    /// Fractional bits of the values the activation reads.
    let inputBits: Int
    /// The format of the output; for a table kept in its own format, the table's output.
    let output: FixedFormat
    /// Whether the output is converted to `output` (false: a table's raw output is kept).
    let converts: Bool

    /// Prepares `function` for values of format `input`, giving `result` (or, with
    /// `keepTableFormat`, the table's output format for table functions). `role` names the
    /// table a tanh or sigmoid uses.
    init(
        _ function: ActivationFunction, node: String, precision: LayerPrecision, tables: [String: ActivationTable],
        input: FixedFormat, result: FixedFormat, role: TableRole = .activation, keepTableFormat: Bool = false
    ) throws(InterpreterError) {
        inputBits = input.fractionalBits
        var output = result
        var converts = true
        switch function {
        case .linear:
            kind = .linear
        case .relu:
            kind = .relu
        case let .leakyRelu(alpha):
            let w = try Self.format(precision.weight, node: node, role: "weight")
            let a = w.quantize(alpha)
            try checkProduct(a.magnitude, input.maxMagnitude, node: node, what: "leaky ReLU slope × input")
            kind = .leakyRelu(alpha: a, alphaBits: w.fractionalBits)
        case let .hardSigmoid(slope, offset):
            let w = try Self.format(precision.weight, node: node, role: "weight")
            let b = try Self.format(precision.bias, node: node, role: "bias")
            let productBits = w.fractionalBits + input.fractionalBits
            let bits = max(productBits, b.fractionalBits, 0)
            let s = w.quantize(slope)
            let o = b.quantize(offset)
            guard bits < 62 else { throw .unsupported(node: node, reason: "hard sigmoid needs \(bits) fractional bits") }
            try checkProduct(s.magnitude, input.maxMagnitude, shift: bits - productBits,
                             node: node, what: "hard sigmoid slope × input")
            try checkProduct(o.magnitude, 1, shift: bits - b.fractionalBits, node: node, what: "hard sigmoid offset")
            kind = .hardSigmoid(slope: s, slopeShift: bits - productBits, offset: o,
                                offsetShift: bits - b.fractionalBits, bits: bits)
        case .tanh, .sigmoid:
            let table = try Self.table(role, node: node, precision: precision, tables: tables)
            kind = .table(table)
            if keepTableFormat {
                output = table.outputFormat
                converts = false
            }
        case .softmax:
            let exp = try Self.table(.exp, node: node, precision: precision, tables: tables)
            let reciprocal = try Self.table(.reciprocal, node: node, precision: precision, tables: tables)
            try checkProduct(exp.outputFormat.maxMagnitude, reciprocal.outputFormat.maxMagnitude,
                             node: node, what: "softmax exp × reciprocal")
            kind = .softmax(exp: exp, reciprocal: reciprocal)
        }
        self.output = output
        self.converts = converts
    }

    static func format(_ format: FixedFormat?, node: String, role: String) throws(InterpreterError) -> FixedFormat {
        guard let format else { throw .missingFormat(node: node, role: role) }
        return format
    }

    static func table(
        _ role: TableRole, node: String, precision: LayerPrecision, tables: [String: ActivationTable]
    ) throws(InterpreterError) -> ActivationTable {
        guard let name = precision.tables[role] else { throw .missingTable(node: node, role: role, name: nil) }
        guard let table = tables[name] else { throw .missingTable(node: node, role: role, name: name) }
        return table
    }

    var isSoftmax: Bool {
        if case .softmax = kind { true } else { false }
    }

    var isLinear: Bool {
        if case .linear = kind { true } else { false }
    }

    /// The activation of one value `v` (`inputBits` fractional bits). Softmax needs a row:
    /// see ``softmax(_:count:stride:)``.
    @inline(__always)
    func apply(_ v: Int64) -> Int64 {
        switch kind {
        case .linear, .softmax:
            return output.convert(raw: v, fractionalBits: inputBits)
        case .relu:
            return output.convert(raw: max(v, 0), fractionalBits: inputBits)
        case let .leakyRelu(alpha, alphaBits):
            if v >= 0 { return output.convert(raw: v, fractionalBits: inputBits) }
            return output.convert(raw: alpha * v, fractionalBits: alphaBits + inputBits)
        case let .hardSigmoid(slope, slopeShift, offset, offsetShift, bits):
            let t = (slope * v) << Int64(slopeShift) + offset << Int64(offsetShift)
            let clipped = min(max(t, 0), Int64(1) << Int64(bits))
            return output.convert(raw: clipped, fractionalBits: bits)
        case let .table(table):
            let o = table.lookup(raw: table.inputFormat.convert(raw: v, fractionalBits: inputBits))
            return converts ? output.convert(raw: o, fractionalBits: table.outputFormat.fractionalBits) : o
        }
    }

    /// Whether `v` (`inputBits` fractional bits) lies where a table-based activation is flat:
    /// outside the table's steps, or at the bounds of the table's input format. Quantization-
    /// aware training passes no gradient there (`Interpreter.gruTrace`). Other kinds: false.
    func clips(_ v: Int64) -> Bool {
        guard case let .table(table) = kind else { return false }
        let raw = table.inputFormat.convert(raw: v, fractionalBits: inputBits)
        return !table.covers(raw: raw) || table.inputFormat.isAtSaturationBound(raw)
    }

    /// Softmax in place over `count` values `row[0], row[stride], …`:
    /// `d = v - max`, `e = exp table(d)`, `s = Σ e`, `r = reciprocal table(s)`, `y = e·r → R`.
    func softmax(_ row: UnsafeMutablePointer<Int64>, count: Int, stride: Int) {
        guard case let .softmax(exp, reciprocal) = kind, count > 0 else { return }
        var m = row[0]
        for i in 1..<count { m = max(m, row[i * stride]) }
        var sum: Int64 = 0
        for i in 0..<count {
            let d = row[i * stride] - m
            let e = exp.lookup(raw: exp.inputFormat.convert(raw: d, fractionalBits: inputBits))
            row[i * stride] = e
            sum &+= e
        }
        let expBits = exp.outputFormat.fractionalBits
        let r = reciprocal.lookup(raw: reciprocal.inputFormat.convert(raw: sum, fractionalBits: expBits))
        let productBits = expBits + reciprocal.outputFormat.fractionalBits
        for i in 0..<count {
            row[i * stride] = output.convert(raw: row[i * stride] * r, fractionalBits: productBits)
        }
    }

    /// Applies the activation to a feature-major block: `size` values per event, rows of
    /// `rowLength` for softmax; `x` and `y` may be the same buffer.
    func apply(
        _ x: UnsafePointer<Int64>, into y: UnsafeMutablePointer<Int64>, size: Int, rowLength: Int,
        count n: Int, stride: Int
    ) {
        if isSoftmax {
            if UnsafePointer(y) != x {
                for k in 0..<size { (y + k * stride).update(from: x + k * stride, count: n) }
            }
            let rows = size / max(1, rowLength)
            for e in 0..<n {
                for r in 0..<rows { softmax(y + r * rowLength * stride + e, count: rowLength, stride: stride) }
            }
            return
        }
        for k in 0..<size { applyLanes(x + k * stride, into: y + k * stride, count: n) }
    }

    /// ``apply(_:)`` on `n` values `x[0..<n]` into `y` (may be `x`), choosing the kind once:
    /// a table's entries are borrowed for the whole row instead of per value.
    func applyLanes(_ x: UnsafePointer<Int64>, into y: UnsafeMutablePointer<Int64>, count n: Int) {
        guard case let .table(table) = kind else {
            for e in 0..<n { y[e] = apply(x[e]) }
            return
        }
        let input = table.inputFormat
        let bits = table.outputFormat.fractionalBits
        table.entries.withUnsafeBufferPointer { entries in
            for e in 0..<n {
                let o = entries[table.index(raw: input.convert(raw: x[e], fractionalBits: inputBits))]
                y[e] = converts ? output.convert(raw: o, fractionalBits: bits) : o
            }
        }
    }
}

extension FixedFormat {
    /// The largest magnitude of a raw code: `max(|minRaw|, maxRaw)`.
    var maxMagnitude: UInt64 { max(minRaw.magnitude, maxRaw.magnitude) }
}

/// Throws when a product of magnitudes `a` and `b` might not be exact in `Int64` (with a
/// bit of headroom for the sums that follow).
func checkProduct(
    _ a: UInt64, _ b: UInt64, shift: Int = 0, node: String, what: String
) throws(InterpreterError) {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    let limit = shift >= 62 ? 0 : UInt64(1) << UInt64(62 - shift)
    if overflow || product > limit {
        throw .unsupported(node: node, reason: "the exact product \(what) may exceed 62 bits")
    }
}
