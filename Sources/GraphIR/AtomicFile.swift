import Foundation

/// How trigc writes every output: under the temporary name `.NAME.trigc-PID.tmp` beside
/// NAME, renamed into place when complete, so a killed command leaves either nothing or a
/// complete file; a temporary name whose process is gone is removed the next time NAME is
/// written. (Foundation's `.atomic` writes use names of their own, which nothing cleans.)
public enum AtomicFile {
    /// The temporary name `path` is written under by this process.
    public static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).trigc-\(getpid()).tmp"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Whether `name` is such a temporary name (of any output, any process).
    public static func isTemporaryName(_ name: String) -> Bool {
        name.hasPrefix(".") && name.contains(".trigc-") && name.hasSuffix(".tmp")
    }

    /// Removes the temporary files of `path` that processes no longer running left.
    public static func removeStaleTemporaries(of path: String) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let prefix = ".\(url.lastPathComponent).trigc-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            let pid = name.dropFirst(prefix.count).dropLast(4)
            guard let id = Int32(pid), id != getpid(), kill(id, 0) != 0, errno == ESRCH else { continue }
            unlink(folder.appendingPathComponent(name).path)
        }
    }

    /// Renames a finished temporary file into place; on failure removes it and returns the
    /// operating system's reason.
    public static func commit(_ temporary: String, to path: String) -> String? {
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return reason
        }
        return nil
    }

    /// Writes `data` under the temporary name and renames it to `url`; throws Foundation's
    /// error of the write, or a ``RenameFailure``.
    public static func write(_ data: Data, to url: URL) throws {
        removeStaleTemporaries(of: url.path)
        let temporary = temporaryPath(for: url.path)
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
        } catch {
            unlink(temporary)
            throw error
        }
        if let reason = commit(temporary, to: url.path) { throw RenameFailure(reason: reason) }
    }

    /// A finished temporary file could not be renamed into place.
    public struct RenameFailure: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }
}
