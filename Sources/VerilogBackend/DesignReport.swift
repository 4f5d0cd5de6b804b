/// What the compiler reports about a generated design; written as `report.json` next to the
/// Verilog and read back by `trigc simulate`.
public struct DesignReport: Codable, Hashable, Sendable {
    /// One stream port: `features` raw codes of `format`, `width` bits each, feature 0 in the
    /// low bits of the bus.
    public struct StreamPort: Codable, Hashable, Sendable {
        public var node: String
        public var features: Int
        public var format: String
        public var width: Int
        public var busWidth: Int { features * width }
    }

    /// One layer module.
    public struct Layer: Codable, Hashable, Sendable {
        public var node: String
        public var op: String
        public var module: String
        public var inputs: Int
        public var outputs: Int
        /// Register stages between its input and its output.
        public var latency: Int
        /// Non-zero constant-coefficient products (each a multiplier or a shift-add network).
        public var constantProducts: Int
        /// Products of two signals (softmax).
        public var variableProducts: Int
        /// ROM reads (table lookups).
        public var romReads: Int
        /// The node's formats, as `role=format` strings.
        public var formats: [String]
    }

    public var model: String
    public var top: String
    /// Cycles from an input handshake to the output handshake of that event, when the output
    /// is ready.
    public var latency: Int
    /// Cycles between accepted inputs at full rate.
    public var initiationInterval: Int
    public var input: StreamPort
    public var output: StreamPort
    public var multipliers: String
    public var reuseFactor: Int
    public var adderLevelsPerStage: Int?
    public var layers: [Layer]
    /// The Verilog files of the design, the top's last.
    public var files: [String]

    /// A short human-readable summary, one layer per line.
    public var text: String {
        var lines = ["\(model): top \(top), latency \(latency) cycles, II \(initiationInterval), multipliers \(multipliers)",
                     "  in:  \(input.features) × \(input.format) (\(input.busWidth) bits, feature 0 low)",
                     "  out: \(output.features) × \(output.format) (\(output.busWidth) bits, feature 0 low)"]
        for layer in layers {
            lines.append("  \(layer.node) [\(layer.op)] \(layer.inputs)→\(layer.outputs): latency \(layer.latency), "
                + "\(layer.constantProducts) constant products, \(layer.variableProducts) products, "
                + "\(layer.romReads) ROM reads")
        }
        return lines.joined(separator: "\n")
    }
}
