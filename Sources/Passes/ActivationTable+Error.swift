import FixedPoint
import GraphIR

/// How far a table strays from the exact function over a range of inputs (an analysis).
public struct TableErrorMeasurement: Hashable, Sendable {
    /// The largest `|table(x) - f(x)|` found, in real units.
    public var maximumError: Double
    /// An input where that error occurs.
    public var worstInput: Double
    /// How many input codes were evaluated.
    public var samples: Int
}

extension ActivationTable {
    /// The most input codes evaluated one by one; past this the grid thins out (see
    /// ``measureError(over:)``).
    public static let denseMeasurementLimit = 1 << 20

    /// The maximum absolute error of the table against the exact function, over every input
    /// code of ``inputFormat`` in `range` (default: the table's own range,
    /// `[lowerBound, upperBound)`, cut to what the input format holds).
    ///
    /// The error at an input `x` is `|outputFormat.value(lookup(x)) - f(x)|`, so it counts both
    /// the step (sampling) error and the output quantization. When the range holds more than
    /// ``denseMeasurementLimit`` codes, the grid is every k-th code plus the first and last code
    /// of every table step; since each table function is monotonic and the table is constant
    /// on a step, the error over a step peaks at one of its ends, so the result is still
    /// exact. Inputs outside the table's range (when `range` reaches past it) measure the
    /// clamping error.
    public func measureError(over range: ClosedRange<Double>? = nil) -> TableErrorMeasurement {
        let resolution = twoToThe(-inputFormat.fractionalBits)
        let wanted = range ?? lowerBound...(upperBound - resolution)
        let scale = twoToThe(inputFormat.fractionalBits)
        let low = max(Double(inputFormat.minRaw), (wanted.lowerBound * scale).rounded(.up))
        let high = min(Double(inputFormat.maxRaw), (wanted.upperBound * scale).rounded(.down))
        var measurement = TableErrorMeasurement(maximumError: 0, worstInput: wanted.lowerBound, samples: 0)
        guard low <= high else { return measurement }
        let first = Int64(low)
        let last = Int64(high)
        func evaluate(_ raw: Int64) {
            let x = inputFormat.value(raw: raw)
            let error = abs(outputFormat.value(raw: lookup(raw: raw)) - function(x))
            measurement.samples += 1
            if error > measurement.maximumError || error.isNaN {
                measurement.maximumError = error
                measurement.worstInput = x
            }
        }
        let count = last - first + 1
        if count > 0 && count <= Int64(Self.denseMeasurementLimit) {
            for raw in first...last { evaluate(raw) }
            return measurement
        }
        let stride = max(1, (last - first) / Int64(Self.denseMeasurementLimit))
        var raw = first
        while raw <= last - stride {
            evaluate(raw)
            raw += stride
        }
        evaluate(last)
        // Both ends of every step (and of the clamped regions) that fall inside the range.
        let shift = log2Step + inputFormat.fractionalBits
        if shift >= 0 && shift < 62 {
            for i in 0...entries.count {
                let boundary = lowerBoundRaw &+ (Int64(i) << Int64(shift))
                for code in [boundary &- 1, boundary] where code >= first && code <= last { evaluate(code) }
            }
        }
        return measurement
    }
}
