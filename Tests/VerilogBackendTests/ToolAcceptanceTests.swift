import Foundation
import GraphIR
import Testing
@testable import VerilogBackend

/// Runs a tool in `folder`; returns its status and output.
func runTool(_ tool: String, _ arguments: [String], in folder: URL) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    process.currentDirectoryURL = folder
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A design using every op the lowering emits: tanh and sigmoid ROMs, leaky ReLU, hard
/// sigmoid, softmax, saturation and rounding.
func acceptanceDesign() throws -> (URL, [String]) {
    var graph = TestModels.tiny(last: .softmax, hidden: .tanh)
    graph.nodes.insert(Node(name: "leaky", op: .activation(.leakyRelu(alpha: 0.25)), inputs: ["act_1"], shape: [4]), at: 3)
    graph.nodes.insert(Node(name: "hard", op: .activation(.hardSigmoid(slope: 0.2, offset: 0.5)), inputs: ["leaky"], shape: [4]), at: 4)
    graph.nodes[5].inputs = ["hard"]
    let quantized = try TestModels.quantized(graph, format: "ap_fixed<14,5,AP_RND_CONV,AP_SAT>", tableSize: 64)
    let design = try VerilogLowering.lower(quantized)
    let files = try VerilogPrinter().print(design.hardware)
    let directory = try TestModels.temporaryDirectory("accept")
    try DesignDirectory.write(design, files: files, graph: quantized, to: directory, overwrite: false)
    return (directory, files.map(\.name))
}

struct ToolAcceptanceTests {
    @Test(.enabled(if: TestModels.hasVerilator, "verilator is not installed (apt-get install verilator)"))
    func verilatorLintIsClean() throws {
        let (directory, files) = try acceptanceDesign()
        let (status, output) = try runTool(try #require(TestModels.verilatorPath),
                                           ["--lint-only", "-Wall", "--top-module", "trigc_top"] + files, in: directory)
        #expect(status == 0)
        #expect(output.isEmpty, "\(output)")
    }

    @Test(.enabled(if: TestModels.hasIcarus, "iverilog is not installed (apt-get install iverilog)"))
    func icarusCompiles() throws {
        let (directory, files) = try acceptanceDesign()
        let tool = try #require(VerilatorSimulator.findTool("iverilog"))
        let (status, output) = try runTool(tool, ["-g2005", "-o", "design.vvp", "-s", "trigc_top"] + files, in: directory)
        #expect(status == 0, "\(output)")
    }

    @Test(.enabled(if: TestModels.hasYosys, "yosys is not installed (apt-get install yosys)"))
    func yosysElaborates() throws {
        let (directory, files) = try acceptanceDesign()
        let tool = try #require(VerilatorSimulator.findTool("yosys"))
        let script = "read_verilog \(files.joined(separator: " ")); hierarchy -check -top trigc_top; proc; opt_clean; check -assert"
        let (status, output) = try runTool(tool, ["-q", "-p", script], in: directory)
        #expect(status == 0, "\(output)")
    }
}
