/// Starting or following a child process failed; each case is one sentence.
public enum ToolProcessError: Error, Hashable, Sendable, CustomStringConvertible {
    /// fork or a pipe failed.
    case cannotSpawn(tool: String, reason: String)
    /// The log file (or its writing) failed.
    case cannotOpen(path: String, reason: String)
    /// Reading the tool's output failed.
    case cannotRead(reason: String)
    /// Waiting for the tool failed.
    case cannotWait(reason: String)

    public var description: String {
        switch self {
        case let .cannotSpawn(tool, reason): "cannot start \(tool) (\(reason))"
        case let .cannotOpen(path, reason): "cannot write \(path) (\(reason))"
        case let .cannotRead(reason): "cannot read the tool's output (\(reason))"
        case let .cannotWait(reason): "cannot wait for the tool (\(reason))"
        }
    }
}
