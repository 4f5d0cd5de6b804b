import Foundation
import ModelIO

/// Output files are written under a temporary name in their own folder and renamed into
/// place when complete, so a killed command never leaves a half-written file under the name
/// a later command reads. The temporary name is `.<name>.trigc-<pid>.tmp`.
enum OutputFile {
    /// Checks, before any work, that `path` can be written: its folder exists, it is not a
    /// folder, and it does not exist unless `overwrite`.
    static func check(_ path: String, overwrite: Bool) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OutputError.noFolder(path: path, folder: folder)
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw OutputError.isFolder(path: path) }
            if !overwrite { throw ModelIOError.fileExists(path: path) }
        }
    }

    /// The temporary name `path` is written under.
    static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).trigc-\(getpid()).tmp"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Renames a finished temporary file into place (replacing `path` atomically).
    static func commit(_ temporary: String, to path: String) throws {
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OutputError.cannotRename(path: path, reason: reason)
        }
    }

    /// Writes an HDF5 file through `body` under a temporary name, closes it and renames it
    /// to `path`; on failure the temporary file is removed and `path` is untouched.
    static func writeHDF5(_ path: String, overwrite: Bool, _ body: (HDF5File) throws -> Void) throws {
        try check(path, overwrite: overwrite)
        let temporary = temporaryPath(for: path)
        do {
            // The file is closed when `file` goes out of scope, before the rename.
            try {
                let file = try HDF5File(path: temporary, mode: .create(overwrite: true))
                try body(file)
            }()
        } catch {
            unlink(temporary)
            throw error
        }
        try commit(temporary, to: path)
    }

    /// Writes bytes under a temporary name and renames them to `path`.
    static func write(_ data: Data, to path: String) throws {
        let temporary = temporaryPath(for: path)
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
        } catch {
            unlink(temporary)
            throw OutputError.cannotWrite(path: path, reason: (error as NSError).localizedFailureReason ?? "write failed")
        }
        try commit(temporary, to: path)
    }
}

/// Why an output could not be written, as one sentence.
enum OutputError: Error, CustomStringConvertible {
    case noFolder(path: String, folder: String)
    case isFolder(path: String)
    case cannotRename(path: String, reason: String)
    case cannotWrite(path: String, reason: String)

    var description: String {
        switch self {
        case let .noFolder(path, folder): "cannot write \(path): the folder \(folder) does not exist."
        case let .isFolder(path): "cannot write \(path): it is a folder."
        case let .cannotRename(path, reason): "cannot put \(path) in place (\(reason))."
        case let .cannotWrite(path, reason): "cannot write \(path) (\(reason))."
        }
    }
}
