import ScalarMath

/// Where ``Trainer`` takes its events from: ``TrainingArrays`` in memory (one block), or a
/// stream that holds only a few chunks of a file at a time (EventIO's `EventStream`).
///
/// A pass hands out blocks; their events, taken block after block in each block's `order`,
/// are every event of the source exactly once.
public protocol TrainingSource {
    /// Number of events.
    var count: Int { get }
    /// Checks that the source can feed `model` (its inputs and per-event sizes).
    func check(for model: Model) throws(TrainingError)
    /// The blocks of one pass: with `shuffle`, epoch `epoch`'s order keyed by `seed`
    /// (``EpochOrder``); without, every event in the source's order (taken block by block,
    /// each in its `order`).
    func pass(epoch: Int, seed: UInt64, shuffle: Bool) throws(TrainingError) -> any TrainingPass
}

/// One pass over a source, block by block.
public protocol TrainingPass: AnyObject {
    /// The next block, or nil after the last.
    func next() throws(TrainingError) -> TrainingBlock?
}

/// Events in memory and the order to take them in (indices into `data`).
public struct TrainingBlock: Sendable {
    public var data: TrainingArrays
    public var order: [Int]

    public init(data: TrainingArrays, order: [Int]) {
        precondition(order.allSatisfy { (0..<data.count).contains($0) }, "the order indexes the block's events")
        self.data = data
        self.order = order
    }
}

/// The shuffles of an epoch, one definition for data in memory and data in chunks.
public enum EpochOrder {
    /// The order of `count` events in memory in epoch `epoch`: Fisher–Yates driven by a
    /// generator keyed by (seed, epoch).
    public static func permutation(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        var rng = SplitMix64(seed: SplitMix64.mix(seed ^ SplitMix64.mix(UInt64(epoch) &+ 0xA076_1D64_78BD_642F)))
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = Int(rng.next() % UInt64(i + 1))
            order.swapAt(i, j)
        }
        return order
    }

    /// The order in which an epoch visits `chunks` chunks (the identity for one chunk).
    public static func chunks(_ chunks: Int, seed: UInt64, epoch: Int) -> [Int] {
        permutation(count: chunks, seed: SplitMix64.mix(seed ^ 0xC4B1_5EED_0000_0003), epoch: epoch)
    }

    /// The order of the `count` events of chunk `chunk` in an epoch: the in-memory
    /// permutation keyed by `seed + chunk`, so a source of a single chunk is visited exactly
    /// as the same events in memory are.
    public static func withinChunk(_ chunk: Int, count: Int, seed: UInt64, epoch: Int) -> [Int] {
        permutation(count: count, seed: seed &+ UInt64(chunk), epoch: epoch)
    }
}

extension TrainingArrays: TrainingSource {
    public func check(for model: Model) throws(TrainingError) {
        _ = try ordered(for: model, checkLabels: true)
    }

    /// One block: all the arrays, in the epoch's permutation (or in order).
    public func pass(epoch: Int, seed: UInt64, shuffle: Bool) throws(TrainingError) -> any TrainingPass {
        let order = shuffle ? EpochOrder.permutation(count: count, seed: seed, epoch: epoch) : Array(0..<count)
        return SingleBlockPass(block: TrainingBlock(data: self, order: order))
    }
}

/// A pass of one block held in memory.
final class SingleBlockPass: TrainingPass {
    private var block: TrainingBlock?

    init(block: TrainingBlock) { self.block = block }

    func next() throws(TrainingError) -> TrainingBlock? {
        defer { block = nil }
        return block
    }
}
