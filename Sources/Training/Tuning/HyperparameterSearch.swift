import Foundation

/// Runs a search's trials, several at once, recording each result in `tune.json` and
/// `results.csv` as it finishes, so that a search killed midway resumes with the trials it
/// had not finished (see ``SearchRecord``). What a trial is (a `trigc train` process, a
/// function in a test) is the caller's.
public final class HyperparameterSearch: @unchecked Sendable {
    public let folder: URL
    public let classes: [String]
    private let lock = NSLock()
    private var current: SearchRecord
    private var writeFailure: TuningError?
    /// The next trial of the running queue to hand out.
    private var nextIndex = 0

    /// A search into `folder`: `record` is the one asked for; the results of an earlier run
    /// of the same search in `folder` are kept. Throws when `folder` holds another search.
    public init(folder: URL, record: SearchRecord, classes: [String]) throws(TuningError) {
        self.folder = folder
        self.classes = classes
        var record = record
        if let earlier = try SearchRecord.read(in: folder) {
            guard earlier.isSameSearch(as: record) else { throw .otherSearch(folder: folder.path) }
            if let then = earlier.data, let now = record.data, then != now {
                throw .dataChanged(folder: folder.path, data: record.trainArguments.drop { $0 != "--data" }.dropFirst().first ?? "the data")
            }
            record.results = earlier.results
            record.data = earlier.data ?? record.data
        }
        current = record
    }

    public var record: SearchRecord { lock.withLock { current } }

    /// The trials still to run (not finished in an earlier run).
    public var pending: [Trial] {
        let done = Set(record.results.filter { $0.failure == nil }.map(\.trial.number))
        return record.space.trials.filter { !done.contains($0.number) }
    }

    /// Runs every pending trial, `parallel` at once, each on a thread of its own (which
    /// `runTrial` may block); `runTrial`'s flag says the trial failed in an earlier run (so
    /// it should start afresh rather than continue); `onFinish` sees each result with the
    /// count finished so far, one at a time. Returns the record with every result.
    @discardableResult
    public func run(parallel: Int, runTrial: @escaping @Sendable (Trial, Bool) -> TrialResult,
                    onFinish: @escaping @Sendable (TrialResult, Int, Int) -> Void) throws(TuningError) -> SearchRecord {
        try record.write(in: folder, classes: classes)
        let queue = pending
        let failedBefore = Set(record.results.filter { $0.failure != nil }.map(\.trial.number))
        let total = record.space.trials.count
        lock.withLock { nextIndex = 0 }
        let group = DispatchGroup()
        for _ in 0..<max(1, min(parallel, queue.count)) {
            group.enter()
            let worker = Thread { [self] in
                defer { group.leave() }
                while true {
                    let trial: Trial? = lock.withLock {
                        guard nextIndex < queue.count else { return nil }
                        nextIndex += 1
                        return queue[nextIndex - 1]
                    }
                    guard let trial else { return }
                    let result = runTrial(trial, failedBefore.contains(trial.number))
                    lock.withLock {
                        current.results.removeAll { $0.trial.number == trial.number }
                        current.results.append(result)
                        current.results.sort { $0.trial.number < $1.trial.number }
                        do throws(TuningError) { try current.write(in: folder, classes: classes) } catch { writeFailure = error }
                        onFinish(result, current.results.filter { $0.failure == nil }.count, total)
                    }
                }
            }
            worker.stackSize = 8 << 20
            worker.start()
        }
        group.wait()
        if let writeFailure { throw writeFailure }
        return record
    }
}
