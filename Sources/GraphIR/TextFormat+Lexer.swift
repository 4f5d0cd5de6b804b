/// One token of the `.ir` text, with where it starts.
struct IRToken: Sendable {
    enum Kind: Equatable, Sendable {
        /// `[A-Za-z_][A-Za-z0-9_.]*`
        case identifier(String)
        /// A double-quoted string, escapes resolved.
        case string(String)
        /// A decimal or hex number as written, sign included: `-12`, `0.2`, `1e-45`, `0x7fc00001`.
        case number(String)
        /// A whole fixed-point type, `ap_fixed<16,6,AP_RND,AP_SAT>`.
        case fixedFormat(String)
        /// One of `= ( ) [ ] { } , : @ -`, or `..`.
        case punctuation(String)
        case newline
        case end
    }

    var kind: Kind
    var line: Int
    var column: Int

    /// The token as a message quotes it.
    var spelling: String {
        switch kind {
        case let .identifier(s), let .number(s), let .fixedFormat(s): "'\(s)'"
        case let .string(s): "\"\(s)\""
        case let .punctuation(s): "'\(s)'"
        case .newline: "end of line"
        case .end: "end of file"
        }
    }
}

/// Splits `.ir` text into tokens. `#` starts a comment that runs to the end of the line.
struct IRLexer {
    private let bytes: [UInt8]
    private let fileName: String
    private var position = 0
    private var line = 1
    private var lineStart = 0

    private static let fixedTypeNames: Set<String> = ["ap_fixed", "ap_ufixed", "fixed", "ufixed", "ap_int", "ap_uint"]

    init(_ text: String, fileName: String) {
        bytes = Array(text.utf8)
        self.fileName = fileName
    }

    static func tokenize(_ text: String, fileName: String) throws(IRParseError) -> [IRToken] {
        var lexer = IRLexer(text, fileName: fileName)
        var tokens: [IRToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func peek(_ offset: Int = 0) -> UInt8? {
        position + offset < bytes.count ? bytes[position + offset] : nil
    }

    private func error(_ message: String, column: Int? = nil) -> IRParseError {
        IRParseError(fileName: fileName, line: line, column: column ?? (position - lineStart + 1), message: message)
    }

    mutating func next() throws(IRParseError) -> IRToken {
        while let c = peek(), c == .space || c == .tab || c == .carriageReturn || c == .hash {
            if c == .hash {
                while let d = peek(), d != .newline { position += 1 }
            } else {
                position += 1
            }
        }
        let column = position - lineStart + 1
        func token(_ kind: IRToken.Kind) -> IRToken { IRToken(kind: kind, line: line, column: column) }
        guard let c = peek() else { return token(.end) }
        if c == .newline {
            let newline = token(.newline)
            position += 1
            line += 1
            lineStart = position
            return newline
        }
        if c.isLetter || c == .underscore {
            let start = position
            while let d = peek(), d.isLetter || d.isDigit || d == .underscore || d == .dot { position += 1 }
            let word = String(decoding: bytes[start..<position], as: UTF8.self)
            if Self.fixedTypeNames.contains(word), peek() == .less {
                while let d = peek(), d != .greater, d != .newline { position += 1 }
                guard peek() == .greater else { throw error("expected '>' to close the fixed-point type '\(word)<'") }
                position += 1
                return token(.fixedFormat(String(decoding: bytes[start..<position], as: UTF8.self)))
            }
            return token(.identifier(word))
        }
        if c.isDigit || (c == .minus && peek(1)?.isDigit == true) {
            return token(.number(lexNumber()))
        }
        if c == .quote {
            return token(.string(try lexString()))
        }
        if c == .dot && peek(1) == .dot {
            position += 2
            return token(.punctuation(".."))
        }
        if "=()[]{},:@-".utf8.contains(c) {
            position += 1
            return token(.punctuation(String(UnicodeScalar(c))))
        }
        let scalar = String(decoding: bytes[position..<min(position + 4, bytes.count)], as: UTF8.self).prefix(1)
        throw error("unexpected character '\(scalar)'")
    }

    private mutating func lexNumber() -> String {
        let start = position
        if peek() == .minus { position += 1 }
        if peek() == .zero, peek(1) == .lowerX {
            position += 2
            while let d = peek(), d.isHexDigit { position += 1 }
        } else {
            while let d = peek(), d.isDigit { position += 1 }
            if peek() == .dot, peek(1)?.isDigit == true {
                position += 1
                while let d = peek(), d.isDigit { position += 1 }
            }
            if let e = peek(), e == .lowerE || e == .upperE {
                let signed = peek(1) == .plus || peek(1) == .minus
                if peek(signed ? 2 : 1)?.isDigit == true {
                    position += signed ? 2 : 1
                    while let d = peek(), d.isDigit { position += 1 }
                }
            }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func lexString() throws(IRParseError) -> String {
        position += 1
        var out: [UInt8] = []
        while let c = peek(), c != .quote {
            guard c != .newline else { throw error("expected '\"' to close the string before the end of the line") }
            position += 1
            guard c == .backslash else {
                out.append(c)
                continue
            }
            switch peek() {
            case .quote?: out.append(.quote)
            case .backslash?: out.append(.backslash)
            case .lowerN?: out.append(.newline)
            case .lowerT?: out.append(.tab)
            default: throw error("unknown escape in string: only \\\" \\\\ \\n \\t are allowed")
            }
            position += 1
        }
        guard peek() == .quote else { throw error("expected '\"' to close the string before the end of the file") }
        position += 1
        return String(decoding: out, as: UTF8.self)
    }
}

fileprivate extension UInt8 {
    static let tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " "), hash = UInt8(ascii: "#"), quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\"), underscore = UInt8(ascii: "_"), dot = UInt8(ascii: ".")
    static let minus = UInt8(ascii: "-"), plus = UInt8(ascii: "+"), less = UInt8(ascii: "<")
    static let greater = UInt8(ascii: ">"), zero = UInt8(ascii: "0"), lowerX = UInt8(ascii: "x")
    static let lowerE = UInt8(ascii: "e"), upperE = UInt8(ascii: "E"), lowerN = UInt8(ascii: "n")
    static let lowerT = UInt8(ascii: "t")

    var isDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
    var isLetter: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
    }
    var isHexDigit: Bool {
        isDigit || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
