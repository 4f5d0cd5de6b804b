import GraphIR

/// Everything that stops Verilog generation or simulation, each rendered as one sentence.
public enum VerilogError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The graph is not quantized (some node has no precision).
    case notFixedPoint(graph: String)
    /// A node whose op or attributes the backend does not lower yet.
    case unsupportedNode(node: String, reason: String)
    /// A shape of graph the backend does not lower yet (several inputs or outputs, …).
    case unsupportedGraph(graph: String, reason: String)
    /// A format or width combination the hardware mapping does not handle.
    case unsupported(what: String)
    /// A node lacks a format or table its op needs.
    case missingPrecision(node: String, role: String)
    /// The lowering produced hardware IR that does not verify (a backend bug).
    case invalidHardware(HWVerificationError)
    /// The printer met something it cannot print.
    case unprintable(module: String, reason: String)
    /// A required tool is not installed.
    case toolMissing(tool: String, install: String)
    /// A tool ran and failed; `log` is where its output went.
    case toolFailed(tool: String, status: Int32, log: String)
    /// A file could not be read or written.
    case file(path: String, reason: String)
    /// A design directory lacks what `simulate` needs, or holds something else.
    case badDesign(path: String, reason: String)
    /// A design directory whose manifest says a compile started and did not finish.
    case incompleteDesign(path: String)
    /// A compile would replace or delete this file, which trigc did not write.
    case notWrittenByTrigc(path: String)

    public var description: String {
        switch self {
        case let .notFixedPoint(graph):
            "graph '\(graph)' is not fixed point: quantize it (e.g. --fixed 'ap_fixed<16,6>') before generating Verilog."
        case let .unsupportedNode(node, reason):
            "layer '\(node)' cannot be lowered to Verilog: \(reason)."
        case let .unsupportedGraph(graph, reason):
            "graph '\(graph)' cannot be lowered to Verilog: \(reason)."
        case let .unsupported(what):
            "the Verilog backend does not support \(what)."
        case let .missingPrecision(node, role):
            "layer '\(node)' has no \(role) format or table; run precision assignment first."
        case let .invalidHardware(error):
            "internal error, the generated hardware does not verify: \(error)"
        case let .unprintable(module, reason):
            "module '\(module)' cannot be printed as Verilog: \(reason)."
        case let .toolMissing(tool, install):
            "\(tool) is not installed; install it with '\(install)'."
        case let .toolFailed(tool, status, log):
            "\(tool) failed with status \(status); see \(log)."
        case let .file(path, reason):
            "\(path): \(reason)."
        case let .badDesign(path, reason):
            "\(path) is not a trigc Verilog design: \(reason)."
        case let .incompleteDesign(path):
            "\(path) is not a complete design: compile was interrupted; run 'trigc compile' again."
        case let .notWrittenByTrigc(path):
            "\(path) exists and was not written by trigc, which never replaces such files; move it away or compile into a new or empty directory."
        }
    }
}
