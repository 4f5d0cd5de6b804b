import Foundation
import GraphIR
import ModelIO

/// Output files are written under a temporary name in their own folder and renamed into
/// place when complete, so a killed command never leaves a half-written file under the name
/// a later command reads. The temporary name is `.<name>.trigc-<pid>.tmp`; one left by a
/// command that was killed is removed the next time the same name is written.
enum OutputFile {
    /// Checks, before any work, that `path` can be written: it names a file (not empty, not
    /// ending in `/`), its folder exists, and it does not exist unless `overwrite`, in which
    /// case it must be a regular file (never a device, a FIFO, a link or a folder) and none
    /// of `inputs` (the command's own input files).
    static func check(_ path: String, overwrite: Bool, inputs: [String] = []) throws {
        guard !path.isEmpty, !path.hasSuffix("/") else { throw CLIError.notAFileName(path: path) }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError.noFolder(path: path, folder: folder)
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }  // absent: fine
        if info.st_mode & S_IFMT == S_IFDIR { throw CLIError.outputIsFolder(path: path) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw CLIError.outputNotRegular(path: path) }
        guard overwrite else { throw ModelIOError.fileExists(path: path) }
        for input in inputs {
            var other = stat()
            if stat(input, &other) == 0, other.st_dev == info.st_dev, other.st_ino == info.st_ino {
                throw CLIError.outputIsInput(path: path, input: input)
            }
        }
    }

    static func temporaryPath(for path: String) -> String { AtomicFile.temporaryPath(for: path) }
    static func removeStaleTemporaries(of path: String) { AtomicFile.removeStaleTemporaries(of: path) }

    /// Renames a finished temporary file into place (replacing `path` atomically).
    static func commit(_ temporary: String, to path: String) throws {
        if let reason = AtomicFile.commit(temporary, to: path) { throw CLIError.cannotRename(path: path, reason: reason) }
    }

    /// Writes an HDF5 file through `body` under a temporary name, closes it and renames it
    /// to `path`; on failure the temporary file is removed and `path` is untouched. Errors
    /// name `path`, not the temporary name.
    static func writeHDF5(_ path: String, overwrite: Bool, inputs: [String] = [], _ body: (HDF5File) throws -> Void) throws {
        try check(path, overwrite: overwrite, inputs: inputs)
        removeStaleTemporaries(of: path)
        let temporary = temporaryPath(for: path)
        do {
            // The file is closed when `file` goes out of scope, before the rename.
            try {
                let file = try HDF5File(path: temporary, mode: .create(overwrite: true))
                try body(file)
            }()
        } catch {
            unlink(temporary)
            throw CLIError.cannotWrite(path: path, reason: reason(error, temporary: temporary, path: path))
        }
        try commit(temporary, to: path)
    }

    /// Writes bytes under a temporary name and renames them to `path`.
    static func write(_ data: Data, to path: String) throws {
        removeStaleTemporaries(of: path)
        let temporary = temporaryPath(for: path)
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
        } catch {
            unlink(temporary)
            throw CLIError.cannotWrite(path: path, reason: reason(error, temporary: temporary, path: path))
        }
        try commit(temporary, to: path)
    }

    /// Why writing failed, naming the real output, with the disk's state when it is full.
    private static func reason(_ error: any Error, temporary: String, path: String) -> String {
        var text = (error is CocoaError ? fileErrorReason(error) : "\(error)").replacingOccurrences(of: temporary, with: path)
        if text.hasSuffix(".") { text.removeLast() }
        var disk = statvfs()
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if statvfs(folder, &disk) == 0, UInt64(disk.f_bavail) * UInt64(disk.f_frsize) < 1 << 20 {
            text += "; the disk is full"
        } else if access(folder, W_OK) != 0 {
            text += "; the folder is not writable"
        }
        return text
    }
}
