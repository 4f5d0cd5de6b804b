import ArgumentParser
import Foundation
import GraphIR
import ToolProcess

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

    /// Parses and runs the command; every failure ends here, as one sentence and a non-zero
    /// exit: ``CLIError``'s own status, else ArgumentParser's (64 for usage mistakes, 1 for
    /// the rest). Foundation's errors are put in trigc's words (``CLIError/init(foundation:)``).
    static func main() {
        // Line by line even into a file or a pipe (a batch job's log shows progress, and
        // what was printed survives a kill).
        StandardOutput.lineBuffered()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            // A command that already printed its failure ends with an exit status only.
            if let status = error as? ExitCode { Foundation.exit(status.rawValue) }
            let error = CLIError(foundation: error) ?? error
            let code = (error as? CLIError)?.exitCode ?? exitCode(for: error)
            // Help and version requests print as ArgumentParser prints them.
            guard code != .success else { exit(withError: error) }
            FileHandle.standardError.write(Data("Error: \(oneLine(error))\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }

    /// The error as one line: the message without ArgumentParser's usage block, its help
    /// line (when it has one) in parentheses.
    static func oneLine(_ error: any Error) -> String {
        let lines = message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let kept = lines.filter { !$0.isEmpty && !$0.hasPrefix("Usage:") && !$0.hasPrefix("See '") }
        var text = kept.first ?? "\(error)"
        if text.hasPrefix("Error: ") { text.removeFirst(7) }
        if let help = kept.dropFirst().first(where: { $0.hasPrefix("Help:") }) { text += " (\(help.dropFirst(6)))" }
        return text
    }
}

struct IRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ir",
        abstract: "Check, make and quantize graph IR files.",
        subcommands: [IRCheck.self, IRExample.self, IRQuantize.self])
}
