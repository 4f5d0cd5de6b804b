import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The file operations of a design directory: each output is written under a temporary
/// name and renamed into place, so a file is either the old one or the complete new one.
enum DesignFiles {
    /// Temporary files are `.trigc-partial-NAME`, in the same directory as NAME.
    static let temporaryPrefix = ".trigc-partial-"

    static func temporaryName(_ name: String) -> String { temporaryPrefix + name }

    /// Whether NAME is in the directory (a file, a folder, or a link, dangling or not).
    static func exists(_ name: String, in directory: URL) -> Bool {
        let path = directory.appendingPathComponent(name).path
        return FileManager.default.fileExists(atPath: path)
            || (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil
    }

    /// Whether NAME is absent or a regular file (not a link, a pipe, a device or a folder):
    /// only those does a compile replace or delete.
    static func isRegularOrAbsent(_ name: String, in directory: URL) -> Bool {
        var info = stat()
        guard lstat(directory.appendingPathComponent(name).path, &info) == 0 else { return true }
        return info.st_mode & S_IFMT == S_IFREG
    }

    /// Writes `data` to `.trigc-partial-NAME`, then renames it to NAME (atomic on POSIX).
    static func replace(_ name: String, in directory: URL, with data: Data) throws(VerilogError) {
        let temporary = directory.appendingPathComponent(temporaryName(name))
        let target = directory.appendingPathComponent(name)
        do {
            try data.write(to: temporary)
        } catch {
            throw .file(path: temporary.path, reason: "cannot write (\(error.localizedDescription))")
        }
        guard rename(temporary.path, target.path) == 0 else {
            throw .file(path: target.path, reason: "cannot rename \(temporary.lastPathComponent) to it (\(String(cString: strerror(errno))))")
        }
    }

    /// Removes NAME (a file or a folder) when it is there.
    static func remove(_ name: String, in directory: URL) throws(VerilogError) {
        guard exists(name, in: directory) else { return }
        let url = directory.appendingPathComponent(name)
        do {
            try FileManager.default.removeItem(at: url)
        } catch {
            throw .file(path: url.path, reason: "cannot remove (\(error.localizedDescription))")
        }
    }
}
