import Foundation
import KithPlugin
import KithXML

/// Runs the WXR scanner on a second thread and the builder on the calling
/// one, with a bounded hand-over in between (memory stays flat).
///
/// The input stream is only ever touched by the calling thread: it reads
/// chunks ahead and hands them to the scanner, so progress counters on the
/// stream need no locking. libxml2 objects live and die on the scanner's
/// thread.
final class WXRPipeline: @unchecked Sendable {
    // Everything below is guarded by `cond`.
    private let cond = NSCondition()
    private var batches: [[WXREvent]] = []
    private var chunk: [UInt8]?
    private var inputEnded = false
    private var cancelled = false
    private var producerDone = false
    private var producerError: XMLError?

    /// Batches waiting at most (each up to `batchSize` events).
    private let capacity = 8
    private let batchSize = 256

    private struct Cancelled: Error {}

    /// Scanner side: the next input chunk, or nil at the end (or when the
    /// run was cancelled).
    private func nextChunk() -> [UInt8]? {
        cond.lock()
        defer { cond.unlock() }
        while chunk == nil && !inputEnded && !cancelled { cond.wait() }
        if cancelled { return nil }
        let c = chunk
        chunk = nil
        cond.broadcast()
        return c
    }

    /// Scanner side: hands a batch over, waiting while the queue is full.
    private func push(_ batch: [WXREvent]) throws {
        cond.lock()
        defer { cond.unlock() }
        while batches.count >= capacity && !cancelled { cond.wait() }
        if cancelled { throw Cancelled() }
        batches.append(batch)
        cond.broadcast()
    }

    private func producerFinished(_ error: XMLError?) {
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

    private func startScanner() {
        let thread = Thread { [self] in
            var pending: [UInt8] = []
            var offset = 0
            do {
                let reader = try XMLStreamReader(url: nil, options: XMLReaderOptions(ignoreBlankNodes: true)) { buffer in
                    if offset >= pending.count {
                        guard let next = self.nextChunk() else { return 0 }
                        pending = next
                        offset = 0
                    }
                    let n = min(buffer.count, pending.count - offset)
                    pending.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
                    offset += n
                    return n
                }
                var batch: [WXREvent] = []
                batch.reserveCapacity(batchSize)
                try WXRScanner(reader: reader).run { event in
                    batch.append(event)
                    if batch.count >= self.batchSize {
                        try self.push(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                if !batch.isEmpty { try push(batch) }
                producerFinished(nil)
            } catch let e as XMLError {
                producerFinished(e)
            } catch {
                producerFinished(nil)
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    private enum Work {
        case read
        case batch([WXREvent])
        case done
    }

    /// Reads `stream` through the scanner thread, calling `handle` for every
    /// event in document order on this thread.
    func run(stream: ByteStream, file: String, handle: (WXREvent) throws -> Void) throws {
        startScanner()
        while true {
            cond.lock()
            var work = Work.done
            while true {
                if chunk == nil && !inputEnded {
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
                let c = stream.read(maxCount: 256 * 1024)
                cond.lock()
                if let c, !c.isEmpty { chunk = c } else { inputEnded = true }
                cond.broadcast()
                cond.unlock()
            case .batch(let events):
                do {
                    for e in events { try handle(e) }
                } catch {
                    cancelAndWait()
                    throw error
                }
            case .done:
                if let e = producerError { throw PluginError(.unreadable, "cannot start the XML reader: \(e)", file: file) }
                return
            }
        }
    }
}
