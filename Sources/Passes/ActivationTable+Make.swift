import FixedPoint
import GraphIR

extension ActivationTable {
    /// Builds the table for `function` over `[lowerBound, upperBound)` with `size` entries:
    /// THE one function every activation table in trigc comes from.
    ///
    /// The step `(upperBound - lowerBound) / size` must be a power of two (so the index is a
    /// shift of the raw input, see ``ActivationTable/index(raw:)``), `size` must be a power of
    /// two, and `lowerBound` must be a value of `inputFormat` (a multiple of its resolution,
    /// inside its range). Entry `i` samples the function at the **midpoint** of its step:
    /// `outputFormat.quantize(f(lowerBound + (i + 0.5) · step))`, which halves the worst error
    /// of sampling at the step's left edge. Inputs outside the range use the first or last
    /// entry.
    public static func make(
        function: TableFunction, inputFormat: FixedFormat, lowerBound: Double, upperBound: Double,
        size: Int, outputFormat: FixedFormat
    ) throws(ActivationTableError) -> ActivationTable {
        guard size >= 1, size & (size - 1) == 0 else {
            throw .sizeNotPowerOfTwo(function: function, size: size)
        }
        guard lowerBound.isFinite, upperBound.isFinite, upperBound > lowerBound else {
            throw .emptyRange(function: function, lowerBound: lowerBound, upperBound: upperBound)
        }
        let step = (upperBound - lowerBound) / Double(size)
        guard step.isNormal, step.significand == 1, lowerBound + Double(size) * step == upperBound else {
            throw .stepNotPowerOfTwo(function: function, lowerBound: lowerBound, upperBound: upperBound, size: size)
        }
        let scaled = lowerBound * twoToThe(inputFormat.fractionalBits)
        guard scaled == scaled.rounded(), scaled >= Double(inputFormat.minRaw), scaled <= Double(inputFormat.maxRaw)
        else {
            throw .lowerBoundNotRepresentable(function: function, lowerBound: lowerBound, format: inputFormat)
        }
        let entries = (0..<size).map { i in
            outputFormat.quantize(function(lowerBound + (Double(i) + 0.5) * step))
        }
        return ActivationTable(
            function: function, inputFormat: inputFormat, lowerBoundRaw: Int64(scaled),
            log2Step: Int(step.exponent), outputFormat: outputFormat, entries: entries)
    }

    /// The real value just past the last entry: `lowerBound + entries.count · step`.
    public var upperBound: Double { lowerBound + Double(entries.count) * step }

    /// The name precision assignment gives the table: function, size and input format, e.g.
    /// `tanh_1024_ap_fixed_16_6` (non-alphanumeric characters become `_`).
    public var baseName: String {
        var name = "\(function.rawValue)_\(entries.count)"
        var pendingSeparator = true
        for character in String(describing: inputFormat) {
            if character.isLetter || character.isNumber {
                if pendingSeparator { name.append("_") }
                name.append(character)
                pendingSeparator = false
            } else {
                pendingSeparator = true
            }
        }
        return name
    }
}

/// Why ``ActivationTable/make(function:inputFormat:lowerBound:upperBound:size:outputFormat:)``
/// refused its parameters.
public enum ActivationTableError: Error, Hashable, Sendable {
    /// The size is not a power of two (or below 1).
    case sizeNotPowerOfTwo(function: TableFunction, size: Int)
    /// The upper bound is not above the lower bound, or a bound is not finite.
    case emptyRange(function: TableFunction, lowerBound: Double, upperBound: Double)
    /// `(upperBound - lowerBound) / size` is not a power of two.
    case stepNotPowerOfTwo(function: TableFunction, lowerBound: Double, upperBound: Double, size: Int)
    /// The lower bound is not a value of the input format.
    case lowerBoundNotRepresentable(function: TableFunction, lowerBound: Double, format: FixedFormat)
}

extension ActivationTableError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .sizeNotPowerOfTwo(function, size):
            return "a \(function.rawValue) table needs a power-of-two size, not \(size)."
        case let .emptyRange(function, lower, upper):
            return "a \(function.rawValue) table needs a finite range with lower bound below upper bound, "
                + "not [\(lower), \(upper))."
        case let .stepNotPowerOfTwo(function, lower, upper, size):
            return "a \(function.rawValue) table over [\(lower), \(upper)) with \(size) entries has step "
                + "\((upper - lower) / Double(size)), which is not a power of two."
        case let .lowerBoundNotRepresentable(function, lower, format):
            return "the \(function.rawValue) table's lower bound \(lower) is not a value of its input "
                + "format \(format)."
        }
    }
}

/// `2^e` as a `Double`.
func twoToThe(_ e: Int) -> Double {
    Double(sign: .plus, exponent: e, significand: 1)
}
