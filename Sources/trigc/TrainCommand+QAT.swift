import ArgumentParser
import FixedPoint
import Foundation
import GraphIR
import Interpreter
import Passes
import QAT
import Training

/// `trigc train`'s quantization-aware training options (Docs/Training.md, "Quantization-aware training").
struct QATTrainOptions: ParsableArguments {
    @Option(name: .customLong("qat"), help: ArgumentHelp(
        "Train against the bit-exact fixed-point arithmetic of this format (quantization-aware training), e.g. 'ap_fixed<8,3,AP_RND,AP_SAT>'; the run also writes model-qat.ir.",
        valueName: "format"))
    var format: String?

    @Option(name: .customLong("qat-layer"), help: ArgumentHelp(
        "Per-layer format NODE=FORMAT for --qat (result, weight, bias and accumulator); repeatable.", valueName: "node=format"))
    var layers: [String] = []

    @Option(name: .customLong("qat-table-size"), parsing: .unconditional,
            help: "Entries in each activation table of --qat (a power of two, at most 65536; default 1024).")
    var tableSize: Int?

    @Flag(name: .customLong("qat-exact-accumulators"),
          help: "With --qat: size every accumulator so that no sum can overflow it (the data path keeps the --qat width).")
    var exactAccumulators = false

    @Option(name: .customLong("qat-formats"), help: ArgumentHelp(
        "Train against every format of this quantized model (a trigc quantize result of the run's model-prescaled.ir).",
        valueName: "q.ir"))
    var formatsFile: String?

    @Option(name: .customLong("init"), help: ArgumentHelp(
        "Start quantization-aware training from the weights of this finished float run (same model, units, data and seed).",
        valueName: "run"))
    var initRun: String?

    var isSet: Bool { format != nil || formatsFile != nil }

    /// Checks the options alone (formats parse, the table size, what needs what).
    func check(resume: Bool, dropout: Float?) throws {
        if resume, isSet || initRun != nil || !layers.isEmpty || tableSize != nil || exactAccumulators {
            throw CLIError.excludes(first: "--resume", second: format != nil ? "--qat" : formatsFile != nil ? "--qat-formats" : "--init")
        }
        if format != nil, formatsFile != nil { throw CLIError.excludes(first: "--qat", second: "--qat-formats") }
        if !isSet {
            for (flag, given) in [("--qat-layer", !layers.isEmpty), ("--qat-table-size", tableSize != nil),
                                  ("--qat-exact-accumulators", exactAccumulators), ("--init", initRun != nil)] where given {
                throw CLIError.needsOption(flag: flag, needs: "--qat FORMAT or --qat-formats Q.IR")
            }
            return
        }
        if let dropout, dropout > 0 {
            throw CLIError.needsOption(flag: "--qat", needs: "--dropout 0 (the fixed-point forward pass is the inference graph, which has no dropout)")
        }
        for (flag, given) in [("--qat-layer", !layers.isEmpty), ("--qat-table-size", tableSize != nil),
                              ("--qat-exact-accumulators", exactAccumulators)] where given && format == nil {
            throw CLIError.needsOption(flag: flag, needs: "--qat FORMAT (--qat-formats gives every format)")
        }
        _ = try settings().formats()
    }

    /// The settings run.json keeps (paths made absolute).
    func settings() -> QATSettings {
        QATSettings(format: format, layers: layers, tableSize: tableSize ?? 1024, exactAccumulators: exactAccumulators,
                    formatsFile: formatsFile.map(absolutePath), initRun: initRun.map(absolutePath))
    }
}

extension QATSettings {
    /// The formats to train against: parsed, or read from the formats file.
    func formats() throws -> QATFormats {
        if let formatsFile {
            let graph = try Graph.load(irFile: URL(fileURLWithPath: formatsFile))
            guard graph.isFixedPoint else {
                throw CLIError.badList(name: "--qat-formats", value: formatsFile, expected: "a quantized model (every node with a format), such as trigc quantize writes")
            }
            return .template(graph)
        }
        guard let format else { throw CLIError.missingOption(name: "--qat", reason: "for quantization-aware training") }
        try QuantizeOptions.checkTableSize(tableSize, option: "--qat-table-size")
        return .options(try QuantizeOptions.precisionOptions(
            try FixedFormat(parsing: format), layerOverrides: layers, tableSize: tableSize,
            exactAccumulators: exactAccumulators ?? false))
    }

    /// The fixed-point forward pass for `model`, after checking the per-layer names and,
    /// with `--init` unless `resume` (continuing from a checkpoint), loading that run's
    /// weights (its scalers must be this run's: the weights were trained on them).
    func forward(for model: Model, model kind: StudyModelKind, data: TrainData, resume: Bool) throws -> FixedForward {
        let formats = try formats()
        if case let .options(options) = formats {
            let names = Set(model.layers.map(\.name) + model.inputs.map(\.name))
            for name in options.overrides.keys.sorted() where !names.contains(name) { throw CLIError.unknownLayer(name) }
        }
        if let initRun, !resume {
            let source = URL(fileURLWithPath: initRun, isDirectory: true)
            let saved = try RunConfig.read(from: source)
            let file = source.appendingPathComponent(RunDirectory.prescaledModelFile)
            guard FileManager.default.fileExists(atPath: file.path) else { throw CLIError.unfinishedRun(run: initRun) }
            // The scalers of the inputs this model reads (a streamed hlf run keeps no particle scaler).
            let inputs = kind.inputNames
            let sameScaling = (!inputs.contains(StudyInput.hlf.name) || saved.hlfScaler == data.hlfScaler)
                && (!inputs.contains(StudyInput.particles.name) || saved.particleScaler == data.particleScaler)
            guard saved.model == kind else {
                throw CLIError.badList(name: "--init", value: initRun,
                                       expected: "a finished run of the same model (it trained \(saved.model.rawValue), this run trains \(kind.rawValue))")
            }
            guard sameScaling else {
                throw CLIError.badList(name: "--init", value: initRun,
                                       expected: "a finished run of the same model on the same data and seed (its inputs were scaled as this run's)")
            }
            let floatModel = try Model(graph: try Graph.load(irFile: file), device: CPUDevice())
            if let theirs = floatModel.layers.first(where: { $0 is GRU }) as? GRU,
               let ours = model.layers.first(where: { $0 is GRU }) as? GRU, theirs.units != ours.units {
                throw CLIError.badList(name: "--init", value: initRun,
                                       expected: "a run with as many GRU units as --units asks (it has \(theirs.units), this run \(ours.units))")
            }
            try model.setWeights(floatModel.weights())
        }
        return try FixedForward(model: model, formats: formats)
    }

    /// The fixed-point model's class probabilities on every event of `source`, in the order
    /// ``Training/Model/predict(source:batchSize:)`` gives the float model's.
    static func predict(_ forward: FixedForward, model: Model, source: any TrainingSource) throws -> [Float] {
        let graph = try forward.quantizedGraph(model)
        let interpreter = try Interpreter(graph: graph)
        guard let name = graph.outputs.first else { throw CLIError.noOutput }
        let width = model.outputShape.reduce(1, *)
        let pass = try source.pass(epoch: 0, seed: 0, shuffle: false)
        var result: [Float] = []
        while let block = try pass.next() {
            let count = block.data.count
            guard count > 0 else { continue }
            var batches: [String: Batch] = [:]
            for input in model.inputs {
                batches[input.name] = Batch(count: count, shape: input.shape, values: block.data.inputs[input.name] ?? [])
            }
            guard let probabilities = try interpreter.run(batches)[name]?.fixed?.values else { throw CLIError.noOutput }
            for event in block.order { result += probabilities[(event * width) ..< ((event + 1) * width)] }
        }
        return result
    }
}
