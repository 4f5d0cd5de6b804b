import FixedPoint
import GraphIR

/// The activation tables of one graph, shared by name when identical.
struct TableRegistry {
    var tables: [String: ActivationTable] = [:]

    /// The table's name: an identical table's, else its ``ActivationTable/baseName`` (with
    /// `_2`, `_3`, ... when a different table has that name).
    mutating func register(_ table: ActivationTable) -> String {
        if let existing = tables.first(where: { $0.value == table }) { return existing.key }
        var name = table.baseName
        var n = 2
        while tables[name] != nil {
            name = "\(table.baseName)_\(n)"
            n += 1
        }
        tables[name] = table
        return name
    }
}

extension PrecisionAssignment {
    /// The tables an activation needs, by role: tanh and sigmoid one table (under `role`),
    /// softmax an exp and a reciprocal table; the others none (they are arithmetic).
    ///
    /// `value` is the format of the value looked up (the accumulator for a fused dense or a
    /// GRU, the input's result otherwise); `classes` is the softmax axis length.
    func tables(
        for function: ActivationFunction, role: TableRole, value: FixedFormat, result: FixedFormat,
        classes: Int, node: String, registry: inout TableRegistry
    ) throws(PrecisionError) -> [TableRole: String] {
        let options = self.options.tables
        let rounded = result.with(quantization: .rnd, overflow: .sat)
        let layer = self.options.overrides[node]?.tables[role]
        let size = layer?.size ?? options.size
        switch function {
        case .linear, .relu, .leakyRelu, .hardSigmoid:
            return [:]
        case .tanh:
            let output = layer?.outputFormat ?? options.tanhOutputFormat ?? rounded
            let table = try fitted(.tanh, options.tanhRange, value, output, size: size, node: node)
            return [role: registry.register(table)]
        case .sigmoid:
            let output = layer?.outputFormat ?? options.sigmoidOutputFormat ?? rounded
            let table = try fitted(.sigmoid, options.sigmoidRange, value, output, size: size, node: node)
            return [role: registry.register(table)]
        case .softmax:
            let (exp, reciprocal) = try softmaxTables(value: value, classes: classes, node: node)
            return [.exp: registry.register(exp), .reciprocal: registry.register(reciprocal)]
        }
    }

    /// Softmax's tables. The exp table reads `d = v - max`, whose format is `value` widened by
    /// one integer bit (signed). The reciprocal table reads the exact sum of `classes` exp
    /// entries: an unsigned format with the exp output's fractional bits and just enough
    /// integer bits for `classes × (largest entry)`, over that format's whole range
    /// `[0, 2^I)` (for exp entries below 1, `I = ceil(log2(classes))`).
    func softmaxTables(
        value: FixedFormat, classes: Int, node: String
    ) throws(PrecisionError) -> (exp: ActivationTable, reciprocal: ActivationTable) {
        let options = self.options.tables
        let layer = self.options.overrides[node]?.tables ?? [:]
        let difference: FixedFormat
        do {
            difference = try FixedFormat(
                width: value.width + 1, integerBits: value.integerBits + 1, signed: true,
                quantization: value.quantization, overflow: value.overflow)
        } catch {
            throw .invalidFormat(node: node, error)
        }
        let exp = try fitted(
            .exp, options.expRange, difference, layer[.exp]?.outputFormat ?? options.expOutputFormat,
            size: layer[.exp]?.size ?? options.size, node: node)
        let largest = Term(exp.entries.max() ?? 0, 0).times(Term(Int64(max(classes, 1)), 0)).raw
        let width = max(1, Int64.bitWidth - largest.leadingZeroBitCount)
        let sum: FixedFormat
        do {
            sum = try FixedFormat(
                width: width, integerBits: width - exp.outputFormat.fractionalBits, signed: false)
        } catch {
            throw .invalidFormat(node: node, error)
        }
        let upper = sum.maxValue + sum.resolution
        do {
            let reciprocal = try ActivationTable.make(
                function: .reciprocal, inputFormat: sum, lowerBound: 0, upperBound: upper,
                size: layer[.reciprocal]?.size ?? options.size,
                outputFormat: layer[.reciprocal]?.outputFormat ?? options.reciprocalOutputFormat)
            return (exp, reciprocal)
        } catch {
            throw .table(node: node, error)
        }
    }

    /// The table for `function` over `range` with `size` entries, cut to the
    /// values `input` can hold and with a step no finer than its resolution (so no entry is
    /// unreachable); the entry count shrinks accordingly, staying a power of two.
    func fitted(
        _ function: TableFunction, _ range: Range<Double>, _ input: FixedFormat, _ output: FixedFormat,
        size: Int, node: String
    ) throws(PrecisionError) -> ActivationTable {
        var lower = range.lowerBound
        var upper = range.upperBound
        do throws(ActivationTableError) {
            // Let the builder judge the requested table before it is cut.
            guard size >= 1, size & (size - 1) == 0 else {
                throw .sizeNotPowerOfTwo(function: function, size: size)
            }
            let step = (upper - lower) / Double(size)
            guard step.isNormal, step.significand == 1, lower + Double(size) * step == upper else {
                throw .stepNotPowerOfTwo(
                    function: function, lowerBound: lower, upperBound: upper, size: size)
            }
            let low = max(lower, input.minValue)
            let high = min(upper, input.maxValue + input.resolution)
            var cutSize = size
            if low < high {
                let cutStep = max(step, input.resolution)
                cutSize = 1
                while Double(cutSize) * cutStep < high - low { cutSize *= 2 }
                lower = low
                upper = low + Double(cutSize) * cutStep
            }
            return try ActivationTable.make(
                function: function, inputFormat: input, lowerBound: lower, upperBound: upper, size: cutSize,
                outputFormat: output)
        } catch {
            throw .table(node: node, error)
        }
    }
}
