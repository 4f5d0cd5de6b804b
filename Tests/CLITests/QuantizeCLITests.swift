import Foundation
import ModelIO
import Testing

/// `trigc quantize --calibrate` as a user runs it: the quantized IR it writes runs, compares
/// and simulates with no further options; bad calibration data is one sentence.
@Suite struct QuantizeCLITests {
    @Test func calibratedModelRunsComparesAndSimulates() throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "--seed", "3", "-o", "\(dir)/hlf.ir").status == 0)
        #expect(try trigc("inputs", "\(dir)/hlf.ir", "--events", "800", "--seed", "1", "-o", "\(dir)/cal.h5").status == 0)
        #expect(try trigc("inputs", "\(dir)/hlf.ir", "--events", "400", "--seed", "2", "-o", "\(dir)/held.h5").status == 0)
        let q = try trigc("quantize", "\(dir)/hlf.ir", "--calibrate", "\(dir)/cal.h5", "--check", "\(dir)/held.h5",
                          "--target-agreement", "0.99", "--max-width", "16", "-o", "\(dir)/q.ir")
        #expect(q.status == 0, "\(q.stdout)\(q.stderr)")
        #expect(q.stdout.contains("target agreement ≥ 0.99 met"))
        #expect(q.stdout.contains("held-out check on 400 events"))
        #expect(q.stdout.contains("dense_3"))  // the per-layer table
        let compare = try trigc("compare", "\(dir)/q.ir", "--input", "\(dir)/cal.h5", "--reference", "\(dir)/hlf.ir")
        #expect(compare.status == 0, "\(compare.stderr)")
        #expect(compare.stdout.contains("800 events"))
        #expect(try trigc("run", "\(dir)/q.ir", "--input", "\(dir)/held.h5", "-o", "\(dir)/out.h5").status == 0)
        let missing = try trigc("compare", "\(dir)/q.ir", "--input", "\(dir)/cal.h5")
        #expect(missing.status != 0 && missing.stderr.contains("--reference"))

        guard ToolPaths.has("verilator") else { return }
        #expect(try trigc("compile", "\(dir)/q.ir", "-o", "\(dir)/rtl").status == 0)
        let simulate = try trigc("simulate", "\(dir)/rtl", "--input", "\(dir)/held.h5")
        #expect(simulate.status == 0, "\(simulate.stdout)\(simulate.stderr)")
        #expect(simulate.stdout.contains("0 mismatching bits"))
    }

    @Test func badCalibrationDataIsOneSentence() throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/hlf.ir").status == 0)
        #expect(try trigc("ir", "example", "gru", "--time-steps", "5", "-o", "\(dir)/gru.ir").status == 0)
        #expect(try trigc("inputs", "\(dir)/gru.ir", "--events", "50", "-o", "\(dir)/gru.h5").status == 0)
        #expect(try trigc("inputs", "\(dir)/hlf.ir", "--events", "300", "-o", "\(dir)/hlf.h5").status == 0)
        func refused(_ arguments: [String], mentioning text: String) throws {
            let outcome = try trigc(arguments: ["quantize", "\(dir)/hlf.ir", "-o", "\(dir)/q.ir"] + arguments)
            #expect(outcome.status != 0)
            let lines = outcome.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
            #expect(lines.count == 1 && outcome.stderr.contains(text), "\(outcome.stderr)")
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/q.ir"))
        }
        // Data without the model's input.
        try refused(["--calibrate", "\(dir)/gru.h5"], mentioning: "hlf_input")
        // NaN in the data.
        let nan = try HDF5File(path: "\(dir)/nan.h5", mode: .create(overwrite: false))
        var values = [Float](repeating: 0.5, count: 20 * 14)
        values[30] = .nan
        try nan.write("hlf_input", HDF5Array(shape: [20, 14], values: values))
        try refused(["--calibrate", "\(dir)/nan.h5"], mentioning: "nan.h5")
        // No events.
        let empty = try HDF5File(path: "\(dir)/empty.h5", mode: .create(overwrite: false))
        try empty.write("hlf_input", HDF5Array(shape: [0, 14], values: [Float]()))
        try refused(["--calibrate", "\(dir)/empty.h5"], mentioning: "empty.h5")
        // Options out of range, and a missing file.
        try refused(["--calibrate", "\(dir)/hlf.h5", "--target-agreement", "1.5"], mentioning: "--target-agreement")
        try refused(["--calibrate", "\(dir)/hlf.h5", "--metric", "auc"], mentioning: "label")
        try refused(["--calibrate", "\(dir)/absent.h5"], mentioning: "absent.h5")
        try refused(["--calibrate", "\(dir)/hlf.h5", "--input-dataset", "nope=x"], mentioning: "nope")

        // A target out of reach: one sentence naming the best result, which is written; status 2.
        let reach = try trigc("quantize", "\(dir)/hlf.ir", "--calibrate", "\(dir)/hlf.h5", "--target-agreement", "1",
                              "--max-width", "5", "--min-width", "4", "-o", "\(dir)/best.ir")
        #expect(reach.status == 2, "\(reach.stderr)")
        #expect(reach.stderr.contains("out of reach") && reach.stderr.contains("best.ir"))
        #expect(FileManager.default.fileExists(atPath: "\(dir)/best.ir"))
        #expect(try trigc("ir", "check", "\(dir)/best.ir").status == 0)
    }

    /// Narrow formats that lose decisions are said so, by compare and by --profile (which also
    /// prints whether the profiled or the plain formats were kept).
    @Test func lowAgreementIsWarned() throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/hlf.ir").status == 0)
        #expect(try trigc("inputs", "\(dir)/hlf.ir", "--events", "300", "-o", "\(dir)/hlf.h5").status == 0)
        let compare = try trigc("compare", "\(dir)/hlf.ir", "--input", "\(dir)/hlf.h5", "--fixed", "ap_fixed<5,3>")
        #expect(compare.status == 0)
        #expect(compare.stderr.contains("warning: the fixed-point model decides like float on only"))
        let wide = try trigc("compare", "\(dir)/hlf.ir", "--input", "\(dir)/hlf.h5", "--fixed", "ap_fixed<24,8>")
        #expect(!wide.stderr.contains("warning"))
        let profiled = try trigc("run", "\(dir)/hlf.ir", "--input", "\(dir)/hlf.h5", "--fixed", "ap_fixed<5,3>",
                                 "--profile", "\(dir)/hlf.h5", "-o", "\(dir)/out.h5")
        #expect(profiled.status == 0, "\(profiled.stderr)")
        #expect(profiled.stderr.contains("profiled,") && profiled.stderr.contains("without; kept the"))
        #expect(profiled.stderr.contains("warning: the fixed-point model decides like float on only"))
    }

    /// Found by a newcomer trial: compare of an --argmax model counted 0 events; a wrong or
    /// quantized reference, a float model with --reference, the same input mapped twice and a
    /// bad --check file (after the search) were accepted; IR outputs left Foundation's own
    /// temporary files behind when killed.
    @Test func newcomerDefectsStayFixed() throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "--seed", "3", "-o", "\(dir)/hlf.ir").status == 0)
        #expect(try trigc("ir", "example", "gru", "--time-steps", "5", "-o", "\(dir)/gru.ir").status == 0)
        #expect(try trigc("inputs", "\(dir)/hlf.ir", "--events", "400", "-o", "\(dir)/cal.h5").status == 0)
        #expect(try trigc("inputs", "\(dir)/gru.ir", "--events", "20", "-o", "\(dir)/gru.h5").status == 0)
        // A stale temporary file of a killed writer of q.ir: removed when q.ir is written.
        let stale = "\(dir)/.q.ir.trigc-999999.tmp"
        try Data("partial".utf8).write(to: URL(fileURLWithPath: stale))
        let q = try trigc("quantize", "\(dir)/hlf.ir", "--calibrate", "\(dir)/cal.h5", "--argmax", "--confidence", "0",
                          "--target-agreement", "0.98", "-o", "\(dir)/q.ir")
        #expect(q.status == 0, "\(q.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stale))
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(names.allSatisfy { !$0.hasPrefix(".") }, "\(names)")

        let compare = try trigc("compare", "\(dir)/q.ir", "--input", "\(dir)/cal.h5", "--reference", "\(dir)/hlf.ir")
        #expect(compare.status == 0 && compare.stdout.contains("400 events"), "\(compare.stdout)\(compare.stderr)")
        #expect(compare.stdout.contains("class index"))

        func refused(_ arguments: [String], _ text: String) throws {
            let outcome = try trigc(arguments: arguments)
            #expect(outcome.status != 0 && outcome.stderr.contains(text), "\(arguments): \(outcome.stderr)")
        }
        try refused(["compare", "\(dir)/q.ir", "--input", "\(dir)/cal.h5", "--reference", "\(dir)/gru.ir"], "not the float original")
        try refused(["compare", "\(dir)/q.ir", "--input", "\(dir)/cal.h5", "--reference", "\(dir)/q.ir"], "quantized itself")
        try refused(["compare", "\(dir)/hlf.ir", "--input", "\(dir)/cal.h5", "--reference", "\(dir)/hlf.ir",
                     "--fixed", "ap_fixed<16,6>"], "--reference")
        try refused(["quantize", "\(dir)/hlf.ir", "--calibrate", "\(dir)/cal.h5", "--input-dataset", "hlf_input=a",
                     "--input-dataset", "hlf_input=b", "-o", "\(dir)/x.ir"], "given twice")
        try refused(["quantize", "\(dir)/hlf.ir", "--calibrate", "\(dir)/cal.h5", "--check", "\(dir)/gru.h5",
                     "-o", "\(dir)/x.ir"], "hlf_input")
        let checkFirst = try trigc("quantize", "\(dir)/hlf.ir", "--calibrate", "\(dir)/cal.h5", "--check", "\(dir)/gru.h5", "-o", "\(dir)/x.ir")
        #expect(!checkFirst.stderr.contains("calibrate: uniform"), "the --check file is read before the search")
    }
}
