import FixedPoint
import Foundation

/// A simulator of a design directory: builds once, then runs streams of input beats.
public protocol RTLSimulator {
    var report: DesignReport { get }
    /// The packing of `out_data` (for the debug top: the output, then every node).
    var outputPacking: StreamPacking { get }
    /// Builds unless an up-to-date build is cached; returns whether it built.
    @discardableResult func build() throws(VerilogError) -> Bool
    /// Streams the beats through the design and records every output beat.
    func run(_ stream: EventStream, gaps: Bool, seed: UInt64) throws(VerilogError) -> SimulationRun
}

extension DesignReport {
    /// The packing of the top's `out_data` (`debug`: of the debug top's).
    public func outputPacking(debug: Bool) throws(VerilogError) -> StreamPacking {
        var fields: [StreamPacking.Field] = []
        for port in debug ? debugFields : [output] {
            guard let format = try? FixedFormat(parsing: port.format) else {
                throw .badDesign(path: model, reason: "its report names format '\(port.format)'")
            }
            fields.append(.init(features: port.features, width: port.width, signed: format.isSigned, offset: port.offset))
        }
        return StreamPacking(fields: fields)
    }

    /// The Verilog files of the top (or of the debug top, with the same layers).
    public func sourceFiles(debug: Bool) -> [String] {
        debug ? files.filter { $0 != "\(top).v" } + ["\(debugTop).v"] : files
    }
}

/// Builds a design with Verilator (`--cc --exe --build`, C++ at -O2) against the harness in
/// `HDL/verilator_harness.cpp`, caches the build under `DIR/sim` (`DIR/sim_debug` for the
/// debug top), and runs it on streams of beats.
public struct VerilatorSimulator: RTLSimulator, Sendable {
    public let directory: URL
    public let report: DesignReport
    public let debug: Bool
    public let outputPacking: StreamPacking

    /// A simulator for the design in `directory` (written by ``DesignDirectory/write``);
    /// `debug` simulates the debug top.
    public init(directory: URL, debug: Bool = false) throws(VerilogError) {
        self.directory = directory
        self.debug = debug
        report = try DesignDirectory.readReport(directory)
        outputPacking = try report.outputPacking(debug: debug)
    }

    /// The full path of a tool on `PATH`, or nil.
    public static func findTool(_ name: String) -> String? { ToolRunner.find(name) }

    var simulationDirectory: URL {
        directory.appendingPathComponent(DesignDirectory.simulationFolder + (debug ? "_debug" : ""))
    }
    var binary: URL { simulationDirectory.appendingPathComponent("obj/trigc_sim") }
    var topName: String { debug ? report.debugTop : report.top }

    @discardableResult
    public func build() throws(VerilogError) -> Bool {
        let verilator = try ToolRunner.require("verilator", package: "verilator")
        let inputWords = max(1, (report.inputBusWidth + 63) / 64)
        let config = """
            // Written by trigc for design '\(report.model)'.
            #define TRIGC_TOP_HEADER "V\(topName).h"
            #define TRIGC_TOP V\(topName)
            #define TRIGC_IN_WORDS \(inputWords)
            #define TRIGC_OUT_WORDS \(outputPacking.words)
            #define TRIGC_LATENCY \(report.latency)
            #define TRIGC_REUSE \(report.initiationInterval)
            \(report.sequence == nil ? "" : "#define TRIGC_HAS_LAST 1")

            """
        let harness = HDLSources.verilatorHarness + "\n"
        var stamp = Stamp()
        stamp.add(config)
        stamp.add(harness)
        let files = report.sourceFiles(debug: debug)
        for file in files {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(file).path) else {
                throw .badDesign(path: directory.path, reason: "\(file) is missing")
            }
            stamp.add(data)
        }
        let stampURL = simulationDirectory.appendingPathComponent("build.stamp")
        let stampText = String(stamp.value, radix: 16)
        if FileManager.default.isExecutableFile(atPath: binary.path),
           (try? String(contentsOf: stampURL, encoding: .utf8)) == stampText {
            return false
        }
        do {
            // A build killed half-way leaves object files make would take as up to date: a
            // build whose stamp does not match starts from an empty object folder (trigc's own).
            let objects = simulationDirectory.appendingPathComponent("obj")
            if FileManager.default.fileExists(atPath: objects.path) { try FileManager.default.removeItem(at: objects) }
            try? FileManager.default.removeItem(at: stampURL)
            try FileManager.default.createDirectory(at: simulationDirectory, withIntermediateDirectories: true)
        } catch {
            throw .file(path: simulationDirectory.path, reason: "cannot create (\(error.localizedDescription))")
        }
        try ToolRunner.write(Data(config.utf8), to: simulationDirectory.appendingPathComponent("trigc_design.h"))
        try ToolRunner.write(Data(harness.utf8), to: simulationDirectory.appendingPathComponent("verilator_harness.cpp"))
        let jobs = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4))
        let arguments = ["--cc", "--exe", "--build", "-O2", "-j", "\(jobs)", "-Wno-fatal", "-Wno-lint", "-Wno-style",
                         "--top-module", topName, "-Mdir", "obj", "-o", "trigc_sim",
                         "-CFLAGS", "-O2", "-CFLAGS", "-I\(simulationDirectory.path)",
                         "verilator_harness.cpp"] + files.map { directory.appendingPathComponent($0).path }
        try ToolRunner.execute(verilator, arguments, in: simulationDirectory, log: "build.log")
        try ToolRunner.write(Data(stampText.utf8), to: stampURL)
        return true
    }

    public func run(_ stream: EventStream, gaps: Bool = false, seed: UInt64 = 1) throws(VerilogError) -> SimulationRun {
        let folder = simulationDirectory
        let inputURL = folder.appendingPathComponent("inputs.bin")
        let outputURL = folder.appendingPathComponent("outputs.bin")
        let cyclesURL = folder.appendingPathComponent("input_cycles.bin")
        try ToolRunner.write(stream.words.withUnsafeBytes { Data($0) }, to: inputURL)
        try ToolRunner.execute(binary.path, [inputURL.path, "\(stream.beats)", "\(stream.events)", outputURL.path,
                                             cyclesURL.path, gaps ? "1" : "0", "\(seed)"], in: folder, log: "run.log")
        let records = try ToolRunner.readWords(outputURL)
        let cycles = try ToolRunner.readWords(cyclesURL)
        let stride = outputPacking.words + 1
        var outputs: [Int64] = []
        var outputCycles: [Int64] = []
        outputs.reserveCapacity(stream.events * outputPacking.features)
        var k = 0
        while k + stride <= records.count {
            outputCycles.append(Int64(bitPattern: records[k]))
            outputs += outputPacking.unpack(records[(k + 1)..<(k + stride)])
            k += stride
        }
        return SimulationRun(outputs: outputs, inputCycles: cycles.map { Int64(bitPattern: $0) }, outputCycles: outputCycles)
    }
}

/// FNV-1a over the inputs of a build, to know when a cached build is stale.
struct Stamp {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) { add(Data(text.utf8)) }

    mutating func add(_ data: Data) {
        for byte in data {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
        value ^= 0xff
    }
}

/// The simulators trigc drives: Verilator (fast, the default) or Icarus (small runs).
public enum SimulatorKind: String, CaseIterable, Hashable, Sendable {
    case verilator, icarus

    /// The simulator of the design compiled in `directory`.
    public func open(directory: URL) throws(VerilogError) -> any RTLSimulator {
        switch self {
        case .verilator: try VerilatorSimulator(directory: directory)
        case .icarus: try IcarusSimulator(directory: directory)
        }
    }
}
