/// An in-order command queue: transfers and kernel launches run in submission order.
/// Reads block; fills, copies, launches and ``enqueueWrite(copying:to:at:)`` return at once.
public final class CLQueue {
    let handle: QueueHandle
    public let context: CLContext
    /// Host copies of non-blocking writes, kept until the next blocking call (when the
    /// in-order queue has run them).
    private var pendingCopies: [UnsafeMutableRawBufferPointer] = []
    /// Kernel launches enqueued so far.
    public private(set) var launches = 0

    init(handle: QueueHandle, context: CLContext) {
        self.handle = handle
        self.context = context
    }

    deinit {
        try? CL.finish(handle)
        releaseCopies()
        CL.release(queue: handle)
    }

    private func releaseCopies() {
        for copy in pendingCopies { copy.deallocate() }
        pendingCopies.removeAll(keepingCapacity: true)
    }

    /// Copies `values` into `buffer` at element `offset` without waiting: the values are
    /// copied on the host first, so the caller's memory may go at once; the queue keeps the
    /// copy until its next blocking call (a read or ``finish()``).
    public func enqueueWrite(copying values: UnsafeBufferPointer<Float>, to buffer: CLBuffer, at offset: Int)
        throws(CLError)
    {
        guard !values.isEmpty else { return }
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: values.count * MemoryLayout<Float>.size,
                                                          alignment: 64)
        copy.copyMemory(from: UnsafeRawBufferPointer(values))
        pendingCopies.append(copy)
        try CL.write(handle, buffer.handle, offset: offset * MemoryLayout<Float>.size,
                     bytes: UnsafeRawBufferPointer(copy), blocking: false)
    }

    /// Copies `values` into `buffer` at element `offset` (blocking, so `values` may go).
    public func write(_ values: UnsafeBufferPointer<Float>, to buffer: CLBuffer, at offset: Int) throws(CLError) {
        try CL.write(handle, buffer.handle, offset: offset * MemoryLayout<Float>.size,
                     bytes: UnsafeRawBufferPointer(values), blocking: true)
    }

    /// Reads `destination.count` floats from `buffer` at element `offset`, after every
    /// command before it.
    public func read(_ buffer: CLBuffer, at offset: Int, into destination: UnsafeMutableBufferPointer<Float>)
        throws(CLError)
    {
        try CL.read(handle, buffer.handle, offset: offset * MemoryLayout<Float>.size,
                    into: UnsafeMutableRawBufferPointer(destination))
        releaseCopies()
    }

    /// `count` floats of `buffer` from element `offset` as an array.
    public func read(_ buffer: CLBuffer, at offset: Int = 0, count: Int) throws(CLError) -> [Float] {
        var values = [Float](repeating: 0, count: count)
        try values.withUnsafeMutableBufferPointer { (p: inout UnsafeMutableBufferPointer<Float>) throws(CLError) in
            try read(buffer, at: offset, into: p)
        }
        return values
    }

    /// Sets `count` floats from element `offset` to `value`.
    public func fill(_ buffer: CLBuffer, with value: Float, at offset: Int = 0, count: Int) throws(CLError) {
        let size = MemoryLayout<Float>.size
        try CL.fill(handle, buffer.handle, value: value, offset: offset * size, bytes: count * size)
    }

    /// Copies `count` floats between buffers (or within one, without overlap).
    public func copy(_ source: CLBuffer, at sourceOffset: Int, to destination: CLBuffer, at destinationOffset: Int,
                     count: Int) throws(CLError) {
        let size = MemoryLayout<Float>.size
        try CL.copy(handle, from: source.handle, sourceOffset: sourceOffset * size, to: destination.handle,
                    destinationOffset: destinationOffset * size, bytes: count * size)
    }

    /// Launches `kernel` over `global` work items (1–3 dimensions) in work-groups of `local`
    /// (or the driver's choice when `nil`). `global` must be a multiple of `local`.
    @discardableResult
    public func launch(_ kernel: CLKernel, global: [Int], local: [Int]? = nil, arguments: [CLArgument],
                       event: Bool = false) throws(CLError) -> CLEvent? {
        precondition(!global.isEmpty && global.count <= 3 && (local == nil || local?.count == global.count),
                     "launch \(kernel.name): bad dimensions \(global) / \(String(describing: local))")
        if global.contains(0) { return nil }
        for (index, argument) in arguments.enumerated() {
            try CL.setArgument(kernel.handle, index, argument)
        }
        let made = try CL.enqueue(handle, kernel.handle, global: global, local: local, wantEvent: event)
        launches += 1
        return made.map(CLEvent.init(handle:))
    }

    /// Blocks until every command so far has completed.
    public func finish() throws(CLError) {
        try CL.finish(handle)
        releaseCopies()
    }

    /// Submits queued commands to the device without waiting.
    public func flush() throws(CLError) { try CL.flush(handle) }
}
