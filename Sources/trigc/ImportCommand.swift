import ArgumentParser
import ModelIO

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a Keras model (.h5 or .keras) as graph IR and print its layers, shapes and parameters.",
        discussion: """
            Reads legacy HDF5 from Keras 2 (tf.keras) and Keras 3, and the Keras 3 .keras zip. \
            Sequential and functional models; the supported layers are \
            \(KerasImporter.supportedLayers.joined(separator: ", ")). See Docs/Keras.md.
            """)

    @Argument(help: "The Keras model (.h5 or .keras).")
    var model: String

    @Flag(help: "Write the weights to a binary sidecar file next to the text.")
    var sidecar = false

    @Option(parsing: .unconditional, help: .hidden)
    var workerTimeout = KerasImportOptions.workerTimeout

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard workerTimeout.isFinite, (1...3600).contains(workerTimeout) else {
            throw CLIError.outOfRange(name: "--worker-timeout", value: "\(workerTimeout)", range: "1 to 3600 seconds")
        }
    }

    func run() throws {
        try OutputFile.check(output.output, overwrite: output.overwrite, inputs: [model])
        let imported = try KerasImporter.load(model, options: .isolated(timeout: workerTimeout))
        let version = imported.kerasVersion.map { "Keras \($0)" } ?? "Keras version not recorded"
        let backend = imported.backend.map { ", backend \($0)" } ?? ""
        print("imported \(model): \(imported.format.rawValue), \(version)\(backend)")
        print(GraphSummary(imported.graph).text)
        try ModelFile.save(imported.graph, to: output.output, overwrite: output.overwrite, sidecar: sidecar)
        print("wrote \(output.output)")
    }
}

