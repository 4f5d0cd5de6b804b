/// What one simulation run saw: every output beat's raw codes and the cycle of every
/// handshake.
public struct SimulationRun: Hashable, Sendable {
    /// Raw codes, `features` per event, in output order.
    public var outputs: [Int64]
    /// The cycle of every input beat's handshake.
    public var inputCycles: [Int64]
    public var outputCycles: [Int64]

    public init(outputs: [Int64], inputCycles: [Int64], outputCycles: [Int64]) {
        self.outputs = outputs
        self.inputCycles = inputCycles
        self.outputCycles = outputCycles
    }

    /// The latency of every event (output cycle minus input cycle), when all are equal; for
    /// one beat per event.
    public var latency: Int? {
        let latencies = Set(zip(inputCycles, outputCycles).map { Int($1 - $0) })
        return latencies.count == 1 ? latencies.first : nil
    }

    /// The smallest distance between consecutive input handshakes.
    public var initiationInterval: Int? {
        zip(inputCycles.dropFirst(), inputCycles).map { Int($0 - $1) }.min()
    }

    /// Per event, cycles from its last beat's handshake to its output handshake.
    public func latencies(lastBeat: [Int]) -> [Int] {
        zip(lastBeat, outputCycles).compactMap { beat, out in
            beat < inputCycles.count ? Int(out - inputCycles[beat]) : nil
        }
    }

    /// Checks the measured timing of a full-rate run (no gaps) against the report: every
    /// event's output `latency` cycles after its last beat, beats `initiationInterval` apart,
    /// and (for sequences) `(n-1)·II + latency` cycles from an event's first beat. Returns one
    /// line per finding and whether all agree.
    public func timing(report: DesignReport, stream: EventStream) -> (text: String, ok: Bool) {
        let last = Set(latencies(lastBeat: stream.lastBeat))
        let measuredII = initiationInterval
        var ok = last == [report.latency] && (stream.beats < 2 || measuredII == report.initiationInterval)
        var lines = ["measured latency \(last.count == 1 ? "\(last.first ?? 0)" : "varying \(last.sorted())") cycles "
            + "(report \(report.latency)), II \(measuredII.map(String.init) ?? "n/a") (report \(report.initiationInterval))"]
        if report.sequence != nil {
            var byLength: [Int: Set<Int>] = [:]
            for (e, (first, lastIndex)) in zip(stream.firstBeat, stream.lastBeat).enumerated()
            where e < outputCycles.count && first < inputCycles.count {
                byLength[lastIndex - first + 1, default: []].insert(Int(outputCycles[e] - inputCycles[first]))
            }
            var parts: [String] = []
            for (beats, seen) in byLength.sorted(by: { $0.key < $1.key }) {
                let expected = report.eventTiming(beats: beats).latency
                if seen != [expected] { ok = false }
                parts.append("\(beats): \(seen.count == 1 ? "\(seen.first ?? 0)" : "\(seen.sorted())") (expected \(expected))")
            }
            lines.append("first-beat-to-output latency by beats per event: " + parts.joined(separator: ", "))
        }
        return (lines.joined(separator: "\n"), ok)
    }
}
