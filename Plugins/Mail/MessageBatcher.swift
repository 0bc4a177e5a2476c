/// Gathers split messages into batches for parsing: small ones first (so
/// the first records come out at once, and a consumer that stops early has
/// read little), then up to 256 messages (32 with snippets, whose bodies
/// are kept) or 8 MiB.
struct MessageBatcher: Sendable {
    /// Messages read before this input (earlier files of a folder).
    var firstRecord: Int
    /// Whether message bodies are captured (smaller batches).
    var snippets: Bool

    private static let firstBatch = 16
    private static let maxBytes = 8 << 20

    /// Splits every message and hands the batches to `deliver`, numbering
    /// messages from `firstRecord + 1`.
    func run(_ splitter: MessageSplitter, deliver: ([RawMessage]) throws -> Void) throws {
        let maxBatch = snippets ? 32 : 256
        var limit = min(Self.firstBatch, maxBatch)
        var record = firstRecord
        var batch: [RawMessage] = []
        batch.reserveCapacity(limit)
        var batchBytes = 0
        var raw = RawMessage()
        while splitter.next(into: &raw) {
            record += 1
            raw.index = record
            batchBytes += raw.header.count + raw.body.count
            batch.append(consume raw)
            raw = RawMessage()
            if batch.count >= limit || batchBytes >= Self.maxBytes {
                try deliver(batch)
                // A new array: the delivered one may now belong to another thread.
                limit = min(limit * 2, maxBatch)
                batch = []
                batch.reserveCapacity(limit)
                batchBytes = 0
            }
        }
        if !batch.isEmpty { try deliver(batch) }
    }
}

/// Hands out the chunks of a `StreamPipeline` no larger than a
/// `LineSource` asks for.
final class ChunkFeed {
    private let next: () -> [UInt8]?
    private var pending: [UInt8] = []
    private var offset = 0

    init(_ next: @escaping () -> [UInt8]?) { self.next = next }

    /// Copies up to `maxCount` more bytes to `destination`; returns how
    /// many (0 at the end).
    func read(into destination: UnsafeMutableRawPointer, maxCount: Int) -> Int {
        guard maxCount > 0 else { return 0 }
        if offset >= pending.count {
            guard let c = next() else { return 0 }
            pending = c
            offset = 0
        }
        let n = min(maxCount, pending.count - offset)
        pending.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }

    /// Up to `maxCount` more bytes; nil at the end.
    func read(maxCount: Int) -> [UInt8]? {
        if offset >= pending.count {
            guard let c = next() else { return nil }
            pending = c
            offset = 0
        }
        if offset == 0 && pending.count <= maxCount {
            offset = pending.count
            return pending
        }
        let n = min(maxCount, pending.count - offset)
        defer { offset += n }
        return Array(pending[offset..<(offset + n)])
    }
}
