import Foundation
import GraphIR
import ModelIO
import Testing

/// A quantized IR holds its constants as codes; the commands take it as it is, and a quantized
/// IR written before codes existed (float constants) still runs, compiles and simulates.
@Suite struct CodesCLITests {
    static func raw(_ path: String) throws -> [Int64] {
        let file = try HDF5File(path: path)
        let name = try #require(try file.children().first { $0.hasSuffix("_raw") })
        return try file.readInts(name).values
    }

    @Test func quantizedIRHoldsCodesAndOldFilesStillWork() throws {
        let dir = try scratch()
        #expect(try trigc("ir", "example", "hlf", "-o", "\(dir)/hlf.ir").status == 0)
        #expect(try trigc("inputs", "\(dir)/hlf.ir", "--events", "200", "-o", "\(dir)/in.h5").status == 0)
        let quantize = try trigc("ir", "quantize", "\(dir)/hlf.ir", "--fixed", "ap_fixed<16,6>", "-o", "\(dir)/q.ir")
        #expect(quantize.status == 0, "\(quantize.stderr)")
        let text = try String(contentsOfFile: "\(dir)/q.ir", encoding: .utf8)
        #expect(text.contains("weights=[14, 50] ap_fixed<16,6>{"))
        #expect(text.contains("bias=[50] ap_fixed<16,6>{"))

        // The same codes as quantizing on the fly.
        #expect(try trigc("run", "\(dir)/hlf.ir", "--input", "\(dir)/in.h5", "--fixed", "ap_fixed<16,6>",
                          "-o", "\(dir)/direct.h5").status == 0)
        let run = try trigc("run", "\(dir)/q.ir", "--input", "\(dir)/in.h5", "-o", "\(dir)/q.h5")
        #expect(run.status == 0, "\(run.stderr)")
        let expected = try Self.raw("\(dir)/direct.h5")
        #expect(try Self.raw("\(dir)/q.h5") == expected)
        let compare = try trigc("compare", "\(dir)/q.ir", "--input", "\(dir)/in.h5", "--fixed", "ap_fixed<16,6>")
        #expect(compare.status == 0, "\(compare.stderr)")

        // A file from before codes: the same graph with float constants (the codes' values).
        let old = try Graph.load(irFile: URL(fileURLWithPath: "\(dir)/q.ir")).withFloatConstants()
        let oldText = old.printed()
        #expect(!oldText.contains("ap_fixed<16,6>{"))
        try Data(oldText.utf8).write(to: URL(fileURLWithPath: "\(dir)/old.ir"))
        #expect(try trigc("ir", "check", "\(dir)/old.ir").status == 0)
        #expect(try trigc("run", "\(dir)/old.ir", "--input", "\(dir)/in.h5", "-o", "\(dir)/old.h5").status == 0)
        #expect(try Self.raw("\(dir)/old.h5") == expected)

        guard ToolPaths.has("verilator") else { return }
        let compile = try trigc("compile", "\(dir)/q.ir", "-o", "\(dir)/rtl")
        #expect(compile.status == 0, "\(compile.stderr)")
        let design = try String(contentsOfFile: "\(dir)/rtl/model.ir", encoding: .utf8)
        #expect(design.contains("weights=[14, 50] ap_fixed<16,6>{"))
        let simulate = try trigc("simulate", "\(dir)/rtl", "--input", "\(dir)/in.h5")
        #expect(simulate.status == 0, "\(simulate.stdout)\(simulate.stderr)")
        // A design compiled before codes: its model.ir holds floats; simulate converts it on load.
        try Data(oldText.utf8).write(to: URL(fileURLWithPath: "\(dir)/rtl/model.ir"))
        let again = try trigc("simulate", "\(dir)/rtl", "--input", "\(dir)/in.h5")
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(try trigc("compile", "\(dir)/old.ir", "-o", "\(dir)/rtl_old").status == 0)
        let sameDesign = try String(contentsOfFile: "\(dir)/rtl_old/layer_dense_1.v", encoding: .utf8)
        #expect(sameDesign == (try String(contentsOfFile: "\(dir)/rtl/layer_dense_1.v", encoding: .utf8)))
    }
}
