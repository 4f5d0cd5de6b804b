extension Trainer {
    /// This rank's contiguous share of `rows` (all of them without a collective): rank `r`
    /// of `N` takes `rows[r·n/N ..< (r+1)·n/N]`.
    func share<C: RandomAccessCollection>(of rows: C) -> C.SubSequence where C.Index == Int {
        guard let collective, collective.size > 1 else { return rows[...] }
        let n = rows.count, (r, size) = (collective.rank, collective.size)
        let start = rows.startIndex
        return rows[(start + r * n / size) ..< (start + (r + 1) * n / size)]
    }

    /// Sums the ranks' gradients into the global batch's: each rank's gradient is the mean
    /// over its `rows`, so it is weighted by `rows / globalBatch` first. One exchange carries
    /// every parameter's gradient and the batch's loss and correct count.
    func reduceGradients(_ collective: any Collective, rows: Int, globalBatch: Int, loss: Double,
                         correct: Int) throws(TrainingError) -> (Double, Int) {
        let device = model.device
        let weight = Float(rows) / Float(max(1, globalBatch))
        var packed: [Float] = []
        for parameter in model.parameters {
            packed += rows > 0 ? device.read(parameter.gradient).map { $0 * weight } : [Float](repeating: 0, count: parameter.gradient.count)
        }
        try collective.sum(&packed)
        var offset = 0
        for parameter in model.parameters {
            let count = parameter.gradient.count
            packed.withUnsafeBufferPointer {
                device.write(UnsafeBufferPointer(rebasing: $0[offset ..< offset + count]), to: parameter.gradient, at: 0)
            }
            offset += count
        }
        var sums = [loss, Double(correct)]
        try collective.sum(&sums)
        return (sums[0], Int(sums[1]))
    }
}
