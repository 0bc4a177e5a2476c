import Foundation
import KithModel
import KithPlugin

// Reading with `threads=N` (see docs/vcard.md): a second thread splits the
// input into batches of whole cards, worker threads (and the calling one
// while it waits) read each batch with a session of its own, and the
// calling thread hands the events on in input order, through
// `StreamPipeline`. The events are the one-thread reader's, byte for byte:
//
// - The splitter cuts only before a `BEGIN:VCARD` line (any case, blanks
//   after it) at column 0, where its own count of BEGIN and END lines says
//   no card is open (or, once a batch has grown to four times its size,
//   at any such line, so that a card without END does not stop the cutting).
//   It counts lines as `PhysicalLines` does, so line numbers carry over.
// - Each worker checks, at the end of its batch, that reading the next
//   batch's `BEGIN:VCARD` line would only end what `finish()` ends
//   (`VCardImportSession.endOfBatch`: no quoted-printable soft break open,
//   at most one open card, which cannot take a nested AGENT card).
// - The calling thread checks the rest: the record number the batch was
//   started from (the splitter's count of BEGIN lines, corrected by what
//   the calling thread found so far), UIDs seen in earlier batches (ids
//   are remade from the locator, as the one-thread reader does for a
//   repeated UID), and the first `vcard.junk` warning only.
// - Whatever does not check out (a batch ending inside a card, a wrong
//   record number, a repeated UID whose id an enclosing AGENT card took)
//   is read again on the calling thread by a session that carries the
//   whole state over, exactly as one thread would, until a batch ends
//   cleanly again. Such inputs are slower, never different.

/// Whole cards handed to a worker.
struct VCardBatch: Sendable {
    var bytes: [UInt8]
    /// The line number before the batch's first line.
    var firstLine: Int
    /// The record number before the batch's first card (a guess: checked).
    var firstCard: Int
    /// The splitter's own count of BEGIN lines after the batch.
    var rawCardsAfter: Int
    var isLast: Bool
}

/// A batch read by a fresh session.
struct VCardBatchResult: Sendable {
    var batch: VCardBatch
    var events: [ImportEvent]
    var summary: ImportSummary
    /// `finish()` or `endOfBatch()` ended the batch.
    var clean: Bool
    var cardIndex: Int
    var agentUsedID: Bool
}

/// The record-number correction the calling thread found, for the splitter.
private final class CardCountCorrection: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func get() -> Int {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
    func set(_ v: Int) {
        lock.lock()
        value = v
        lock.unlock()
    }
}

enum VCardParallel {
    /// Batch size the splitter aims at.
    static let batchBytes = 64 * 1024

    /// True for a `BEGIN:VCARD` line (any case, blanks after it).
    @inline(__always)
    static func isBegin(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool { isMarker(p, count, "begin:vcard") }

    /// True for an `END:VCARD` line (any case, blanks after it).
    @inline(__always)
    static func isEnd(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool { isMarker(p, count, "end:vcard") }

    /// True for a line that is `word` (lower-case ASCII; the line in any
    /// case) followed by blanks only.
    @inline(__always)
    private static func isMarker(_ p: UnsafePointer<UInt8>, _ count: Int, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        let s = word.utf8Start
        guard count >= n, p[0] | 0x20 == s[0] else { return false }
        for k in 1..<n where p[k] | 0x20 != s[k] { return false }
        for k in n..<count where p[k] != 0x20 && p[k] != 0x09 { return false }
        return true
    }

    /// Reads `stream` (UTF-8, past any byte order mark) with `threads`
    /// threads parsing; `batchBytes` is the size batches are cut at (tests
    /// use tiny ones).
    static func read(
        _ stream: ByteStream, name: String, plugin: String, fallbackCharset: String?, threads: Int,
        batchBytes: Int = VCardParallel.batchBytes, emit: (ImportEvent) throws -> Void
    ) throws -> ImportSummary {
        let correction = CardCountCorrection()
        let target = max(1, batchBytes)
        let produce: @Sendable (StreamPipeline<VCardBatch, VCardBatchResult>) throws -> Void = { pipe in
            try split(pipe, target: target, correction: correction)
        }
        let transform: @Sendable (VCardBatch) -> VCardBatchResult = { batch in
            parse(batch, name: name, plugin: plugin, fallbackCharset: fallbackCharset)
        }
        var handler = InOrder(file: name, plugin: plugin, fallbackCharset: fallbackCharset, correction: correction)
        try StreamPipeline<VCardBatch, VCardBatchResult>(capacity: 4, chunkSize: 64 << 10, chunksAhead: 8).run(
            stream: stream, workers: max(0, threads - 1), produce: produce, transform: transform,
            handle: { try handler.handle(&$0, emit: emit) })
        return handler.summary
    }

    /// Cuts the input into batches (see the top of the file).
    private static func split(
        _ pipe: StreamPipeline<VCardBatch, VCardBatchResult>, target: Int, correction: CardCountCorrection
    ) throws {
        var buf: [UInt8] = []
        var scan = 0  // start of the first line not yet looked at
        var line = 0  // lines before `scan`
        var cards = 0  // BEGIN lines before `scan`
        var depth = 0
        var batchLine = 0, batchCards = 0
        var atEnd = false
        // Cuts found in one pass: (offset, lines before, BEGIN lines before).
        var cuts: [(Int, Int, Int)] = []
        while true {
            if !atEnd {
                if let c = pipe.nextChunk() { buf.append(contentsOf: c) } else { atEnd = true }
            }
            cuts.removeAll(keepingCapacity: true)
            buf.withUnsafeBufferPointer { p in
                guard let base = p.baseAddress else { return }
                let count = p.count
                var start = scan
                var batchStart = 0
                // As `PhysicalLines.split`: LF, CRLF or a lone CR end a line;
                // a last line without its end waits for more input.
                while start < count {
                    let lf = memchr(base + start, 0x0A, count - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? count
                    var end = lf
                    var next = lf + 1
                    if lf > start, let crp = memchr(base + start, 0x0D, lf - start) {
                        let cr = UnsafePointer(crp.assumingMemoryBound(to: UInt8.self)) - base
                        if cr + 1 >= count && !atEnd { break }
                        end = cr
                        next = cr + 1 < count && base[cr + 1] == 0x0A ? cr + 2 : cr + 1
                    } else if lf == count && !atEnd {
                        break
                    }
                    let n = end - start
                    if isBegin(base + start, n) {
                        let size = start - batchStart
                        if size >= target && (depth == 0 || size >= 4 * target) {
                            cuts.append((start, line, cards))
                            batchStart = start
                            depth = 0
                        }
                        depth += 1
                        cards += 1
                    } else if depth > 0 && isEnd(base + start, n) {
                        depth -= 1
                    }
                    line += 1
                    start = min(next, count)
                }
                scan = start
            }
            // Hand the batches on; the rest of `buf` starts the next one.
            var from = 0
            for (offset, linesBefore, cardsBefore) in cuts {
                let fix = correction.get()
                try pipe.push(VCardBatch(
                    bytes: Array(buf[from..<offset]), firstLine: batchLine, firstCard: batchCards + fix,
                    rawCardsAfter: cardsBefore, isLast: false))
                from = offset
                batchLine = linesBefore
                batchCards = cardsBefore
            }
            if from > 0 {
                buf.removeSubrange(0..<from)
                scan -= from
            }
            if atEnd {
                try pipe.push(VCardBatch(
                    bytes: buf, firstLine: batchLine, firstCard: batchCards + correction.get(), rawCardsAfter: cards,
                    isLast: true))
                return
            }
        }
    }

    /// Reads one batch with a fresh session.
    static func parse(_ batch: VCardBatch, name: String, plugin: String, fallbackCharset: String?) -> VCardBatchResult {
        var s = VCardImportSession(file: name, plugin: plugin, fallbackCharset: fallbackCharset)
        s.cardIndex = batch.firstCard
        s.batchMode = true
        // About one event a card (150 bytes and more): not grown by copying.
        s.out.reserveCapacity(batch.bytes.count / 128 + 4)
        feed(&s, batch)
        let clean: Bool
        if batch.isLast {
            s.finish()
            clean = true
        } else {
            clean = s.endOfBatch()
        }
        return VCardBatchResult(
            batch: batch, events: s.out, summary: s.summary, clean: clean, cardIndex: s.cardIndex, agentUsedID: s.agentUsedID)
    }

    static func feed(_ s: inout VCardImportSession, _ batch: VCardBatch) {
        var n = batch.firstLine
        batch.bytes.withUnsafeBufferPointer { p in
            _ = PhysicalLines.split(p, atEnd: true, &n) { l, n in s.physical(l, n) }
        }
    }

    /// The calling thread's side: checks each batch and emits its events,
    /// or reads it again with the whole state.
    private struct InOrder {
        let file: String
        let plugin: String
        let fallbackCharset: String?
        let correction: CardCountCorrection
        var summary = ImportSummary()
        var cardIndex = 0
        var seenUIDs = UIDSet()
        var junkReported = false
        static let placeholder = Diagnostic(severity: .note, file: "", message: "", code: "")
        /// The one-thread session while a batch ended inside a card.
        var carry: VCardImportSession?

        init(file: String, plugin: String, fallbackCharset: String?, correction: CardCountCorrection) {
            self.file = file
            self.plugin = plugin
            self.fallbackCharset = fallbackCharset
            self.correction = correction
        }

        mutating func handle(_ r: inout VCardBatchResult, emit: (ImportEvent) throws -> Void) throws {
            // An AGENT card's id in its enclosing card may have been made
            // from a UID seen before: rare, read again.
            if carry == nil && r.clean && r.batch.firstCard == cardIndex && !r.agentUsedID {
                try accept(&r, emit)
            } else {
                try reread(r.batch, emit)
            }
        }

        private mutating func accept(_ r: inout VCardBatchResult, _ emit: (ImportEvent) throws -> Void) throws {
            // Each event is moved out (a placeholder left in its place), not
            // copied: `reverse()` and `popLast()` cost about 1,000
            // instructions a card (callgrind), a copy retains every field.
            let placeholder = ImportEvent.diagnostic(Self.placeholder)
            try r.events.withUnsafeMutableBufferPointer { p in
                guard let base = p.baseAddress else { return }
                for i in 0..<p.count {
                    let e = (base + i).move()
                    (base + i).initialize(to: placeholder)
                    switch consume e {
                    case .contact(var c):
                        if let u = c.sources.first?.recordId, !seenUIDs.insert(u) {
                            // A repeated UID: the id comes from the locator.
                            c.id = StableID.record(plugin: plugin, file: file, locator: c.sources[0].locator, recordId: nil)
                        }
                        try emit(.contact(c))
                    case .diagnostic(let d) where d.code == "vcard.junk":
                        if junkReported { continue }
                        junkReported = true
                        try emit(.diagnostic(d))
                    case let other:
                        try emit(other)
                    }
                }
            }
            summary.recordsRead += r.summary.recordsRead
            summary.recordsRejected += r.summary.recordsRejected
            cardIndex = r.cardIndex
            correction.set(cardIndex - r.batch.rawCardsAfter)
        }

        /// Reads a batch on this thread with the state one thread would have.
        private mutating func reread(_ batch: VCardBatch, _ emit: (ImportEvent) throws -> Void) throws {
            var s: VCardImportSession
            if let c = carry.take() {
                s = c
            } else {
                s = VCardImportSession(file: file, plugin: plugin, fallbackCharset: fallbackCharset)
                s.cardIndex = cardIndex
                s.junkReported = junkReported
                swap(&s.seenUIDs, &seenUIDs)
            }
            feed(&s, batch)
            let done: Bool
            if batch.isLast {
                s.finish()
                done = true
            } else {
                done = s.endOfBatch()
            }
            var events: [ImportEvent] = []
            swap(&events, &s.out)
            events.reverse()
            while let e = events.popLast() { try emit(e) }
            if done {
                summary.recordsRead += s.summary.recordsRead
                summary.recordsRejected += s.summary.recordsRejected
                cardIndex = s.cardIndex
                junkReported = s.junkReported
                swap(&s.seenUIDs, &seenUIDs)
                correction.set(cardIndex - batch.rawCardsAfter)
            } else {
                carry = s
            }
        }
    }
}
