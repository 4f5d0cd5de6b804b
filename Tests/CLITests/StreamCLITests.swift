import Foundation
import Testing
import ModelIO

/// The test AUC of each class in a run's metrics.json.
func testAUC(_ run: String) throws -> [String: Double] {
    let data = try #require(FileManager.default.contents(atPath: "\(run)/metrics.json"))
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return try #require(object["auc"] as? [String: Double])
}

/// `trigc train --stream`: the event file read in chunks gives what reading it whole gives.
@Suite(.serialized) struct StreamCLITests {
    @Test func streamedTrainingMatchesInMemory() throws {
        let dir = try scratch()
        #expect(try trigc("datagen", "--events", "4000", "--seed", "5", "--max-particles", "6", "-o", "\(dir)/ev.h5").status == 0)
        let common = ["train", "--model", "inclusive", "--data", "\(dir)/ev.h5", "--epochs", "2", "--batch", "64", "--units", "8",
                      "--validation-split", "0.1"]
        let memory = try trigc(arguments: common + ["--out", "\(dir)/memory"])
        #expect(memory.status == 0, "\(memory.stderr)")
        // One chunk holds every event: the same order as in memory, the same model.
        let whole = try trigc(arguments: common + ["--out", "\(dir)/whole", "--chunk-events", "100000"])
        #expect(whole.status == 0, "\(whole.stderr)")
        #expect(whole.stdout.contains("streaming"), "\(whole.stdout)")
        let a = try String(contentsOfFile: "\(dir)/memory/model.ir", encoding: .utf8)
        #expect(a == (try String(contentsOfFile: "\(dir)/whole/model.ir", encoding: .utf8)))
        #expect(try testAUC("\(dir)/memory") == testAUC("\(dir)/whole"))
        // evaluate RUN/ of a streamed run reads only the test split's rows: the same figures.
        let evaluated = try ["memory", "whole"].map { run in
            let result = try trigc("evaluate", "\(dir)/\(run)")
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.split(separator: "\n").filter { $0.contains("AUC") || $0.hasPrefix("events:") }
        }
        #expect(evaluated[0].count == 2 && evaluated[0].last == evaluated[1].last, "\(evaluated)")
        #expect(evaluated[1].first?.contains("only these read") == true, "\(evaluated)")
        // Chunks of 150 events: another order, the same events, an AUC as good.
        let chunked = try trigc(arguments: common + ["--out", "\(dir)/chunked", "--stream", "--chunk-events", "150"])
        #expect(chunked.status == 0, "\(chunked.stderr)")
        let (reference, streamed) = (try testAUC("\(dir)/memory"), try testAUC("\(dir)/chunked"))
        for (name, auc) in reference {
            #expect(abs((streamed[name] ?? 0) - auc) < 0.03, "\(name): \(streamed[name] ?? 0) streamed, \(auc) in memory")
        }
        // run.json records the chunks, and a resume keeps them (another size is refused).
        let config = try String(contentsOfFile: "\(dir)/chunked/run.json", encoding: .utf8)
        #expect(config.contains("\"chunkEvents\" : 150"), "\(config)")
        let refused = try trigc("train", "--out", "\(dir)/chunked", "--resume", "--epochs", "3", "--chunk-events", "99")
        #expect(refused.status != 0 && refused.stderr.contains("--chunk-events"), "\(refused.stderr)")
        let resumed = try trigc("train", "--out", "\(dir)/chunked", "--resume", "--epochs", "3")
        #expect(resumed.status == 0 && resumed.stdout.contains("streaming"), "\(resumed.stderr)")
    }

    @Test func streamedBadFilesFailWithOneSentence() throws {
        let dir = try scratch()
        #expect(try trigc("datagen", "--events", "3000", "--seed", "2", "--max-particles", "5", "-o", "\(dir)/good.h5").status == 0)
        let good = try HDF5File(path: "\(dir)/good.h5")
        var particles = try good.readFloats("particles")
        // Events 2000 to 2099: some of them are training events, read first (to fit the scalers).
        for event in 2000..<2100 { particles.values[event * 5 * 19] = .infinity }
        let nan = "\(dir)/inf.h5"
        do {
            let file = try HDF5File(path: nan, mode: .create(overwrite: false))
            try file.write("hlf", try good.readFloats("hlf"))
            try file.write("particles", particles)
            try file.write("label", try good.readInts("label"))
        }
        let noLabel = "\(dir)/nolabel.h5"
        do {
            let file = try HDF5File(path: noLabel, mode: .create(overwrite: false))
            try file.write("hlf", try good.readFloats("hlf"))
            try file.write("particles", try good.readFloats("particles"))
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/good.h5"))
        let cut = "\(dir)/cut.h5"
        try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: cut))
        for (index, (file, word)) in [(nan, "event"), (noLabel, "'label'"), (cut, "truncated")].enumerated() {
            let result = try trigc("train", "--model", "gru", "--units", "4", "--data", file, "--epochs", "1", "--stream",
                                   "--chunk-events", "500", "--out", "\(dir)/run\(index)")
            #expect(result.status != 0, "\(file)")
            #expect(result.stderr.contains(URL(fileURLWithPath: file).lastPathComponent), "\(result.stderr)")
            #expect(word.isEmpty || result.stderr.contains(word), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
    }
}
