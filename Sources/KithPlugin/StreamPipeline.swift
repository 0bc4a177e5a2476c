import Foundation

/// Runs an importer's front stage (a scanner, a splitter) on a second
/// thread, optionally a pure per-batch stage (parsing) on worker threads,
/// and hands the results back to the calling thread in order, through a
/// bounded queue, so that several cores share one import while memory stays
/// flat and the output is the same as a one-thread run.
///
/// The input stream is only ever touched by the calling thread: it reads
/// chunks ahead and hands them to the producer (``nextChunk()``), so the
/// stream's progress counters need no locking and a progress bar drawn from
/// the `handle` callback stays correct. The producer owns whatever it
/// builds (C objects included) and hands over plain `Sendable` batches.
///
/// Batches are handled in the order they were pushed, whichever thread
/// transformed them; the calling thread transforms batches too while it
/// waits, so a busy or descheduled worker never stalls the run. At most
/// `capacity` pushed batches are not yet handled.
///
/// When `handle` throws, the producer is cancelled (its next
/// ``nextChunk()`` returns nil and its next ``push(_:)`` throws) and `run`
/// waits for every thread before rethrowing. An error the producer throws
/// is rethrown after every batch it pushed was handled.
public final class StreamPipeline<Batch: Sendable, Output: Sendable>: @unchecked Sendable {
    // Everything below is guarded by `cond`.
    private let cond = NSCondition()
    private var chunks: [[UInt8]] = []
    private var firstChunk = 0
    private var inputEnded = false
    private var queued: [(Int, Batch)?] = []
    private var firstQueued = 0
    private var finished: [Int: Output] = [:]
    private var pushed = 0
    private var handled = 0
    private var cancelled = false
    private var producerDone = false
    private var producerError: (any Error)?
    private var workersRunning = 0

    private let capacity: Int
    private let chunkSize: Int
    private let chunksAhead: Int
    private let stackSize: Int

    private struct Cancelled: Error {}

    /// A pipeline with at most `capacity` batches between the producer and
    /// the calling thread, reading `chunkSize` bytes at a time and at most
    /// `chunksAhead` chunks ahead of the producer (so that it keeps working
    /// while the calling thread handles a long batch).
    public init(capacity: Int = 8, chunkSize: Int = 256 * 1024, chunksAhead: Int = 1, stackSize: Int = 8 << 20) {
        self.capacity = max(1, capacity)
        self.chunkSize = max(1, chunkSize)
        self.chunksAhead = max(1, chunksAhead)
        self.stackSize = stackSize
    }

    // MARK: - Producer side

    /// The next input chunk (never empty), or nil at the end of input or
    /// when the run was cancelled. Call it from the producer only.
    public func nextChunk() -> [UInt8]? {
        cond.lock()
        defer { cond.unlock() }
        while firstChunk == chunks.count && !inputEnded && !cancelled { cond.wait() }
        if cancelled || firstChunk == chunks.count { return nil }
        let c = chunks[firstChunk]
        chunks[firstChunk] = []
        firstChunk += 1
        if firstChunk == chunks.count {
            chunks.removeAll(keepingCapacity: true)
            firstChunk = 0
        }
        // Wake the reader once half the read-ahead is used, not per chunk
        // (each wake-up costs both other threads a trip through the kernel).
        if chunks.count - firstChunk <= chunksAhead / 2 { cond.broadcast() }
        return c
    }

    /// Hands a batch on, waiting while `capacity` batches are not yet
    /// handled. Throws when the run was cancelled; let the error leave the
    /// producer.
    public func push(_ batch: Batch) throws {
        cond.lock()
        defer { cond.unlock() }
        while pushed - handled >= capacity && !cancelled { cond.wait() }
        if cancelled { throw Cancelled() }
        queued.append((pushed, batch))
        pushed += 1
        cond.broadcast()
    }

    private func producerFinished(_ error: (any Error)?) {
        cond.lock()
        producerDone = true
        producerError = error
        cond.broadcast()
        cond.unlock()
    }

    /// Takes the oldest batch no thread has started on. Call with `cond` held.
    private func takeQueued() -> (Int, Batch)? {
        guard firstQueued < queued.count else { return nil }
        // Moved out, so that the taker holds the only reference.
        let item = queued[firstQueued].take()
        firstQueued += 1
        if firstQueued == queued.count {
            queued.removeAll(keepingCapacity: true)
            firstQueued = 0
        } else if firstQueued >= 64 {
            queued.removeFirst(firstQueued)
            firstQueued = 0
        }
        return item
    }

    private func startWorker(_ makeTransform: @escaping @Sendable () -> (Batch) -> Output) {
        workersRunning += 1
        let thread = Thread { [self] in
            let transform = makeTransform()
            cond.lock()
            while true {
                if cancelled { break }
                if let (seq, batch) = takeQueued() {
                    cond.unlock()
                    let out = transform(batch)
                    cond.lock()
                    finished[seq] = out
                    cond.broadcast()
                    continue
                }
                if producerDone { break }
                cond.wait()
            }
            workersRunning -= 1
            cond.broadcast()
            cond.unlock()
        }
        thread.stackSize = stackSize
        thread.start()
    }

    private func cancelAndWait() {
        cond.lock()
        cancelled = true
        cond.broadcast()
        while !producerDone || workersRunning > 0 { cond.wait() }
        cond.unlock()
    }

    // MARK: - Calling side

    private enum Work {
        case read
        case handle(Output)
        case transform(Int, Batch)
        case done
    }

    /// Runs `produce` on a new thread (it pulls input with ``nextChunk()``
    /// and hands batches on with ``push(_:)``), `transform` on `workers`
    /// more threads and on this one, and calls `handle` for every
    /// transformed batch, in order, on this thread. `transform` must be
    /// pure: which thread runs it must not matter. `handle` gets the only
    /// reference to its batch, so it can change it in place without a copy.
    public func run(
        stream: ByteStream, workers: Int, produce: @escaping @Sendable (StreamPipeline) throws -> Void,
        transform: @escaping @Sendable (Batch) -> Output, handle: (inout Output) throws -> Void
    ) throws {
        try run(stream: stream, workers: workers, produce: produce, makeTransform: { transform }, handle: handle)
    }

    /// Like `run(stream:workers:produce:transform:handle:)`, for a transform
    /// with scratch state: every thread that transforms (each worker, and
    /// this one on its first batch) calls `makeTransform` once, on itself,
    /// and uses the result for every batch it takes, so that state needs no
    /// locking. The output must still not depend on which thread made it.
    public func run(
        stream: ByteStream, workers: Int, produce: @escaping @Sendable (StreamPipeline) throws -> Void,
        makeTransform: @escaping @Sendable () -> (Batch) -> Output, handle: (inout Output) throws -> Void
    ) throws {
        let producer = Thread { [self] in
            do {
                try produce(self)
                producerFinished(nil)
            } catch is Cancelled {
                producerFinished(nil)
            } catch {
                producerFinished(error)
            }
        }
        producer.stackSize = stackSize
        producer.start()
        cond.lock()
        for _ in 0..<max(0, workers) { startWorker(makeTransform) }
        cond.unlock()
        var transform: ((Batch) -> Output)?
        while true {
            cond.lock()
            var work = Work.done
            while true {
                // Reading first: the producer must not wait for input while
                // this thread handles a batch.
                if chunks.count - firstChunk < chunksAhead && !inputEnded {
                    work = .read
                    break
                }
                if let out = finished.removeValue(forKey: handled) {
                    work = .handle(out)
                    break
                }
                if let (seq, batch) = takeQueued() {
                    work = .transform(seq, batch)
                    break
                }
                if producerDone && handled == pushed {
                    work = .done
                    break
                }
                cond.wait()
            }
            cond.unlock()
            // Consumed, so that `handle` gets the only reference.
            switch consume work {
            case .read:
                // Straight from the file into the chunk (no intermediate copies).
                let c = [UInt8](unsafeUninitializedCapacity: chunkSize) { buf, count in
                    count = stream.read(into: buf.baseAddress!, maxCount: chunkSize)
                }
                cond.lock()
                if !c.isEmpty { chunks.append(c) } else { inputEnded = true }
                cond.broadcast()
                cond.unlock()
            case .transform(let seq, let batch):
                if transform == nil { transform = makeTransform() }
                let out = transform!(batch)
                cond.lock()
                finished[seq] = out
                cond.unlock()
            case .handle(var out):
                do {
                    try handle(&out)
                } catch {
                    cancelAndWait()
                    throw error
                }
                cond.lock()
                handled += 1
                cond.broadcast()
                cond.unlock()
            case .done:
                cancelAndWait()  // lets the workers go
                if let e = producerError { throw e }
                return
            }
        }
    }
}

extension StreamPipeline where Output == Batch {
    /// Runs `produce` on a new thread and calls `handle` for every batch it
    /// pushes, in order, on this thread.
    public func run(
        stream: ByteStream, produce: @escaping @Sendable (StreamPipeline) throws -> Void, handle: (Batch) throws -> Void
    ) throws {
        try run(stream: stream, workers: 0, produce: produce, transform: { $0 }, handle: { try handle($0) })
    }
}
