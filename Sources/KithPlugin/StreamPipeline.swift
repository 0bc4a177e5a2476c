import Foundation

/// Runs an importer's front stage (a scanner, a splitter) on a second
/// thread and hands its output back to the calling thread in batches, in
/// order, through a bounded queue, so that two cores share one import while
/// memory stays flat.
///
/// The input stream is only ever touched by the calling thread: it reads
/// chunks ahead and hands them to the producer (``nextChunk()``), so the
/// stream's progress counters need no locking and a progress bar drawn from
/// the `emit` callback stays correct. The producer owns whatever it builds
/// (C objects included) and hands over plain `Sendable` batches.
///
/// The calling thread handles the batches in the order they were pushed.
/// When `handle` throws, the producer is cancelled (its next
/// ``nextChunk()`` returns nil and its next ``push(_:)`` throws) and
/// ``run(stream:produce:handle:)`` waits for it before rethrowing. An error
/// the producer throws is rethrown after every batch it pushed was handled.
public final class StreamPipeline<Batch: Sendable>: @unchecked Sendable {
    // Everything below is guarded by `cond`.
    private let cond = NSCondition()
    private var batches: [Batch] = []
    private var chunks: [[UInt8]] = []
    private var firstChunk = 0
    private var inputEnded = false
    private var cancelled = false
    private var producerDone = false
    private var producerError: (any Error)?

    private let capacity: Int
    private let chunkSize: Int
    private let chunksAhead: Int
    private let stackSize: Int

    private struct Cancelled: Error {}

    /// A pipeline holding at most `capacity` batches between the threads,
    /// reading `chunkSize` bytes at a time and at most `chunksAhead` chunks
    /// ahead of the producer (so that it keeps working while the calling
    /// thread handles a long batch).
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
        cond.broadcast()
        return c
    }

    /// Hands a batch to the calling thread, waiting while the queue is full.
    /// Throws when the run was cancelled; let the error leave the producer.
    public func push(_ batch: Batch) throws {
        cond.lock()
        defer { cond.unlock() }
        while batches.count >= capacity && !cancelled { cond.wait() }
        if cancelled { throw Cancelled() }
        batches.append(batch)
        cond.broadcast()
    }

    private func producerFinished(_ error: (any Error)?) {
        cond.lock()
        producerDone = true
        producerError = error
        cond.broadcast()
        cond.unlock()
    }

    private func cancelAndWait() {
        cond.lock()
        cancelled = true
        cond.broadcast()
        while !producerDone { cond.wait() }
        cond.unlock()
    }

    // MARK: - Calling side

    private enum Work {
        case read
        case batch(Batch)
        case done
    }

    /// Runs `produce` on a new thread (it pulls input with ``nextChunk()``
    /// and hands results over with ``push(_:)``) and calls `handle` for
    /// every batch, in order, on this thread.
    public func run(
        stream: ByteStream, produce: @escaping @Sendable (StreamPipeline<Batch>) throws -> Void,
        handle: (Batch) throws -> Void
    ) throws {
        let thread = Thread { [self] in
            do {
                try produce(self)
                producerFinished(nil)
            } catch is Cancelled {
                producerFinished(nil)
            } catch {
                producerFinished(error)
            }
        }
        thread.stackSize = stackSize
        thread.start()
        while true {
            cond.lock()
            var work = Work.done
            while true {
                // Reading first: the producer must not wait for input
                // while this thread handles a batch.
                if chunks.count - firstChunk < chunksAhead && !inputEnded {
                    work = .read
                    break
                }
                if !batches.isEmpty {
                    work = .batch(batches.removeFirst())
                    cond.broadcast()
                    break
                }
                if producerDone {
                    work = .done
                    break
                }
                cond.wait()
            }
            cond.unlock()
            switch work {
            case .read:
                let c = stream.read(maxCount: chunkSize)
                cond.lock()
                if let c, !c.isEmpty { chunks.append(c) } else { inputEnded = true }
                cond.broadcast()
                cond.unlock()
            case .batch(let b):
                do {
                    try handle(b)
                } catch {
                    cancelAndWait()
                    throw error
                }
            case .done:
                if let e = producerError { throw e }
                return
            }
        }
    }
}
