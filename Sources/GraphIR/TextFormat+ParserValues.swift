import FixedPoint

/// The kinds of value an op attribute holds.
enum IRAttributeKind {
    case tensor, float, integer, bool, activation, shape
}

/// A parsed attribute value.
enum IRAttributeValue {
    case tensor(Tensor), float(Float), integer(Int), bool(Bool), activation(ActivationFunction), shape([Int])
}

extension IRParser {
    /// Each op keyword's attributes, in printing order; every one is required.
    static let attributeSchemas: [String: [(key: String, kind: IRAttributeKind)]] = [
        "input": [("shape", .shape)],
        "dense": [("activation", .activation), ("weights", .tensor), ("bias", .tensor)],
        "activation": [("function", .activation)],
        "masking": [("value", .float)],
        "gru": [
            ("units", .integer), ("activation", .activation), ("recurrent_activation", .activation),
            ("reset_after", .bool), ("kernel", .tensor), ("recurrent_kernel", .tensor), ("bias", .tensor),
        ],
        "concatenate": [("axis", .integer)],
        "dropout": [("rate", .float)],
        "batch_normalization": [
            ("epsilon", .float), ("gamma", .tensor), ("beta", .tensor), ("mean", .tensor), ("variance", .tensor),
        ],
        "affine": [("scale", .tensor), ("offset", .tensor)],
        "flatten": [],
        "argmax": [],
    ]

    mutating func parseAttribute(_ kind: IRAttributeKind, key: String) throws(IRParseError) -> IRAttributeValue {
        switch kind {
        case .tensor: return .tensor(try parseTensor(key))
        case .float: return .float(try parseFloat(key))
        case .integer: return .integer(try parseInt(key))
        case .shape: return .shape(try parseShape(key))
        case .activation: return .activation(try parseActivation(key))
        case .bool:
            if isIdentifier("true") || isIdentifier("false") {
                defer { advance() }
                return .bool(isIdentifier("true"))
            }
            throw error("expected true or false for \(key), found \(current.spelling)")
        }
    }

    /// `[a, b, …]` of whole numbers.
    mutating func parseShape(_ what: String) throws(IRParseError) -> [Int] {
        try expect("[", "to open the \(what)")
        var dims: [Int] = []
        if !isPunctuation("]") {
            dims.append(try parseInt("dimension"))
            while isPunctuation(",") {
                advance()
                dims.append(try parseInt("dimension"))
            }
        }
        try expect("]", "after the \(what)")
        return dims
    }

    /// `float32`, or a fixed-point result format with optional `{weight=…, table.exp=…}`.
    mutating func parseType() throws(IRParseError) -> LayerPrecision? {
        if isIdentifier("float32") {
            advance()
            return nil
        }
        guard case .fixedFormat = current.kind else {
            throw error("expected the node's type (float32 or a fixed-point type), found \(current.spelling)")
        }
        var precision = LayerPrecision(result: try parseFixedFormat())
        guard isPunctuation("{") else { return precision }
        advance()
        var seen = Set<String>()
        repeat {
            if isPunctuation(",") { advance() }
            guard case let .identifier(key) = current.kind else {
                throw error("expected weight, bias, accumulator, gate_accumulator or table.ROLE in the precision, found \(current.spelling)")
            }
            guard seen.insert(key).inserted else { throw error("'\(key)' is given twice in the precision") }
            let keyToken = current
            advance()
            try expect("=", "after '\(key)'")
            switch key {
            case "weight": precision.weight = try parseFixedFormat()
            case "bias": precision.bias = try parseFixedFormat()
            case "accumulator": precision.accumulator = try parseFixedFormat()
            case "gate_accumulator": precision.gateAccumulator = try parseFixedFormat()
            default:
                guard key.hasPrefix("table."), let role = TableRole(rawValue: String(key.dropFirst(6))) else {
                    let roles = TableRole.allCases.map { "table.\($0.rawValue)" }.joined(separator: ", ")
                    throw error("unknown precision entry '\(key)'; expected weight, bias, accumulator, gate_accumulator, \(roles)", at: keyToken)
                }
                precision.tables[role] = try name("a table name")
            }
        } while isPunctuation(",")
        try expect("}", "to close the precision")
        return precision
    }

    mutating func parseFixedFormat() throws(IRParseError) -> FixedFormat {
        guard case let .fixedFormat(text) = current.kind else {
            throw error("expected a fixed-point type such as ap_fixed<16,6>, found \(current.spelling)")
        }
        do {
            let format = try FixedFormat(parsing: text)
            advance()
            return format
        } catch {
            throw self.error("\(error)")
        }
    }

    mutating func parseInteger(_ what: String) throws(IRParseError) -> Int64 {
        guard case let .number(text) = current.kind, let value = Int64(text) else {
            throw error("expected a whole number for the \(what), found \(current.spelling)")
        }
        advance()
        return value
    }

    mutating func parseInt(_ what: String) throws(IRParseError) -> Int {
        let token = current
        guard let value = Int(exactly: try parseInteger(what)) else { throw error("the \(what) is too large", at: token) }
        return value
    }

    /// A decimal float, `inf`, `-inf`, `nan` or `nan(0xBITS)`.
    mutating func parseFloat(_ what: String) throws(IRParseError) -> Float {
        let token = current
        switch token.kind {
        case let .number(text) where !text.contains("x"):
            guard let value = Float(text), value.isFinite else {
                throw error("'\(text)' is not a float32 number (out of range or malformed)")
            }
            advance()
            return value
        case .identifier("inf"):
            advance()
            return .infinity
        case .punctuation("-") where peek(1).kind == .identifier("inf"):
            advance()
            advance()
            return -.infinity
        case .identifier("nan"):
            advance()
            guard isPunctuation("(") else { return .nan }
            advance()
            guard case let .number(hex) = current.kind, hex.hasPrefix("0x"), let bits = UInt32(hex.dropFirst(2), radix: 16),
                Float(bitPattern: bits).isNaN
            else { throw error("expected a NaN bit pattern such as 0x7fa00000 in 'nan(…)', found \(current.spelling)") }
            advance()
            try expect(")", "after the NaN bit pattern")
            return Float(bitPattern: bits)
        default:
            throw error("expected a float for the \(what), found \(token.spelling)")
        }
    }

    /// `{a, b, …}`, newlines allowed between items.
    mutating func parseList<T>(
        _ what: String, item: (inout IRParser) throws(IRParseError) -> T
    ) throws(IRParseError) -> [T] {
        try expect("{", "to open the \(what)")
        skipNewlines()
        var items: [T] = []
        if isPunctuation("}") {
            advance()
            return items
        }
        while true {
            items.append(try item(&self))
            skipNewlines()
            if isPunctuation("}") {
                advance()
                return items
            }
            try expect(",", "or '}' between the \(what)")
            skipNewlines()
        }
    }

    /// `[shape]{values}`, `[shape]@"file"[start..end]`, or codes: `[shape] FIXED{codes}`,
    /// `[shape] FIXED@"file"[start..end]`.
    mutating func parseTensor(_ key: String) throws(IRParseError) -> Tensor {
        guard isPunctuation("[") else { throw error("expected a tensor ('[shape]{values}') for \(key), found \(current.spelling)") }
        let shape = try parseShape("tensor shape")
        if case .fixedFormat = current.kind {
            let formatToken = current
            let format = try parseFixedFormat()
            return Tensor(shape: shape, codes: try parseCodes(key, format: format, at: formatToken), format: format)
        }
        if isPunctuation("@") {
            let words = try parseSidecarReference()
            return Tensor(shape: shape, values: words.map { Float(bitPattern: $0) })
        }
        guard isPunctuation("{") else {
            throw error("expected '{', '@' or a fixed-point type after the tensor shape, found \(current.spelling)")
        }
        let values = try parseList("tensor values") { (p: inout IRParser) throws(IRParseError) in
            try p.parseFloat("tensor value")
        }
        return Tensor(shape: shape, values: values)
    }

    /// `{codes}` or `@"file"[start..end]` (two 4-byte words per code, a little-endian
    /// `Int64`); every code must be one that `format` holds.
    mutating func parseCodes(_ key: String, format: FixedFormat, at formatToken: IRToken) throws(IRParseError) -> [Int64] {
        let range = format.minRaw...format.maxRaw
        if isPunctuation("@") {
            let referenceToken = current
            let words = try parseSidecarReference()
            guard words.count % 2 == 0 else {
                throw error("the codes of \(key) take two words each but the sidecar range holds \(words.count)", at: referenceToken)
            }
            let codes = stride(from: 0, to: words.count, by: 2).map { i in
                Int64(bitPattern: UInt64(words[i]) | UInt64(words[i + 1]) << 32)
            }
            if let i = codes.firstIndex(where: { !range.contains($0) }) {
                throw error("code \(i) of \(key) is \(codes[i]), which \(format) cannot hold", at: referenceToken)
            }
            return codes
        }
        guard isPunctuation("{") else {
            throw error("expected '{' or '@' after the codes' type \(format) of \(key), found \(current.spelling)")
        }
        return try parseList("codes of \(key)") { (p: inout IRParser) throws(IRParseError) in
            let token = p.current
            let code = try p.parseInteger("code of \(key) in \(format)")
            guard range.contains(code) else {
                throw p.error("the code \(code) of \(key) is outside \(format), which holds \(format.minRaw)...\(format.maxRaw)", at: token)
            }
            return code
        }
    }

    /// `@"file"[start..end]`: 4-byte words `start ..< end` of the sidecar (one per float32
    /// value, two per code).
    mutating func parseSidecarReference() throws(IRParseError) -> [UInt32] {
        advance()
        let fileToken = current
        guard case let .string(file) = fileToken.kind else {
            throw error("expected the sidecar's file name in quotes after '@', found \(current.spelling)")
        }
        advance()
        try expect("[", "before the sidecar range")
        let start = try parseInt("range start")
        try expect("..", "between the sidecar range's start and end")
        let end = try parseInt("range end")
        try expect("]", "after the sidecar range")
        let bytes = try sidecarBytes(file, at: fileToken)
        guard 0 <= start, start <= end, end <= bytes.count / 4 else {
            throw error("range \(start)..\(end) is outside sidecar '\(file)', which holds \(bytes.count / 4) words", at: fileToken)
        }
        return (start..<end).map { i in
            let b = 4 * i
            return UInt32(bytes[b]) | UInt32(bytes[b + 1]) << 8 | UInt32(bytes[b + 2]) << 16 | UInt32(bytes[b + 3]) << 24
        }
    }

    mutating func sidecarBytes(_ file: String, at token: IRToken) throws(IRParseError) -> [UInt8] {
        if let cached = sidecars[file] { return cached }
        guard let readSidecar else {
            throw error("the weights are in sidecar '\(file)' but no sidecar reader was given", at: token)
        }
        do {
            let bytes = try readSidecar(file)
            sidecars[file] = bytes
            return bytes
        } catch {
            throw self.error("cannot read sidecar '\(file)': \(error)", at: token)
        }
    }

    /// `relu`, `leaky_relu(alpha=0.3)`, `hard_sigmoid(slope=0.2, offset=0.5)`, ….
    mutating func parseActivation(_ key: String) throws(IRParseError) -> ActivationFunction {
        guard case let .identifier(word) = current.kind else {
            throw error("expected an activation function for \(key), found \(current.spelling)")
        }
        let simple: [String: ActivationFunction] = [
            "linear": .linear, "relu": .relu, "tanh": .tanh, "sigmoid": .sigmoid, "softmax": .softmax,
        ]
        if let function = simple[word] {
            advance()
            return function
        }
        let parameterNames: [String: [String]] = ["leaky_relu": ["alpha"], "hard_sigmoid": ["slope", "offset"]]
        guard let names = parameterNames[word] else {
            throw error(
                "unknown activation '\(word)'; expected linear, relu, leaky_relu(alpha=…), tanh, sigmoid, "
                    + "hard_sigmoid(slope=…, offset=…) or softmax")
        }
        advance()
        try expect("(", "after '\(word)'")
        var values: [Float] = []
        for (i, parameter) in names.enumerated() {
            if i > 0 { try expect(",", "between the parameters of '\(word)'") }
            guard isIdentifier(parameter) else { throw error("expected '\(parameter)=' in '\(word)(…)', found \(current.spelling)") }
            advance()
            try expect("=", "after '\(parameter)'")
            values.append(try parseFloat(parameter))
        }
        try expect(")", "to close '\(word)(…)'")
        return values.count == 1 ? .leakyRelu(alpha: values[0]) : .hardSigmoid(slope: values[0], offset: values[1])
    }
}

/// A node's parsed attributes, turned into its op once all are read.
struct IRAttributes {
    let op: String
    let node: String
    var values: [String: IRAttributeValue] = [:]

    init(op: String, node: String) {
        self.op = op
        self.node = node
    }

    typealias Fail = (String) throws(IRParseError) -> Never

    func makeOp(_ fail: Fail) throws(IRParseError) -> Op {
        func missing(_ key: String) throws(IRParseError) -> Never {
            try fail("\(op) node '\(node)' is missing attribute '\(key)'")
        }
        func tensor(_ key: String) throws(IRParseError) -> Tensor {
            if case let .tensor(t)? = values[key] { return t }
            try missing(key)
        }
        func float(_ key: String) throws(IRParseError) -> Float {
            if case let .float(x)? = values[key] { return x }
            try missing(key)
        }
        func integer(_ key: String) throws(IRParseError) -> Int {
            if case let .integer(x)? = values[key] { return x }
            try missing(key)
        }
        func activation(_ key: String) throws(IRParseError) -> ActivationFunction {
            if case let .activation(x)? = values[key] { return x }
            try missing(key)
        }
        switch op {
        case "input":
            guard case let .shape(shape)? = values["shape"] else { try missing("shape") }
            return .input(shape: shape)
        case "dense":
            return .dense(weights: try tensor("weights"), bias: try tensor("bias"), activation: try activation("activation"))
        case "activation": return .activation(try activation("function"))
        case "masking": return .masking(value: try float("value"))
        case "gru":
            guard case let .bool(resetAfter)? = values["reset_after"] else { try missing("reset_after") }
            return .gru(
                GRUAttributes(
                    units: try integer("units"), activation: try activation("activation"),
                    recurrentActivation: try activation("recurrent_activation"), resetAfter: resetAfter,
                    kernel: try tensor("kernel"), recurrentKernel: try tensor("recurrent_kernel"), bias: try tensor("bias")))
        case "concatenate": return .concatenate(axis: try integer("axis"))
        case "dropout": return .dropout(rate: try float("rate"))
        case "batch_normalization":
            return .batchNormalization(
                BatchNormAttributes(
                    gamma: try tensor("gamma"), beta: try tensor("beta"), mean: try tensor("mean"),
                    variance: try tensor("variance"), epsilon: try float("epsilon")))
        case "affine": return .affine(scale: try tensor("scale"), offset: try tensor("offset"))
        case "flatten": return .flatten
        case "argmax": return .argmax
        default: try fail("unknown op '\(op)'")
        }
    }
}
