/// Row access along a dataset's first axis, for files larger than memory: reading chosen
/// rows by hyperslab selection, and writing a dataset one block of rows at a time.
extension HDF5File {
    /// The most separate row ranges one read selects (HDF5 joins larger unions slowly);
    /// a longer list is read in several selections.
    static let maxRunsPerRead = 512

    /// Reads the rows `rows` (ascending, distinct, each in `0 ..< shape[0]`) of a numeric
    /// dataset as Float, in that order. Only those rows are allocated: ``limits`` bounds
    /// their bytes, and the whole dataset's declared size is checked against what the file
    /// stores (a truncated file is refused in one sentence).
    public func readFloatRows(_ name: String, rows: [Int]) throws(ModelIOError) -> HDF5Array<Float> {
        guard hasDataset(name) else { throw .missingDataset(path: path, name: name) }
        let (path, limits) = (self.path, self.limits)
        return try withOpenDataset(name) { ds, header, storage throws(ModelIOError) in
            guard header.isStandardNumber, header.isInteger || header.isFloat else {
                throw .unsupportedType(path: path, name: name)
            }
            guard let events = header.shape.first else {
                throw .wrongShape(path: path, name: name, expected: "[rows, ...]", found: header.shape)
            }
            var whole = limits
            whole.maxBytes = .max
            if let problem = whole.problem(reading: header.count, dims: header.dims, memorySize: 4, storage: storage) {
                throw .tooLarge(path: path, object: "dataset '\(name)'", problem: problem)
            }
            let perRow = header.shape.dropFirst().reduce(1, *)
            let (values, overflow) = rows.count.multipliedReportingOverflow(by: perRow)
            if overflow || values > limits.maxBytes / 4 {
                throw .tooLarge(path: path, object: "rows of dataset '\(name)'",
                                problem: .overLimit(values: values, bytes: values &* 4, limit: limits.maxBytes))
            }
            let runs = try Self.runs(of: rows, below: events, path: path, name: name)
            var result = [Float](repeating: 0, count: values)
            var done = 0
            for start in stride(from: 0, to: runs.count, by: Self.maxRunsPerRead) {
                let part = Array(runs[start ..< min(runs.count, start + Self.maxRunsPerRead)])
                let partRows = part.reduce(0) { $0 + $1.count }
                let failure = result.withUnsafeMutableBytes { raw -> ModelIOError? in
                    guard let base = raw.baseAddress else { return nil }
                    do throws(ModelIOError) {
                        try H5.readRows(ds, dims: header.dims, runs: part, memType: .float32,
                                        into: base + done * perRow * 4, path, name)
                    } catch { return error }
                    return nil
                }
                if let failure { throw failure }
                done += partRows
            }
            return HDF5Array(shape: [rows.count] + Array(header.shape.dropFirst()), values: result)
        }
    }

    /// Ascending rows as ranges of consecutive rows; a row out of order or out of range is
    /// refused.
    static func runs(of rows: [Int], below events: Int, path: String, name: String) throws(ModelIOError) -> [(first: Int, count: Int)] {
        var runs: [(first: Int, count: Int)] = []
        var previous = -1
        for row in rows {
            guard row > previous, row < events else {
                throw .wrongShape(path: path, name: name, expected: "row \(row) (rows ascending, below \(events))", found: [events])
            }
            if let last = runs.last, last.first + last.count == row {
                runs[runs.count - 1].count += 1
            } else {
                runs.append((row, 1))
            }
            previous = row
        }
        return runs
    }

    /// Makes (or replaces) a float32 dataset of `shape` whose rows are then written with
    /// ``writeRows(_:at:_:)``.
    public func createFloatDataset(_ name: String, shape: [Int]) throws(ModelIOError) {
        try createDataset(name, shape: shape, memType: .float32)
    }

    /// Makes (or replaces) an int32 dataset of `shape` (see ``createFloatDataset(_:shape:)``).
    public func createInt32Dataset(_ name: String, shape: [Int]) throws(ModelIOError) {
        try createDataset(name, shape: shape, memType: .int32)
    }

    /// Writes `array` (whole rows of a dataset made by ``createFloatDataset(_:shape:)``)
    /// from row `first` on.
    public func writeRows(_ name: String, at first: Int, _ array: HDF5Array<Float>) throws(ModelIOError) {
        try writeRows(name, at: first, array, memType: .float32)
    }

    /// Writes int32 rows (see ``writeRows(_:at:_:)``).
    public func writeRows(_ name: String, at first: Int, _ array: HDF5Array<Int32>) throws(ModelIOError) {
        try writeRows(name, at: first, array, memType: .int32)
    }

    private func writeRows<T>(_ name: String, at first: Int, _ array: HDF5Array<T>, memType: MemoryType) throws(ModelIOError) {
        precondition(array.values.count == array.shape.reduce(1, *) && !array.values.isEmpty, "whole, non-empty rows")
        let (id, path) = (id, self.path)
        let rows = array.shape.first ?? 1
        let failure = array.values.withUnsafeBytes { raw -> ModelIOError? in
            guard let pointer = raw.baseAddress else { return nil }
            do throws(ModelIOError) {
                try H5.writeRows(id, path, name, first: first, rows: rows, memType: memType, data: pointer)
            } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    private func createDataset(_ name: String, shape: [Int], memType: MemoryType) throws(ModelIOError) {
        let ds = try H5.createDataset(id, path, name, shape: shape, memType: memType)
        H5.closeDataset(ds)
    }

    /// Runs `body` with an open dataset, its header and its storage.
    private func withOpenDataset<R>(
        _ name: String, _ body: (HID, DatasetHeader, DatasetStorage) throws(ModelIOError) -> R
    ) throws(ModelIOError) -> R {
        let (id, path) = (id, self.path)
        return try H5.withDataset(id, path, name, limits) { ds, header throws(ModelIOError) in
            try body(ds, header, try H5.storage(id, ds, header, path, name))
        }
    }
}
