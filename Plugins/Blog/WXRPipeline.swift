import Foundation
import KithPlugin
import KithXML

/// Runs the WXR scanner on a second thread and the builder on the calling
/// one, through a `StreamPipeline` (bounded hand-over, so memory stays flat).
///
/// The input stream is only ever touched by the calling thread; libxml2
/// objects live and die on the scanner's thread.
struct WXRPipeline {
    /// Events per batch handed over.
    private let batchSize = 256

    /// Reads `stream` through the scanner thread, calling `handle` for every
    /// event in document order on this thread.
    func run(stream: ByteStream, file: String, handle: (WXREvent) throws -> Void) throws {
        let batchSize = batchSize
        try StreamPipeline<[WXREvent], [WXREvent]>(capacity: 8).run(stream: stream) { pipe in
            var pending: [UInt8] = []
            var offset = 0
            let reader: XMLStreamReader
            do {
                reader = try XMLStreamReader(url: nil, options: XMLReaderOptions(ignoreBlankNodes: true)) { buffer in
                    if offset >= pending.count {
                        guard let next = pipe.nextChunk() else { return 0 }
                        pending = next
                        offset = 0
                    }
                    let n = min(buffer.count, pending.count - offset)
                    pending.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
                    offset += n
                    return n
                }
            } catch {
                throw PluginError(.unreadable, "cannot start the XML reader: \(error)", file: file)
            }
            var batch: [WXREvent] = []
            batch.reserveCapacity(batchSize)
            try WXRScanner(reader: reader).run { event in
                batch.append(event)
                if batch.count >= batchSize {
                    try pipe.push(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try pipe.push(batch) }
        } handle: { events in
            for e in events { try handle(e) }
        }
    }
}
