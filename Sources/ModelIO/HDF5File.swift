import Foundation

/// A numeric array read from or written to an HDF5 dataset, row-major.
public struct HDF5Array<Element: Sendable & Hashable>: Hashable, Sendable {
    public var shape: [Int]
    public var values: [Element]

    public init(shape: [Int], values: [Element]) {
        self.shape = shape
        self.values = values
    }
}

/// An open HDF5 file: datasets of numbers and string attributes, addressed by slash paths
/// (`"particles"`, `"model_weights/dense_1/kernel:0"`). HDF5's own handles stay inside.
public final class HDF5File {
    /// How to open a file.
    public enum Mode: Sendable {
        case read
        /// Open an existing file to add or replace datasets.
        case update
        /// Make a new file; with `overwrite: false` an existing file is an error, never
        /// silently replaced.
        case create(overwrite: Bool)
    }

    public let path: String
    /// What reads may allocate; checked before every dataset and string attribute is read.
    public var limits: ReadLimits
    let id: HID

    public init(path: String, mode: Mode = .read, limits: ReadLimits = ReadLimits()) throws(ModelIOError) {
        self.path = path
        self.limits = limits
        switch mode {
        case .read, .update:
            guard FileManager.default.fileExists(atPath: path) else { throw .fileNotFound(path: path) }
            guard ModelFile.isRegularFile(path) else { throw .notRegularFile(path: path) }
            guard H5.isHDF5(path) else { throw .notHDF5(path: path) }
            let writable = if case .update = mode { true } else { false }
            do {
                id = try H5.openFile(path, writable: writable)
            } catch {
                // The signature is there but HDF5 cannot open it: cut short or damaged.
                if writable { throw error }
                throw .notHDF5(path: path)
            }
        case let .create(overwrite):
            if !overwrite, FileManager.default.fileExists(atPath: path) { throw .fileExists(path: path) }
            id = try H5.createFile(path, truncate: overwrite)
        }
    }

    /// Opens, read only, an HDF5 file held in memory (such as the weights inside a `.keras`
    /// zip); `path` names it in messages.
    public init(image bytes: [UInt8], path: String, limits: ReadLimits = ReadLimits()) throws(ModelIOError) {
        self.path = path
        self.limits = limits
        id = try H5.openImage(bytes, path)
    }

    deinit { H5.closeFile(id) }

    /// Whether a group of that name exists (`"/"` always does).
    public func hasGroup(_ name: String) -> Bool { H5.isGroup(id, name) }

    /// Whether an object (`"/"` for the file) has an attribute of that name.
    public func hasAttribute(_ name: String, of object: String = "/") -> Bool {
        H5.attributeExists(id, object, name)
    }

    /// A string attribute holding one string or a list of them (fixed or variable length),
    /// or nil when absent or not strings. An empty numeric attribute reads as `[]`.
    public func stringArrayAttribute(_ name: String, of object: String = "/") throws(ModelIOError) -> [String]? {
        try H5.readStringArrayAttribute(id, path, object, name, limits)
    }

    /// Whether a dataset of that name exists.
    public func hasDataset(_ name: String) -> Bool { H5.isDataset(id, name) }

    /// The names of the objects directly inside a group.
    public func children(of group: String = "/") throws(ModelIOError) -> [String] {
        try H5.children(id, path, group)
    }

    /// The shape of a dataset (its rank and size checked against ``limits``, its data not
    /// read).
    public func shape(of name: String) throws(ModelIOError) -> [Int] {
        guard hasDataset(name) else { throw .missingDataset(path: path, name: name) }
        return try H5.withDataset(id, path, name, limits) { _, header throws(ModelIOError) in header.shape }
    }

    /// Reads any integer or floating-point dataset as Float (HDF5 converts).
    public func readFloats(_ name: String) throws(ModelIOError) -> HDF5Array<Float> {
        try readNumbers(name, memType: .float32, zero: Float(0))
    }

    /// Reads any integer or floating-point dataset as Double.
    public func readDoubles(_ name: String) throws(ModelIOError) -> HDF5Array<Double> {
        try readNumbers(name, memType: .float64, zero: Double(0))
    }

    /// Reads an integer dataset as Int64.
    public func readInts(_ name: String) throws(ModelIOError) -> HDF5Array<Int64> {
        try readNumbers(name, memType: .int64, zero: Int64(0), integersOnly: true)
    }

    private func readNumbers<T: Sendable & Hashable>(
        _ name: String, memType: MemoryType, zero: T, integersOnly: Bool = false
    ) throws(ModelIOError) -> HDF5Array<T> {
        guard hasDataset(name) else { throw .missingDataset(path: path, name: name) }
        let (id, path, limits) = (self.id, self.path, self.limits)
        return try H5.withDataset(id, path, name, limits) { ds, header throws(ModelIOError) in
            let numeric = header.isStandardNumber
                && (header.isInteger || (!integersOnly && header.isFloat))
            guard numeric else { throw .unsupportedType(path: path, name: name) }
            let storage = try H5.storage(id, ds, header, path, name)
            if let problem = limits.problem(
                reading: header.count, dims: header.dims, memorySize: MemoryLayout<T>.stride, storage: storage) {
                throw .tooLarge(path: path, object: "dataset '\(name)'", problem: problem)
            }
            var values = [T](repeating: zero, count: header.count)
            if !values.isEmpty {
                let failure = values.withUnsafeMutableBytes { raw -> ModelIOError? in
                    guard let base = raw.baseAddress else { return nil }
                    do throws(ModelIOError) {
                        try H5.read(ds, memType: memType, into: base, path, name)
                    } catch { return error }
                    return nil
                }
                if let failure { throw failure }
            }
            return HDF5Array(shape: header.shape, values: values)
        }
    }

    /// Writes (or replaces) a float32 dataset, making parent groups as needed.
    public func write(_ name: String, _ array: HDF5Array<Float>) throws(ModelIOError) {
        try writeNumbers(name, array, memType: .float32)
    }

    /// Writes (or replaces) a float64 dataset.
    public func write(_ name: String, _ array: HDF5Array<Double>) throws(ModelIOError) {
        try writeNumbers(name, array, memType: .float64)
    }

    /// Writes (or replaces) an int64 dataset.
    public func write(_ name: String, _ array: HDF5Array<Int64>) throws(ModelIOError) {
        try writeNumbers(name, array, memType: .int64)
    }

    /// Writes (or replaces) an int32 dataset.
    public func write(_ name: String, _ array: HDF5Array<Int32>) throws(ModelIOError) {
        try writeNumbers(name, array, memType: .int32)
    }

    private func writeNumbers<T>(_ name: String, _ array: HDF5Array<T>, memType: MemoryType) throws(ModelIOError) {
        precondition(array.values.count == array.shape.reduce(1, *), "shape and value count disagree")
        let (id, path) = (self.id, self.path)
        // HDF5 wants a non-null pointer even for an empty dataset: lend it a spare byte.
        let spare: [UInt8] = [0]
        let failure = array.values.withUnsafeBytes { raw -> ModelIOError? in
            spare.withUnsafeBytes { spareRaw -> ModelIOError? in
                guard let pointer = raw.baseAddress ?? spareRaw.baseAddress else { return nil }
                do throws(ModelIOError) {
                    try H5.write(id, path, name, shape: array.shape, memType: memType, data: pointer)
                } catch { return error }
                return nil
            }
        }
        if let failure { throw failure }
    }

    /// A string attribute of an object (`"/"` for the file), or nil when absent.
    public func stringAttribute(_ name: String, of object: String = "/") throws(ModelIOError) -> String? {
        try H5.readStringAttribute(id, path, object, name, limits)
    }

    /// Sets a string attribute on an object (`"/"` for the file).
    public func setStringAttribute(_ name: String, _ value: String, on object: String = "/") throws(ModelIOError) {
        try H5.writeStringAttribute(id, path, object, name, value)
    }
}
