import Dispatch

/// A graph compiled for one mode: evaluates every node on a block of events held in a
/// workspace, and copies a node's block back to event-major order.
protocol BlockProgram: Sendable {
    associatedtype Element: Numeric
    associatedtype Workspace

    /// Values per event of each node.
    var sizes: [Int] { get }
    func makeWorkspace(blockSize: Int) -> Workspace
    /// Evaluates every node for events `start ..< start + count` (`count ≤ blockSize`).
    func evaluate(start: Int, count: Int, inputs: [UnsafePointer<Float>], workspace: Workspace)
    /// Copies node `node`'s values for the block's `count` events, event-major, to `target`.
    func copyOut(node: Int, count: Int, workspace: Workspace, to target: UnsafeMutablePointer<Element>)
}

/// A pointer handed to worker threads that write disjoint ranges of it.
struct SharedPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}

/// Splits a batch into blocks and evaluates them on worker threads.
enum BlockRunner {
    /// Evaluates `program` on `count` events; returns the values of the `kept` nodes,
    /// event-major.
    static func run<P: BlockProgram>(
        _ program: P, inputs: [Batch], count: Int, keeping kept: [Int], options: InterpreterOptions
    ) -> [[P.Element]] {
        let blockSize = options.blockSize
        let blocks = (count + blockSize - 1) / blockSize
        let workers = min(options.threads, blocks)
        var results = kept.map { [P.Element](repeating: 0, count: count * program.sizes[$0]) }
        guard blocks > 0 else { return results }

        // Inputs and results are pinned for the duration of the parallel loop.
        let inputCopies = inputs.map { batch in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, batch.values.count))
            p.initialize(from: batch.values, count: batch.values.count)
            return SharedPointer(base: p)
        }
        let targets = results.indices.map { i in
            let p = UnsafeMutablePointer<P.Element>.allocate(capacity: max(1, results[i].count))
            return SharedPointer(base: p)
        }
        defer {
            for p in inputCopies { p.base.deallocate() }
            for p in targets { p.base.deallocate() }
        }
        let sizes = kept.map { program.sizes[$0] }
        let work: @Sendable (Int) -> Void = { worker in
            let workspace = program.makeWorkspace(blockSize: blockSize)
            let inputPointers = inputCopies.map { UnsafePointer($0.base) }
            var block = worker
            while block < blocks {
                let start = block * blockSize
                let n = min(blockSize, count - start)
                program.evaluate(start: start, count: n, inputs: inputPointers, workspace: workspace)
                for (k, node) in kept.enumerated() {
                    program.copyOut(
                        node: node, count: n, workspace: workspace,
                        to: targets[k].base + start * sizes[k])
                }
                block += workers
            }
        }
        if workers == 1 {
            work(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: workers, execute: work)
        }
        for i in results.indices {
            results[i].withUnsafeMutableBufferPointer { buffer in
                if let base = buffer.baseAddress {
                    base.update(from: targets[i].base, count: buffer.count)
                }
            }
        }
        return results
    }
}
