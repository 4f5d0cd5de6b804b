import Foundation

/// `trigc-design.json`: which files of a design directory trigc wrote, and whether the
/// compile that wrote them finished. trigc only replaces or deletes files listed here, and
/// readers (`simulate`, `report`) refuse a directory whose manifest is missing or incomplete.
public struct DesignManifest: Codable, Hashable, Sendable {
    public static let fileName = "trigc-design.json"
    public static let currentFormat = 1

    /// The version of this file's layout.
    public var format: Int
    /// False from the moment a compile starts changing the directory until every file is in
    /// place: then `files` holds the old and the new files, any of which may be present.
    public var complete: Bool
    /// The files trigc wrote, as names in the directory, sorted.
    public var files: [String]

    public init(files: [String], complete: Bool) {
        format = Self.currentFormat
        self.complete = complete
        self.files = files.sorted()
    }

    /// The manifest of `directory`, or nil when it has none.
    public static func read(_ directory: URL) throws(VerilogError) -> DesignManifest? {
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let data = FileManager.default.contents(atPath: url.path),
              let manifest = try? JSONDecoder().decode(DesignManifest.self, from: data)
        else {
            throw .badDesign(path: directory.path, reason: "its \(fileName) does not parse")
        }
        guard manifest.format == currentFormat else {
            throw .badDesign(path: directory.path, reason: "its \(fileName) has format \(manifest.format), not \(currentFormat)")
        }
        if let name = manifest.files.first(where: { !isPlainName($0) }) {
            throw .badDesign(path: directory.path, reason: "its \(fileName) lists '\(name)', which is not a file name")
        }
        return manifest
    }

    /// The manifest of a design that a reader may use: present, complete, every file there.
    public static func requireComplete(_ directory: URL) throws(VerilogError) -> DesignManifest {
        guard let manifest = try read(directory) else {
            let report = directory.appendingPathComponent(DesignDirectory.reportFile).path
            throw .badDesign(
                path: directory.path,
                reason: FileManager.default.fileExists(atPath: report)
                    ? "it has no \(fileName) (an older trigc wrote it, or a person did); compile it again into a new directory"
                    : "it has no \(fileName) (run 'trigc compile' first)")
        }
        guard manifest.complete else { throw .incompleteDesign(path: directory.path) }
        for name in manifest.files
        where !FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) {
            throw .badDesign(path: directory.path, reason: "\(name) is missing")
        }
        return manifest
    }

    /// Writes the manifest under a temporary name and renames it into place.
    func write(to directory: URL) throws(VerilogError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(self)
        } catch {
            throw .file(path: directory.appendingPathComponent(Self.fileName).path, reason: "cannot encode (\(error))")
        }
        try DesignFiles.replace(Self.fileName, in: directory, with: data)
    }

    /// A name directly in the directory: no separator, not `.` or `..`, not trigc's own.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("/") && name != "." && name != ".." && name != fileName
            && !name.hasPrefix(DesignFiles.temporaryPrefix)
    }
}
