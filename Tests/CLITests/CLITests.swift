import Foundation
import Testing
import ModelIO

/// The outcome of one `trigc` invocation.
struct Outcome {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the `trigc` binary built next to the test bundle.
func trigc(_ arguments: String...) throws -> Outcome { try trigc(arguments: arguments) }

/// A product (`trigc`, `trigc-fuzz`) built next to the test bundle (or one folder up).
func builtBinary(_ name: String) -> URL {
    let buildDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let beside = buildDirectory.appendingPathComponent(name)
    if FileManager.default.fileExists(atPath: beside.path) { return beside }
    return buildDirectory.deletingLastPathComponent().appendingPathComponent(name)
}

/// Runs the `trigc` binary built next to the test bundle (in `directory`, when given, as a
/// user in that folder would).
func trigc(arguments: [String], in directory: String? = nil) throws -> Outcome {
    try runProcess(builtBinary("trigc").path, arguments, in: directory)
}

/// Runs `executable` to its end and returns its status and output.
func runProcess(_ executable: String, _ arguments: [String], in directory: String? = nil,
                environment: [String: String]? = nil) throws -> Outcome {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Outcome(
        status: process.terminationStatus,
        stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// Writes one dataset to a new file and closes it.
func write(_ path: String, _ name: String, _ array: HDF5Array<Float>) throws {
    let file = try HDF5File(path: path, mode: .create(overwrite: false))
    try file.write(name, array)
}

func scratch() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("trigc-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

@Suite struct CLITests {
    @Test func hlfModelRunsEndToEndInFloatAndFixed() throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/hlf.ir").status == 0)
        let check = try trigc("ir", "check", "\(dir)/hlf.ir")
        #expect(check.status == 0)
        #expect(check.stdout.contains("verified: ok"))
        #expect(check.stdout.contains("2013 parameters"))
        #expect(try trigc("inputs", "\(dir)/hlf.ir", "--events", "300", "-o", "\(dir)/in.h5").status == 0)
        let float = try trigc("run", "\(dir)/hlf.ir", "--input", "\(dir)/in.h5", "-o", "\(dir)/float.h5")
        #expect(float.status == 0, "\(float.stderr)")
        let fixed = try trigc("run", "\(dir)/hlf.ir", "--input", "\(dir)/in.h5", "--fixed", "ap_fixed<16,6>",
                              "-o", "\(dir)/fixed.h5")
        #expect(fixed.status == 0, "\(fixed.stderr)")

        let floatFile = try HDF5File(path: "\(dir)/float.h5")
        let fixedFile = try HDF5File(path: "\(dir)/fixed.h5")
        let output = try #require(try floatFile.children().first { !$0.hasSuffix("_raw") })
        let a = try floatFile.readFloats(output)
        let b = try fixedFile.readFloats(output)
        let raw = try fixedFile.readInts("\(output)_raw")
        #expect(a.shape == [300, 3])
        #expect(b.shape == [300, 3])
        #expect(raw.shape == [300, 3])
        for event in 0..<300 {
            let sum = a.values[(event * 3)..<(event * 3 + 3)].reduce(0, +)
            #expect(abs(sum - 1) < 1e-5)
        }
        // The raw codes are the fixed-point values scaled by 2^10 (ap_fixed<16,6>).
        for (value, code) in zip(b.values, raw.values) {
            #expect(Double(value) * 1024 == Double(code))
        }
        let compare = try trigc("compare", "\(dir)/hlf.ir", "--input", "\(dir)/in.h5", "--fixed", "ap_fixed<16,6>")
        #expect(compare.status == 0, "\(compare.stderr)")
        #expect(compare.stdout.contains("same decision as float"))
    }

    @Test func refusesToOverwriteWithoutBeingAsked() throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/m.ir").status == 0)
        let again = try trigc("ir", "example", "hlf", "-o", "\(dir)/m.ir")
        #expect(again.status != 0)
        #expect(again.stderr.contains("already exists; pass --overwrite"))
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/m.ir", "--overwrite").status == 0)
    }

    @Test(arguments: [
        ("garbage", "1:"),
        ("graph \"g\"\ninput x: [14] float32\ny = dense(x)\n", "3:"),
    ])
    func reportsModelParseErrorsWithALine(text: String, location: String) throws {
        let dir = try scratch()
        try text.write(toFile: "\(dir)/bad.ir", atomically: true, encoding: .utf8)
        let result = try trigc("ir", "check", "\(dir)/bad.ir")
        #expect(result.status != 0)
        #expect(result.stderr.contains("bad.ir:\(location)"))
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test func reportsBadDataFilesInOneSentence() throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/hlf.ir").status == 0)
        try "text".write(toFile: "\(dir)/text.h5", atomically: true, encoding: .utf8)
        let notHDF5 = try trigc("run", "\(dir)/hlf.ir", "--input", "\(dir)/text.h5", "-o", "\(dir)/o.h5")
        #expect(notHDF5.status != 0)
        #expect(notHDF5.stderr.contains("text.h5: not an HDF5 file"))

        try write("\(dir)/wrong.h5", "hlf_input", HDF5Array<Float>(shape: [4, 13], values: .init(repeating: 1, count: 52)))
        let shape = try trigc("run", "\(dir)/hlf.ir", "--input", "\(dir)/wrong.h5", "-o", "\(dir)/o.h5")
        #expect(shape.status != 0)
        #expect(shape.stderr.contains("dataset 'hlf_input' has shape [4, 13]"))

        try write("\(dir)/missing.h5", "other", HDF5Array<Float>(shape: [1], values: [1]))
        let absent = try trigc("run", "\(dir)/hlf.ir", "--input", "\(dir)/missing.h5", "-o", "\(dir)/o.h5")
        #expect(absent.status != 0)
        #expect(absent.stderr.contains("there is no dataset 'hlf_input'"))

        var values = [Float](repeating: 0.5, count: 28)
        values[17] = .nan
        try write("\(dir)/nan.h5", "hlf_input", HDF5Array(shape: [2, 14], values: values))
        let nanRun = try trigc("run", "\(dir)/hlf.ir", "--input", "\(dir)/nan.h5", "-o", "\(dir)/o.h5")
        #expect(nanRun.status != 0)
        #expect(nanRun.stderr.contains("NaN or infinity at flat index 17"))
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/o.h5"))
    }

    @Test(arguments: ["ap_fixed<0,6>", "ap_fixed<99,6>", "fixed<16>", "float"])
    func rejectsBadFormats(spelling: String) throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/hlf.ir").status == 0)
        #expect(try trigc("inputs", "\(dir)/hlf.ir", "--events", "3", "-o", "\(dir)/in.h5").status == 0)
        let result = try trigc("run", "\(dir)/hlf.ir", "--input", "\(dir)/in.h5", "--fixed", spelling, "-o", "\(dir)/o.h5")
        #expect(result.status != 0)
        #expect(result.stderr.contains(spelling) || result.stderr.contains("width"))
    }

    @Test func everyCommandHasHelp() throws {
        for command in [["--help"], ["ir", "--help"], ["ir", "check", "--help"], ["run", "--help"],
                        ["inputs", "--help"], ["compare", "--help"], ["ir", "quantize", "--help"]] {
            let result = try trigc(arguments: command)
            #expect(result.status == 0)
            #expect(result.stdout.contains("USAGE"))
        }
    }
}
