/// Everything that can go wrong reading or writing model and data files.
public enum ModelIOError: Error, Hashable, Sendable {
    /// The file does not exist.
    case fileNotFound(path: String)
    /// The file exists but is not HDF5 (or is truncated beyond recognition).
    case notHDF5(path: String)
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
        case let .fileExists(path):
            "\(path) already exists; pass --overwrite to replace it."
        case let .hdf5(path, object, operation):
            "\(path): HDF5 could not \(operation) '\(object)'."
        case let .missingDataset(path, name):
            "\(path): there is no dataset '\(name)'."
        case let .wrongShape(path, name, expected, found):
            "\(path): dataset '\(name)' has shape \(found) but \(expected) was expected."
        case let .unsupportedType(path, name):
            "\(path): dataset '\(name)' does not hold integers or floating-point numbers."
        case let .nonFinite(path, name, index):
            "\(path): dataset '\(name)' holds NaN or infinity at flat index \(index)."
        case let .unsupportedModelFile(path):
            "\(path): unsupported model file; trigc reads graph IR text (.ir) and Keras models (.h5, .keras)."
        case let .invalidModel(path, reason, located):
            located ? Self.sentence(reason) : "\(path): \(Self.sentence(reason))"
        }
    }
}
