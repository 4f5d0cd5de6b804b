import Foundation
import Testing
@testable import ModelIO

/// Sizes a file declares are checked before anything is allocated.
@Suite struct ReadLimitsTests {
    static let repro = KerasFixtures.packageRoot.appendingPathComponent("../shared/repro").standardized
    static var reproAvailable: Bool { FileManager.default.fileExists(atPath: repro.appendingPathComponent("README.md").path) }
    static func reproPath(_ name: String) -> String { repro.appendingPathComponent(name).path }

    let limits = ReadLimits(maxBytes: 1 << 30)

    func storage(stored: Int, filters: Int = 0, chunked: Bool = false, fileSize: Int = 1 << 40) -> DatasetStorage {
        DatasetStorage(storedBytes: stored, filters: filters, chunked: chunked, elementSize: 4, fileSize: fileSize)
    }

    @Test func shapeChecksRankAndOverflow() throws {
        #expect(try limits.shape([2, 3]).get() == ([2, 3], 6))
        #expect(try limits.shape([]).get() == ([], 1))
        let overflow: [UInt64] = [1 << 40, 1 << 40]
        #expect(throws: SizeProblem.overflow(dims: overflow)) { try limits.shape(overflow).get() }
        #expect(throws: SizeProblem.overflow(dims: [UInt64.max])) { try limits.shape([UInt64.max]).get() }
        let rank = [UInt64](repeating: 1, count: 33)
        #expect(throws: SizeProblem.rank(33, limit: 32)) { try limits.shape(rank).get() }
    }

    @Test func declaredBytesMustBeStoredAndWithinTheLimit() {
        let dims: [UInt64] = [1000, 14]
        // Float32 in memory and in the file: 56000 bytes.
        #expect(limits.problem(reading: 14000, dims: dims, memorySize: 4, storage: storage(stored: 56000)) == nil)
        #expect(limits.problem(reading: 14000, dims: dims, memorySize: 4, storage: storage(stored: 5600))
            == .notStored(values: 14000, bytes: 56000, stored: 5600))
        // Not yet allocated: fill values, fine while small.
        #expect(limits.problem(reading: 14000, dims: dims, memorySize: 4, storage: storage(stored: 0)) == nil)
        let huge = 100 << 20
        #expect(limits.problem(reading: huge, dims: [UInt64(huge)], memorySize: 4, storage: storage(stored: 0))
            == .notStored(values: huge, bytes: 4 * huge, stored: 0))
        #expect(limits.problem(reading: 1 << 30, dims: [1 << 30], memorySize: 4, storage: storage(stored: 1 << 32))
            == .overLimit(values: 1 << 30, bytes: 1 << 32, limit: 1 << 30))
        #expect(limits.problem(reading: 14000, dims: dims, memorySize: 4, storage: storage(stored: 56000, fileSize: 2000))
            == .beyondFile(bytes: 56000, fileSize: 2000))
        #expect(limits.problem(reading: Int.max / 2, dims: [UInt64(Int.max / 2)], memorySize: 8, storage: storage(stored: 0))
            == .overflow(dims: [UInt64(Int.max / 2)]))
    }

    @Test func compressedDataMayExpandAboutAThousandfold() {
        let values = 50 << 20  // 200 MiB of float32
        let dims = [UInt64(values)]
        #expect(limits.problem(reading: values, dims: dims, memorySize: 4, storage: storage(stored: 400_000, filters: 1, chunked: true)) == nil)
        #expect(limits.problem(reading: values, dims: dims, memorySize: 4, storage: storage(stored: 100_000, filters: 1, chunked: true))
            == .notStored(values: values, bytes: 4 * values, stored: 100_000))
    }

    @Test func stringAttributesAreBounded() {
        #expect(limits.problem(strings: 3, size: 10, fileSize: 1000) == nil)
        #expect(limits.problem(strings: 1, size: 5000, fileSize: 1000) == .beyondFile(bytes: 5000, fileSize: 1000))
        #expect(limits.problem(strings: 2 << 20, size: 1, fileSize: .max) == .tooManyStrings(2 << 20, limit: 1 << 20))
        #expect(limits.problem(strings: 1, size: 1 << 30, fileSize: .max) == .overLimit(values: 1, bytes: 1 << 30, limit: 256 << 20))
        #expect(limits.problem(strings: Int.max, size: 3, fileSize: .max) != nil)
    }

    @Test func aReadOverTheLimitIsRefusedWithOneSentence() throws {
        let path = try temporaryDirectory().appendingPathComponent("data.h5").path
        do {
            let file = try HDF5File(path: path, mode: .create(overwrite: false))
            try file.write("hlf", HDF5Array<Float>(shape: [100, 14], values: [Float](repeating: 1, count: 1400)))
            try file.setStringAttribute("note", String(repeating: "x", count: 300))
        }
        let file = try HDF5File(path: path, limits: ReadLimits(maxBytes: 4000, maxStringBytes: 100))
        #expect(try file.shape(of: "hlf") == [100, 14])
        let error = ModelIOError.tooLarge(
            path: path, object: "dataset 'hlf'", problem: .overLimit(values: 1400, bytes: 5600, limit: 4000))
        #expect(throws: error) { try file.readFloats("hlf") }
        #expect(error.description == "\(path): dataset 'hlf' declares 1400 values (5600 bytes), more than the read limit of 4000 bytes.")
        // Doubles take twice the memory of the same dataset.
        #expect(throws: ModelIOError.tooLarge(
            path: path, object: "dataset 'hlf'", problem: .overLimit(values: 1400, bytes: 11200, limit: 4000))) {
            try file.readDoubles("hlf")
        }
        #expect(throws: ModelIOError.tooLarge(
            path: path, object: "attribute 'note' of '/'", problem: .overLimit(values: 1, bytes: 300, limit: 100))) {
            try file.stringAttribute("note")
        }
        #expect(try HDF5File(path: path).readFloats("hlf").values.count == 1400)
    }

    /// Data files that declare 10^9 events (or a shape past Int.max) in a few bytes.
    @Test(.enabled(if: reproAvailable, "needs ../shared/repro/ beside the repository"),
          arguments: ["in_huge_declared.h5", "in_huge_declared_overflow.h5"])
    func hugeDeclaredInputIsRefused(name: String) throws {
        let path = Self.reproPath(name)
        // With no memory limit at all, what the file stores still refuses it.
        for limits in [ReadLimits(), ReadLimits(maxBytes: .max)] {
            try expectRefused(path, limits: limits)
        }
    }

    func expectRefused(_ path: String, limits: ReadLimits) throws {
        let file = try HDF5File(path: path, limits: limits)
        do {
            let array = try file.readFloats("hlf_input")
            Issue.record("read \(array.values.count) values")
        } catch {
            guard case let .tooLarge(errorPath, object, _) = error else {
                Issue.record("expected a size error, got \(error)")
                return
            }
            #expect(errorPath == path && object == "dataset 'hlf_input'")
            #expect(error.description.hasSuffix(".") && !error.description.contains("\n"))
        }
    }
}
