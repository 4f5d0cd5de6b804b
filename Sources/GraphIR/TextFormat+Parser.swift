import FixedPoint

extension Graph {
    /// Reads a graph from `.ir` text (see `Docs/IR.md`).
    ///
    /// - Parameters:
    ///   - fileName: the name errors give for the text, as in `model.ir:12:7: …`.
    ///   - sidecar: reads a weights file by the name the text gives (`@"name"[0..700]`);
    ///     needed only when the text refers to one. Its errors become parse errors.
    /// - Throws: ``IRParseError`` at the first malformed token. Parsing checks syntax only;
    ///   call ``verify()`` for the graph's meaning.
    public static func parse(
        _ text: String, fileName: String = "<text>", sidecar: ((String) throws -> [UInt8])? = nil
    ) throws(IRParseError) -> Graph {
        var parser = IRParser(
            tokens: try IRLexer.tokenize(text, fileName: fileName), fileName: fileName, readSidecar: sidecar)
        return try parser.parseGraph()
    }
}

/// A recursive-descent parser over the token list; one method per statement or value.
struct IRParser {
    let tokens: [IRToken]
    let fileName: String
    let readSidecar: ((String) throws -> [UInt8])?
    var index = 0
    var sidecars: [String: [UInt8]] = [:]

    init(tokens: [IRToken], fileName: String, readSidecar: ((String) throws -> [UInt8])?) {
        self.tokens = tokens
        self.fileName = fileName
        self.readSidecar = readSidecar
    }

    var current: IRToken { tokens[min(index, tokens.count - 1)] }

    func peek(_ offset: Int) -> IRToken { tokens[min(index + offset, tokens.count - 1)] }

    mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    func error(_ message: String, at token: IRToken? = nil) -> IRParseError {
        let token = token ?? current
        return IRParseError(fileName: fileName, line: token.line, column: token.column, message: message)
    }

    func isPunctuation(_ p: String) -> Bool { current.kind == .punctuation(p) }

    func isIdentifier(_ word: String) -> Bool { current.kind == .identifier(word) }

    /// Consumes the punctuation or throws "expected ']' after tensor shape".
    mutating func expect(_ p: String, _ context: String) throws(IRParseError) {
        guard isPunctuation(p) else { throw error("expected '\(p)' \(context), found \(current.spelling)") }
        advance()
    }

    mutating func skipNewlines() {
        while current.kind == .newline { advance() }
    }

    mutating func endOfStatement(_ what: String) throws(IRParseError) {
        switch current.kind {
        case .newline, .end: skipNewlines()
        default: throw error("expected the end of the line after \(what), found \(current.spelling)")
        }
    }

    /// A node or table name: an identifier or a quoted string.
    mutating func name(_ what: String) throws(IRParseError) -> String {
        switch current.kind {
        case let .identifier(s), let .string(s):
            advance()
            return s
        default:
            throw error("expected \(what), found \(current.spelling)")
        }
    }

    mutating func parseGraph() throws(IRParseError) -> Graph {
        skipNewlines()
        guard isIdentifier("graph"), case let .string(graphName) = peek(1).kind else {
            throw error("expected 'graph \"name\"' as the first statement")
        }
        advance()
        advance()
        try endOfStatement("the graph name")
        var graph = Graph(name: graphName, nodes: [], inputs: [], outputs: [])
        var declaredInputs: [String]?
        while current.kind != .end {
            let start = current
            if case .identifier = start.kind, peek(1).kind == .punctuation("=") {
                graph.nodes.append(try parseNode())
            } else if case .string = start.kind {
                graph.nodes.append(try parseNode())
            } else if isIdentifier("input") {
                graph.nodes.append(try parseShortInput())
            } else if isIdentifier("output") {
                advance()
                graph.outputs.append(try name("an output node name after 'output'"))
                try endOfStatement("the output name")
            } else if isIdentifier("inputs") {
                guard declaredInputs == nil else { throw error("the 'inputs' statement appears twice") }
                declaredInputs = try parseInputsList()
            } else if isIdentifier("table") {
                advance()
                let tableName = try name("a table name after 'table'")
                guard graph.tables[tableName] == nil else {
                    throw error("table '\(tableName)' is defined twice", at: start)
                }
                graph.tables[tableName] = try parseTable()
            } else if isIdentifier("graph") {
                throw error("the 'graph' statement appears twice")
            } else {
                throw error(
                    "expected a statement (a node, 'input', 'output', 'inputs' or 'table'), found \(current.spelling)")
            }
        }
        graph.inputs =
            declaredInputs ?? graph.nodes.filter { if case .input = $0.op { true } else { false } }.map(\.name)
        return graph
    }

    /// `inputs a, b` (possibly empty).
    mutating func parseInputsList() throws(IRParseError) -> [String] {
        advance()
        var names: [String] = []
        if current.kind != .newline && current.kind != .end {
            names.append(try name("a graph input name"))
            while isPunctuation(",") {
                advance()
                names.append(try name("a graph input name after ','"))
            }
        }
        try endOfStatement("the graph inputs")
        return names
    }

    /// `input NAME: [shape] type`.
    mutating func parseShortInput() throws(IRParseError) -> Node {
        advance()
        let nodeName = try name("an input name after 'input'")
        try expect(":", "after the input name")
        guard isPunctuation("[") else { throw error("expected the input's shape after ':', found \(current.spelling)") }
        let shape = try parseShape("input shape")
        let precision = try parseType()
        try endOfStatement("the input's type")
        return Node(name: nodeName, op: .input(shape: shape), shape: shape, precision: precision)
    }

    /// `NAME = op(inputs) key=value … : [shape] type`.
    mutating func parseNode() throws(IRParseError) -> Node {
        let nodeName = try name("a node name")
        try expect("=", "after the node name")
        let opToken = current
        guard case let .identifier(keyword) = opToken.kind, let schema = IRParser.attributeSchemas[keyword] else {
            let known = IRParser.attributeSchemas.keys.sorted().joined(separator: ", ")
            throw error("expected an op (one of \(known)), found \(current.spelling)")
        }
        advance()
        try expect("(", "after the op '\(keyword)'")
        var inputs: [String] = []
        if !isPunctuation(")") {
            inputs.append(try name("an input node name"))
            while isPunctuation(",") {
                advance()
                inputs.append(try name("an input node name after ','"))
            }
        }
        try expect(")", "after the inputs of '\(nodeName)'")
        var attributes = IRAttributes(op: keyword, node: nodeName)
        while case let .identifier(key) = current.kind, peek(1).kind == .punctuation("=") {
            guard let kind = schema.first(where: { $0.key == key })?.kind else {
                let takes = schema.isEmpty ? "no attributes" : schema.map(\.key).joined(separator: ", ")
                throw error("\(keyword) has no attribute '\(key)'; it takes \(takes)")
            }
            guard attributes.values[key] == nil else { throw error("attribute '\(key)' is given twice") }
            advance()
            advance()
            attributes.values[key] = try parseAttribute(kind, key: key)
        }
        guard isPunctuation(":") else {
            throw error("expected ':' and the node's type after the attributes of '\(nodeName)', found \(current.spelling)")
        }
        let colon = current
        advance()
        let shape = isPunctuation("[") ? try parseShape("node shape") : nil
        let precision = try parseType()
        try endOfStatement("the node's type")
        let failure = error("", at: colon)
        let op = try attributes.makeOp { message throws(IRParseError) -> Never in
            var located = failure
            located.message = message
            throw located
        }
        return Node(name: nodeName, op: op, inputs: inputs, shape: shape, precision: precision)
    }

    /// `table NAME = function input=F lower_bound_raw=N log2_step=N output=F entries=[n]{…}`.
    mutating func parseTable() throws(IRParseError) -> ActivationTable {
        try expect("=", "after the table name")
        guard case let .identifier(word) = current.kind, let function = TableFunction(rawValue: word) else {
            let known = TableFunction.allCases.map(\.rawValue).joined(separator: ", ")
            throw error("expected the table's function (one of \(known)), found \(current.spelling)")
        }
        advance()
        var formats: [String: FixedFormat] = [:]
        var integers: [String: Int64] = [:]
        var entries: [Int64]?
        let keys = ["input", "lower_bound_raw", "log2_step", "output", "entries"]
        while case let .identifier(key) = current.kind, peek(1).kind == .punctuation("=") {
            guard keys.contains(key) else {
                throw error("a table has no attribute '\(key)'; it takes \(keys.joined(separator: ", "))")
            }
            guard formats[key] == nil, integers[key] == nil, key != "entries" || entries == nil else {
                throw error("attribute '\(key)' is given twice")
            }
            advance()
            advance()
            switch key {
            case "input", "output": formats[key] = try parseFixedFormat()
            case "entries": entries = try parseEntries()
            default: integers[key] = try parseInteger(key.replacingUnderscores)
            }
        }
        let end = current
        try endOfStatement("the table")
        guard let input = formats["input"], let output = formats["output"], let lower = integers["lower_bound_raw"],
            let step = integers["log2_step"], let entries
        else {
            let missing = keys.first { formats[$0] == nil && integers[$0] == nil && ($0 != "entries" || entries == nil) }
            throw error("the table is missing attribute '\(missing ?? "entries")'", at: end)
        }
        guard let log2Step = Int(exactly: step) else { throw error("log2_step \(step) is too large", at: end) }
        return ActivationTable(
            function: function, inputFormat: input, lowerBoundRaw: lower, log2Step: log2Step, outputFormat: output,
            entries: entries)
    }

    /// `[n]{a, b, …}` with exactly n integers.
    mutating func parseEntries() throws(IRParseError) -> [Int64] {
        let start = current
        let count = try parseShape("entry count")
        guard count.count == 1 else { throw error("expected the entry count as '[n]'", at: start) }
        let entries = try parseList("table entries") { (p: inout IRParser) throws(IRParseError) in
            try p.parseInteger("table entry")
        }
        guard entries.count == count[0] else {
            throw error("the table declares \(count[0]) entries but lists \(entries.count)", at: start)
        }
        return entries
    }
}

extension String {
    fileprivate var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}
