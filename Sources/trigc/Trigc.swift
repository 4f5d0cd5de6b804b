import ArgumentParser
import Foundation
import GraphIR

@main
struct Trigc: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigc",
        abstract: "Trigger classifiers from training to hardware: graph IR, fixed point, interpreter.",
        discussion: """
            Models are graph IR text files (.ir) or Keras models (.h5, .keras). Data files are \
            HDF5: one dataset per model input, named after the input (see 'trigc inputs'), or \
            event files of the built-in dataset (see 'trigc datagen').
            """,
        version: TrigcVersion.string,
        subcommands: [IRCommand.self, ImportCommand.self, InputsCommand.self, RunCommand.self, CompareCommand.self, QuantizeCommand.self, CompileCommand.self, SimulateCommand.self, ReportCommand.self, DevicesCommand.self, ServeCommand.self,
                      DatagenCommand.self, TrainCommand.self, TuneCommand.self, EvaluateCommand.self, ImportWorkerCommand.self, DataCheckCommand.self])

    /// Parses and runs the command; every failure ends as one sentence and a non-zero exit,
    /// Foundation's errors included (they are rendered here, not printed raw).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            // A command that already printed its failure ends with an exit status only.
            if let status = error as? ExitCode { Foundation.exit(status.rawValue) }
            let error = FoundationFailure(error) ?? error
            let code = exitCode(for: error)
            // Help and version requests print as ArgumentParser prints them.
            guard code != .success else { exit(withError: error) }
            // Every failure is one line: the message without ArgumentParser's usage block.
            let lines = message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            let kept = lines.filter { !$0.isEmpty && !$0.hasPrefix("Usage:") && !$0.hasPrefix("See '") }
            var text = kept.first ?? "\(error)"
            if text.hasPrefix("Error: ") { text.removeFirst(7) }
            if let help = kept.dropFirst().first(where: { $0.hasPrefix("Help:") }) { text += " (\(help.dropFirst(6)))" }
            FileHandle.standardError.write(Data("Error: \(text)\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}

struct IRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ir",
        abstract: "Check, make and quantize graph IR files.",
        subcommands: [IRCheck.self, IRExample.self, IRQuantize.self])
}

/// A Foundation error (a file operation, an encoder) that reached the command line, as one
/// sentence instead of Foundation's own text.
struct FoundationFailure: Error, CustomStringConvertible {
    let description: String

    init?(_ error: any Error) {
        if let cocoa = error as? CocoaError {
            let nsError = cocoa as NSError
            let path = (nsError.userInfo[NSFilePathErrorKey] as? String) ?? cocoa.filePath ?? "a file"
            description = "a file operation on \(path) failed: \(fileErrorReason(cocoa))."
        } else if let encoding = error as? EncodingError, case let .invalidValue(value, _) = encoding {
            description = "cannot write \(value) into a JSON file (NaN and infinity have no JSON form)."
        } else if error is DecodingError {
            description = "a JSON file does not have the expected form."
        } else {
            return nil
        }
    }
}
