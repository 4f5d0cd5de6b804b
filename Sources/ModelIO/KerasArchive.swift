import Foundation
import ZIPFoundation

/// The members of a `.keras` zip (Keras 3's native format, also written by tf.keras ≥ 2.13):
/// `config.json` (the model configuration), `metadata.json` (`keras_version`) and
/// `model.weights.h5` (the weights, under `layers/<key>/vars/<i>`).
struct KerasArchive {
    var config: String
    var kerasVersion: String?
    var weights: [UInt8]

    /// Whether the file starts like a zip (`PK\u{3}\u{4}`) rather than like HDF5.
    static func looksLikeZip(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4)) ?? Data()
        return head == Data([0x50, 0x4B, 0x03, 0x04])
    }

    /// Reads the members, refusing any that extracts to more than `limit` bytes.
    static func read(_ path: String, limit: Int) throws(KerasImportError) -> KerasArchive {
        guard FileManager.default.fileExists(atPath: path) else { throw .file(.fileNotFound(path: path)) }
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw .badArchive(path: path, reason: "the zip directory cannot be read; the file may be truncated")
        }
        let config = try member("config.json", of: archive, path, limit)
        var version: String?
        if archive["metadata.json"] != nil {
            let metadata = try member("metadata.json", of: archive, path, limit)
            let json = try? JSONDecoder().decode(KerasJSON.self, from: Data(metadata))
            version = json?["keras_version"]?.string
        }
        return KerasArchive(
            config: String(decoding: config, as: UTF8.self), kerasVersion: version,
            weights: try member("model.weights.h5", of: archive, path, limit))
    }

    private static func member(
        _ name: String, of archive: Archive, _ path: String, _ limit: Int
    ) throws(KerasImportError) -> [UInt8] {
        guard let entry = archive[name] else { throw .missingArchiveMember(path: path, member: name) }
        let tooLarge = KerasImportError.badArchive(path: path, reason: "member '\(name)' extracts to more than \(limit) bytes")
        // The declared size may lie, so the bytes are counted as they come too.
        if entry.uncompressedSize > UInt64(max(limit, 0)) { throw tooLarge }
        var bytes: [UInt8] = []
        do {
            _ = try archive.extract(entry) { chunk in
                if chunk.count > limit - bytes.count { throw tooLarge }
                bytes.append(contentsOf: chunk)
            }
        } catch let error as KerasImportError {
            throw error
        } catch {
            throw .badArchive(path: path, reason: "member '\(name)' cannot be extracted: \(error)")
        }
        return bytes
    }
}
