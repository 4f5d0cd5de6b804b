import FixedPoint
import GraphIR

/// The input beats of a run: per beat a flags word (bit 0: `in_last`) and the packed
/// `in_data` words. A vector-only design takes one beat per event; a sequence design one beat
/// per time step, the trailing padded (masked) steps left out (the GRU would skip them
/// anyway), at least one beat per event; vector inputs ride on every beat and are read on the
/// last.
public struct EventStream: Hashable, Sendable {
    public var events: Int
    /// Words per beat: one flags word, then `in_data`.
    public var stride: Int
    public var words: [UInt64]
    /// The index of each event's first and last beat.
    public var firstBeat: [Int]
    public var lastBeat: [Int]

    public var beats: Int { words.count / max(stride, 1) }

    /// Quantizes each input's float features with its node's result format.
    public static func rawCodes(graph: Graph, inputs: [String: [Float]]) -> [String: [Int64]] {
        var result: [String: [Int64]] = [:]
        for (name, values) in inputs {
            guard let format = graph[name]?.precision?.result else { continue }
            result[name] = values.map { format.quantize($0) }
        }
        return result
    }

    /// The beats of `events` events of raw input codes (`raw[input]`, events one after another).
    public init(report: DesignReport, raw: [String: [Int64]], events: Int) throws(VerilogError) {
        var fields: [StreamPacking.Field] = []
        for port in report.inputs {
            guard let format = try? FixedFormat(parsing: port.format) else {
                throw .badDesign(path: report.model, reason: "its report names format '\(port.format)'")
            }
            fields.append(.init(features: port.features, width: port.width, signed: format.isSigned, offset: port.offset))
        }
        let packing = StreamPacking(fields: fields)
        var perEvent: [Int] = []
        for port in report.inputs {
            let size = port.sequence ? port.features * (report.sequence?.timeSteps ?? 1) : port.features
            guard let codes = raw[port.node], codes.count >= events * size else {
                throw .badDesign(path: report.model, reason: "no \(events) events of input '\(port.node)' were given")
            }
            perEvent.append(size)
        }
        self.events = events
        stride = 1 + packing.words
        words = []
        firstBeat = []
        lastBeat = []
        words.reserveCapacity(events * stride)
        var beat: [Int64] = []
        for e in 0..<events {
            var steps = 1
            if let sequence = report.sequence, let codes = raw[sequence.node] {
                let base = e * sequence.timeSteps * sequence.features
                steps = sequence.timeSteps
                if let code = sequence.maskCode {
                    while steps > 1, (0..<sequence.features).allSatisfy({ codes[base + (steps - 1) * sequence.features + $0] == code }) {
                        steps -= 1
                    }
                }
            }
            firstBeat.append(words.count / stride)
            for t in 0..<steps {
                beat.removeAll(keepingCapacity: true)
                for (port, size) in zip(report.inputs, perEvent) {
                    guard let codes = raw[port.node] else { continue }
                    let start = e * size + (port.sequence ? t * port.features : 0)
                    beat += codes[start..<(start + port.features)]
                }
                let base = words.count
                words.append(t == steps - 1 ? 1 : 0)
                words += [UInt64](repeating: 0, count: packing.words)
                packing.pack(beat[...], into: &words, at: base + 1)
            }
            lastBeat.append(words.count / stride - 1)
        }
    }
}
