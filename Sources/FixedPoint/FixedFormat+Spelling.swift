// The C++ spelling of a format: parsing `ap_fixed<16,6,AP_RND,AP_SAT>` and its short and
// integer forms, and printing the canonical spelling.

extension FixedFormat: LosslessStringConvertible {
    /// The canonical `ap_fixed` spelling: `ap_fixed<16,6>` when both modes are the defaults
    /// (TRN, WRAP), else all four arguments, as in `ap_ufixed<8,0,AP_RND,AP_SAT>`.
    public var description: String {
        let name = isSigned ? "ap_fixed" : "ap_ufixed"
        if quantization == .trn && overflow == .wrap {
            return "\(name)<\(width),\(integerBits)>"
        }
        return "\(name)<\(width),\(integerBits),AP_\(quantization.rawValue),AP_\(overflow.rawValue)>"
    }

    /// Parses a spelling as ``init(parsing:)`` does, or returns nil.
    public init?(_ description: String) {
        guard let format = try? FixedFormat(parsing: description) else { return nil }
        self = format
    }

    /// Parses a C++ spelling of a format.
    ///
    /// Accepted: `ap_fixed<W,I>`, `ap_fixed<W,I,Q>`, `ap_fixed<W,I,Q,O>`, `ap_fixed<W,I,Q,O,0>`,
    /// the same for `ap_ufixed`, the short names `fixed` and `ufixed`, and the integer types
    /// `ap_int<W>` and `ap_uint<W>` (integer bits equal to the width). Modes are written with or
    /// without the `AP_` prefix (`AP_RND` or `RND`). Whitespace between tokens is ignored. A
    /// fifth argument (Xilinx's saturation bits N) must be 0.
    ///
    /// Throws ``FixedPointError/invalidSpelling(_:reason:)`` saying what is wrong.
    public init(parsing text: String) throws(FixedPointError) {
        func fail(_ reason: String) -> FixedPointError { .invalidSpelling(text, reason: reason) }

        let trimmed = text.trimmingWhitespace()
        guard let open = trimmed.firstIndex(of: "<") else {
            throw fail("expected a type such as ap_fixed<16,6> with arguments in angle brackets")
        }
        guard trimmed.last == ">", trimmed.firstIndex(of: ">") == trimmed.index(before: trimmed.endIndex)
        else {
            throw fail("the arguments must end with a single '>' at the end")
        }
        let name = String(trimmed[..<open]).trimmingWhitespace()
        let inner = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        guard !inner.contains("<") else { throw fail("there is more than one '<'") }
        let arguments = inner.split(separator: ",", omittingEmptySubsequences: false)
            .map { String($0).trimmingWhitespace() }

        let signed: Bool
        let isInteger: Bool
        switch name {
        case "ap_fixed", "fixed": (signed, isInteger) = (true, false)
        case "ap_ufixed", "ufixed": (signed, isInteger) = (false, false)
        case "ap_int": (signed, isInteger) = (true, true)
        case "ap_uint": (signed, isInteger) = (false, true)
        default:
            throw fail("unknown type '\(name)', expected ap_fixed, ap_ufixed, fixed, ufixed, ap_int or ap_uint")
        }
        if let empty = arguments.firstIndex(of: "") {
            throw fail("argument \(empty + 1) is empty")
        }
        let allowed = isInteger ? 1...1 : 2...5
        guard allowed.contains(arguments.count) else {
            let expected = isInteger ? "exactly 1 argument (the width)" : "2 to 5 arguments (W, I, Q, O, N)"
            throw fail("\(name) takes \(expected), not \(arguments.count)")
        }
        guard let width = Int(arguments[0]) else {
            throw fail("the width '\(arguments[0])' is not a whole number")
        }
        var integerBits = width
        if !isInteger {
            guard let bits = Int(arguments[1]) else {
                throw fail("the integer bits '\(arguments[1])' are not a whole number")
            }
            integerBits = bits
        }
        var quantization = QuantizationMode.trn
        if arguments.count > 2 {
            guard let mode = QuantizationMode(rawValue: arguments[2].droppingPrefix("AP_")) else {
                let known = QuantizationMode.allCases.map { "AP_\($0.rawValue)" }.joined(separator: ", ")
                throw fail("unknown quantization mode '\(arguments[2])', expected one of \(known)")
            }
            quantization = mode
        }
        var overflow = OverflowMode.wrap
        if arguments.count > 3 {
            guard let mode = OverflowMode(rawValue: arguments[3].droppingPrefix("AP_")) else {
                let known = OverflowMode.allCases.map { "AP_\($0.rawValue)" }.joined(separator: ", ")
                throw fail("unknown overflow mode '\(arguments[3])', expected one of \(known)")
            }
            overflow = mode
        }
        if arguments.count > 4 {
            guard Int(arguments[4]) == 0 else {
                throw fail("saturation bits N = \(arguments[4]) are not supported, only 0")
            }
        }
        guard (1...Self.maxWidth).contains(width) else {
            throw fail("the width \(width) is outside 1...\(Self.maxWidth)")
        }
        guard abs(integerBits) <= 256 else {
            throw fail("the integer bits \(integerBits) are outside -256...256")
        }
        self.init(unchecked: width, integerBits, signed, quantization, overflow)
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let characters = drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
        return String(characters)
    }

    fileprivate func droppingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
