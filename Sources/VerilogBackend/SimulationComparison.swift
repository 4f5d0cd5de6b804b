/// The bit-for-bit comparison of simulated outputs with the interpreter's raw codes.
public struct SimulationComparison: Hashable, Sendable {
    public struct Mismatch: Hashable, Sendable {
        public var event: Int
        public var expected: [Int64]
        public var actual: [Int64]
    }

    public var events: Int
    /// Events whose outputs differ in at least one bit (or that never came out).
    public var mismatchedEvents: Int
    /// Differing bits over all events (within each output's width).
    public var mismatchedBits: Int
    /// The first few mismatching events.
    public var firstMismatches: [Mismatch]

    /// Compares `events` events of `features` raw codes, `width` bits each.
    public init(expected: [Int64], actual: [Int64], events: Int, features: Int, width: Int, keep: Int = 5) {
        self.events = events
        mismatchedEvents = 0
        mismatchedBits = 0
        firstMismatches = []
        let mask: UInt64 = width >= 64 ? ~0 : (1 << UInt64(width)) - 1
        for e in 0..<events {
            let range = (e * features)..<((e + 1) * features)
            let want = Array(expected[range])
            let got = range.upperBound <= actual.count ? Array(actual[range]) : []
            var bits = 0
            if got.count == features {
                for (a, b) in zip(want, got) {
                    bits += ((UInt64(bitPattern: a) ^ UInt64(bitPattern: b)) & mask).nonzeroBitCount
                }
            } else {
                bits = features * width
            }
            if bits > 0 {
                mismatchedEvents += 1
                mismatchedBits += bits
                if firstMismatches.count < keep { firstMismatches.append(Mismatch(event: e, expected: want, actual: got)) }
            }
        }
    }

    public var isExact: Bool { mismatchedEvents == 0 }

    /// One line, then one line per kept mismatch.
    public var text: String {
        var lines = ["\(events) events: \(mismatchedEvents) mismatching events, \(mismatchedBits) mismatching bits"]
        for m in firstMismatches {
            lines.append("  event \(m.event): interpreter \(m.expected), RTL \(m.actual.isEmpty ? "no output" : "\(m.actual)")")
        }
        return lines.joined(separator: "\n")
    }
}
