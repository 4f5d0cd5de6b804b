import FixedPoint
import GraphIR
import Passes
import Testing

/// A pass that breaks the graph by defining its first node twice.
struct DuplicatingPass: GraphPass {
    var name: String { "duplicate" }
    var prerequisites: [String] { [] }
    func run(_ graph: Graph) throws -> Graph {
        var copy = graph
        copy.nodes.append(graph.nodes[0])
        return copy
    }
}

@Suite("Pass pipeline")
struct PipelineTests {
    @Test("a pass whose prerequisite did not run earlier is a pipeline error")
    func missingPrerequisite() throws {
        let pipeline = PassPipeline([DropoutRemoval(), PrecisionAssignment(), ShapeInference()])
        let error = try #require(throws: PassError.self) { try pipeline.run(.hlfDNN()) }
        guard case let .missingPrerequisite(pass, position, prerequisite) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(pass == "precision-assignment")
        #expect(position == 2)
        #expect(prerequisite == "shape-inference")
        #expect(error.description.contains("'precision-assignment'"))
        #expect(error.description.contains("'shape-inference'"))
        #expect(throws: PassError.self) { try pipeline.checkPrerequisites() }
        #expect(throws: Never.self) { try PassPipeline(Pipelines.quantize()).checkPrerequisites() }
    }

    @Test("a failing pass's error is wrapped with its name")
    func failureNamesThePass() throws {
        var b = GraphBuilder()
        let x = b.input("x", [4])
        b.add("d", dense(5, 2), [x])
        // The verifier would reject this graph up front; without it, shape inference does.
        let pipeline = PassPipeline(Pipelines.float, verifyAfterEach: false)
        let error = try #require(throws: PassError.self) { try pipeline.run(b.graph(["d"])) }
        guard case let .failed(pass, underlying) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(pass == "shape-inference")
        #expect(
            underlying as? ShapeInferenceError
                == .featureMismatch(node: "d", op: "dense", input: "x", features: 4, expected: 5))
        #expect(error.description.hasPrefix("pass 'shape-inference' failed: node 'd'"))
    }

    @Test("an error of a pass after verified ones names that pass")
    func laterFailure() throws {
        let options = PrecisionOptions(overrides: ["nowhere": LayerOverride(result: .apFixed16_6)])
        let error = try #require(throws: PassError.self) {
            try PassPipeline(Pipelines.quantize(options)).run(.hlfDNN())
        }
        guard case let .failed(pass, underlying) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(pass == "precision-assignment")
        #expect(underlying as? PrecisionError == .unknownOverride(node: "nowhere", graph: "hlf_dnn"))
        #expect(error.description.contains("'nowhere'"))
    }

    @Test("an invalid input graph is reported before any pass runs")
    func invalidInput() throws {
        var b = GraphBuilder()
        let x = b.input("x", [4])
        b.add("d", dense(5, 2), [x])
        let error = try #require(throws: PassError.self) { try PassPipeline(Pipelines.float).run(b.graph(["d"])) }
        guard case .invalidInput = error else {
            Issue.record("unexpected error \(error)")
            return
        }
    }

    @Test("a pass that breaks the graph is caught by verification after it")
    func verificationAfterEachPass() throws {
        let pipeline = PassPipeline([ShapeInference(), DuplicatingPass()])
        let error = try #require(throws: PassError.self) { try pipeline.run(.hlfDNN()) }
        guard case let .invalidResult(pass, _) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(pass == "duplicate")
        let unchecked = PassPipeline([ShapeInference(), DuplicatingPass()], verifyAfterEach: false)
        #expect(throws: Never.self) { try unchecked.run(.hlfDNN()) }
    }

    @Test("the standard pipelines verify after every pass", arguments: examples)
    func standardPipelines(graph: Graph) throws {
        let float = try PassPipeline(Pipelines.float).run(graph)
        #expect(!float.isFixedPoint)
        let fixed = try PassPipeline(Pipelines.quantize()).run(graph)
        #expect(fixed.isFixedPoint)
        let exact = try PassPipeline(Pipelines.quantize(PrecisionOptions(exactAccumulators: true))).run(graph)
        #expect(exact.isFixedPoint)
        let decision = try PassPipeline(Pipelines.quantize(decisionOnly: true)).run(graph)
        #expect(decision.isFixedPoint)
        let last = try #require(decision[decision.outputs[0]])
        #expect(last.op == .argmax)
    }

    @Test("every pass alone leaves a graph that verifies", arguments: examples)
    func eachPassVerifies(graph: Graph) throws {
        var current = graph
        let passes: [any GraphPass] = [
            ShapeInference(), DropoutRemoval(), ActivationFusion(), SoftmaxToArgmax(), PrecisionAssignment(),
        ]
        for pass in passes {
            current = try pass.run(current)
            #expect(throws: Never.self, "after \(pass.name)") { try current.verify() }
        }
    }

    @Test("pipelines list their passes in order")
    func names() {
        #expect(PassPipeline(Pipelines.float).names
            == ["scaling-to-affine", "shape-inference", "dropout-removal", "activation-fusion"])
        #expect(
            PassPipeline(Pipelines.quantize(decisionOnly: true)).names
                == ["scaling-to-affine", "shape-inference", "dropout-removal", "activation-fusion", "softmax-to-argmax",
                    "precision-assignment", "constant-quantization"])
        #expect(PassPipeline(Pipelines.loadQuantized).names == ["scaling-to-affine", "constant-quantization"])
    }
}
