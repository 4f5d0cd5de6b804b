import Foundation
import GraphIR
import Testing

/// `trigc train --qat` as a user runs it (Docs/Training.md, "Quantization-aware training").
@Suite(.serialized) struct QATCLITests {
    @Test func killedQATRunResumesToTheSameBytesAndEvaluatesAsTrained() throws {
        let dir = try scratch()
        #expect(try trigc("datagen", "--events", "4000", "--seed", "6", "--max-particles", "4", "-o", "\(dir)/ev.h5").status == 0)
        let common = ["train", "--model", "inclusive", "--units", "6", "--data", "\(dir)/ev.h5", "--epochs", "4", "--batch", "32",
                      "--qat", "ap_fixed<10,4,AP_RND,AP_SAT>"]
        let straight = try trigc(arguments: common + ["--out", "\(dir)/straight"])
        #expect(straight.status == 0, "\(straight.stderr)")

        let process = try launchTrigc(common + ["--out", "\(dir)/killed"])
        let checkpoint = "\(dir)/killed/checkpoint.trgc"
        let deadline = Date().addingTimeInterval(300)
        while process.isRunning, (checkpointEpoch(checkpoint) ?? 0) < 1, Date() < deadline { usleep(2_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the run finished before it could be killed")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/killed/model-qat.ir"))
        let resumed = try trigc(arguments: ["train", "--out", "\(dir)/killed", "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        for file in ["model-qat.ir", "model.ir"] {
            let a = try String(contentsOfFile: "\(dir)/straight/\(file)", encoding: .utf8)
            let b = try String(contentsOfFile: "\(dir)/killed/\(file)", encoding: .utf8)
            #expect(a == b, "\(file) differs after the resume")
        }
        // The export is the fixed-point model training ran: evaluating it gives the figures
        // training printed for the test split.
        let graph = try Graph.load(irFile: URL(fileURLWithPath: "\(dir)/straight/model-qat.ir"))
        #expect(graph.isFixedPoint)
        // compile keeps a quantized model's own formats (it used to requantize it at <16,6>).
        let compiled = try trigc("compile", "\(dir)/straight/model-qat.ir", "-o", "\(dir)/rtl")
        #expect(compiled.status == 0, "\(compiled.stderr)")
        let design = try Graph.load(irFile: URL(fileURLWithPath: "\(dir)/rtl/model.ir"))
        for node in graph.nodes {
            #expect(design[node.name]?.precision == node.precision, "\(node.name)")
        }
        let evaluated = try trigc("evaluate", "\(dir)/straight", "--out", "\(dir)/eval")
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let trained = try #require(straight.stdout.split(separator: "\n").first { $0.hasPrefix("test: ") })
        let fixed = try #require(evaluated.stdout.split(separator: "\n").first { $0.hasPrefix("fixed model-qat.ir") })
        #expect(fixed.split(separator: ":", maxSplits: 1).last == trained.split(separator: ":", maxSplits: 1).last)
    }

    /// `trigc quantize`'s formats as the QAT target, from a float run's weights.
    @Test func qatFromCalibratedFormatsAndAFloatRun() throws {
        let dir = try scratch()
        #expect(try trigc("datagen", "--events", "3000", "--seed", "3", "--max-particles", "4", "-o", "\(dir)/ev.h5").status == 0)
        let float = try trigc("train", "--model", "hlf", "--data", "\(dir)/ev.h5", "--epochs", "2", "--out", "\(dir)/float")
        #expect(float.status == 0, "\(float.stderr)")
        #expect(try trigc("evaluate", "\(dir)/float", "--write-inputs", "\(dir)/in.h5", "--out", "\(dir)/e").status == 0)
        let quantized = try trigc("quantize", "\(dir)/float/model-prescaled.ir", "--calibrate", "\(dir)/in.h5",
                                  "--max-width", "12", "-o", "\(dir)/q.ir")
        // 0: target met; 2: out of reach, the best written. Either is a quantized model.
        #expect([0, 2].contains(quantized.status), "\(quantized.stderr)")
        let qat = try trigc("train", "--model", "hlf", "--data", "\(dir)/ev.h5", "--epochs", "1", "--out", "\(dir)/qat",
                            "--qat-formats", "\(dir)/q.ir", "--init", "\(dir)/float")
        #expect(qat.status == 0, "\(qat.stderr)")
        let formats = try Graph.load(irFile: URL(fileURLWithPath: "\(dir)/q.ir"))
        let trained = try Graph.load(irFile: URL(fileURLWithPath: "\(dir)/qat/model-qat.ir"))
        for node in trained.nodes {
            #expect(node.precision == formats[node.name]?.precision, "\(node.name)")
        }
        // --init takes only a run on the same data and seed (the inputs' scaling).
        let other = try trigc("train", "--model", "hlf", "--data", "\(dir)/ev.h5", "--seed", "9", "--epochs", "1",
                              "--out", "\(dir)/qat-other", "--qat", "ap_fixed<8,2,AP_RND,AP_SAT>", "--init", "\(dir)/float")
        #expect(other.status != 0 && other.stderr.contains("scaled"), "\(other.stderr)")
        // Killed before its first checkpoint (only run.json written), a QAT run resumed
        // starts over from its --init weights: the same bytes as the straight run.
        try FileManager.default.createDirectory(atPath: "\(dir)/early", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(dir)/qat/run.json", toPath: "\(dir)/early/run.json")
        let resumed = try trigc("train", "--out", "\(dir)/early", "--resume")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(FileManager.default.contents(atPath: "\(dir)/early/model-qat.ir") == FileManager.default.contents(atPath: "\(dir)/qat/model-qat.ir"))
        // --init of another model says so.
        let model = try trigc("train", "--model", "gru", "--units", "4", "--data", "\(dir)/ev.h5", "--epochs", "1", "--out", "\(dir)/qat-gru",
                              "--qat", "ap_fixed<8,2,AP_RND,AP_SAT>", "--init", "\(dir)/float")
        #expect(model.status != 0 && model.stderr.contains("same model"), "\(model.stderr)")
    }

    @Test func badQATOptionsFailWithOneSentence() throws {
        let dir = try scratch()
        #expect(try trigc("datagen", "--events", "300", "--seed", "2", "--max-particles", "4", "-o", "\(dir)/ev.h5").status == 0)
        let base = ["train", "--data", "\(dir)/ev.h5", "--epochs", "1", "--out", "\(dir)/run"]
        let cases: [([String], String)] = [
            (["--model", "hlf", "--qat", "ap_fixed<8"], "ap_fixed<8"),
            (["--model", "gru", "--qat", "ap_fixed<8,10>"], "quantization-aware training"),
            (["--model", "gru", "--qat", "ap_fixed<8,3>", "--dropout", "0.2"], "--dropout 0"),
            (["--model", "hlf", "--init", "\(dir)/nowhere"], "--qat"),
            (["--model", "hlf", "--qat", "ap_fixed<8,3>", "--qat-formats", "\(dir)/q.ir"], "--qat-formats"),
            (["--model", "hlf", "--qat", "ap_fixed<8,3>", "--qat-layer", "dense_9=ap_fixed<8,3>"], "dense_9"),
            (["--model", "hlf", "--qat", "ap_fixed<8,3>", "--init", "\(dir)/nowhere"], "nowhere"),
        ]
        for (arguments, mention) in cases {
            let result = try trigc(arguments: base + arguments)
            #expect(result.status != 0, "\(arguments) was accepted")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && result.stderr.contains(mention), "\(arguments): \(result.stderr)")
        }
        // Every option is checked before the run folder is made.
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/run"))
    }
}
