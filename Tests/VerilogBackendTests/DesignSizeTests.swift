import GraphIR
import Testing
@testable import VerilogBackend

/// A graph too large to be hardware is refused in one sentence before lowering allocates it.
@Suite struct DesignSizeTests {
    static func dense(inputs: Int, units: Int) throws -> Graph {
        let graph = Graph(
            name: "wide",
            nodes: [
                Node(name: "x", op: .input(shape: [inputs]), shape: [inputs]),
                Node(name: "d", op: .dense(weights: Tensor(shape: [inputs, units], values: [Float](repeating: 0.25, count: inputs * units)),
                                           bias: Tensor(shape: [units], values: [Float](repeating: 0, count: units)), activation: .relu),
                     inputs: ["x"], shape: [units]),
            ],
            inputs: ["x"], outputs: ["d"])
        return try TestModels.quantized(graph, format: "ap_fixed<16,6>")
    }

    @Test func tooManyValuesPerEventIsRefused() throws {
        let error = #expect(throws: VerilogError.self) { try VerilogLowering.lower(try Self.dense(inputs: 1, units: 70_000)) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("70000 values per event"))
    }

    @Test func tooManyWeightsIsRefusedBeforeLowering() throws {
        // checkSize only counts: the graph need not be quantized for it.
        let units = VerilogLowering.maxWeights / 1000 + 1
        let graph = Graph(
            name: "heavy",
            nodes: [
                Node(name: "x", op: .input(shape: [1000]), shape: [1000]),
                Node(name: "d", op: .dense(weights: Tensor(shape: [1000, units], values: [Float](repeating: 0, count: 1000 * units)),
                                           bias: Tensor(shape: [units], values: [Float](repeating: 0, count: units)), activation: .relu),
                     inputs: ["x"], shape: [units]),
            ],
            inputs: ["x"], outputs: ["d"])
        let error = #expect(throws: VerilogError.self) { try VerilogLowering.checkSize(graph) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("weights"))
    }
}
