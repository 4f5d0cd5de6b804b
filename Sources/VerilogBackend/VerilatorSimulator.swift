import FixedPoint
import Foundation

/// What one simulation run saw: every output beat's raw codes and the cycle of every
/// handshake.
public struct SimulationRun: Hashable, Sendable {
    /// Raw codes, `features` per event, in output order.
    public var outputs: [Int64]
    public var inputCycles: [Int64]
    public var outputCycles: [Int64]

    /// The latency of every event (output cycle minus input cycle), when all are equal.
    public var latency: Int? {
        let latencies = Set(zip(inputCycles, outputCycles).map { Int($1 - $0) })
        return latencies.count == 1 ? latencies.first : nil
    }

    /// The smallest distance between consecutive input handshakes.
    public var initiationInterval: Int? {
        zip(inputCycles.dropFirst(), inputCycles).map { Int($0 - $1) }.min()
    }
}

/// Builds a design with Verilator (`--cc --exe --build`, C++ at -O2) against the harness in
/// `HDL/verilator_harness.cpp`, caches the build under `DIR/sim`, and runs it on raw codes.
public struct VerilatorSimulator: Sendable {
    public let directory: URL
    public let report: DesignReport

    /// A simulator for the design in `directory` (written by ``DesignDirectory/write``).
    public init(directory: URL) throws(VerilogError) {
        self.directory = directory
        report = try DesignDirectory.readReport(directory)
    }

    /// The full path of a tool on `PATH`, or nil.
    public static func findTool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    var simulationDirectory: URL { directory.appendingPathComponent(DesignDirectory.simulationFolder) }
    var binary: URL { simulationDirectory.appendingPathComponent("obj/trigc_sim") }

    /// The input and output packings of the design.
    public func packings() throws(VerilogError) -> (input: StreamPacking, output: StreamPacking) {
        func packing(_ port: DesignReport.StreamPort) throws(VerilogError) -> StreamPacking {
            do {
                let format = try FixedFormat(parsing: port.format)
                return StreamPacking(features: port.features, width: format.width, signed: format.isSigned)
            } catch {
                throw .badDesign(path: directory.path, reason: "its report names format '\(port.format)' (\(error))")
            }
        }
        return (try packing(report.input), try packing(report.output))
    }

    /// Builds the simulator unless an up-to-date build is cached; returns whether it built.
    @discardableResult
    public func build() throws(VerilogError) -> Bool {
        guard let verilator = Self.findTool("verilator") else {
            throw .toolMissing(tool: "verilator", install: "apt-get install verilator")
        }
        let (input, output) = try packings()
        let config = """
            // Written by trigc for design '\(report.model)'.
            #define TRIGC_TOP_HEADER "V\(report.top).h"
            #define TRIGC_TOP V\(report.top)
            #define TRIGC_IN_WORDS \(input.words)
            #define TRIGC_OUT_WORDS \(output.words)
            #define TRIGC_LATENCY \(report.latency)

            """
        let harness = HDLSources.verilatorHarness + "\n"
        var stamp = Stamp()
        stamp.add(config)
        stamp.add(harness)
        for file in report.files {
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
            try FileManager.default.createDirectory(at: simulationDirectory, withIntermediateDirectories: true)
            try Data(config.utf8).write(to: simulationDirectory.appendingPathComponent("trigc_design.h"))
            try Data(harness.utf8).write(to: simulationDirectory.appendingPathComponent("verilator_harness.cpp"))
        } catch {
            throw .file(path: simulationDirectory.path, reason: "cannot write the harness (\(error.localizedDescription))")
        }
        let jobs = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4))
        let arguments = ["--cc", "--exe", "--build", "-O2", "-j", "\(jobs)", "-Wno-fatal", "-Wno-lint", "-Wno-style",
                         "--top-module", report.top, "-Mdir", "obj", "-o", "trigc_sim",
                         "-CFLAGS", "-O2", "-CFLAGS", "-I\(simulationDirectory.path)",
                         "verilator_harness.cpp"] + report.files.map { directory.appendingPathComponent($0).path }
        try Self.execute(verilator, arguments, in: simulationDirectory, log: "build.log")
        do {
            try Data(stampText.utf8).write(to: stampURL)
        } catch {
            throw .file(path: stampURL.path, reason: "cannot write (\(error.localizedDescription))")
        }
        return true
    }

    /// Runs the built simulator on `events` events of raw input codes (`features` per event).
    public func run(inputs raw: [Int64], events: Int, gaps: Bool = false, seed: UInt64 = 1) throws(VerilogError) -> SimulationRun {
        let (input, output) = try packings()
        let folder = simulationDirectory
        let inputURL = folder.appendingPathComponent("inputs.bin")
        let outputURL = folder.appendingPathComponent("outputs.bin")
        let cyclesURL = folder.appendingPathComponent("input_cycles.bin")
        let words = input.pack(raw)
        do {
            try words.withUnsafeBytes { try Data($0).write(to: inputURL) }
        } catch {
            throw .file(path: inputURL.path, reason: "cannot write (\(error.localizedDescription))")
        }
        try Self.execute(binary.path, [inputURL.path, "\(events)", outputURL.path, cyclesURL.path, gaps ? "1" : "0", "\(seed)"],
                         in: folder, log: "run.log")
        let records = try Self.readWords(outputURL)
        let cycles = try Self.readWords(cyclesURL)
        let stride = output.words + 1
        var outputs: [Int64] = []
        var outputCycles: [Int64] = []
        outputs.reserveCapacity(events * output.features)
        var k = 0
        while k + stride <= records.count {
            outputCycles.append(Int64(bitPattern: records[k]))
            outputs += output.unpack(records[(k + 1)..<(k + stride)])
            k += stride
        }
        return SimulationRun(outputs: outputs, inputCycles: cycles.map { Int64(bitPattern: $0) }, outputCycles: outputCycles)
    }

    static func readWords(_ url: URL) throws(VerilogError) -> [UInt64] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .file(path: url.path, reason: "the simulator wrote no such file")
        }
        return data.withUnsafeBytes { Array($0.bindMemory(to: UInt64.self)) }
    }

    /// Runs a tool with its output in `folder/log`; a non-zero status is an error naming the log.
    static func execute(_ tool: String, _ arguments: [String], in folder: URL, log: String) throws(VerilogError) {
        let logURL = folder.appendingPathComponent(log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        do {
            FileManager.default.createFile(atPath: logURL.path, contents: nil)
            let handle = try FileHandle(forWritingTo: logURL)
            defer { try? handle.close() }
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            process.waitUntilExit()
        } catch {
            throw .file(path: tool, reason: "cannot run (\(error.localizedDescription))")
        }
        guard process.terminationStatus == 0 else {
            throw .toolFailed(tool: URL(fileURLWithPath: tool).lastPathComponent, status: process.terminationStatus,
                              log: logURL.path)
        }
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
