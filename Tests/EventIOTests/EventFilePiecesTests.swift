import EventIO
import Foundation
import ModelIO
import Testing
import Training

/// A generated file written piece by piece holds what one write of all of it holds.
@Suite struct EventFilePiecesTests {
    @Test(arguments: [1, 1024, 2500])
    func piecesWriteTheWholeFile(pieceEvents: Int) throws {
        let dir = try scratch()
        let generator = EventGenerator(maxParticles: 6, threads: 2)
        let whole = generator.generate(events: 3000, seed: 21)
        let file = try HDF5File(path: "\(dir)/pieces.h5", mode: .create(overwrite: false))
        let counts = try EventFile.writeGenerated(generator, events: 3000, seed: 21, pieceEvents: pieceEvents, into: file)
        #expect(counts == whole.classCounts)
        let read = try EventFile.read(file)
        #expect(read == whole)
        #expect(generator.generate(events: 2048..<3000, of: 3000, seed: 21) == whole.subset(Array(2048..<3000)))
    }
}
