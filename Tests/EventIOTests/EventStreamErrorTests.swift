import EventIO
import Foundation
import ModelIO
import Testing
import Training

/// What a stream says about files it cannot use: one sentence naming the file.
@Suite struct EventStreamErrorTests {
    /// The sentence of what `body` throws (nil when it throws nothing).
    func failure(_ body: () throws -> Void) -> String? {
        do { try body() } catch { return "\(error)" }
        return nil
    }

    func expectOneSentence(_ message: String?, naming path: String, saying word: String) {
        guard let message else {
            Issue.record("no error for \(path)")
            return
        }
        #expect(message.contains(URL(fileURLWithPath: path).lastPathComponent), "\(message)")
        #expect(message.contains(word), "\(message)")
        #expect(!message.contains("\n"), "\(message)")
    }

    @Test func truncatedFileIsOneSentence() throws {
        let dir = try scratch()
        try writeEvents(numberedEvents(2000, maxParticles: 20), to: "\(dir)/whole.h5")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/whole.h5"))
        let path = "\(dir)/cut.h5"
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        let message = failure {
            let reader = try EventReader(path: path)
            _ = try reader.read(rows: [0, 1999], particles: true)
        }
        expectOneSentence(message, naming: path, saying: "truncated")
    }

    @Test func missingDatasetIsOneSentence() throws {
        let dir = try scratch()
        let data = numberedEvents(50)
        let path = "\(dir)/noparticles.h5"
        let file = try HDF5File(path: path, mode: .create(overwrite: false))
        try file.write(EventSchema.hlf, HDF5Array(shape: [50, EventSchema.hlfFeatureCount], values: data.hlf))
        try file.write(EventSchema.label, HDF5Array(shape: [50], values: data.labels.map { Int64($0) }))
        expectOneSentence(failure { _ = try EventReader(path: path) }, naming: path, saying: "'particles'")
    }

    @Test func nonFiniteValueNamesItsRowInTheFile() throws {
        let dir = try scratch()
        var data = numberedEvents(200)
        data.particles[123 * data.particleStride + 2] = .nan
        let path = "\(dir)/nan.h5"
        try writeEvents(data, to: path)
        let reader = try EventReader(path: path)
        expectOneSentence(failure { _ = try reader.read(rows: Array(120..<130), particles: true) }, naming: path, saying: "event 123")
        // Through a training pass the same sentence arrives, and the prefetching thread ends.
        let stream = EventStream(reader: reader, rows: Array(0..<200), chunkEvents: 30, inputs: [StudyInput.particles.name],
                                 hlfScaler: identityHLF, particleScaler: identityParticles)
        let message = failure {
            let pass = try stream.pass(epoch: 0, seed: 1, shuffle: false)
            while try pass.next() != nil {}
        }
        expectOneSentence(message, naming: path, saying: "event 123")
    }

    @Test func passDroppedEarlyStopsItsThread() throws {
        let dir = try scratch()
        try writeEvents(numberedEvents(400), to: "\(dir)/ev.h5")
        let reader = try EventReader(path: "\(dir)/ev.h5")
        let stream = EventStream(reader: reader, rows: Array(0..<400), chunkEvents: 10, inputs: [StudyInput.hlf.name],
                                 hlfScaler: identityHLF, particleScaler: identityParticles)
        for _ in 0..<20 {
            let pass = try stream.pass(epoch: 0, seed: 1, shuffle: true)
            _ = try pass.next()
        }
        // The reader is free again: a full pass still sees every event.
        #expect(try rowsOfPass(stream, epoch: 3, seed: 1).sorted() == Array(0..<400))
    }
}
