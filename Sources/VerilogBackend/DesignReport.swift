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
        /// The bit of the bus where feature 0 starts (inputs are packed one after another).
        public var offset: Int
        /// Whether the port carries one time step of a sequence per beat.
        public var sequence: Bool
        public var busWidth: Int { features * width }

        public init(node: String, features: Int, format: String, width: Int, offset: Int = 0, sequence: Bool = false) {
            self.node = node
            self.features = features
            self.format = format
            self.width = width
            self.offset = offset
            self.sequence = sequence
        }
    }

    /// The streamed sequence input of a recurrent design: one time step per beat, `in_last`
    /// on the last beat of an event; steps whose features all equal `maskCode` are skipped.
    public struct SequenceInput: Codable, Hashable, Sendable {
        public var node: String
        public var timeSteps: Int
        public var features: Int
        /// The raw code of the masking value in the input's format, when the GRU is masked.
        public var maskCode: Int64?
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
    /// Cycles from an event's (last) input handshake to its output handshake, when the output
    /// is ready: `(stages - 1) × reuse + 1`.
    public var latency: Int
    /// Cycles between accepted input beats at full rate (the reuse factor). An event of a
    /// sequence design takes one beat per sent time step.
    public var initiationInterval: Int
    /// The inputs in graph order, packed one after another on `in_data`.
    public var inputs: [StreamPort]
    public var output: StreamPort
    /// Set for designs with a sequence input (a GRU).
    public var sequence: SequenceInput?
    /// The debug top (same layers, every node's value on `out_data`, aligned with the output)
    /// and its fields; the first field is the output.
    public var debugTop: String
    public var debugFields: [StreamPort]
    public var multipliers: String
    public var reuseFactor: Int
    public var adderLevelsPerStage: Int?
    public var layers: [Layer]
    /// The Verilog files of the design, the top's last.
    public var files: [String]

    /// A short human-readable summary, one layer per line.
    /// Bits of `in_data`.
    public var inputBusWidth: Int { inputs.map { $0.offset + $0.busWidth }.max() ?? 0 }

    /// Cycles from the first beat's handshake of an event of `beats` beats to its output, and
    /// cycles between such events at full rate.
    public func eventTiming(beats: Int) -> (latency: Int, initiationInterval: Int) {
        ((beats - 1) * initiationInterval + latency, beats * initiationInterval)
    }

    /// A short human-readable summary, one layer per line.
    public var text: String {
        var lines = ["\(model): top \(top), latency \(latency) cycles, II \(initiationInterval), multipliers \(multipliers), reuse \(reuseFactor)"]
        for port in inputs {
            lines.append("  in:  \(port.node): \(port.features) × \(port.format) at bits [\(port.offset) +: \(port.busWidth)]"
                + (port.sequence ? " per time step" : ""))
        }
        lines.append("  out: \(output.features) × \(output.format) (\(output.busWidth) bits, feature 0 low)")
        if let sequence {
            let (first, ii) = eventTiming(beats: sequence.timeSteps)
            lines.append("  sequence '\(sequence.node)': one step per beat, in_last on the last; an event of n beats: "
                + "II n×\(initiationInterval), latency (n-1)×\(initiationInterval)+\(latency) from its first beat "
                + "(T=\(sequence.timeSteps): II \(ii), latency \(first))")
        }
        for layer in layers {
            lines.append("  \(layer.node) [\(layer.op)] \(layer.inputs)→\(layer.outputs): latency \(layer.latency), "
                + "\(layer.constantProducts) constant products, \(layer.variableProducts) products, "
                + "\(layer.romReads) ROM reads")
        }
        return lines.joined(separator: "\n")
    }
}
