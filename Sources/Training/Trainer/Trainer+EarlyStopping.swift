import Foundation

extension Trainer {
    /// The epoch (1-based) with the lowest validation loss so far (the first of equals).
    public var bestEpoch: Int? {
        history.filter { $0.validationLoss != nil }.min { ($0.validationLoss ?? 0) < ($1.validationLoss ?? 0) }?.epoch
    }

    /// Whether early stopping has ended training: the last `patience` epochs did not improve
    /// on the best (worked out from the history, so a resumed run knows it too).
    public var stoppedEarly: Bool {
        guard let patience = options.earlyStopping, let best = bestEpoch else { return false }
        return completedEpochs - best >= patience
    }

    /// After an epoch: when it is the best so far, keeps its weights (and writes them to
    /// ``TrainingOptions/bestCheckpoint``).
    func keepIfBest() throws(TrainingError) {
        guard options.earlyStopping != nil, bestEpoch == completedEpochs else { return }
        bestWeights = model.parameters.map { model.device.read($0.value) }
        if let url = options.bestCheckpoint { try saveCheckpoint(to: url) }
    }

    /// With early stopping, puts the best epoch's weights back into the model (from memory,
    /// or from ``TrainingOptions/bestCheckpoint`` after a resume); the history, epoch count
    /// and optimizer stay as trained.
    func restoreBest() throws(TrainingError) {
        guard options.earlyStopping != nil, let best = bestEpoch, best < completedEpochs else { return }
        if let bestWeights, bestWeights.count == model.parameters.count {
            for (parameter, values) in zip(model.parameters, bestWeights) {
                values.withUnsafeBufferPointer { model.device.write($0, to: parameter.value, at: 0) }
            }
            return
        }
        guard let url = options.bestCheckpoint else { return }
        let kept = (completedEpochs, history, step, optimizer.learningRate, optimizer.iterations, scheduleState)
        try resume(from: url)
        (completedEpochs, history, step, optimizer.learningRate, optimizer.iterations, scheduleState) = kept
    }
}
