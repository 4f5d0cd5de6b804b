import Foundation

/// Bounds on what reading an HDF5 file may allocate. Every dataset and string attribute is
/// checked against them, and against what the file can hold, before any memory is taken, so
/// a damaged or hostile file gets a ``ModelIOError/tooLarge(path:object:problem:)`` instead
/// of an allocation of whatever size it declares.
public struct ReadLimits: Hashable, Sendable {
    /// The most bytes one dataset may take in memory once read.
    public var maxBytes: Int
    /// The most axes a dataset may have (HDF5 itself allows 32).
    public var maxRank: Int
    /// The most bytes one string attribute may take, all its strings together.
    public var maxStringBytes: Int
    /// The most strings in one string attribute.
    public var maxStrings: Int
    /// The most bytes a dataset may declare while storing none (HDF5 would read fill values).
    public var maxUnstoredBytes: Int
    /// How many times its stored size a chunked or compressed dataset may declare
    /// (zlib's best ratio is about 1030).
    public var maxExpansion: Int

    public init(
        maxBytes: Int = ReadLimits.defaultMaxBytes, maxRank: Int = 32, maxStringBytes: Int = 256 << 20,
        maxStrings: Int = 1 << 20, maxUnstoredBytes: Int = 64 << 20, maxExpansion: Int = 1100
    ) {
        self.maxBytes = maxBytes
        self.maxRank = maxRank
        self.maxStringBytes = maxStringBytes
        self.maxStrings = maxStrings
        self.maxUnstoredBytes = maxUnstoredBytes
        self.maxExpansion = maxExpansion
    }

    /// Half of the physical memory.
    public static var defaultMaxBytes: Int {
        Int(clamping: ProcessInfo.processInfo.physicalMemory / 2)
    }
}

/// What HDF5 says about a dataset's storage, gathered before reading it.
struct DatasetStorage {
    /// Bytes the file stores for the dataset (0 when none are allocated).
    var storedBytes: Int
    /// Filters (compression, shuffle, checksums) in its pipeline.
    var filters: Int
    /// Whether it is chunked (unwritten chunks then read as fill values).
    var chunked: Bool
    /// Bytes of one element in the file.
    var elementSize: Int
    /// Bytes of the whole file (or file image).
    var fileSize: Int
}

extension ReadLimits {
    /// The shape of `dims` as Ints and its number of values, or why it is refused.
    func shape(_ dims: [UInt64]) -> Result<(shape: [Int], count: Int), SizeProblem> {
        if dims.count > maxRank { return .failure(.rank(dims.count, limit: maxRank)) }
        var shape: [Int] = []
        var count = 1
        for dim in dims {
            guard let size = Int(exactly: dim) else { return .failure(.overflow(dims: dims)) }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            if overflow { return .failure(.overflow(dims: dims)) }
            shape.append(size)
            count = product
        }
        return .success((shape, count))
    }

    /// Why reading `count` values of `memorySize` bytes each from `storage` is refused, or nil.
    func problem(reading count: Int, dims: [UInt64], memorySize: Int, storage: DatasetStorage) -> SizeProblem? {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: memorySize)
        let (declared, fileOverflow) = count.multipliedReportingOverflow(by: storage.elementSize)
        if overflow || fileOverflow { return .overflow(dims: dims) }
        if bytes > maxBytes { return .overLimit(values: count, bytes: bytes, limit: maxBytes) }
        if storage.storedBytes > storage.fileSize {
            return .beyondFile(bytes: storage.storedBytes, fileSize: storage.fileSize)
        }
        let stored = storage.storedBytes
        // A contiguous or compact dataset without filters stores every byte once allocated.
        if storage.filters == 0, !storage.chunked, stored > 0, stored < declared {
            return .notStored(values: count, bytes: declared, stored: stored)
        }
        let (expanded, big) = stored.multipliedReportingOverflow(by: maxExpansion)
        if !big, declared > max(expanded, maxUnstoredBytes) {
            return .notStored(values: count, bytes: declared, stored: stored)
        }
        return nil
    }

    /// Why a string attribute of `count` strings of `size` bytes each is refused, or nil.
    func problem(strings count: Int, size: Int, fileSize: Int) -> SizeProblem? {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: max(size, 1))
        if overflow { return .overflow(dims: [UInt64(clamping: count), UInt64(clamping: size)]) }
        if count > maxStrings { return .tooManyStrings(count, limit: maxStrings) }
        if bytes > maxStringBytes { return .overLimit(values: count, bytes: bytes, limit: maxStringBytes) }
        // Fixed-length strings are stored as they are, inside the file.
        if bytes > fileSize { return .beyondFile(bytes: bytes, fileSize: fileSize) }
        return nil
    }
}
