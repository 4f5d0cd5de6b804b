/// Everything that can go wrong importing a Keras model (`.h5` or `.keras`).
///
/// Each case names the file (`path`) and, where one is to blame, the layer; ``description``
/// renders it as one sentence. Import never returns a partial graph: the first problem
/// found is thrown.
public enum KerasImportError: Error, Hashable, Sendable {
    /// The file could not be read as HDF5 (missing, not HDF5, truncated, an HDF5 failure).
    case file(ModelIOError)
    /// An HDF5 file that holds no Keras model: there is no `model_config` attribute.
    case missingConfig(path: String)
    /// The model configuration is not JSON, or lacks something every Keras model has.
    case badConfig(path: String, reason: String)
    /// A `.keras` zip that could not be opened as a zip.
    case badArchive(path: String, reason: String)
    /// A `.keras` zip without one of its members (`config.json`, `model.weights.h5`).
    case missingArchiveMember(path: String, member: String)
    /// A layer class trigc does not import.
    case unsupportedLayer(path: String, layer: String, className: String, supported: [String])
    /// A layer option (or use of a layer) trigc does not import, as `option` = `value`.
    case unsupportedOption(path: String, layer: String, className: String, option: String, value: String)
    /// A layer reads from a layer the model does not have.
    case unknownInput(path: String, layer: String, input: String)
    /// The layer's input has a shape the layer cannot take.
    case badInputShape(path: String, layer: String, className: String, shape: [Int], expected: String)
    /// A weight the layer needs is not in the file; `dataset` is where it was looked for.
    case missingWeight(path: String, layer: String, weight: String, dataset: String)
    /// A weight whose shape disagrees with the layer's configuration.
    case weightShape(path: String, layer: String, weight: String, dataset: String, expected: [Int], found: [Int])
    /// The file holds more weights for a layer than its configuration uses.
    case extraWeights(path: String, layer: String, expected: Int, found: Int)
    /// The imported graph did not verify (`reason` names the node).
    case invalidGraph(path: String, reason: String)
    /// A configuration number (`key`, or an entry of the list `key` when `inList`) that is
    /// not whole, not positive, or too large to be a size or axis.
    case badNumber(path: String, layer: String, key: String, inList: Bool, value: String, problem: KerasNumberProblem)
    /// An input shape with more values per event than `limit`.
    case shapeTooLarge(path: String, layer: String, key: String, shape: String, limit: Int)
    /// The import ran in a worker process (``KerasImportOptions/Isolation/subprocess(executable:arguments:timeout:)``)
    /// that failed.
    case worker(path: String, failure: KerasWorkerFailure)
}

/// Why a configuration number was refused.
public enum KerasNumberProblem: Hashable, Sendable {
    case notWhole
    case notPositive
    case tooLarge(limit: Int)
}

/// How an import worker process failed.
public enum KerasWorkerFailure: Error, Hashable, Sendable {
    /// It refused the file with this sentence (which names the file).
    case refused(message: String)
    /// It was killed by a signal: the C library crashed on a damaged file.
    case crashed(signal: Int32)
    /// It did not finish in time and was killed.
    case timedOut(seconds: Double)
    /// It could not be started.
    case notStarted(executable: String, reason: String)
    /// It exited with an unexpected status or printed output that did not parse.
    case badOutput(reason: String)
}

extension KerasImportError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .file(error):
            error.description
        case let .missingConfig(path):
            "\(path): this HDF5 file holds no Keras model, as it has no 'model_config' attribute "
                + "(a weights-only file, or not saved by Keras)."
        case let .badConfig(path, reason):
            "\(path): the Keras model configuration \(ModelIOError.sentence(reason))"
        case let .badArchive(path, reason):
            "\(path): not a readable .keras zip (\(reason))."
        case let .missingArchiveMember(path, member):
            "\(path): the .keras zip has no member '\(member)'."
        case let .unsupportedLayer(path, layer, className, supported):
            "\(path): layer '\(layer)' is a \(className), which trigc does not import; "
                + "supported layers are \(supported.joined(separator: ", "))."
        case let .unsupportedOption(path, layer, className, option, value):
            "\(path): layer '\(layer)' (\(className)) has \(option)=\(value), which trigc does not support."
        case let .unknownInput(path, layer, input):
            "\(path): layer '\(layer)' reads from '\(input)', which is not a layer of the model."
        case let .badInputShape(path, layer, className, shape, expected):
            "\(path): layer '\(layer)' (\(className)) gets input of per-event shape \(shape) but needs \(expected)."
        case let .missingWeight(path, layer, weight, dataset):
            "\(path): layer '\(layer)' needs weight '\(weight)' but the file has no dataset '\(dataset)'."
        case let .weightShape(path, layer, weight, dataset, expected, found):
            "\(path): layer '\(layer)' weight '\(weight)' ('\(dataset)') has shape \(found) "
                + "but the layer's configuration needs \(expected)."
        case let .extraWeights(path, layer, expected, found):
            "\(path): layer '\(layer)' has \(found) weights in the file but its configuration uses \(expected)."
        case let .invalidGraph(path, reason):
            "\(path): the imported graph is invalid: \(ModelIOError.sentence(reason))"
        case let .badNumber(path, layer, key, inList, value, problem):
            "\(path): layer '\(layer)' has \(inList ? "\(key) entry \(value)" : "\(key)=\(value)"), \(problem.text)."
        case let .shapeTooLarge(path, layer, key, shape, limit):
            "\(path): layer '\(layer)' has \(key) \(shape), more than the \(limit) values per event trigc accepts."
        case let .worker(path, failure):
            failure.text(path)
        }
    }
}

extension KerasNumberProblem {
    var text: String {
        switch self {
        case .notWhole: "which is not a whole number"
        case .notPositive: "which is not positive"
        case let .tooLarge(limit): "which is larger than the \(limit) trigc accepts"
        }
    }
}

extension KerasWorkerFailure {
    func text(_ path: String) -> String {
        switch self {
        case let .refused(message):
            ModelIOError.sentence(message)
        case let .crashed(signal):
            "\(path) is damaged: reading it crashed the HDF5 library (signal \(signal))."
        case let .timedOut(seconds):
            "\(path) is damaged: reading it did not finish within \(KerasJSON.number(seconds).text) s."
        case let .notStarted(executable, reason):
            "\(path): the worker process \(executable) could not be started (\(reason))."
        case let .badOutput(reason):
            "\(path): the import worker failed (\(reason))."
        }
    }
}
