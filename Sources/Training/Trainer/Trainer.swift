import Foundation
import GraphIR
import ScalarMath

/// How ``Trainer/fit(_:validation:)`` runs.
public struct TrainingOptions: Sendable {
    /// The total number of epochs (a resumed trainer runs the ones not yet completed).
    public var epochs: Int
    public var batchSize: Int
    /// Fixes the shuffles and dropout masks (weights are fixed by the model's own seed).
    public var seed: UInt64
    public var shuffle: Bool
    /// Where to write a checkpoint after each epoch (atomically), or `nil`.
    public var checkpoint: URL?
    /// Batch size for validation; `nil` uses `batchSize`.
    public var validationBatchSize: Int?
    /// Stop when the validation loss has not improved for this many epochs, and end with the
    /// best epoch's weights (`nil`: train every epoch). Needs validation data.
    public var earlyStopping: Int?
    /// Per-class weights of the training loss (Keras's `class_weight`), or `nil`.
    public var classWeights: [Float]?
    /// Label smoothing of the training loss (Keras's `label_smoothing`): the targets become
    /// `y·(1 − ε) + ε/K` for `K` classes; 0 (the default) trains on the labels as they are.
    /// Validation and test figures always use the plain labels.
    public var labelSmoothing: Float = 0
    /// Where to keep the best epoch's checkpoint for early stopping (so that a resumed run
    /// still ends with it), or `nil`.
    public var bestCheckpoint: URL?

    public init(epochs: Int, batchSize: Int = 128, seed: UInt64 = 1, shuffle: Bool = true,
                checkpoint: URL? = nil, validationBatchSize: Int? = nil, earlyStopping: Int? = nil, bestCheckpoint: URL? = nil) {
        self.earlyStopping = earlyStopping
        self.bestCheckpoint = bestCheckpoint
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
        self.shuffle = shuffle
        self.checkpoint = checkpoint
        self.validationBatchSize = validationBatchSize
    }
}

/// Progress after one training batch.
public struct BatchProgress: Sendable {
    /// 1-based epoch and batch; `batches` per epoch.
    public var epoch: Int
    public var batch: Int
    public var batches: Int
    /// Samples done this epoch, and the epoch's total.
    public var seen: Int
    public var total: Int
    /// Running mean loss and accuracy over the epoch so far (training mode).
    public var loss: Double
    public var accuracy: Double
    public var samplesPerSecond: Double
}

/// The figures of one finished epoch.
public struct EpochSummary: Codable, Sendable, Equatable {
    /// 1-based.
    public var epoch: Int
    public var loss: Double
    public var accuracy: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    /// The rate used during this epoch.
    public var learningRate: Float
    public var seconds: Double
    public var samplesPerSecond: Double
}

/// Trains a ``Model`` with categorical cross-entropy: seeded shuffles, an optimizer step
/// per batch, validation and the learning-rate schedule per epoch, a checkpoint after each
/// epoch. The same seeds give bit-identical weights on ``CPUDevice``, also across
/// ``resume(from:)``.
public final class Trainer {
    public let model: Model
    public let optimizer: Optimizer
    public let schedule: LearningRateSchedule
    public let options: TrainingOptions
    /// The ranks of a data-parallel job (nil: this process alone). Each global batch is
    /// split between the ranks, their gradients summed (``Collective/sum(_:)``) before the
    /// optimizer step, so every rank holds the same weights; set it before ``fit(_:validation:)``.
    public var collective: (any Collective)?
    /// Called after every batch and every epoch, on the calling thread.
    public var onBatch: ((BatchProgress) -> Void)?
    public var onEpoch: ((EpochSummary) -> Void)?
    /// Epochs finished so far (restored by ``resume(from:)``).
    public internal(set) var completedEpochs = 0
    public internal(set) var history: [EpochSummary] = []
    /// Computes the forward pass instead of the device (quantization-aware training): after
    /// the device's float pass of every training and validation batch, its values replace
    /// the device's, so losses, accuracies and gradients are the exact pass's.
    public var exactForward: (any ExactForward)?
    /// Batches trained so far: the dropout counter.
    var step: UInt64 = 0
    var scheduleState: ScheduleState
    /// The best epoch's weights under early stopping (by parameter, in order).
    var bestWeights: [[Float]]?
    private var lossBuffers = BufferCache<(labels: DeviceTensor, gradient: DeviceTensor)>()

    public init(model: Model, optimizer: Optimizer = Adam(), schedule: LearningRateSchedule = .constant,
                options: TrainingOptions) {
        self.model = model
        self.optimizer = optimizer
        self.schedule = schedule
        self.options = options
        scheduleState = ScheduleState(initialRate: optimizer.learningRate)
    }

    /// Trains from the first epoch not yet completed up to `options.epochs`; returns the
    /// whole history.
    @discardableResult
    public func fit(_ train: TrainingArrays, validation: TrainingArrays? = nil) throws(TrainingError) -> [EpochSummary] {
        try fit(source: train, validation: validation)
    }

    /// Trains on any ``TrainingSource`` (events in memory, or streamed in chunks), validating
    /// on another after every epoch; otherwise as ``fit(_:validation:)``.
    @discardableResult
    public func fit(source train: some TrainingSource, validation: (any TrainingSource)? = nil) throws(TrainingError) -> [EpochSummary] {
        guard options.batchSize > 0 else { throw .invalidOptions("the batch size must be positive") }
        if let weights = options.classWeights {
            guard weights.count == model.outputShape.reduce(1, *), weights.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw .invalidOptions("the class weights must be one positive number per class")
            }
        }
        guard train.count > 0 else { throw .invalidOptions("the training data is empty") }
        guard model.endsInSoftmax else { throw .outputNotSoftmax(model: model.name) }
        try train.check(for: model)
        if let validation { try validation.check(for: model) }
        if options.earlyStopping != nil, validation == nil {
            throw .invalidOptions("early stopping needs validation data")
        }
        while completedEpochs < options.epochs, !stoppedEarly {
            let epoch = completedEpochs
            let clock = ContinuousClock.now
            let (loss, accuracy) = try runEpoch(epoch, source: train, start: clock)
            let validated = try validation.map { v throws(TrainingError) in
                try evaluate(source: v, batchSize: options.validationBatchSize ?? options.batchSize)
            }
            let seconds = Self.seconds(since: clock)
            let summary = EpochSummary(
                epoch: epoch + 1, loss: loss, accuracy: accuracy, validationLoss: validated?.loss,
                validationAccuracy: validated?.accuracy, learningRate: optimizer.learningRate, seconds: seconds,
                samplesPerSecond: Double(train.count) / max(seconds, 1e-9))
            optimizer.learningRate = scheduleState.rate(
                after: validated?.loss ?? loss, next: epoch + 1, current: optimizer.learningRate, schedule: schedule)
            history.append(summary)
            completedEpochs += 1
            if let url = options.checkpoint { try saveCheckpoint(to: url) }
            try keepIfBest()
            onEpoch?(summary)
        }
        try restoreBest()
        return history
    }

    /// One epoch of batches; returns the mean loss and accuracy. Stops at the first batch
    /// whose loss is not finite or after which the device reports a failure. A batch may
    /// span two blocks of the source.
    private func runEpoch(_ epoch: Int, source: some TrainingSource,
                          start: ContinuousClock.Instant) throws(TrainingError) -> (Double, Double) {
        let count = source.count
        var cursor = BlockCursor(pass: try source.pass(epoch: epoch, seed: options.seed, shuffle: options.shuffle))
        // A batch larger than the data is one batch of all of it (and no larger buffers).
        let batchSize = min(options.batchSize, count)
        let batches = (count + batchSize - 1) / batchSize
        var lossSum = 0.0, correct = 0, seen = 0
        var staging = model.inputs.map { [Float](repeating: 0, count: batchSize * $0.size) }
        let classes = model.outputShape.reduce(1, *)
        var labelStaging = [Float](repeating: 0, count: batchSize * classes)
        for b in 0..<batches {
            let global = min(count, (b + 1) * batchSize) - b * batchSize
            // This rank's share of the global batch (all of it without a collective).
            let rows = share(of: 0..<global)
            let n = rows.count
            let tensors = model.inputTensors(batch: n)
            try cursor.take(global, keeping: rows, model: model, into: &staging, labels: &labelStaging)
            for (k, input) in model.inputs.enumerated() {
                staging[k].withUnsafeBufferPointer {
                    model.device.write(UnsafeBufferPointer(rebasing: $0[0 ..< n * input.size]), to: tensors[k], at: 0)
                }
            }
            let (loss, hits) = try trainBatch(tensors, host: staging, labels: labelStaging, batch: n, globalBatch: global,
                                              firstRow: rows.lowerBound)
            try model.device.checkHealth()
            guard loss.isFinite else { throw .diverged(epoch: epoch + 1, batch: b + 1, loss: loss) }
            lossSum += loss
            correct += hits
            seen += global
            if let onBatch {
                onBatch(BatchProgress(
                    epoch: epoch + 1, batch: b + 1, batches: batches, seen: seen, total: count,
                    loss: lossSum / Double(seen), accuracy: Double(correct) / Double(seen),
                    samplesPerSecond: Double(seen) / max(Self.seconds(since: start), 1e-9)))
            }
        }
        return (lossSum / Double(max(1, seen)), Double(correct) / Double(max(1, seen)))
    }

    /// Forward, fused softmax cross-entropy, backward and an optimizer step on one batch
    /// (this rank's `n` rows of a global batch of `globalBatch`); returns the global batch's
    /// summed loss and correct count.
    private func trainBatch(_ inputs: [DeviceTensor], host: [[Float]], labels: [Float], batch n: Int,
                            globalBatch: Int, firstRow: Int) throws(TrainingError) -> (Double, Int) {
        let device = model.device
        var (loss, correct) = (0.0, 0)
        if n > 0 {
            let buffers = lossBuffers(batch: n)
            let targets = options.labelSmoothing > 0 ? Self.smoothed(labels, options.labelSmoothing, classes: model.outputShape.reduce(1, *))
                : labels
            targets.withUnsafeBufferPointer {
                device.write(UnsafeBufferPointer(rebasing: $0[0 ..< buffers.labels.count]), to: buffers.labels, at: 0)
            }
            let context = PassContext(device: device, batch: n, training: true, seed: options.seed, counter: step,
                                      firstRow: firstRow)
            let output = try forward(inputs, host: host, context: context)
            (loss, correct) = device.softmaxCrossEntropy(
                probabilities: output.matrix(rows: n), labels: buffers.labels.matrix(rows: n),
                logitGradient: buffers.gradient.matrix(rows: n), classWeights: options.classWeights)
            model.backward(logitGradient: buffers.gradient, context: context)
        }
        if let collective, collective.size > 1 {
            (loss, correct) = try reduceGradients(collective, rows: n, globalBatch: globalBatch, loss: loss, correct: correct)
        }
        optimizer.step(model.parameters, device: device)
        step += 1
        return (loss, correct)
    }

    /// `labels` (one-hot rows of `classes`) as label smoothing's targets `y·(1 − ε) + ε/K`.
    static func smoothed(_ labels: [Float], _ epsilon: Float, classes: Int) -> [Float] {
        let floor = epsilon / Float(max(1, classes))
        return labels.map { $0 * (1 - epsilon) + floor }
    }

    /// The model's forward pass on `inputs` (whose first `context.batch` events `host`
    /// holds too), replaced by ``exactForward``'s when set; returns the output tensor.
    func forward(_ inputs: [DeviceTensor], host: [[Float]], context: PassContext) throws(TrainingError) -> DeviceTensor {
        let output = model.forward(inputs, context: context)
        guard let exactForward else { return output }
        let n = context.batch
        let rows = zip(host, model.inputs).map { values, input in Array(values.prefix(n * input.size)) }
        let values = try exactForward.values(for: model, inputs: rows, batch: n)
        try model.load(values, inputs: inputs, context: context)
        return output
    }

    func lossBuffers(batch n: Int) -> (labels: DeviceTensor, gradient: DeviceTensor) {
        let shape = [n] + model.outputShape
        return lossBuffers.get(batch: n) { (model.device.makeTensor(shape: shape), model.device.makeTensor(shape: shape)) }
    }

    /// Mean loss and accuracy in inference mode (dropout off).
    public func evaluate(_ data: TrainingArrays, batchSize: Int? = nil) throws(TrainingError) -> (loss: Double, accuracy: Double) {
        let arrays = try data.ordered(for: model, checkLabels: true)
        let size = max(1, batchSize ?? options.batchSize)
        let classes = model.outputShape.reduce(1, *)
        var lossSum = 0.0, correct = 0
        // Each rank evaluates its contiguous share; the sums are added across ranks.
        let mine = share(of: 0..<data.count)
        var start = mine.lowerBound
        while start < mine.upperBound {
            let n = min(size, mine.upperBound - start)
            let tensors = model.inputTensors(batch: n)
            for (k, input) in model.inputs.enumerated() {
                arrays[k].withUnsafeBufferPointer {
                    model.device.write(UnsafeBufferPointer(rebasing: $0[start * input.size ..< (start + n) * input.size]),
                                       to: tensors[k], at: 0)
                }
            }
            let buffers = lossBuffers(batch: n)
            data.labels.withUnsafeBufferPointer {
                model.device.write(UnsafeBufferPointer(rebasing: $0[start * classes ..< (start + n) * classes]),
                                   to: buffers.labels, at: 0)
            }
            let context = PassContext(device: model.device, batch: n, training: false, seed: 0, counter: 0)
            let host = exactForward == nil ? [] : zip(arrays, model.inputs).map { values, input in
                Array(values[start * input.size ..< (start + n) * input.size])
            }
            let output = try forward(tensors, host: host, context: context)
            let (loss, hits) = model.device.softmaxCrossEntropy(
                probabilities: output.matrix(rows: n), labels: buffers.labels.matrix(rows: n),
                logitGradient: buffers.gradient.matrix(rows: n))
            lossSum += loss
            correct += hits
            start += n
        }
        try model.device.checkHealth()
        if let collective, collective.size > 1 {
            var sums = [lossSum, Double(correct)]
            try collective.sum(&sums)
            (lossSum, correct) = (sums[0], Int(sums[1]))
        }
        return (lossSum / Double(max(1, data.count)), Double(correct) / Double(max(1, data.count)))
    }

    /// The epoch's sample order (``EpochOrder/permutation(count:seed:epoch:)``).
    static func permutation(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        EpochOrder.permutation(count: count, seed: seed, epoch: epoch)
    }

    /// Copies `rows` of `source` (rows of `width`) into `target` from row `first` on.
    static func gather(_ source: [Float], rows: ArraySlice<Int>, width: Int, into target: inout [Float], at first: Int = 0) {
        source.withUnsafeBufferPointer { s in
            target.withUnsafeMutableBufferPointer { t in
                guard let sb = s.baseAddress, let tb = t.baseAddress else { return }
                for (i, row) in rows.enumerated() {
                    (tb + (first + i) * width).update(from: sb + row * width, count: width)
                }
            }
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
