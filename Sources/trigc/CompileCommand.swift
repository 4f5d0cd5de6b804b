import ArgumentParser
import Calibration
import Foundation
import ModelIO
import VerilogBackend

struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Compile a model to synthesizable Verilog (one module per layer, valid/ready stream top).",
        discussion: """
            Writes one .v file per module, report.json (latency, II, per-layer figures), the \
            quantized graph model.ir that 'trigc simulate' compares against, and the manifest \
            trigc-design.json. Never replaces a file that trigc did not write; an interrupted \
            compile leaves a directory that simulate refuses. See Docs/Verilog.md.
            """)

    @Argument(help: "The model (.ir, or a Keras .h5 / .keras).")
    var model: String

    @Option(help: "The hardware target.")
    var target = HardwareTarget.verilog

    @OptionGroup var quantize: QuantizeOptions

    @Option(parsing: .unconditional, help: "Multiplications per multiplier: 1 is fully parallel (II 1); R > 1 shares each multiplier over R cycles (II R).")
    var reuse = 1

    @Option(help: "Constant multiplications as dsp (x * C) or shift-add (canonical signed digits).")
    var multipliers = MultiplierMapping.dsp

    @Option(parsing: .unconditional, help: "A pipeline register after every N adder-tree levels in dense layers (default: none).")
    var adderLevels: Int?

    @Option(name: .shortAndLong, help: "The design directory to write.")
    var output: String

    @Flag(help: "Replace a design already in the directory (only the files its manifest lists).")
    var overwrite = false

    func run() throws {
        if reuse <= 0 { throw CLIError.badCount(name: "--reuse", value: reuse) }
        if let adderLevels, adderLevels <= 0 { throw CLIError.badCount(name: "--adder-levels", value: adderLevels) }
        var options = quantize
        let loaded = try ModelFile.load(model, keras: .isolated())
        // A quantized model (trigc quantize, a --qat run's model-qat.ir) keeps its own formats.
        if options.format == nil, !loaded.isFixedPoint { options.format = "ap_fixed<16,6>" }
        let graph = try options.prepare(loaded)
        let clock = ContinuousClock()
        let start = clock.now
        let design = try VerilogLowering.lower(
            graph, options: VerilogOptions(reuseFactor: reuse, multipliers: multipliers, adderLevelsPerStage: adderLevels))
        let files = try VerilogPrinter().print(design.hardware)
        let elapsed = clock.now - start
        try DesignDirectory.write(design, files: files, graph: graph, to: URL(fileURLWithPath: output),
                                  overwrite: overwrite)
        print(design.report.text)
        let proxy = ResourceProxy(of: graph)
        print("resource proxy: \(proxy.productBits) product bits + \(proxy.tableBits) table bits = \(proxy.total) (Docs/Calibration.md)")
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print("latency \(design.report.latency) cycles, II \(design.report.initiationInterval); "
            + "compiled to Verilog in \(formatted(seconds, 3)) s; wrote \(files.count) files to \(output)")
    }
}

/// What `compile --target` writes; one target so far.
enum HardwareTarget: String, CaseIterable, ExpressibleByArgument {
    case verilog
}

extension MultiplierMapping: ExpressibleByArgument {}
