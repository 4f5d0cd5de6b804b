/// Walks the blocks of a pass, handing out the events of consecutive batches.
struct BlockCursor {
    let pass: any TrainingPass
    private var arrays: [[Float]] = []
    private var labels: [Float] = []
    private var order: [Int] = []
    private var position = 0

    init(pass: any TrainingPass) { self.pass = pass }

    /// Takes the next `total` events of the pass and copies those at positions `keeping`
    /// (of `0 ..< total`) into the staging arrays (per model input, in the model's order)
    /// and `labels`, from row 0 on.
    mutating func take(_ total: Int, keeping: Range<Int>, model: Model, into staging: inout [[Float]],
                       labels target: inout [Float]) throws(TrainingError) {
        let classes = model.outputShape.reduce(1, *)
        var filled = 0
        while filled < total {
            if position == order.count {
                guard let block = try pass.next() else {
                    throw .source("the training data ended \(total - filled) events early")
                }
                arrays = try block.data.ordered(for: model, checkLabels: true)
                labels = block.data.labels
                order = block.order
                position = 0
                continue
            }
            let taken = min(total - filled, order.count - position)
            let low = max(filled, keeping.lowerBound), high = min(filled + taken, keeping.upperBound)
            if low < high {
                let rows = order[(position + low - filled) ..< (position + high - filled)]
                for (k, input) in model.inputs.enumerated() {
                    Trainer.gather(arrays[k], rows: rows, width: input.size, into: &staging[k], at: low - keeping.lowerBound)
                }
                Trainer.gather(labels, rows: rows, width: classes, into: &target, at: low - keeping.lowerBound)
            }
            position += taken
            filled += taken
        }
    }
}

extension Trainer {
    /// Mean loss and accuracy in inference mode over any source: arrays in memory exactly as
    /// ``evaluate(_:batchSize:)``; a stream block by block, in its order.
    public func evaluate(source: any TrainingSource, batchSize: Int? = nil) throws(TrainingError) -> (loss: Double, accuracy: Double) {
        if let arrays = source as? TrainingArrays { return try evaluate(arrays, batchSize: batchSize) }
        let pass = try source.pass(epoch: 0, seed: 0, shuffle: false)
        var lossSum = 0.0, correct = 0.0, seen = 0
        while let block = try pass.next() {
            guard block.data.count > 0 else { continue }
            let (loss, accuracy) = try evaluate(block.data, batchSize: batchSize)
            lossSum += loss * Double(block.data.count)
            correct += accuracy * Double(block.data.count)
            seen += block.data.count
        }
        return (lossSum / Double(max(1, seen)), correct / Double(max(1, seen)))
    }
}

extension Model {
    /// Class probabilities (`count × classes`) of every event of a source, in the order of its
    /// unshuffled pass (each block's `order`):
    /// arrays in memory exactly as ``predict(_:count:batchSize:)``; a stream block by block.
    public func predict(source: any TrainingSource, batchSize: Int = 1024) throws(TrainingError) -> [Float] {
        let pass = try source.pass(epoch: 0, seed: 0, shuffle: false)
        let width = outputShape.reduce(1, *)
        var result: [Float] = []
        while let block = try pass.next() {
            guard block.data.count > 0 else { continue }
            let probabilities = try predict(block.data.inputs, count: block.data.count, batchSize: batchSize)
            if block.order == Array(0..<block.data.count) {
                result += probabilities
            } else {
                for event in block.order { result += probabilities[(event * width) ..< ((event + 1) * width)] }
            }
        }
        return result
    }
}
