import ArgumentParser

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
        subcommands: [IRCommand.self, ImportCommand.self, InputsCommand.self, RunCommand.self, CompareCommand.self, CompileCommand.self, SimulateCommand.self, ReportCommand.self, DevicesCommand.self,
                      DatagenCommand.self, TrainCommand.self, EvaluateCommand.self, ImportWorkerCommand.self])
}

struct IRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ir",
        abstract: "Check, make and quantize graph IR files.",
        subcommands: [IRCheck.self, IRExample.self, IRQuantize.self])
}
