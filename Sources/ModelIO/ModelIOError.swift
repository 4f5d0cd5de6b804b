/// Everything that can go wrong reading or writing model and data files.
public enum ModelIOError: Error, Hashable, Sendable {
    /// The file does not exist.
    case fileNotFound(path: String)
    /// The file exists but is not HDF5 (or is truncated beyond recognition).
    case notHDF5(path: String)
    /// A device, a pipe or a folder where a file is needed (reading it could block forever).
    case notRegularFile(path: String)
    /// Refusing to replace a file the user already has.
    case fileExists(path: String)
    /// An HDF5 call failed on `object` inside `path` while doing `operation`.
    case hdf5(path: String, object: String, operation: String)
    /// A dataset the caller needs is not in the file.
    case missingDataset(path: String, name: String)
    /// A dataset has a shape other than the one expected.
    case wrongShape(path: String, name: String, expected: String, found: [Int])
    /// A dataset holds a type trigc cannot read as numbers.
    case unsupportedType(path: String, name: String)
    /// A dataset holds NaN or infinity where numbers are needed.
    case nonFinite(path: String, name: String, index: Int)
    /// A model file whose kind trigc does not read.
    case unsupportedModelFile(path: String)
    /// A model file that did not parse or verify; `located` when `reason` already names the
    /// file (and line).
    case invalidModel(path: String, reason: String, located: Bool)
    /// A dataset or attribute (`object`, e.g. `dataset 'x'`) whose declared size trigc
    /// refuses before allocating anything (see ``ReadLimits``).
    case tooLarge(path: String, object: String, problem: SizeProblem)
}

/// Why a declared size was refused; every case is checked before memory is allocated.
public enum SizeProblem: Error, Hashable, Sendable {
    /// More axes than `limit`.
    case rank(Int, limit: Int)
    /// Dimensions whose product (or byte count) does not fit in an Int.
    case overflow(dims: [UInt64])
    /// A string attribute with more strings than `limit`.
    case tooManyStrings(Int, limit: Int)
    /// More bytes than the reader allows.
    case overLimit(values: Int, bytes: Int, limit: Int)
    /// More bytes than the file stores for it (or could decompress them to).
    case notStored(values: Int, bytes: Int, stored: Int)
    /// More stored bytes than the whole file has.
    case beyondFile(bytes: Int, fileSize: Int)
}

extension SizeProblem: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .rank(rank, limit):
            "has \(rank) axes, more than the \(limit) trigc reads"
        case let .overflow(dims):
            "declares shape \(dims), whose size does not fit in 64 bits"
        case let .tooManyStrings(count, limit):
            "holds \(count) strings, more than the \(limit) trigc reads"
        case let .overLimit(values, bytes, limit):
            "declares \(values) values (\(bytes) bytes), more than the read limit of \(limit) bytes"
        case let .notStored(values, bytes, stored):
            "declares \(values) values (\(bytes) bytes) but holds only \(stored) bytes; the file is damaged"
        case let .beyondFile(bytes, fileSize):
            "claims \(bytes) bytes of storage but the whole file has \(fileSize); the file is damaged"
        }
    }
}

extension ModelIOError: CustomStringConvertible {
    /// A message as a sentence: ending with one full stop.
    static func sentence(_ text: String) -> String {
        text.hasSuffix(".") ? text : text + "."
    }

    public var description: String {
        switch self {
        case let .fileNotFound(path):
            "\(path): no such file."
        case let .notHDF5(path):
            "\(path): not an HDF5 file (or the file is truncated)."
        case let .notRegularFile(path):
            "\(path) is not a regular file (a device, a pipe or a folder), so trigc does not read it."
        case let .fileExists(path):
            "\(path) already exists; pass --overwrite to replace it."
        case let .hdf5(path, object, operation):
            "\(path): HDF5 could not \(operation) '\(object)'."
        case let .missingDataset(path, name):
            "\(path): there is no dataset '\(name)'."
        case let .wrongShape(path, name, expected, found):
            "\(path): dataset '\(name)' has shape \(found) but \(expected) was expected."
        case let .unsupportedType(path, name):
            "\(path): dataset '\(name)' does not hold integers or IEEE floating-point numbers in a standard encoding."
        case let .nonFinite(path, name, index):
            "\(path): dataset '\(name)' holds NaN or infinity at flat index \(index)."
        case let .unsupportedModelFile(path):
            "\(path): unsupported model file; trigc reads graph IR text (.ir) and Keras models (.h5, .keras)."
        case let .invalidModel(path, reason, located):
            located ? Self.sentence(reason) : "\(path): \(Self.sentence(reason))"
        case let .tooLarge(path, object, problem):
            "\(path): \(object) \(problem)."
        }
    }
}
