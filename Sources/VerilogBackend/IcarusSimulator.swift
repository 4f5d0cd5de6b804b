import Foundation

/// Simulates a design with Icarus Verilog (`iverilog -g2005`, `vvp`) through a generated
/// testbench, for small runs: the same beats, outputs and handshake cycles as Verilator, at
/// full rate (no gaps). Works in `DIR/sim_icarus`.
public struct IcarusSimulator: RTLSimulator, Sendable {
    public let directory: URL
    public let report: DesignReport
    public let outputPacking: StreamPacking

    public init(directory: URL) throws(VerilogError) {
        self.directory = directory
        report = try DesignDirectory.readReport(directory)
        outputPacking = try report.outputPacking(debug: false)
    }

    var folder: URL { directory.appendingPathComponent(DesignDirectory.simulationFolder + "_icarus") }

    /// Checks that Icarus is installed and writes the testbench (compiled per run, since the
    /// beat count is a parameter).
    @discardableResult
    public func build() throws(VerilogError) -> Bool {
        _ = try ToolRunner.require("iverilog", package: "iverilog")
        _ = try ToolRunner.require("vvp", package: "iverilog")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .file(path: folder.path, reason: "cannot create (\(error.localizedDescription))")
        }
        try ToolRunner.write(Data(testbench.utf8), to: folder.appendingPathComponent("trigc_tb.v"))
        return true
    }

    /// The testbench: reads `{in_last, in_data}` per beat from `inputs.hex`, writes
    /// `cycle data` per output beat to `outputs.txt` and each input handshake's cycle to
    /// `input_cycles.txt`.
    var testbench: String {
        let bus = max(1, report.inputBusWidth)
        let out = outputPacking.bits
        let last = report.sequence != nil
        return """
            // trigc Icarus testbench for '\(report.model)' (generated).
            `timescale 1ns/1ps
            module trigc_tb;
                parameter BEATS = 1;
                parameter EVENTS = 1;
                reg clk = 0;
                reg rst = 1;
                reg in_valid = 0;
                reg [\(bus - 1):0] in_data = 0;
                reg in_last = 0;
                reg out_ready = 1;
                wire in_ready, out_valid;
                wire [\(out - 1):0] out_data;
                reg [\(bus):0] beats [0:BEATS-1];
                integer next = 0, done = 0, cycle = 0, fo, fc;
                \(report.top) dut (.clk(clk), .rst(rst), .in_valid(in_valid), .in_data(in_data),\(last ? " .in_last(in_last)," : "") .out_ready(out_ready),
                    .in_ready(in_ready), .out_valid(out_valid), .out_data(out_data));
                always #5 clk = ~clk;
                initial begin
                    $readmemh("inputs.hex", beats);
                    fo = $fopen("outputs.txt", "w");
                    fc = $fopen("input_cycles.txt", "w");
                    repeat (4) @(posedge clk);
                    #1 rst = 0;
                    while (done < EVENTS && cycle < 1000 + BEATS * \(4 * report.initiationInterval) + \(4 * report.latency)) begin
                        in_valid = next < BEATS;
                        if (next < BEATS) {in_last, in_data} = beats[next];
                        #1;
                        if (out_valid && out_ready) begin
                            $fwrite(fo, "%0d %h\\n", cycle, out_data);
                            done = done + 1;
                        end
                        if (in_valid && in_ready) begin
                            $fwrite(fc, "%0d\\n", cycle);
                            next = next + 1;
                        end
                        @(posedge clk);
                        #1 cycle = cycle + 1;
                    end
                    $fclose(fo);
                    $fclose(fc);
                    $finish;
                end
            endmodule

            """
    }

    public func run(_ stream: EventStream, gaps: Bool = false, seed: UInt64 = 1) throws(VerilogError) -> SimulationRun {
        let iverilog = try ToolRunner.require("iverilog", package: "iverilog")
        let vvp = try ToolRunner.require("vvp", package: "iverilog")
        let bus = max(1, report.inputBusWidth)
        var lines: [String] = []
        lines.reserveCapacity(stream.beats)
        for beat in 0..<stream.beats {
            var words = Array(stream.words[(beat * stream.stride + 1)..<((beat + 1) * stream.stride)])
            while words.count * 64 < bus + 1 { words.append(0) }
            if stream.words[beat * stream.stride] & 1 == 1 { words[bus / 64] |= UInt64(1) << UInt64(bus % 64) }
            lines.append(Self.hex(words, bits: bus + 1))
        }
        try ToolRunner.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: folder.appendingPathComponent("inputs.hex"))
        let sources = report.files.map { directory.appendingPathComponent($0).path }
        try ToolRunner.execute(iverilog, ["-g2005", "-o", "trigc_tb.vvp", "-s", "trigc_tb",
                                          "-P", "trigc_tb.BEATS=\(stream.beats)", "-P", "trigc_tb.EVENTS=\(stream.events)",
                                          "trigc_tb.v"] + sources, in: folder, log: "build.log")
        try ToolRunner.execute(vvp, ["-n", "trigc_tb.vvp"], in: folder, log: "run.log")
        var outputs: [Int64] = []
        var outputCycles: [Int64] = []
        for line in try Self.lines(folder.appendingPathComponent("outputs.txt")) {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let cycle = Int64(parts[0]) else { continue }
            outputCycles.append(cycle)
            outputs += outputPacking.unpack(Self.words(hex: parts[1], count: outputPacking.words)[...])
        }
        let inputCycles = try Self.lines(folder.appendingPathComponent("input_cycles.txt")).compactMap { Int64($0) }
        return SimulationRun(outputs: outputs, inputCycles: inputCycles, outputCycles: outputCycles)
    }

    static func lines(_ url: URL) throws(VerilogError) -> [String] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .file(path: url.path, reason: "the simulator wrote no such file")
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// The low `bits` bits of little-endian words as hex digits, most significant first.
    static func hex(_ words: [UInt64], bits: Int) -> String {
        let digits = (bits + 3) / 4
        var text = ""
        for d in stride(from: digits - 1, through: 0, by: -1) {
            let nibble = (words[(d * 4) / 64] >> UInt64((d * 4) % 64)) & 0xf
            text.append(String(nibble, radix: 16))
        }
        return text
    }

    /// Hex digits (unknown bits as 0) as little-endian words.
    static func words(hex: Substring, count: Int) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: count)
        for (d, character) in hex.reversed().enumerated() where d / 16 < count {
            let nibble = UInt64(character.hexDigitValue ?? 0)
            words[d / 16] |= nibble << UInt64((d % 16) * 4)
        }
        return words
    }
}
