import Foundation
import Testing
@testable import ModelIO

/// A fresh temporary directory per test.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("trigc-modelio-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite struct HDF5FileTests {
    @Test func roundTripsEveryNumericType() throws {
        let path = try temporaryDirectory().appendingPathComponent("data.h5").path
        do {
            let file = try HDF5File(path: path, mode: .create(overwrite: false))
            try file.write("hlf", HDF5Array<Float>(shape: [2, 3], values: [1, -2.5, 3, .pi, 0, -0]))
            try file.write("group/deep/doubles", HDF5Array(shape: [2], values: [1e-300, -7.25]))
            try file.write("label", HDF5Array<Int64>(shape: [3], values: [0, 2, Int64.max]))
            try file.write("length", HDF5Array<Int32>(shape: [1], values: [801]))
            try file.write("empty", HDF5Array<Float>(shape: [0, 14], values: []))
            try file.setStringAttribute("schema", "trigc-test")
        }
        let file = try HDF5File(path: path)
        #expect(try file.readFloats("hlf") == HDF5Array(shape: [2, 3], values: [1, -2.5, 3, .pi, 0, -0]))
        #expect(try file.readDoubles("group/deep/doubles").values == [1e-300, -7.25])
        #expect(try file.readInts("label").values == [0, 2, Int64.max])
        #expect(try file.readInts("length").values == [801])
        #expect(try file.readFloats("length").values == [801])
        #expect(try file.readFloats("empty").shape == [0, 14])
        #expect(try file.shape(of: "hlf") == [2, 3])
        #expect(try file.stringAttribute("schema") == "trigc-test")
        #expect(try file.stringAttribute("absent") == nil)
        #expect(try file.children().sorted() == ["empty", "group", "hlf", "label", "length"])
        #expect(file.hasDataset("group/deep/doubles"))
        #expect(!file.hasDataset("group/deep"))
        #expect(!file.hasDataset("no/such/thing"))
    }

    @Test func refusesToReplaceAnExistingFile() throws {
        let path = try temporaryDirectory().appendingPathComponent("keep.h5").path
        _ = try HDF5File(path: path, mode: .create(overwrite: false))
        #expect(throws: ModelIOError.fileExists(path: path)) {
            _ = try HDF5File(path: path, mode: .create(overwrite: false))
        }
        _ = try HDF5File(path: path, mode: .create(overwrite: true))
    }

    @Test func namesTheProblemWithBadFiles() throws {
        let dir = try temporaryDirectory()
        let text = dir.appendingPathComponent("notes.h5").path
        try "not hdf5".write(toFile: text, atomically: true, encoding: .utf8)
        #expect(throws: ModelIOError.notHDF5(path: text)) { _ = try HDF5File(path: text) }
        let missing = dir.appendingPathComponent("missing.h5").path
        #expect(throws: ModelIOError.fileNotFound(path: missing)) { _ = try HDF5File(path: missing) }

        let path = dir.appendingPathComponent("data.h5").path
        let file = try HDF5File(path: path, mode: .create(overwrite: false))
        try file.write("x", HDF5Array<Float>(shape: [1], values: [1]))
        #expect(throws: ModelIOError.missingDataset(path: path, name: "y")) { _ = try file.readFloats("y") }
        #expect(throws: ModelIOError.unsupportedType(path: path, name: "x")) { _ = try file.readInts("x") }
        #expect(ModelIOError.notHDF5(path: text).description == "\(text): not an HDF5 file (or the file is truncated).")
    }

    @Test func detectsATruncatedFile() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("full.h5").path
        do {
            let file = try HDF5File(path: path, mode: .create(overwrite: false))
            try file.write("x", HDF5Array<Float>(shape: [4096], values: .init(repeating: 1, count: 4096)))
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = dir.appendingPathComponent("cut.h5").path
        try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: cut))
        #expect(throws: ModelIOError.self) {
            let file = try HDF5File(path: cut)
            _ = try file.readFloats("x")
        }
    }
}
