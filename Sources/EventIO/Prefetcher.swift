import Foundation
import Training

/// Reads the items `0 ..< count` of a list on a thread of its own, one ahead of the
/// consumer: while the consumer works on item k, item k+1 is read (I/O overlapping
/// compute). At most one read item waits, so memory holds the consumer's item, the waiting
/// one and the one being read. Dropping the prefetcher stops its thread after the read
/// under way and waits for it, so no read outlives it.
final class Prefetcher<Element: Sendable> {
    private final class State: @unchecked Sendable {
        let condition = NSCondition()
        var ready: Result<Element, any Error>?
        var cancelled = false
        var exited = false
    }

    private let state = State()
    private let count: Int
    private var taken = 0

    init(count: Int, read: @escaping @Sendable (Int) throws -> Element) {
        self.count = count
        let state = self.state
        let thread = Thread {
            for k in 0..<count {
                state.condition.lock()
                while state.ready != nil, !state.cancelled { state.condition.wait() }
                let stop = state.cancelled
                state.condition.unlock()
                if stop { break }
                let result = Result { try read(k) }
                state.condition.lock()
                state.ready = result
                state.condition.broadcast()
                state.condition.unlock()
                if case .failure = result { break }
            }
            state.condition.lock()
            state.exited = true
            state.condition.broadcast()
            state.condition.unlock()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The next item, or nil after the last; a failed read's error is thrown (and ends the
    /// list).
    func next() throws -> Element? {
        guard taken < count else { return nil }
        state.condition.lock()
        while state.ready == nil, !state.exited { state.condition.wait() }
        let result = state.ready
        state.ready = nil
        state.condition.broadcast()
        state.condition.unlock()
        guard let result else {
            taken = count
            return nil
        }
        taken += 1
        if case .failure = result { taken = count }
        return try result.get()
    }

    deinit {
        state.condition.lock()
        state.cancelled = true
        state.condition.broadcast()
        while !state.exited { state.condition.wait() }
        state.condition.unlock()
    }
}

/// A ``TrainingPass`` whose blocks a ``Prefetcher`` reads.
final class PrefetchPass: TrainingPass {
    private let prefetcher: Prefetcher<TrainingBlock>

    init(blocks: Int, read: @escaping @Sendable (Int) throws -> TrainingBlock) {
        prefetcher = Prefetcher(count: blocks, read: read)
    }

    func next() throws(TrainingError) -> TrainingBlock? {
        do {
            return try prefetcher.next()
        } catch let error as TrainingError {
            throw error
        } catch {
            throw .source("\(error)")
        }
    }
}
