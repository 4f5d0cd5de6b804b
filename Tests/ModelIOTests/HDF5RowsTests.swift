import Foundation
import Testing
@testable import ModelIO

/// Row reads by hyperslab and row-block writes (for files larger than memory).
@Suite struct HDF5RowsTests {
    @Test func chosenRowsEqualTheWholeRead() throws {
        let path = try temporaryDirectory().appendingPathComponent("rows.h5").path
        let (rows, width) = (1500, 6)
        let values = (0..<(rows * width)).map { Float($0) * 0.5 }
        do {
            let file = try HDF5File(path: path, mode: .create(overwrite: false))
            try file.write("cube", HDF5Array(shape: [rows, 2, 3], values: values))
            try file.write("ints", HDF5Array<Int64>(shape: [rows], values: (0..<rows).map { Int64($0) }))
        }
        let file = try HDF5File(path: path)
        // More separate runs than one selection takes, with gaps of every size.
        let chosen = (0..<rows).filter { $0 % 3 != 1 && $0 % 7 != 0 }
        let read = try file.readFloatRows("cube", rows: chosen)
        #expect(read.shape == [chosen.count, 2, 3])
        #expect(read.values == chosen.flatMap { values[($0 * width) ..< (($0 + 1) * width)] })
        #expect(try file.readFloatRows("ints", rows: [0, 1, 2, 1499]).values == [0, 1, 2, 1499])
        #expect(try file.readFloatRows("cube", rows: []).values.isEmpty)
        // Rows out of order or out of range are refused in one sentence naming the file.
        for bad in [[3, 2], [5, 5], [rows]] {
            #expect(throws: ModelIOError.self) { try file.readFloatRows("cube", rows: bad) }
        }
        #expect(throws: ModelIOError.self) { try file.readFloatRows("missing", rows: [0]) }
    }

    @Test func rowBlocksWriteWhatAWholeWriteWrites() throws {
        let directory = try temporaryDirectory()
        let values = (0..<(100 * 4)).map { Float($0) - 7 }
        let blocks = directory.appendingPathComponent("blocks.h5").path
        do {
            let file = try HDF5File(path: blocks, mode: .create(overwrite: false))
            try file.createFloatDataset("x", shape: [100, 4])
            try file.createInt32Dataset("n", shape: [100])
            for start in stride(from: 0, to: 100, by: 30) {
                let end = min(100, start + 30)
                try file.writeRows("x", at: start, HDF5Array(shape: [end - start, 4], values: Array(values[(start * 4) ..< (end * 4)])))
                try file.writeRows("n", at: start, HDF5Array<Int32>(shape: [end - start], values: (start..<end).map { Int32($0) }))
            }
            #expect(throws: ModelIOError.self) { try file.writeRows("x", at: 90, HDF5Array<Float>(shape: [20, 4], values: .init(repeating: 0, count: 80))) }
        }
        let file = try HDF5File(path: blocks)
        #expect(try file.readFloats("x") == HDF5Array(shape: [100, 4], values: values))
        #expect(try file.readInts("n").values == (0..<100).map { Int64($0) })
    }
}
