import Foundation

/// Transforms work items on worker threads and hands the results back in the
/// order the items were submitted, with a bounded number in flight (so
/// memory stays flat however long the input).
///
/// The calling thread owns both ends: it submits while `hasRoom`, and takes
/// results in order with `next()`, which works on queued items itself until
/// the oldest one is ready. Each worker thread builds its own transform once (with
/// `makeTransform`, on that thread), so per-thread scratch state needs no
/// locking. A typical loop:
///
/// ```swift
/// let map = OrderedParallelMap(workers: 2, maxInFlight: 8) { { batch in assemble(batch) } }
/// defer { map.shutdown() }
/// while true {
///     while !inputDone && map.hasRoom { if let b = read() { map.submit(b) } else { inputDone = true } }
///     guard let result = map.next() else { break }
///     try deliver(result)
/// }
/// ```
///
/// `shutdown()` must be called (also after an error): it stops and joins the
/// workers. Not `Sendable` for callers: one thread drives it.
public final class OrderedParallelMap<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    // Everything below is guarded by `cond`.
    private let cond = NSCondition()
    private var queue: [(seq: Int, input: Input)] = []
    private var queueHead = 0
    private var results: [Int: Output] = [:]
    private var nextSubmit = 0
    private var nextTake = 0
    private var stopping = false
    private var running = 0

    /// Items submitted and not yet taken back.
    public let maxInFlight: Int
    private let makeTransform: @Sendable () -> (Input) -> Output
    /// The calling thread's transform (only touched by that thread).
    private var callerTransform: ((Input) -> Output)?

    /// Starts `workers` threads (none is allowed: the caller then does all
    /// the work in `next()`), each calling `makeTransform` once and then its
    /// result for every item it picks up.
    public init(workers: Int, maxInFlight: Int, makeTransform: @escaping @Sendable () -> (Input) -> Output) {
        self.maxInFlight = max(1, maxInFlight)
        self.makeTransform = makeTransform
        let n = max(0, workers)
        running = n
        for _ in 0..<n {
            let thread = Thread { [self] in
                let transform = makeTransform()
                while let (seq, input) = take() {
                    let output = transform(input)
                    cond.lock()
                    results[seq] = output
                    cond.broadcast()
                    cond.unlock()
                }
                cond.lock()
                running -= 1
                cond.broadcast()
                cond.unlock()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Worker side: the next item, or nil when stopping.
    private func take() -> (Int, Input)? {
        cond.lock()
        defer { cond.unlock() }
        while queueHead >= queue.count && !stopping { cond.wait() }
        if stopping { return nil }
        let item = queue[queueHead]
        queueHead += 1
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        }
        return item
    }

    /// True while fewer than `maxInFlight` items are submitted and not taken.
    public var hasRoom: Bool {
        cond.lock()
        defer { cond.unlock() }
        return nextSubmit - nextTake < maxInFlight
    }

    /// Queues an item (check `hasRoom` first to keep memory bounded).
    public func submit(_ input: Input) {
        cond.lock()
        queue.append((nextSubmit, input))
        nextSubmit += 1
        cond.signal()
        cond.unlock()
    }

    /// The result of the oldest item not yet taken; nil when every submitted
    /// item has been taken. While that result is not ready, the calling
    /// thread transforms queued items itself (with its own transform, made
    /// on first use) rather than wait: the caller is a worker too, so
    /// `workers` can be one less than the cores to use, and memory the
    /// caller frees (the results it consumes) is reused by the mallocs of its
    /// own transforms instead of piling up in another thread's arena.
    public func next() -> Output? {
        cond.lock()
        defer { cond.unlock() }
        guard nextTake < nextSubmit else { return nil }
        while results[nextTake] == nil {
            if queueHead < queue.count {
                let (seq, input) = queue[queueHead]
                queueHead += 1
                if queueHead == queue.count {
                    queue.removeAll(keepingCapacity: true)
                    queueHead = 0
                }
                cond.unlock()
                if callerTransform == nil { callerTransform = makeTransform() }
                let output = callerTransform!(input)
                cond.lock()
                results[seq] = output
            } else {
                cond.wait()
            }
        }
        let output = results.removeValue(forKey: nextTake)
        nextTake += 1
        return output
    }

    /// Stops the workers (dropping items not yet started) and waits until
    /// all of them have exited.
    public func shutdown() {
        cond.lock()
        stopping = true
        cond.broadcast()
        while running > 0 { cond.wait() }
        queue.removeAll()
        queueHead = 0
        results.removeAll()
        cond.unlock()
    }
}
