import FixedPoint
import GraphIR
@testable import Passes
import Testing

@Suite("Activation tables")
struct ActivationTableTests {
    let d = FixedFormat.apFixed16_6

    static let badParameters: [(Double, Double, Int, ActivationTableError)] = [
        (-8, 8, 1000, .sizeNotPowerOfTwo(function: .tanh, size: 1000)),
        (-8, 8, 0, .sizeNotPowerOfTwo(function: .tanh, size: 0)),
        (-6, 6, 1024, .stepNotPowerOfTwo(function: .tanh, lowerBound: -6, upperBound: 6, size: 1024)),
        (8, -8, 1024, .emptyRange(function: .tanh, lowerBound: 8, upperBound: -8)),
        (-8.0001, 7.9999, 1024, .lowerBoundNotRepresentable(function: .tanh, lowerBound: -8.0001, format: .apFixed16_6)),
        (-64, 64, 1024, .lowerBoundNotRepresentable(function: .tanh, lowerBound: -64, format: .apFixed16_6)),
    ]

    @Test("the builder refuses bad sizes, steps and bounds", arguments: badParameters)
    func builderErrors(lower: Double, upper: Double, size: Int, expected: ActivationTableError) {
        #expect(throws: expected) {
            try ActivationTable.make(
                function: .tanh, inputFormat: d, lowerBound: lower, upperBound: upper, size: size, outputFormat: d)
        }
        #expect(expected.description.hasPrefix("a tanh table") || expected.description.hasPrefix("the tanh table"))
    }

    @Test("entries sample the function at step midpoints")
    func midpoints() throws {
        let output = format(12, 2)
        let table = try ActivationTable.make(
            function: .sigmoid, inputFormat: format(10, 4), lowerBound: -4, upperBound: 4, size: 16, outputFormat: output)
        #expect(table.step == 0.5 && table.log2Step == -1 && table.lowerBoundRaw == -256)
        for i in 0..<16 {
            let midpoint = -4 + 0.5 * Double(i) + 0.25
            #expect(table.entries[i] == output.quantize(1 / (1 + (-midpoint).exponential)))
        }
    }

    @Test("lookups pick the step the input falls in, clamped at both ends", arguments: [1, 2, 8, 64])
    func lookup(size: Int) throws {
        let input = format(8, 4)  // [-8, 8) in steps of 1/16
        let table = try ActivationTable.make(
            function: .tanh, inputFormat: input, lowerBound: -2, upperBound: -2 + Double(size) / 8, size: size,
            outputFormat: d)
        for raw in input.minRaw...input.maxRaw {
            let x = input.value(raw: raw)
            let step = ((x - table.lowerBound) / table.step).rounded(.down)
            let expected = Int(min(max(step, 0), Double(size - 1)))
            #expect(table.index(raw: raw) == expected, "input \(x)")
        }
    }

    @Test("a table with a step finer than its input resolution still indexes correctly")
    func fineStep() throws {
        let input = format(6, 4)  // steps of 1/4
        let table = try ActivationTable.make(
            function: .tanh, inputFormat: input, lowerBound: -1, upperBound: 1, size: 16, outputFormat: d)
        #expect(table.index(raw: input.quantize(-1.0)) == 0)
        #expect(table.index(raw: input.quantize(-0.75)) == 2)
        #expect(table.index(raw: input.quantize(0.75)) == 14)
        #expect(table.index(raw: input.quantize(3.0)) == 15)
    }

    /// The default tables (Docs/Passes.md) and the maximum error documented for each.
    static let documented: [(TableFunction, Int, Double)] = [
        (.tanh, 0, 0.0082), (.sigmoid, 0, 0.0024), (.exp, 3, 0.0039),
        (.reciprocal, 1, 0.00049), (.reciprocal, 2, 0.00099), (.reciprocal, 3, 0.0020),
        (.reciprocal, 5, 0.0040), (.reciprocal, 10, 0.0079),
    ]

    @Test("default tables stay within their documented maximum error", arguments: documented)
    func documentedError(function: TableFunction, classes: Int, limit: Double) throws {
        let pass = PrecisionAssignment()
        let result = d.with(quantization: .rnd, overflow: .sat)
        let measured: TableErrorMeasurement
        switch function {
        case .tanh, .sigmoid:
            let table = try pass.fitted(function, -8..<8, d, result, size: 1024, node: "n")
            #expect(table.entries.count == 1024)
            measured = table.measureError(over: d.minValue...d.maxValue)
        case .exp:
            let table = try pass.softmaxTables(value: d, classes: classes, node: "n").exp
            measured = table.measureError(over: -64...0)
        case .reciprocal:
            let (exp, table) = try pass.softmaxTables(value: d, classes: classes, node: "n")
            // The sums that can occur: from the largest exp entry (the max class alone) to
            // `classes` times it.
            let smallest = exp.outputFormat.value(raw: exp.lookup(raw: 0))
            measured = table.measureError(over: smallest...(Double(classes) * smallest))
        }
        #expect(measured.maximumError <= limit)
        #expect(measured.maximumError > limit * 0.9, "documented limit is stale: \(measured.maximumError)")
    }

    @Test("the measured error is the largest over every input code (checked against a direct scan)")
    func measurementIsExact() throws {
        let input = format(20, 6)  // 2^20 codes: the scan is the dense path
        let output = d.with(quantization: .rnd, overflow: .sat)
        let table = try ActivationTable.make(
            function: .tanh, inputFormat: input, lowerBound: -8, upperBound: 8, size: 256, outputFormat: output)
        let wider = format(24, 6)  // 16× the codes: the thinned grid with step ends
        let sparse = try ActivationTable.make(
            function: .tanh, inputFormat: wider, lowerBound: -8, upperBound: 8, size: 256, outputFormat: output)
        let dense = table.measureError(over: -8...8)
        let thinned = sparse.measureError(over: -8...8)
        #expect(dense.samples == 1 << 18 + 1)
        #expect(thinned.samples < 1 << 22)
        // The wider input reaches closer to the step ends, so its error is at least as large.
        #expect(thinned.maximumError >= dense.maximumError)
        // Half a step times tanh's largest slope (1), plus half an output LSB.
        #expect(thinned.maximumError <= sparse.step / 2 + output.resolution / 2)
    }
}

extension Double {
    fileprivate var exponential: Double { TableFunction.exp(self) }
}
