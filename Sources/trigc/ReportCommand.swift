import ArgumentParser
import Foundation
import VerilogBackend

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Synthesize a compiled design with Yosys and print LUT/FF/DSP/CARRY/BRAM per layer.",
        discussion: """
            Runs 'synth_xilinx -family xcup -noiopad' (UltraScale+, no I/O buffers, hierarchy \
            kept) on the design's Verilog in DESIGN/synth and prints the cells of every module \
            and of the whole design, with the latency and II from report.json.
            """)

    @Argument(help: "The design directory written by 'trigc compile'.")
    var design: String

    func run() throws {
        let directory = URL(fileURLWithPath: design)
        let report = try DesignDirectory.readReport(directory)
        print("synthesizing \(report.model) with yosys (synth_xilinx -family xcup -noiopad)…")
        let clock = ContinuousClock()
        let start = clock.now
        let synthesis = try YosysReport.synthesize(directory: directory) { step in print("  \(step)") }
        print(synthesis.text)
        print("latency \(report.latency) cycles, II \(report.initiationInterval); multipliers \(report.multipliers), "
            + "reuse \(report.reuseFactor); synthesized in \(formatted(Double((clock.now - start).components.seconds), 0)) s")
    }
}
