import GraphIR
@testable import Passes
import Testing

@Suite("Input scaler removal")
struct InputScalerRemovalTests {
    static func affine(_ scale: [Float], _ offset: [Float]) -> Op {
        .affine(scale: Tensor(shape: [scale.count], values: scale), offset: Tensor(shape: [offset.count], values: offset))
    }

    /// Two inputs as `trigc train` exports them: a scaler on `h`, and on `p` after its masking.
    static func scaled() -> Graph {
        var b = GraphBuilder()
        let h = b.input("h", [2])
        let p = b.input("p", [3, 2])
        b.add("h_scaling", affine([2, 4], [0.5, -1]), [h], shape: [2])
        b.add("masking", .masking(value: 0), [p], shape: [3, 2])
        b.add("p_scaling", affine([1, 3], [0, 1]), ["masking"], shape: [3, 2])
        b.add("flat", .flatten, ["p_scaling"], shape: [6])
        b.add("c", .concatenate(axis: 0), ["h_scaling", "flat"], shape: [8])
        return b.graph(["c"])
    }

    @Test("finds each input's scaler, after the masking node too")
    func finds() {
        let found = InputScaler.find(in: Self.scaled())
        #expect(found["h"] == InputScaler(input: "h", node: "h_scaling", source: "h", scale: [2, 4], offset: [0.5, -1]))
        #expect(found["p"] == InputScaler(input: "p", node: "p_scaling", source: "masking", scale: [1, 3], offset: [0, 1]))
    }

    @Test("readers of a scaler read what it read")
    func removes() throws {
        var after = GraphBuilder()
        let h = after.input("h", [2])
        let p = after.input("p", [3, 2])
        after.add("masking", .masking(value: 0), [p], shape: [3, 2])
        after.add("flat", .flatten, ["masking"], shape: [6])
        after.add("c", .concatenate(axis: 0), [h, "flat"], shape: [8])

        #expect(try PassPipeline(Pipelines.hostScaled).run(Self.scaled()) == after.graph(["c"]))
    }

    @Test("a scaler that is an output: the output becomes its source")
    func output() throws {
        var before = GraphBuilder()
        let x = before.input("x", [2])
        before.add("x_scaling", Self.affine([2, 2], [0, 0]), [x], shape: [2])
        var after = GraphBuilder()
        _ = after.input("x", [2])

        #expect(try InputScalerRemoval().run(before.graph(["x_scaling"])) == after.graph(["x"]))
    }

    @Test("a graph without scalers is unchanged; a quantized affine is not a scaler")
    func unchanged() throws {
        var b = GraphBuilder()
        let x = b.input("x", [4])
        b.add("d", dense(4, 2), [x], shape: [2])
        let plain = b.graph(["d"])
        #expect(try InputScalerRemoval().run(plain) == plain)
        #expect(InputScaler.find(in: .hlfDNN(seed: 1)).isEmpty)
    }

    @Test("an older run's dense scaler is removed after scaling-to-affine, and only then")
    func legacyDense() throws {
        var b = GraphBuilder()
        let x = b.input("x", [2])
        b.add("x_scaling", .dense(
            weights: Tensor(shape: [2, 2], values: [2, 0, 0, 3]), bias: Tensor(shape: [2], values: [1, 1]),
            activation: .linear), [x], shape: [2])
        b.add("d", dense(2, 2), ["x_scaling"], shape: [2])
        let legacy = b.graph(["d"])
        #expect(throws: PassError.self) { try PassPipeline([InputScalerRemoval()]).run(legacy) }
        let scaled = try ScalingToAffine().run(legacy)
        #expect(InputScaler.find(in: scaled)["x"]?.scale == [2, 3])
        #expect(try PassPipeline(Pipelines.hostScaled).run(legacy).nodes.map(\.name) == ["x", "d"])
    }
}
