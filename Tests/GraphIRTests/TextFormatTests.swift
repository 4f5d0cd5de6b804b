import FixedPoint
import Foundation
import Testing
@testable import GraphIR

@Suite struct TextFormatTests {
    static let graphs: [(String, Graph)] = [
        ("hlfDNN", .hlfDNN()),
        ("particleGRU", .particleGRU(timeSteps: 6, features: 19, units: 5)),
        ("particleGRU resetBefore", .particleGRU(timeSteps: 3, features: 4, units: 3, resetAfter: false)),
        ("inclusive", .inclusive(timeSteps: 5, features: 19, units: 8)),
        ("quantized", TestGraphs.quantized),
        ("kitchenSink", TestGraphs.kitchenSink),
    ]

    /// Bit patterns of every float in the graph, in text order (NaN never equals itself).
    static func bits(_ graph: Graph) -> [[UInt32]] {
        graph.nodes.flatMap { $0.op.tensorAttributes.map { $0.tensor.values.map(\.bitPattern) } }
    }

    @Test(arguments: graphs.map(\.0))
    func inlineRoundTripIsExact(name: String) throws {
        let graph = try #require(Self.graphs.first { $0.0 == name }?.1)
        let text = graph.printed()
        let parsed = try Graph.parse(text, fileName: "\(name).ir")
        #expect(parsed.printed() == text)
        #expect(Self.bits(parsed) == Self.bits(graph))
        if name != "kitchenSink" {  // NaN weights make == false there; bits are compared above
            #expect(parsed == graph)
        }
    }

    @Test(arguments: graphs.map(\.0))
    func sidecarRoundTripIsExact(name: String) throws {
        let graph = try #require(Self.graphs.first { $0.0 == name }?.1)
        let document = graph.textFormat(weights: .sidecar(fileName: "weights.bin"))
        let floatCount = Self.bits(graph).map(\.count).reduce(0, +)
        #expect(document.sidecar.count == 4 * floatCount)
        #expect(document.sidecarFileName == "weights.bin")
        var asked: [String] = []
        let parsed = try Graph.parse(document.text, fileName: "\(name).ir") { file in
            asked.append(file)
            return document.sidecar
        }
        #expect(asked == (floatCount > 0 ? ["weights.bin"] : []))  // read once, then cached
        #expect(Self.bits(parsed) == Self.bits(graph))
        #expect(parsed.textFormat(weights: .sidecar(fileName: "weights.bin")) == document)
        #expect(parsed.printed() == graph.printed())
        #expect(document.text.split(separator: "\n").count == graph.nodes.count + graph.outputs.count + 1
            + graph.tables.count + (name == "kitchenSink" ? 1 : 0))
    }

    @Test func filesRoundTripThroughADirectory() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("graphir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let graph = Graph.inclusive(timeSteps: 4, features: 3, units: 2, hlfFeatures: 5)
        let url = directory.appendingPathComponent("inclusive.ir")
        try graph.write(irFile: url, weights: .sidecar(fileName: "inclusive.weights.bin"))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("inclusive.weights.bin").path))
        #expect(try Graph.load(irFile: url) == graph)
        let missing = directory.appendingPathComponent("missing.ir")
        #expect(throws: IRParseError.self) { try Graph.load(irFile: missing) }
    }

    @Test func goldenText() throws {
        let graph = Graph(
            name: "tiny",
            nodes: [
                Node(name: "x", op: .input(shape: [2]), shape: [2]),
                Node(
                    name: "d", op: .dense(weights: Tensor(shape: [2, 1], values: [0.5, -0.0]),
                        bias: Tensor(shape: [1], values: [.leastNonzeroMagnitude]), activation: .relu),
                    inputs: ["x"], shape: [1]),
                Node(name: "s", op: .activation(.sigmoid), inputs: ["d"]),
            ],
            inputs: ["x"], outputs: ["s"])
        let expected = """
            graph "tiny"
            input x: [2] float32
            d = dense(x) activation=relu weights=[2, 1]{0.5, -0.0} bias=[1]{1e-45} : [1] float32
            s = activation(d) function=sigmoid : float32
            output s

            """
        #expect(graph.printed() == expected)
        #expect(try Graph.parse(expected) == graph)
    }

    @Test func quantizedPrecisionIsReadable() {
        let text = TestGraphs.quantized.printed()
        #expect(text.contains(
            "dense_1 = dense(x) activation=tanh weights=[4, 3]{"))
        #expect(text.contains(
            ": [3] ap_fixed<16,6> {weight=ap_fixed<8,2,AP_RND,AP_SAT>, bias=ap_fixed<8,2>, "
                + "accumulator=ap_fixed<24,10>, table.activation=tanh_8}"))
        #expect(text.contains(
            "table exp_8 = exp input=ap_fixed<16,6> lower_bound_raw=-8192 log2_step=0 output=ap_ufixed<16,1> entries=[8]{"))
    }

    /// A GRU's own gate-sum format prints after the accumulator and reads back.
    @Test func gateAccumulatorRoundTrips() throws {
        var graph = Graph.particleGRU(timeSteps: 3, features: 4, units: 2)
        let gates = try FixedFormat(parsing: "ap_fixed<16,5,AP_RND,AP_SAT>")
        for i in graph.nodes.indices {
            graph.nodes[i].precision = LayerPrecision(
                result: try FixedFormat(parsing: "ap_fixed<16,2>"), weight: try FixedFormat(parsing: "ap_fixed<16,2>"),
                bias: try FixedFormat(parsing: "ap_fixed<16,2>"), accumulator: try FixedFormat(parsing: "ap_fixed<16,3>"),
                gateAccumulator: graph.nodes[i].name == "gru" ? gates : nil)
        }
        let text = graph.printed()
        #expect(text.contains("accumulator=ap_fixed<16,3>, gate_accumulator=ap_fixed<16,5,AP_RND,AP_SAT>}"))
        let parsed = try Graph.parse(text)
        #expect(parsed == graph)
        #expect(parsed["gru"]?.precision?.gateSums == gates)
        #expect(parsed["dense"]?.precision?.gateSums?.description == "ap_fixed<16,3>")
    }

    @Test func commentsAndBlankLinesAreIgnored() throws {
        let text = "# a model\n\ngraph \"g\"  # name\n\ninput x: [1] float32\noutput x\n"
        let graph = try Graph.parse(text)
        #expect(graph == Graph(name: "g", nodes: [Node(name: "x", op: .input(shape: [1]), shape: [1])],
            inputs: ["x"], outputs: ["x"]))
    }

    struct Malformed: Sendable, CustomStringConvertible {
        let text: String
        let line: Int
        let column: Int
        let message: String
        var description: String { message }
    }

    static let malformed: [Malformed] = [
        Malformed(text: "input x: [1] float32\n", line: 1, column: 1, message: "expected 'graph \"name\"' as the first statement"),
        Malformed(text: "graph \"g\"\ninput x: [1 float32\n", line: 2, column: 13,
            message: "expected ']' after the input shape, found 'float32'"),
        Malformed(text: "graph \"g\"\ninput x: [2] float32\nd = dense(x) activation=relu weights=[2, 1]{0.5, } bias=[1]{0} : [1] float32\n",
            line: 3, column: 50, message: "expected a float for the tensor value, found '}'"),
        Malformed(text: "graph \"g\"\nd = conv(x) : float32\n", line: 2, column: 5, message: "expected an op (one of"),
        Malformed(text: "graph \"g\"\nd = dense(x) activation=relu bias=[1]{0} : [1] float32\n", line: 2, column: 42,
            message: "dense node 'd' is missing attribute 'weights'"),
        Malformed(text: "graph \"g\"\nd = dropout(x) rate=0.5 speed=3 : float32\n", line: 2, column: 25,
            message: "dropout has no attribute 'speed'; it takes rate"),
        Malformed(text: "graph \"g\"\ninput x: [2] ap_fixed<99,6>\n", line: 2, column: 14,
            message: "'ap_fixed<99,6>' is not a fixed-point format"),
        Malformed(text: "graph \"g\"\nd = dropout(x) rate=1e999 : float32\n", line: 2, column: 21,
            message: "'1e999' is not a float32 number"),
        Malformed(text: "graph \"g\"\ninput x: [2] float32 extra\n", line: 2, column: 22,
            message: "expected the end of the line after the input's type, found 'extra'"),
        Malformed(text: "graph \"g\"\nx = input() shape=[1] : [1] float32 {weight=ap_fixed<8,2>}\n", line: 2, column: 37,
            message: "expected the end of the line after the node's type, found '{'"),
        Malformed(text: "graph \"g\"\ninput x: [1] ap_fixed<8,2> {tables.exp=e}\n", line: 2, column: 29,
            message: "unknown precision entry 'tables.exp'"),
        Malformed(text: "graph \"g\"\ntable t = tanh input=ap_fixed<8,2> lower_bound_raw=0 log2_step=0 output=ap_fixed<8,2> entries=[2]{1}\n",
            line: 2, column: 95, message: "the table declares 2 entries but lists 1"),
        Malformed(text: "graph \"g\"\nd = dense(x) activation=relu weights=[1, 1]@\"w.bin\"[0..1] bias=[1]{0} : float32\n",
            line: 2, column: 45, message: "no sidecar reader was given"),
        Malformed(text: "graph \"g\"\ninput x: [1] float32 $\n", line: 2, column: 22, message: "unexpected character '$'"),
        Malformed(text: "graph \"g\nnext\n", line: 1, column: 9, message: "expected '\"' to close the string"),
    ]

    @Test(arguments: malformed)
    func parseErrorsGiveLineAndColumn(_ bad: Malformed) {
        do {
            _ = try Graph.parse(bad.text, fileName: "model.ir")
            Issue.record("parsed without error: \(bad.text)")
        } catch {
            #expect(error.fileName == "model.ir")
            #expect((error.line, error.column) == (bad.line, bad.column), "\(error)")
            #expect(error.message.contains(bad.message), "\(error)")
            #expect("\(error)".hasPrefix("model.ir:\(bad.line):\(bad.column): "))
        }
    }

    @Test func sidecarOutOfRangeIsAParseError() {
        let text = "graph \"g\"\nd = dropout(x) rate=0.5 : float32\nw = dense(d) activation=relu weights=[1, 1]@\"w.bin\"[0..3] bias=[1]{0} : float32\n"
        #expect {
            _ = try Graph.parse(text, fileName: "m.ir") { _ in [0, 0, 0, 0] }
        } throws: { error in
            "\(error)".contains("m.ir:3:45: range 0..3 is outside sidecar 'w.bin', which holds 1 words")
        }
    }

    @Test func everyPrefixParsesOrFailsCleanly() {
        let text = TestGraphs.quantized.printed()
        var failures = 0
        for end in text.indices {
            do {
                _ = try Graph.parse(String(text[..<end]))
            } catch {
                failures += 1
                #expect(error.line >= 1 && error.column >= 1)
            }
        }
        #expect(failures > text.count / 2)
    }
}
