/// Where the RTL and the interpreter part ways for one event: the debug top's value of every
/// node next to the interpreter's.
public struct LayerTrace: Hashable, Sendable {
    public struct Row: Hashable, Sendable {
        public var node: String
        public var expected: [Int64]
        public var actual: [Int64]
        public var matches: Bool { expected == actual }
    }

    public var event: Int
    /// The nodes in graph order (the output first).
    public var rows: [Row]

    /// The first node (in graph order) whose values differ.
    public var firstDivergence: String? { rows.dropFirst().first { !$0.matches }?.node ?? rows.first { !$0.matches }?.node }

    /// Splits one debug-top output beat (`raw`, the fields of `report.debugFields`) by node
    /// and pairs it with the interpreter's raw codes (`expected[node]`, nil when unknown).
    public init(event: Int, report: DesignReport, raw: [Int64], expected: (String) -> [Int64]?) {
        self.event = event
        var rows: [Row] = []
        var k = 0
        for field in report.debugFields {
            let actual = Array(raw[min(k, raw.count)..<min(k + field.features, raw.count)])
            k += field.features
            if let want = expected(field.node) { rows.append(Row(node: field.node, expected: want, actual: actual)) }
        }
        self.rows = rows
    }

    public var text: String {
        var lines = ["per-layer trace of event \(event) (raw codes, RTL debug top vs interpreter):"]
        for row in rows.dropFirst() {
            lines.append(row.matches ? "  \(row.node): equal \(row.actual)"
                : "  \(row.node): DIFFERS: interpreter \(row.expected), RTL \(row.actual)")
        }
        lines.append(firstDivergence.map { "  first divergence: '\($0)'" } ?? "  every node agrees in the debug top")
        return lines.joined(separator: "\n")
    }
}
