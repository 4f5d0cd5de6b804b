/// What can go wrong training, predicting or checkpointing; `description` is one sentence.
public enum TrainingError: Error, Sendable, Equatable {
    /// The arrays lack a value for a model input.
    case missingInput(name: String)
    /// An input array's length is not `count ×` the input's per-event size.
    case wrongInputSize(name: String, expected: Int, got: Int)
    /// The labels are not `count × classes` values.
    case wrongLabelSize(expected: Int, got: Int)
    /// Cross-entropy training needs a final softmax.
    case outputNotSoftmax(model: String)
    /// The batch size or epoch count is not positive, or the data is empty.
    case invalidOptions(String)
    /// A checkpoint could not be written or read.
    case checkpointIO(path: String, reason: String)
    /// A checkpoint does not match the model (missing or mis-shaped weight).
    case checkpointMismatch(path: String, reason: String)
    /// `setWeights` got a missing or mis-sized array.
    case wrongWeights(name: String, reason: String)
    /// ``Model/init(graph:device:)`` cannot rebuild a graph node as a training layer.
    case unsupportedGraph(node: String, reason: String)
    /// The loss became NaN or infinite: the weights are lost, nothing more is written.
    case diverged(epoch: Int, batch: Int, loss: Double)
    /// The training device failed; what it computed since is not trusted.
    case deviceFailed(device: String, reason: String)
    /// A collective operation of distributed training failed.
    case distributed(String)
    /// An exact forward pass (quantization-aware training) gave values that do not fit a layer.
    case forwardValues(layer: String, reason: String)
    /// A streamed source could not deliver its events (a file cut short, a missing dataset,
    /// a value out of range); the reason is the reader's sentence, naming the file.
    case source(String)
}

extension TrainingError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .missingInput(name):
            "the training arrays have no values for model input '\(name)'."
        case let .wrongInputSize(name, expected, got):
            "input '\(name)' has \(got) values where the model needs \(expected)."
        case let .wrongLabelSize(expected, got):
            "the labels have \(got) values where one-hot labels need \(expected)."
        case let .outputNotSoftmax(model):
            "model '\(model)' does not end in a softmax, which categorical cross-entropy training needs."
        case let .invalidOptions(reason):
            "invalid training options: \(reason)."
        case let .checkpointIO(path, reason):
            "checkpoint '\(path)': \(reason)."
        case let .checkpointMismatch(path, reason):
            "checkpoint '\(path)' does not fit the model: \(reason)."
        case let .wrongWeights(name, reason):
            "weight '\(name)': \(reason)."
        case let .unsupportedGraph(node, reason):
            "graph node '\(node)' cannot run as a model layer: \(reason)."
        case let .diverged(epoch, batch, loss):
            "training diverged at epoch \(epoch), batch \(batch) (the loss became \(loss)); nothing from it was "
                + "written: try a lower learning rate."
        case let .deviceFailed(device, reason):
            "the training device \(device) failed (\(reason)); nothing it computed since was kept."
        case let .distributed(reason):
            "distributed training: \(reason)."
        case let .forwardValues(layer, reason):
            "the exact forward pass of layer '\(layer)' does not fit it: \(reason)."
        case let .source(reason):
            reason.hasSuffix(".") ? reason : reason + "."
        }
    }
}
