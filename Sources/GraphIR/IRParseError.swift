/// A malformed `.ir` text: where (file, line, column, all 1-based) and what is wrong, in
/// one sentence. Rendered as `model.ir:12:7: expected ']' after tensor shape`.
///
/// Line 0 means the whole file (it could not be read at all).
public struct IRParseError: Error, Hashable, Sendable {
    public var fileName: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(fileName: String, line: Int, column: Int, message: String) {
        self.fileName = fileName
        self.line = line
        self.column = column
        self.message = message
    }
}

extension IRParseError: CustomStringConvertible {
    public var description: String {
        line == 0 ? "\(fileName): \(message)" : "\(fileName):\(line):\(column): \(message)"
    }
}

/// Writing an `.ir` file (or its weights sidecar) failed.
public struct IRWriteError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write '\(path)': \(reason)." }
}
