import FixedPoint
import Foundation
import Testing
@testable import GraphIR

/// A valid graph broken one way, and the check and message the verifier must answer with.
struct Breakage: Sendable, CustomStringConvertible {
    enum Base: Sendable { case hlf, gru, inclusive, quantized, concat }
    let check: String
    let message: String
    let base: Base
    let mutate: @Sendable (inout Graph) -> Void

    init(_ check: String, _ message: String, _ base: Base = .hlf, _ mutate: @escaping @Sendable (inout Graph) -> Void) {
        self.check = check
        self.message = message
        self.base = base
        self.mutate = mutate
    }

    var description: String { "\(check): \(message)" }

    var graph: Graph {
        var graph: Graph
        switch base {
        case .hlf: graph = .hlfDNN()
        case .gru: graph = .particleGRU(timeSteps: 5, features: 4, units: 4)
        case .inclusive: graph = .inclusive(timeSteps: 5, features: 4, units: 3, hlfFeatures: 5)
        case .quantized: graph = TestGraphs.quantized
        case .concat:
            graph = Graph(
                name: "concat",
                nodes: [
                    Node(name: "a", op: .input(shape: [2, 3]), shape: [2, 3]),
                    Node(name: "b", op: .input(shape: [4, 3]), shape: [4, 3]),
                    Node(name: "c", op: .concatenate(axis: 0), inputs: ["a", "b"], shape: [6, 3]),
                ],
                inputs: ["a", "b"], outputs: ["c"])
        }
        mutate(&graph)
        return graph
    }
}

extension Graph {
    /// Applies `change` to the node of that name.
    mutating func edit(_ name: String, _ change: (inout Node) -> Void) {
        guard let i = nodes.firstIndex(where: { $0.name == name }) else { preconditionFailure("no node \(name)") }
        change(&nodes[i])
    }

    mutating func editGRU(_ change: (inout GRUAttributes) -> Void) {
        edit("gru") { node in
            guard case var .gru(a) = node.op else { preconditionFailure("not a GRU") }
            change(&a)
            node.op = .gru(a)
        }
    }

    mutating func editDense(_ name: String, _ change: (inout Tensor, inout Tensor) -> Void) {
        edit(name) { node in
            guard case .dense(var w, var b, let act) = node.op else { preconditionFailure("not dense") }
            change(&w, &b)
            node.op = .dense(weights: w, bias: b, activation: act)
        }
    }
}

@Suite struct VerifierTests {
    static let breakages: [Breakage] = [
        Breakage("non-empty", "graph 'hlf_dnn': the graph has no nodes") { $0.nodes = [] },
        Breakage("unique-names", "node 'dense_1' is defined twice") { $0.nodes[2].name = "dense_1" },
        Breakage("known-inputs", "node 'dense_2': its input 'nope' is not a node of the graph") {
            $0.edit("dense_2") { $0.inputs = ["nope"] }
        },
        Breakage("topological-order", "node 'dense_1': it reads 'hlf_input', which is defined after it") {
            $0.nodes.swapAt(0, 1)
        },
        Breakage("topological-order", "node 'dense_1': it reads its own output") { $0.edit("dense_1") { $0.inputs = ["dense_1"] } },
        Breakage("arity", "node 'activation_1': activation takes 1 input but it has 2") {
            $0.edit("activation_1") { $0.inputs = ["dense_1", "hlf_input"] }
        },
        Breakage("graph-inputs", "node 'dense_1' is listed as a graph input but is a 'dense' node") {
            $0.inputs = ["dense_1", "hlf_input"]
        },
        Breakage("graph-inputs", "node 'hlf_input' is an input node but not one of the graph's inputs", .inclusive) {
            $0.inputs = ["gru_input"]
        },
        Breakage("graph-outputs", "graph 'hlf_dnn': output 'softmax' is not a node of the graph") { $0.outputs = ["softmax"] },
        Breakage("graph-outputs", "graph 'hlf_dnn': the graph has no outputs") { $0.outputs = [] },
        Breakage("reachable", "node 'dense_4' does not contribute to any output") { $0.outputs = ["activation_3"] },
        Breakage("shapes", "node 'hlf_input': its shape is [15] but it is an input of shape [14]") {
            $0.edit("hlf_input") { $0.shape = [15] }
        },
        Breakage("tensor-sizes", "node 'dense_1': weights has shape [14, 50] (700 values) but holds 699 values") {
            $0.editDense("dense_1") { w, _ in w.values.removeLast() }
        },
        Breakage("finite-values", "node 'dense_1': weights value 3 is nan, not a finite number") {
            $0.editDense("dense_1") { w, _ in w.values[3] = .nan }
        },
        Breakage("dropout-rate", "node 'dropout': dropout rate 1.0 is outside [0, 1)", .gru) {
            $0.edit("dropout") { $0.op = .dropout(rate: 1) }
        },
        Breakage("dense-shapes", "node 'dense_2': weights are [50, 20] but bias is [21]") {
            $0.editDense("dense_2") { _, b in b = Tensor(zeros: [21]) }
        },
        Breakage("dense-shapes", "node 'dense_2': weights are [40, 20] but its input 'activation_1' gives 50 features") {
            $0.editDense("dense_2") { w, _ in w = Tensor(zeros: [40, 20]) }
        },
        Breakage("gru-shapes", "node 'gru': recurrent kernel is [4, 9] but 4 units need [4, 12]", .gru) {
            $0.editGRU { $0.recurrentKernel = Tensor(zeros: [4, 9]) }
        },
        Breakage("gru-shapes", "node 'gru': bias is [2, 12] but 4 units with resetAfter=false need [12]", .gru) {
            $0.editGRU { $0.resetAfter = false }
        },
        Breakage("gru-shapes", "node 'gru': its input 'masking' is [20], not a [time, features] sequence", .gru) {
            $0.edit("masking") { $0.op = .flatten; $0.shape = [20] }
        },
        Breakage("gru-activations", "node 'gru': a GRU cannot use softmax", .gru) { $0.editGRU { $0.activation = .softmax } },
        Breakage("concatenate-shapes", "node 'c': its inputs 'a' [2, 3] and 'b' [4, 3] differ on axis 0", .concat) {
            $0.edit("c") { $0.op = .concatenate(axis: 1) }
        },
        Breakage("concatenate-shapes", "node 'c': axis 2 is out of range for its input 'a' of shape [2, 3]", .concat) {
            $0.edit("c") { $0.op = .concatenate(axis: 2) }
        },
        Breakage("masking-input", "node 'masking': masking needs a [time, features] sequence but 'hlf_input' is [5]",
            .inclusive) { $0.edit("masking") { $0.inputs = ["hlf_input"] } },
        Breakage("node-shape", "node 'dense_1': its shape is [40] but dense gives [50]") { $0.edit("dense_1") { $0.shape = [40] } },
        Breakage("uniform-precision", "node 'dense_1': it has no precision but 'x' has one", .quantized) {
            $0.edit("dense_1") { $0.precision = nil }
        },
        Breakage("gate-accumulator", "node 'dense_1': dense has a gate_accumulator format, which only a GRU uses",
            .quantized) { $0.edit("dense_1") { node in
                let sums = node.precision?.accumulator
                node.precision?.gateAccumulator = sums
            } },
        Breakage("table-references", "node 'dense_1': its activation table 'nope' is not one of the graph's tables",
            .quantized) { $0.edit("dense_1") { $0.precision?.tables[.activation] = "nope" } },
        Breakage("tables-well-formed", "graph 'quantized': table 'tanh_8' has 7 entries, not a power of two", .quantized) {
            $0.tables["tanh_8"]?.entries.removeLast()
        },
        Breakage("tables-well-formed", "table 'exp_8' has lower bound raw 40000, which ap_fixed<16,6> cannot hold",
            .quantized) { $0.tables["exp_8"]?.lowerBoundRaw = 40000 },
        Breakage("tables-well-formed", "table 'tanh_8' entry 2 is 70000, which ap_fixed<16,1> cannot hold", .quantized) {
            $0.tables["tanh_8"]?.entries[2] = 70000
        },
        Breakage("required-formats", "node 'dense_1': dense in fixed point needs an accumulator format but has none",
            .quantized) { $0.edit("dense_1") { $0.precision?.accumulator = nil } },
        Breakage("required-formats", "node 'softmax': activation in fixed point needs a reciprocal table (reciprocal)",
            .quantized) { $0.edit("softmax") { $0.precision?.tables[.reciprocal] = nil } },
        Breakage("required-formats", "node 'dense_1': its activation table 'tanh_8' samples sigmoid but the node needs tanh",
            .quantized) { $0.tables["tanh_8"]?.function = .sigmoid },
    ]

    @Test(arguments: breakages)
    func verifierRejects(_ breakage: Breakage) {
        let graph = breakage.graph
        do {
            try graph.verify()
            Issue.record("verified a broken graph")
        } catch {
            #expect(error.check == breakage.check, "\(error)")
            #expect(error.message.contains(breakage.message), "\(error)")
            #expect(error.description == error.message)
        }
        #expect(graph.verificationErrors().first?.check == breakage.check)
    }

    @Test func breakagesCoverManyChecks() {
        #expect(Set(Self.breakages.map(\.check)).count >= 20)
    }

    @Test(arguments: [Breakage.Base.hlf, .gru, .inclusive, .quantized, .concat])
    func basesVerifyClean(_ base: Breakage.Base) throws {
        try Breakage("", "", base) { _ in }.graph.verify()
    }

    @Test func checksHaveUniqueNamesAndSummaries() {
        let names = VerificationCheck.all.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(VerificationCheck.all.allSatisfy { !$0.summary.isEmpty })
    }

    @Test func docsListEveryCheck() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Docs/IR.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for check in VerificationCheck.all {
            #expect(text.contains("| `\(check.name)` |"), "Docs/IR.md does not list check \(check.name)")
        }
    }

    @Test func structuralErrorsStopTheSemanticStage() {
        var graph = Graph.hlfDNN()
        graph.edit("dense_2") { $0.inputs = ["nope"] }
        graph.editDense("dense_1") { w, _ in w.values[0] = .infinity }
        #expect(graph.verificationErrors().map(\.check) == ["known-inputs", "reachable", "reachable"])
    }

    @Test func errorsAreCollectedPerStage() {
        var graph = Graph.hlfDNN()
        graph.editDense("dense_1") { w, _ in w.values[0] = .infinity }
        graph.edit("dense_3") { $0.shape = [11] }
        #expect(graph.verificationErrors().map(\.node) == ["dense_1", "dense_3", "activation_3"])
    }
}

/// Verification is linear in the number of nodes: a 30,000-node chain takes well under a
/// second here (it took minutes when a per-node check scanned the whole graph).
@Suite struct VerifierScaleTests {
    @Test func aLongChainVerifies() throws {
        var text = "graph \"chain\"\ninput x: [4] float32\n"
        var previous = "x"
        for i in 0..<30_000 {
            text += "a\(i) = activation(\(previous)) function=relu : [4] float32\n"
            previous = "a\(i)"
        }
        text += "output \(previous)\n"
        let graph = try Graph.parse(text, fileName: "chain.ir")
        #expect(graph.verificationErrors().isEmpty)
    }
}
