@preconcurrency import CHDF5
#if canImport(Glibc)
import Glibc
#endif

// Every HDF5 C call trigc makes is in this file. Each status is checked by `check`, which
// turns a negative return into a `ModelIOError` naming the file and object.

/// HDF5 identifiers (`hid_t`) never leave this module.
typealias HID = hid_t

/// A dataset's declared shape and element type, checked to fit in an Int.
struct DatasetHeader {
    var dims: [UInt64]
    var shape: [Int]
    var count: Int
    var typeClass: H5T_class_t
    /// Bytes of one element in the file.
    var elementSize: Int
    /// Whether the type is one of the standard IEEE float or two's-complement integer
    /// encodings (the only ones trigc converts: a damaged encoding can crash libhdf5).
    var isStandardNumber: Bool

    var isInteger: Bool { typeClass == H5T_INTEGER }
    var isFloat: Bool { typeClass == H5T_FLOAT }
}

/// The element types trigc reads and writes in memory (HDF5 converts to and from the file's).
enum MemoryType {
    case float32, float64, int64, int32

    var id: HID {
        switch self {
        case .float32: trigc_H5T_NATIVE_FLOAT()
        case .float64: trigc_H5T_NATIVE_DOUBLE()
        case .int64: trigc_H5T_NATIVE_INT64()
        case .int32: trigc_H5T_NATIVE_INT32()
        }
    }
}

private let hDefault = hid_t(H5P_DEFAULT)
private let hAll = hid_t(H5S_ALL)

enum H5 {
    /// Turns HDF5's own error printing off so users see only trigc's messages. The setting
    /// is per thread in a thread-safe HDF5, so every entry point asks for it (it is cheap).
    static var silenced: Void {
        H5Eset_auto2(hid_t(H5E_DEFAULT), nil, nil)
    }

    @discardableResult
    static func check<T: BinaryInteger>(
        _ status: T, _ path: String, _ object: String, _ operation: String
    ) throws(ModelIOError) -> T {
        if status < 0 { throw .hdf5(path: path, object: object, operation: operation) }
        return status
    }

    static func isHDF5(_ path: String) -> Bool {
        _ = silenced
        return H5Fis_hdf5(path) > 0
    }

    static func openFile(_ path: String, writable: Bool) throws(ModelIOError) -> HID {
        _ = silenced
        let flags = writable ? trigc_H5F_ACC_RDWR() : trigc_H5F_ACC_RDONLY()
        return try check(H5Fopen(path, flags, hDefault), path, "/", "open the file")
    }

    static func createFile(_ path: String, truncate: Bool) throws(ModelIOError) -> HID {
        _ = silenced
        let flags = truncate ? trigc_H5F_ACC_TRUNC() : trigc_H5F_ACC_EXCL()
        return try check(H5Fcreate(path, flags, hDefault, hDefault), path, "/", "create the file")
    }

    static func closeFile(_ id: HID) { H5Fclose(id) }

    static func closeDataset(_ id: HID) { H5Dclose(id) }

    static func exists(_ file: HID, _ name: String) -> Bool {
        // Check each prefix so that a missing parent group is not an error.
        var prefix = ""
        for part in name.split(separator: "/") {
            prefix += "/" + part
            if H5Lexists(file, prefix, hDefault) <= 0 { return false }
        }
        return true
    }

    static func isDataset(_ file: HID, _ name: String) -> Bool {
        guard exists(file, name) else { return false }
        var info = H5O_info_t()
        guard H5Oget_info_by_name1(file, name, &info, hDefault) >= 0 else { return false }
        return info.type == H5O_TYPE_DATASET
    }

    /// Runs `body` with an open dataset, its shape (rank and size checked against `limits`)
    /// and its type.
    static func withDataset<R>(
        _ file: HID, _ path: String, _ name: String, _ limits: ReadLimits,
        _ body: (HID, DatasetHeader) throws(ModelIOError) -> R
    ) throws(ModelIOError) -> R {
        _ = silenced
        let ds = try check(H5Dopen2(file, name, hDefault), path, name, "open dataset")
        defer { H5Dclose(ds) }
        let space = try check(H5Dget_space(ds), path, name, "read the shape of")
        defer { H5Sclose(space) }
        let rank = Int(try check(H5Sget_simple_extent_ndims(space), path, name, "read the rank of"))
        let object = "dataset '\(name)'"
        if rank > limits.maxRank { throw .tooLarge(path: path, object: object, problem: .rank(rank, limit: limits.maxRank)) }
        var dims = [hsize_t](repeating: 0, count: max(rank, 1))
        try check(H5Sget_simple_extent_dims(space, &dims, nil), path, name, "read the shape of")
        let declared = Array(dims.prefix(rank))
        let (shape, count): ([Int], Int)
        switch limits.shape(declared) {
        case let .success(result): (shape, count) = result
        case let .failure(problem): throw .tooLarge(path: path, object: object, problem: problem)
        }
        let type = try check(H5Dget_type(ds), path, name, "read the type of")
        defer { H5Tclose(type) }
        let header = DatasetHeader(
            dims: declared, shape: shape, count: count, typeClass: H5Tget_class(type), elementSize: H5Tget_size(type),
            isStandardNumber: trigc_H5T_is_standard_number(type) == 1)
        return try body(ds, header)
    }

    /// What the file stores for an open dataset, for checking its declared size.
    static func storage(_ file: HID, _ ds: HID, _ header: DatasetHeader, _ path: String, _ name: String) throws(ModelIOError) -> DatasetStorage {
        let what = "read the storage of"
        let properties = try check(H5Dget_create_plist(ds), path, name, what)
        defer { H5Pclose(properties) }
        let filters = try check(H5Pget_nfilters(properties), path, name, what)
        let layout = H5Pget_layout(properties)
        if layout.rawValue < 0 { throw .hdf5(path: path, object: name, operation: what) }
        return DatasetStorage(
            storedBytes: Int(clamping: H5Dget_storage_size(ds)), filters: Int(filters), chunked: layout == H5D_CHUNKED,
            elementSize: header.elementSize, fileSize: try fileSize(file, path))
    }

    static func fileSize(_ file: HID, _ path: String) throws(ModelIOError) -> Int {
        var size: hsize_t = 0
        try check(H5Fget_filesize(file, &size), path, "/", "read the size of")
        return Int(clamping: size)
    }

    static func read(_ ds: HID, memType: MemoryType, into buffer: UnsafeMutableRawPointer, _ path: String, _ name: String) throws(ModelIOError) {
        try check(H5Dread(ds, memType.id, hAll, hAll, hDefault, buffer), path, name, "read dataset")
    }

    /// Reads whole rows (along the first axis) of an open dataset: `runs` are ascending,
    /// disjoint `(first row, rows)` ranges, read in one selection into `buffer` in row order.
    static func readRows(
        _ ds: HID, dims: [UInt64], runs: [(first: Int, count: Int)], memType: MemoryType,
        into buffer: UnsafeMutableRawPointer, _ path: String, _ name: String
    ) throws(ModelIOError) {
        let space = try check(H5Dget_space(ds), path, name, "select rows of")
        defer { H5Sclose(space) }
        var rows = 0
        for (i, run) in runs.enumerated() {
            var start = [hsize_t](repeating: 0, count: dims.count)
            var count = dims
            start[0] = hsize_t(run.first)
            count[0] = hsize_t(run.count)
            rows += run.count
            try check(H5Sselect_hyperslab(space, i == 0 ? H5S_SELECT_SET : H5S_SELECT_OR, &start, nil, &count, nil),
                      path, name, "select rows of")
        }
        var memoryDims = dims
        memoryDims[0] = hsize_t(rows)
        let memory = try check(H5Screate_simple(Int32(memoryDims.count), &memoryDims, nil), path, name, "select rows of")
        defer { H5Sclose(memory) }
        try check(H5Dread(ds, memType.id, memory, space, hDefault, buffer), path, name, "read rows of")
    }

    /// Writes `rows` whole rows from `data` into an existing dataset, starting at row `first`.
    static func writeRows(
        _ file: HID, _ path: String, _ name: String, first: Int, rows: Int, memType: MemoryType, data: UnsafeRawPointer
    ) throws(ModelIOError) {
        _ = silenced
        let ds = try check(H5Dopen2(file, name, hDefault), path, name, "open dataset")
        defer { H5Dclose(ds) }
        let space = try check(H5Dget_space(ds), path, name, "write rows of")
        defer { H5Sclose(space) }
        let rank = Int(try check(H5Sget_simple_extent_ndims(space), path, name, "write rows of"))
        var dims = [hsize_t](repeating: 0, count: max(rank, 1))
        try check(H5Sget_simple_extent_dims(space, &dims, nil), path, name, "write rows of")
        var start = [hsize_t](repeating: 0, count: dims.count)
        start[0] = hsize_t(first)
        dims[0] = hsize_t(rows)
        try check(H5Sselect_hyperslab(space, H5S_SELECT_SET, &start, nil, &dims, nil), path, name, "write rows of")
        let memory = try check(H5Screate_simple(Int32(dims.count), &dims, nil), path, name, "write rows of")
        defer { H5Sclose(memory) }
        try check(H5Dwrite(ds, memType.id, memory, space, hDefault, data), path, name, "write rows of")
    }

    static func ensureGroups(_ file: HID, for name: String, _ path: String) throws(ModelIOError) {
        let parts = name.split(separator: "/").dropLast()
        var prefix = ""
        for part in parts {
            prefix += "/" + part
            if H5Lexists(file, prefix, hDefault) > 0 { continue }
            let group = try check(H5Gcreate2(file, prefix, hDefault, hDefault, hDefault), path, prefix, "create group")
            H5Gclose(group)
        }
    }

    static func write(
        _ file: HID, _ path: String, _ name: String, shape: [Int], memType: MemoryType,
        data: UnsafeRawPointer
    ) throws(ModelIOError) {
        let ds = try createDataset(file, path, name, shape: shape, memType: memType)
        defer { H5Dclose(ds) }
        try check(H5Dwrite(ds, memType.id, hAll, hAll, hDefault, data), path, name, "write dataset")
    }

    /// Makes (or replaces) a dataset of `shape`, its values unwritten; returns it open.
    static func createDataset(_ file: HID, _ path: String, _ name: String, shape: [Int], memType: MemoryType) throws(ModelIOError) -> HID {
        try ensureGroups(file, for: name, path)
        if H5Lexists(file, name, hDefault) > 0 {
            try check(H5Ldelete(file, name, hDefault), path, name, "replace dataset")
        }
        var dims = shape.map { hsize_t($0) }
        let space = try check(H5Screate_simple(Int32(dims.count), &dims, nil), path, name, "make a dataspace for")
        defer { H5Sclose(space) }
        // No modification times in the object headers: the same data gives the same bytes.
        let properties = try check(H5Pcreate(trigc_H5P_DATASET_CREATE()), path, name, "make properties for")
        defer { H5Pclose(properties) }
        try check(H5Pset_obj_track_times(properties, false), path, name, "make properties for")
        return try check(H5Dcreate2(file, name, memType.id, space, hDefault, properties, hDefault), path, name, "create dataset")
    }

    static func children(_ file: HID, _ path: String, _ group: String) throws(ModelIOError) -> [String] {
        _ = silenced
        let g = try check(H5Gopen2(file, group, hDefault), path, group, "open group")
        defer { H5Gclose(g) }
        var info = H5G_info_t()
        try check(H5Gget_info(g, &info), path, group, "list group")
        var names: [String] = []
        for i in 0..<info.nlinks {
            let length = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, nil, 0, hDefault)
            try check(length, path, group, "list group")
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            try check(
                H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buffer, buffer.count, hDefault),
                path, group, "list group")
            names.append(String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names
    }

    static func readStringAttribute(
        _ file: HID, _ path: String, _ object: String, _ name: String, _ limits: ReadLimits
    ) throws(ModelIOError) -> String? {
        _ = silenced
        guard H5Aexists_by_name(file, object, name, hDefault) > 0 else { return nil }
        let attr = try check(H5Aopen_by_name(file, object, name, hDefault, hDefault), path, object, "open attribute '\(name)' of")
        defer { H5Aclose(attr) }
        // One string only: reading a list into a one-string buffer would overrun it.
        let space = try check(H5Aget_space(attr), path, object, "read attribute '\(name)' of")
        defer { H5Sclose(space) }
        guard H5Sget_simple_extent_npoints(space) == 1 else { return nil }
        let type = try check(H5Aget_type(attr), path, object, "read attribute '\(name)' of")
        defer { H5Tclose(type) }
        guard H5Tget_class(type) == H5T_STRING else { return nil }
        if H5Tis_variable_str(type) > 0 {
            let mem = try check(H5Tcopy(trigc_H5T_C_S1()), path, object, "read attribute '\(name)' of")
            defer { H5Tclose(mem) }
            H5Tset_size(mem, trigc_H5T_VARIABLE())
            // HDF5 will not convert between character sets: read in the attribute's own
            // (h5py writes UTF-8).
            H5Tset_cset(mem, H5Tget_cset(type))
            var pointer: UnsafeMutablePointer<CChar>? = nil
            try check(H5Aread(attr, mem, &pointer), path, object, "read attribute '\(name)' of")
            guard let pointer else { return "" }
            defer { free(pointer) }
            return String(cString: pointer)
        }
        let size = H5Tget_size(type)
        try checkStrings(file, path, object, name, count: 1, size: size, limits)
        var buffer = [CChar](repeating: 0, count: size + 1)
        try check(H5Aread(attr, type, &buffer), path, object, "read attribute '\(name)' of")
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func writeStringAttribute(_ file: HID, _ path: String, _ object: String, _ name: String, _ value: String) throws(ModelIOError) {
        if H5Aexists_by_name(file, object, name, hDefault) > 0 {
            try check(H5Adelete_by_name(file, object, name, hDefault), path, object, "replace attribute '\(name)' of")
        }
        let type = try check(H5Tcopy(trigc_H5T_C_S1()), path, object, "write attribute '\(name)' of")
        defer { H5Tclose(type) }
        let bytes = Array(value.utf8)
        H5Tset_size(type, max(bytes.count, 1))
        let space = try check(H5Screate(H5S_SCALAR), path, object, "write attribute '\(name)' of")
        defer { H5Sclose(space) }
        let attr = try check(
            H5Acreate_by_name(file, object, name, type, space, hDefault, hDefault, hDefault),
            path, object, "write attribute '\(name)' of")
        defer { H5Aclose(attr) }
        var padded = bytes.isEmpty ? [UInt8(0)] : bytes
        try check(H5Awrite(attr, type, &padded), path, object, "write attribute '\(name)' of")
    }
}

// Keras import: groups, string-array attributes and files held in memory.
extension H5 {
    static func isGroup(_ file: HID, _ name: String) -> Bool {
        guard name == "/" || exists(file, name) else { return false }
        var info = H5O_info_t()
        guard H5Oget_info_by_name1(file, name, &info, hDefault) >= 0 else { return false }
        return info.type == H5O_TYPE_GROUP
    }

    static func attributeExists(_ file: HID, _ object: String, _ name: String) -> Bool {
        guard object == "/" || exists(file, object) else { return false }
        return H5Aexists_by_name(file, object, name, hDefault) > 0
    }

    /// Opens an HDF5 file image held in memory (HDF5 copies it) with the core driver.
    static func openImage(_ bytes: [UInt8], _ path: String) throws(ModelIOError) -> HID {
        _ = silenced
        _ = H5open()
        let fapl = try check(H5Pcreate(H5P_CLS_FILE_ACCESS_ID_g), path, "/", "prepare to open")
        defer { H5Pclose(fapl) }
        try check(H5Pset_fapl_core(fapl, 64 * 1024, false), path, "/", "prepare to open")
        let status = bytes.withUnsafeBytes { raw -> herr_t in
            guard let base = raw.baseAddress else { return -1 }
            return H5Pset_file_image(fapl, UnsafeMutableRawPointer(mutating: base), raw.count)
        }
        try check(status, path, "/", "load the file image of")
        return try check(H5Fopen(path, trigc_H5F_ACC_RDONLY(), fapl), path, "/", "open the file")
    }

    /// Reads a string attribute that is a scalar or a one-dimensional array, of fixed-length
    /// or variable-length strings. A numeric attribute with no elements reads as `[]` (h5py
    /// stores an empty list of names that way); any other non-string attribute is `nil`.
    static func readStringArrayAttribute(
        _ file: HID, _ path: String, _ object: String, _ name: String, _ limits: ReadLimits
    ) throws(ModelIOError) -> [String]? {
        _ = silenced
        guard attributeExists(file, object, name) else { return nil }
        let what = "read attribute '\(name)' of"
        let attr = try check(H5Aopen_by_name(file, object, name, hDefault, hDefault), path, object, what)
        defer { H5Aclose(attr) }
        let space = try check(H5Aget_space(attr), path, object, what)
        defer { H5Sclose(space) }
        let count = Int(try check(H5Sget_simple_extent_npoints(space), path, object, what))
        let type = try check(H5Aget_type(attr), path, object, what)
        defer { H5Tclose(type) }
        guard H5Tget_class(type) == H5T_STRING else { return count == 0 ? [] : nil }
        if count == 0 { return [] }
        let variable = H5Tis_variable_str(type) > 0
        try checkStrings(file, path, object, name, count: count, size: variable ? nil : H5Tget_size(type), limits)
        if variable {
            let mem = try check(H5Tcopy(trigc_H5T_C_S1()), path, object, what)
            defer { H5Tclose(mem) }
            try check(H5Tset_size(mem, trigc_H5T_VARIABLE()), path, object, what)
            try check(H5Tset_cset(mem, H5Tget_cset(type)), path, object, what)
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            try check(H5Aread(attr, mem, &pointers), path, object, what)
            defer { for pointer in pointers { H5free_memory(pointer) } }
            return pointers.map { $0.map { String(cString: $0) } ?? "" }
        }
        let size = H5Tget_size(type)
        guard size > 0 else { return [String](repeating: "", count: count) }
        var buffer = [UInt8](repeating: 0, count: size * count)
        try check(H5Aread(attr, type, &buffer), path, object, what)
        return (0..<count).map { i in
            String(decoding: buffer[i * size ..< (i + 1) * size].prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Refuses a string attribute of `count` strings of `size` bytes (nil: variable length,
    /// whose lengths HDF5 alone knows) that is too large or larger than the file.
    private static func checkStrings(
        _ file: HID, _ path: String, _ object: String, _ name: String, count: Int, size: Int?, _ limits: ReadLimits
    ) throws(ModelIOError) {
        let fileSize = size == nil ? Int.max : try fileSize(file, path)
        let bytes = size ?? MemoryLayout<UnsafeMutablePointer<CChar>?>.size
        if let problem = limits.problem(strings: count, size: bytes, fileSize: fileSize) {
            throw .tooLarge(path: path, object: "attribute '\(name)' of '\(object)'", problem: problem)
        }
    }
}
