import ArgumentParser
import Calibration
import Foundation
import GraphIR
import Training

/// Every failure of the command line's own (how it was used, its outputs, its run
/// directories, its workers), as one sentence each. The libraries' errors (``ModelIOError``,
/// ``RunDirectoryError`` …) carry their own sentences; ``CLIError/render(_:)`` turns any
/// error into the line and exit status `trigc` ends with.
enum CLIError: Error, CustomStringConvertible {
    // Options
    case needsFixed(flag: String)
    case badOverride(String)
    case unknownLayer(String)
    case badCount(name: String, value: Int)
    case outOfRange(name: String, value: String, range: String)
    case excludes(first: String, second: String)
    case badList(name: String, value: String, expected: String)
    case missingOption(name: String, reason: String)
    case needsOption(flag: String, needs: String)
    // trigc tune
    case notASearchFolder(path: String)
    case foreignFilesInSearch(path: String)
    case trialsFailed(count: Int, total: Int, first: String)
    case tooLarge(what: String, bytes: Int?, limit: Int, advice: String)
    /// A file to write would not fit in the free space of its file system.
    case diskTooSmall(path: String, bytes: Int?, free: Int, advice: String)
    // Input data
    case inputShape(file: String, input: String, expected: [Int], found: [Int])
    case inputCounts(file: String, counts: [String: Int])
    case noEvents(file: String)
    case badLabels(file: String)
    case unknownInput(String, inputs: [String])
    /// A data file the `_check-data` worker could not read (the worker's sentence).
    case unreadableData(String)
    // Outputs
    case notAFileName(path: String)
    case noFolder(path: String, folder: String)
    case outputIsFolder(path: String)
    case outputNotRegular(path: String)
    case outputIsInput(path: String, input: String)
    case cannotRename(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    // Models
    case noOutput
    case dataNeededForModel
    case notAStudyInput(String)
    case alreadyQuantized(String)
    case referenceQuantized(String)
    case notTheOriginal(reference: String, model: String, node: String)
    case fixedOnOpenCL(device: String, format: String)
    case outOfReach(target: Double, metric: CalibrationMetric, maxWidth: Int, reached: (value: Double, bound: Bool), written: String)
    // Run directories
    case runExists(run: String)
    case foreignFolder(run: String)
    case notAFolder(run: String)
    case emptyRun(run: String)
    case nothingToResume(run: String)
    case fewerEpochs(run: String, done: Int, asked: Int)
    case resumeMismatch(run: String, saved: String, asked: String)
    case resumeSetting(run: String, option: String, saved: String, asked: String)
    case unfinishedRun(run: String)
    case argmaxHasNoROC
    // The server executable
    case serverMissing(path: String)
    case cannotStart(path: String, reason: String)
    // Foundation's errors, in trigc's words
    case fileOperation(path: String, reason: String)
    case notJSON(value: String)
    case badJSON

    var description: String {
        switch self {
        case let .needsFixed(flag):
            "\(flag) only applies to a fixed-point run; add --fixed FORMAT."
        case let .badOverride(text):
            "'\(text)' is not a layer override; write NODE=FORMAT, e.g. dense_1='ap_fixed<18,8>'."
        case let .unknownLayer(name):
            "there is no layer '\(name)' in the model."
        case let .badCount(name, value):
            "\(name) must be positive, not \(value)."
        case let .outOfRange(name, value, range):
            "\(name) must be \(range), not \(value)."
        case let .excludes(first, second):
            "\(first) and \(second) exclude each other."
        case let .badList(name, value, expected):
            "\(name) takes \(expected), not '\(value)'."
        case let .missingOption(name, reason):
            "\(name) is needed \(reason)."
        case let .needsOption(flag, needs):
            "\(flag) only applies with \(needs)."
        case let .notASearchFolder(path):
            "\(path) is not a folder; --out names the search's folder."
        case let .foreignFilesInSearch(path):
            "\(path) holds files that are not a search's; choose an empty or new folder for --out."
        case let .trialsFailed(count, total, first):
            "\(count) of \(total) trials failed (the first: \(first), see logs/\(first).log); run the same command again to retry them."
        case let .tooLarge(what, bytes, limit, advice):
            "\(what) would need \(bytes.map { "\(gibibytes($0)) GiB" } ?? "more than Int.max bytes") of memory, more than "
                + "the \(gibibytes(limit)) GiB (half of this machine's) trigc allows itself; \(advice)."
        case let .diskTooSmall(path, bytes, free, advice):
            "\(path) would need \(bytes.map { "\(gibibytes($0)) GiB" } ?? "more than Int.max bytes") of disk, more than the "
                + "\(gibibytes(free)) GiB free there; \(advice)."
        case let .inputShape(file, input, expected, found):
            "\(file): dataset \(input) has shape \(found) but the model's input needs [events] + \(expected)."
        case let .inputCounts(file, counts):
            "\(file): the input datasets hold different numbers of events (\(counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")))."
        case let .noEvents(file):
            "\(file) holds no events."
        case let .badLabels(file):
            "\(file): dataset 'label' must hold one whole class index (0 or more) per event."
        case let .unknownInput(name, inputs):
            "--input-dataset names '\(name)', which is not an input of the model (it has \(inputs.map { "'\($0)'" }.joined(separator: ", ")))."
        case let .unreadableData(sentence):
            sentence
        case let .notAFileName(path): "'\(path)' does not name a file to write."
        case let .noFolder(path, folder): "cannot write \(path): the folder \(folder) does not exist."
        case let .outputIsFolder(path): "cannot write \(path): it is a folder."
        case let .outputNotRegular(path):
            "\(path) is not a regular file (a device, a pipe or a link), so trigc will not replace it; choose another output."
        case let .outputIsInput(path, input): "the output \(path) is the input \(input); write to another file."
        case let .cannotRename(path, reason): "cannot put \(path) in place (\(reason))."
        case let .cannotWrite(path, reason): "cannot write \(path) (\(reason))."
        case .dataNeededForModel:
            "--data is needed when TARGET is a model file."
        case .noOutput:
            "the model has no output to evaluate."
        case let .notAStudyInput(name):
            "the model's input '\(name)' is neither \(StudyInput.allCases.map(\.name).joined(separator: " nor ")), so it cannot read an event file."
        case let .alreadyQuantized(path):
            "\(path) is already quantized; calibrate its float original."
        case let .referenceQuantized(path):
            "the reference \(path) is quantized itself; give the float model that was quantized."
        case let .notTheOriginal(reference, model, node):
            "\(reference) is not the float original of \(model): it has no \(node) (give the model that was quantized, e.g. RUN/model-prescaled.ir)."
        case let .fixedOnOpenCL(device, format):
            "fixed point ('\(format)') runs only on the CPU interpreter, which is bit-exact; drop --fixed to run "
                + "in float on \(device), or use --device cpu."
        case let .outOfReach(target, metric, maxWidth, reached, written):
            "the target \(metric.rawValue) \(target) is out of reach within \(maxWidth) bits: the model written to \(written) reaches "
                + (reached.bound ? "a lower bound of \(String(format: "%.5f", reached.value)) at the --confidence level"
                    : "\(String(format: "%.5f", reached.value))") + " (raise --max-width or lower the target)."
        case let .runExists(run): "\(run) already exists; pass --resume to continue that run or --overwrite to start again."
        case let .foreignFolder(run):
            "\(run) exists and is not a trigc run directory (it has no run.json), so trigc will not write into it; choose another --out."
        case let .nothingToResume(run): "\(run) does not exist, so there is no run to resume."
        case let .notAFolder(run): "\(run) is a file, not a run directory; choose another --out."
        case let .emptyRun(run): "\(run) holds no run (no run.json), so there is nothing to resume; train without --resume."
        case let .fewerEpochs(run, done, asked):
            "\(run) has already trained \(done) epochs; --epochs counts them all, so it must be at least \(done), not \(asked)."
        case let .resumeMismatch(run, saved, asked): "\(run) trained the \(saved) model, not \(asked); resume it with --model \(saved)."
        case let .resumeSetting(run, option, saved, asked):
            "\(run) was started with \(option) \(saved), not \(asked); a resumed run keeps its settings (drop \(option), or start a new run)."
        case let .unfinishedRun(run): "\(run) has no model.ir: its training did not finish (continue it with trigc train --resume)."
        case .argmaxHasNoROC: "evaluate needs class probabilities for ROC curves, so --argmax does not apply."
        case let .serverMissing(path):
            "trigc serve needs the trigc-serve executable at \(path); build it with 'swift build --product trigc-serve' (make build builds it)."
        case let .cannotStart(path, reason):
            "cannot start \(path): \(reason)."
        case let .fileOperation(path, reason):
            "a file operation on \(path) failed: \(reason)."
        case let .notJSON(value):
            "cannot write \(value) into a JSON file (NaN and infinity have no JSON form)."
        case .badJSON:
            "a JSON file does not have the expected form."
        }
    }

    /// The exit status: 2 when calibration wrote its best model short of the target; 64
    /// (ArgumentParser's status for usage mistakes) for the mistakes it would report itself;
    /// 1 for every other failure.
    var exitCode: ExitCode {
        switch self {
        case .outOfReach: ExitCode(2)
        case .dataNeededForModel, .noOutput, .notAStudyInput: .validationFailure
        default: .failure
        }
    }

    private func gibibytes(_ bytes: Int) -> String { formatted(Double(bytes) / Double(1 << 30), 1) }
}

extension CLIError {
    /// A Foundation error (a file operation, an encoder) that reached the command line, in
    /// trigc's words instead of Foundation's; nil for any other error.
    init?(foundation error: any Error) {
        if let cocoa = error as? CocoaError {
            let nsError = cocoa as NSError
            let path = (nsError.userInfo[NSFilePathErrorKey] as? String) ?? cocoa.filePath ?? "a file"
            self = .fileOperation(path: path, reason: fileErrorReason(cocoa))
        } else if let encoding = error as? EncodingError, case let .invalidValue(value, _) = encoding {
            self = .notJSON(value: "\(value)")
        } else if error is DecodingError {
            self = .badJSON
        } else {
            return nil
        }
    }
}
