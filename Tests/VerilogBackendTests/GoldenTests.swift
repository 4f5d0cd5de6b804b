import Foundation
import GraphIR
import Testing
@testable import VerilogBackend

/// The generated Verilog of small models against files in `Golden/`; `TRIGC_RECORD=1`
/// rewrites them.
struct GoldenTests {
    static let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func render(_ files: [VerilogFile]) -> String {
        files.map { "// ==== \($0.name)\n\($0.text)" }.joined(separator: "\n")
    }

    @Test(arguments: [
        ("tiny_relu_softmax", ActivationFunction.softmax, MultiplierMapping.dsp),
        ("tiny_relu_linear_shift_add", ActivationFunction.linear, MultiplierMapping.shiftAdd),
    ])
    func generatedVerilogMatchesGolden(name: String, last: ActivationFunction, multipliers: MultiplierMapping) throws {
        let graph = try TestModels.quantized(TestModels.tiny(last: last), format: "ap_fixed<16,6>", tableSize: 32)
        let design = try VerilogLowering.lower(graph, options: VerilogOptions(multipliers: multipliers))
        let text = Self.render(try VerilogPrinter().print(design.hardware))
        let url = Self.goldenFolder.appendingPathComponent("\(name).v")
        if ProcessInfo.processInfo.environment["TRIGC_RECORD"] == "1" {
            try Data(text.utf8).write(to: url)
            return
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        #expect(text == golden, "generated Verilog differs from Golden/\(name).v; rerun with TRIGC_RECORD=1 if intended")
    }

    @Test func harnessEqualsHDLFile() throws {
        let url = Self.goldenFolder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("HDL/verilator_harness.cpp")
        let file = try String(contentsOf: url, encoding: .utf8)
        #expect(HDLSources.verilatorHarness + "\n" == file, "HDLSources.swift is out of date with HDL/verilator_harness.cpp")
    }
}

struct HardwareIRTests {
    @Test func verifierRejectsWidthMismatch() {
        let nodes = [
            HWNode(op: .port(0), width: 8, name: "a"),
            HWNode(op: .port(1), width: 9, name: "b"),
            HWNode(op: .add(HWValue(0), HWValue(1), signed: true), width: 9),
        ]
        let module = HWModule(
            name: "bad", inputs: [HWPort(name: "a", width: 8), HWPort(name: "b", width: 9)],
            outputs: [HWPort(name: "y", width: 9)], body: .logic(nodes: nodes, outputs: [HWValue(2)], instances: []))
        #expect(throws: HWVerificationError.self) { try HWVerifier.verify(module) }
    }

    @Test func verifierRejectsNarrowingExtendAndLateOperand() {
        var b = HWModuleBuilder(name: "m")
        let a = b.input("a", width: 8)
        _ = b.add(.extend(a, signed: true), width: 4)
        #expect(throws: HWVerificationError.self) { try HWVerifier.verify(b.module) }
        var c = HWModuleBuilder(name: "m")
        let x = c.input("x", width: 4)
        _ = c.add(.add(x, HWValue(2), signed: false), width: 4)
        _ = c.constant(1, width: 4)
        #expect(throws: HWVerificationError.self) { try HWVerifier.verify(c.module) }
    }

    @Test func loweredDesignsVerify() throws {
        let graph = try TestModels.quantized(Graph.hlfDNN(), format: "ap_fixed<16,6>")
        let design = try VerilogLowering.lower(graph)
        try HWVerifier.verify(design.hardware)
        #expect(design.report.latency == 7)
        #expect(design.report.initiationInterval == 1)
    }

    @Test(arguments: [0, 1, -1, 7, -7, 0x155, -0x2AB, 1 << 40, -(1 << 40) + 3])
    func canonicalSignedDigitsSumToValue(value: Int64) {
        let digits = HWModuleBuilder.canonicalSignedDigits(value)
        #expect(digits.reduce(Int64(0)) { $0 + $1.digit << Int64($1.position) } == value)
        let positions = digits.map(\.position)
        #expect(zip(positions.dropFirst(), positions).allSatisfy { $0 - $1 >= 2 })
    }

    @Test func keywordsAndOddNamesAreRenamed() {
        var supply = VerilogNameSupply()
        #expect(supply.fresh("module") == "module_")
        #expect(supply.fresh("dense-1.out") == "dense_1_out")
        #expect(supply.fresh("dense-1.out") == "dense_1_out_1")
        #expect(supply.fresh("1x") == "n1x")
    }

    @Test func unsupportedInputsAreOneSentenceErrors() throws {
        // Not quantized.
        #expect(throws: VerilogError.self) { try VerilogLowering.lower(TestModels.tiny()) }
        // A reuse factor out of range.
        #expect(throws: VerilogError.self) {
            try VerilogLowering.lower(try TestModels.quantized(TestModels.tiny(), format: "ap_fixed<16,6>"),
                                      options: VerilogOptions(reuseFactor: 0))
        }
        // A dense layer over a sequence.
        let graph = Graph(
            name: "sequence_dense",
            nodes: [
                Node(name: "x", op: .input(shape: [4, 3]), shape: [4, 3]),
                Node(name: "masking", op: .masking(value: 0), inputs: ["x"], shape: [4, 3]),
                Node(name: "dense", op: .dense(weights: Tensor(shape: [3, 2], values: [1, 2, 3, 4, 5, 6]),
                                               bias: Tensor(shape: [2], values: [0, 0]), activation: .linear),
                     inputs: ["masking"], shape: [4, 2]),
            ],
            inputs: ["x"], outputs: ["dense"])
        let error = #expect(throws: VerilogError.self) {
            try VerilogLowering.lower(try TestModels.quantized(graph, format: "ap_fixed<16,6>"))
        }
        #expect(error.map { "\($0)".hasPrefix("layer 'dense'") } ?? true)
    }

    @Test func reuseFactorDividesMultipliers() throws {
        let graph = try TestModels.quantized(Graph.hlfDNN(), format: "ap_fixed<16,6>")
        let full = try VerilogLowering.lower(graph)
        let reused = try VerilogLowering.lower(graph, options: VerilogOptions(reuseFactor: 4))
        let products = full.report.layers.map(\.constantProducts).reduce(0, +)
        let multipliers = reused.report.layers.map(\.variableProducts).reduce(0, +)
        #expect(multipliers * 4 >= products)
        #expect(multipliers * 4 <= products + 4 * 90)
        #expect(reused.report.initiationInterval == 4)
        #expect(reused.report.latency == (7 - 1) * 4 + 1)
        try HWVerifier.verify(reused.hardware)
    }
}
