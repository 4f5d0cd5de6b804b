import FixedPoint
import Foundation

/// The function an activation table samples.
public enum TableFunction: String, CaseIterable, Hashable, Sendable {
    case tanh, sigmoid, exp, reciprocal

    /// The exact function, for building tables and measuring their error.
    public func callAsFunction(_ x: Double) -> Double {
        switch self {
        case .tanh: hyperbolicTangent(x)
        case .sigmoid: 1 / (1 + exponential(-x))
        case .exp: exponential(x)
        case .reciprocal: 1 / x
        }
    }
}

/// A lookup table standing for an elementwise function in fixed point: data in the IR,
/// used alike by the interpreter and by the Verilog ROMs.
///
/// The table covers `[lowerBound, lowerBound + entries.count · 2^log2Step)`. An input `x`
/// (of `inputFormat`) selects entry `floor((x - lowerBound) / 2^log2Step)`, clamped to
/// `0 ..< entries.count`; that index is computed from the raw input bits alone (see
/// ``index(raw:)``). Entries are raw codes of `outputFormat`.
public struct ActivationTable: Hashable, Sendable {
    public var function: TableFunction
    public var inputFormat: FixedFormat
    /// Raw code, in `inputFormat`'s scale, of the lower bound (`lowerBound × 2^F_in`).
    public var lowerBoundRaw: Int64
    public var log2Step: Int
    public var outputFormat: FixedFormat
    public var entries: [Int64]

    public init(
        function: TableFunction, inputFormat: FixedFormat, lowerBoundRaw: Int64, log2Step: Int,
        outputFormat: FixedFormat, entries: [Int64]
    ) {
        self.function = function
        self.inputFormat = inputFormat
        self.lowerBoundRaw = lowerBoundRaw
        self.log2Step = log2Step
        self.outputFormat = outputFormat
        self.entries = entries
    }

    /// The real value of the lower bound.
    public var lowerBound: Double {
        Double(lowerBoundRaw) * pow2(-inputFormat.fractionalBits)
    }

    /// The real width of one table step.
    public var step: Double { pow2(log2Step) }

    /// The step an input raw code (in `inputFormat`) falls in, before clamping: the offset
    /// from the lower bound shifted right by `log2Step + F_in` bits (left when that is
    /// negative); below 0 or from `entries.count` on, the input is outside the table.
    @inlinable
    public func position(raw: Int64) -> Int64 {
        let offset = raw &- lowerBoundRaw
        let shift = log2Step + inputFormat.fractionalBits
        if shift >= 0 {
            return shift >= 63 ? (offset < 0 ? -1 : 0) : offset >> Int64(shift)
        }
        return -shift >= 62 ? (offset == 0 ? 0 : (offset < 0 ? -1 : Int64(entries.count))) : offset << Int64(-shift)
    }

    /// The entry an input raw code (in `inputFormat`) selects: its ``position(raw:)``,
    /// clamped to the entries.
    @inlinable
    public func index(raw: Int64) -> Int {
        let i = position(raw: raw)
        if i < 0 { return 0 }
        if i >= Int64(entries.count) { return entries.count - 1 }
        return Int(i)
    }

    /// Whether an input raw code falls inside the table's steps (not clamped to its first or
    /// last entry, where the table is flat).
    @inlinable
    public func covers(raw: Int64) -> Bool {
        let i = position(raw: raw)
        return i >= 0 && i < Int64(entries.count)
    }

    /// The raw output code (in `outputFormat`) for a raw input code (in `inputFormat`).
    @inlinable
    public func lookup(raw: Int64) -> Int64 { entries[index(raw: raw)] }
}

@usableFromInline
func pow2(_ e: Int) -> Double { Double(sign: .plus, exponent: e, significand: 1) }

private func hyperbolicTangent(_ x: Double) -> Double { tanh(x) }
private func exponential(_ x: Double) -> Double { exp(x) }
