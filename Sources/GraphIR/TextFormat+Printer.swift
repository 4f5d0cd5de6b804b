import FixedPoint

/// Where the text format puts tensor values.
public enum IRWeights: Hashable, Sendable {
    /// In the text, as decimal floats that read back bit for bit.
    case inline
    /// In a file of this name (relative to the `.ir` file) of little-endian 4-byte words (one
    /// per float32 value, two per code: an `Int64`, low word first), referenced from the text
    /// as `@"name"[start..end]` (word offsets, end exclusive).
    case sidecar(fileName: String)
}

/// A printed graph: the `.ir` text and, for ``IRWeights/sidecar(fileName:)``, the bytes of
/// the weights file.
public struct IRDocument: Hashable, Sendable {
    public var text: String
    /// The sidecar's file name, when weights are not inline.
    public var sidecarFileName: String?
    /// The sidecar's contents: every tensor's float32 values (one word each) or codes (a
    /// little-endian `Int64`, two words each), little-endian, in text order.
    public var sidecar: [UInt8]
}

extension Graph {
    /// The graph in the `.ir` text format (see `Docs/IR.md`). The text is a pure function of
    /// the graph, and ``parse(_:fileName:sidecar:)`` reads it back to an equal graph.
    public func textFormat(weights: IRWeights = .inline) -> IRDocument {
        var printer = IRPrinter(weights: weights)
        printer.print(self)
        let fileName: String? = if case let .sidecar(name) = weights { name } else { nil }
        return IRDocument(text: printer.out, sidecarFileName: fileName, sidecar: printer.blob)
    }

    /// The graph in the `.ir` text format with inline weights.
    public func printed() -> String { textFormat().text }
}

/// Prints a graph statement by statement; it never changes or checks what it prints.
struct IRPrinter {
    var out = ""
    var blob: [UInt8] = []
    let weights: IRWeights
    private var blobElements = 0

    static let floatsPerLine = 8
    static let integersPerLine = 16

    init(weights: IRWeights) {
        self.weights = weights
    }

    mutating func print(_ graph: Graph) {
        out += "graph \(irString(graph.name))\n"
        for (name, table) in graph.tables.sorted(by: { $0.key < $1.key }) {
            out += "table \(irName(name)) = \(table.function.rawValue) input=\(table.inputFormat)"
            out += " lower_bound_raw=\(table.lowerBoundRaw) log2_step=\(table.log2Step)"
            out += " output=\(table.outputFormat) entries=[\(table.entries.count)]"
            out += list(table.entries.map(String.init), perLine: Self.integersPerLine) + "\n"
        }
        let inputNodes = graph.nodes.filter { if case .input = $0.op { true } else { false } }.map(\.name)
        if graph.inputs != inputNodes {
            out += "inputs" + (graph.inputs.isEmpty ? "" : " " + graph.inputs.map(irName).joined(separator: ", "))
            out += "\n"
        }
        for node in graph.nodes { print(node) }
        for output in graph.outputs { out += "output \(irName(output))\n" }
    }

    mutating func print(_ node: Node) {
        if case let .input(shape) = node.op, node.inputs.isEmpty, node.shape == shape {
            out += "input \(irName(node.name)): \(irShape(shape)) \(irType(node.precision))\n"
            return
        }
        out += "\(irName(node.name)) = \(node.op.keyword)(\(node.inputs.map(irName).joined(separator: ", ")))"
        for (key, value) in attributes(node.op) { out += " \(key)=\(value)" }
        out += " :"
        if let shape = node.shape { out += " " + irShape(shape) }
        out += " " + irType(node.precision) + "\n"
    }

    /// The op's attributes as text, scalars before tensors.
    mutating func attributes(_ op: Op) -> [(String, String)] {
        var result: [(String, String)]
        switch op {
        case let .input(shape): result = [("shape", irShape(shape))]
        case let .dense(_, _, activation): result = [("activation", irActivation(activation))]
        case let .activation(function): result = [("function", irActivation(function))]
        case let .masking(value): result = [("value", irFloat(value))]
        case let .gru(a):
            result = [
                ("units", String(a.units)), ("activation", irActivation(a.activation)),
                ("recurrent_activation", irActivation(a.recurrentActivation)),
                ("reset_after", String(a.resetAfter)),
            ]
        case let .concatenate(axis): result = [("axis", String(axis))]
        case let .dropout(rate): result = [("rate", irFloat(rate))]
        case let .batchNormalization(bn): result = [("epsilon", irFloat(bn.epsilon))]
        case .affine, .flatten, .argmax: result = []
        }
        for (name, tensor) in op.tensorAttributes { result.append((name, irTensor(tensor))) }
        return result
    }

    mutating func irTensor(_ tensor: Tensor) -> String {
        let shape = irShape(tensor.shape)
        switch (tensor.storage, weights) {
        case let (.float(values), .inline):
            return shape + list(values.map(irFloat), perLine: Self.floatsPerLine)
        case let (.codes(codes, format), .inline):
            return shape + " \(format)" + list(codes.map(String.init), perLine: Self.integersPerLine)
        case let (.float(values), .sidecar(fileName)):
            return shape + sidecarReference(fileName, words: values.map(\.bitPattern))
        case let (.codes(codes, format), .sidecar(fileName)):
            let words = codes.flatMap { code in
                let bits = UInt64(bitPattern: code)
                return [UInt32(truncatingIfNeeded: bits), UInt32(truncatingIfNeeded: bits >> 32)]
            }
            return shape + " \(format)" + sidecarReference(fileName, words: words)
        }
    }

    /// Appends little-endian words to the sidecar and returns `@"file"[start..end]`.
    mutating func sidecarReference(_ fileName: String, words: [UInt32]) -> String {
        let start = blobElements
        blob.reserveCapacity(blob.count + 4 * words.count)
        for word in words {
            withUnsafeBytes(of: word.littleEndian) { blob.append(contentsOf: $0) }
        }
        blobElements += words.count
        return "@\(irString(fileName))[\(start)..\(blobElements)]"
    }

    /// `{a, b, c}` on one line when short, else wrapped `perLine` to a line, indented.
    func list(_ items: [String], perLine: Int) -> String {
        guard items.count > perLine else { return "{" + items.joined(separator: ", ") + "}" }
        var text = "{\n"
        var start = 0
        while start < items.count {
            let end = min(start + perLine, items.count)
            text += "    " + items[start..<end].joined(separator: ", ") + (end < items.count ? ",\n" : "\n")
            start = end
        }
        return text + "}"
    }
}

/// A name, bare when it is an identifier (`[A-Za-z_][A-Za-z0-9_.]*`), else quoted.
func irName(_ name: String) -> String {
    var utf8 = name.utf8.makeIterator()
    guard let first = utf8.next(), first.isASCIILetter || first == UInt8(ascii: "_") else { return irString(name) }
    while let c = utf8.next() {
        guard c.isASCIILetter || c.isASCIIDigit || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") else {
            return irString(name)
        }
    }
    return name
}

/// A double-quoted string with `\"`, `\\`, `\n`, `\t` escaped.
func irString(_ text: String) -> String {
    var out = "\""
    for c in text.unicodeScalars {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default: out.unicodeScalars.append(c)
        }
    }
    return out + "\""
}

/// Swift's shortest round-trip decimal (`0.2`, `-0.0`, `1e-45`, `inf`, `-inf`); the quiet
/// NaN `0x7fc00000` is `nan`, any other NaN `nan(0x…)` with its full bit pattern.
func irFloat(_ value: Float) -> String {
    guard value.isNaN else { return value.description }
    if value.bitPattern == Float.nan.bitPattern { return "nan" }
    return "nan(0x" + String(value.bitPattern, radix: 16) + ")"
}

func irShape(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}

func irActivation(_ function: ActivationFunction) -> String {
    switch function {
    case .linear: "linear"
    case .relu: "relu"
    case let .leakyRelu(alpha): "leaky_relu(alpha=\(irFloat(alpha)))"
    case .tanh: "tanh"
    case .sigmoid: "sigmoid"
    case let .hardSigmoid(slope, offset): "hard_sigmoid(slope=\(irFloat(slope)), offset=\(irFloat(offset)))"
    case .softmax: "softmax"
    }
}

/// `float32`, or the result format with the other formats and tables in braces.
func irType(_ precision: LayerPrecision?) -> String {
    guard let precision else { return "float32" }
    var items: [String] = []
    if let weight = precision.weight { items.append("weight=\(weight)") }
    if let bias = precision.bias { items.append("bias=\(bias)") }
    if let accumulator = precision.accumulator { items.append("accumulator=\(accumulator)") }
    if let gates = precision.gateAccumulator { items.append("gate_accumulator=\(gates)") }
    for (role, name) in precision.tables.sorted(by: { $0.key < $1.key }) {
        items.append("table.\(role.rawValue)=\(irName(name))")
    }
    let result = precision.result.description
    return items.isEmpty ? result : result + " {" + items.joined(separator: ", ") + "}"
}

extension UInt8 {
    fileprivate var isASCIILetter: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
    }
    fileprivate var isASCIIDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
}
