import Foundation

extension Graph {
    /// Reads an `.ir` file; a weights sidecar it names is read from the same directory.
    /// Errors name the file by its last path component, as in `model.ir:12:7: …`.
    public static func load(irFile url: URL) throws(IRParseError) -> Graph {
        let fileName = url.lastPathComponent
        let text: String
        do {
            let bytes = try Data(contentsOf: url)
            guard let decoded = String(data: bytes, encoding: .utf8) else {
                throw IRParseError(fileName: fileName, line: 0, column: 0, message: "the file is not UTF-8 text")
            }
            text = decoded
        } catch let error as IRParseError {
            throw error
        } catch {
            throw IRParseError(fileName: fileName, line: 0, column: 0, message: "cannot read the file (\(fileErrorReason(error)))")
        }
        let directory = url.deletingLastPathComponent()
        return try parse(text, fileName: fileName) { name in
            [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
        }
    }

    /// Writes the graph as an `.ir` file; with ``IRWeights/sidecar(fileName:)`` the weights go
    /// to that file in the same directory.
    public func write(irFile url: URL, weights: IRWeights = .inline) throws(IRWriteError) {
        let document = textFormat(weights: weights)
        do {
            if let sidecar = document.sidecarFileName {
                let sidecarURL = url.deletingLastPathComponent().appendingPathComponent(sidecar)
                do {
                    try AtomicFile.write(Data(document.sidecar), to: sidecarURL)
                } catch {
                    throw IRWriteError(path: sidecarURL.path, reason: fileErrorReason(error))
                }
            }
            // Under a temporary name, renamed into place: never a half-written model.
            try AtomicFile.write(Data(document.text.utf8), to: url)
        } catch let error as IRWriteError {
            throw error
        } catch {
            throw IRWriteError(path: url.path, reason: fileErrorReason(error))
        }
    }
}

/// The operating system's words for a failed file operation ("No such file or directory"),
/// not Foundation's generic sentence: used wherever a Foundation file error becomes text.
public func fileErrorReason(_ error: any Error) -> String {
    if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError,
       underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code)))
    }
    if let cocoa = error as? CocoaError {
        switch cocoa.code {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
        case .fileWriteNoPermission, .fileReadNoPermission: return "permission denied"
        case .fileWriteOutOfSpace: return "the disk is full"
        case .fileWriteVolumeReadOnly: return "the file system is read-only"
        case .fileWriteFileExists: return "it exists already"
        default: return "error \(cocoa.code.rawValue)"
        }
    }
    if let rename = error as? AtomicFile.RenameFailure { return rename.reason }
    return error.localizedDescription
}
