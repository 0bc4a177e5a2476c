import KithModel
import KithPlugin

// Reading with `threads=N`, through a `StreamPipeline`: the calling thread
// reads the stream; the pipeline's producer thread decodes it, splits it into
// records (the tokenizer is about four times faster than building contacts)
// and numbers them; the calling thread and N-1 workers build the contacts of
// batches of rows; the calling thread delivers them in file order. Splitting
// stays serial, so quote state never has to be guessed at a chunk boundary,
// and every row gets the same line, record number, warnings and contact as in
// the serial reader. The one piece of cross-row state, "was this record id
// used by an earlier row", is settled at delivery
// (`RowAssembler.defersDuplicateIDs`).

/// Rows split by the tokenizer, their fields copied out of its buffer.
struct CSVRowBatch: Sendable {
    /// One row: its fields are `fields[previous row's fieldEnd..<fieldEnd]`.
    struct Row: Sendable {
        var fieldEnd: Int
        var line: Int
        var index: Int
        var stray: Bool
        var unterminated: Bool
    }

    /// The cells' bytes, back to back (unescaped).
    var bytes: [UInt8] = []
    /// Ranges in `bytes`.
    var fields: [FieldRef] = []
    var rows: [Row] = []
}

/// A row's contact and warnings as a worker built them.
struct AssembledRow: Sendable {
    /// The `.contact` event (made where the contact is built, so that it is
    /// never copied); nil for a row rejected by the tokenizer (unterminated
    /// quote).
    var event: ImportEvent?
    var warnings: [RowAssembler.Warning]
    /// See `RowAssembler.lastIDHash` and `lastIDWarningIndex`.
    var idHash: UInt64?
    var recordID: String?
    var idWarningIndex: Int
    var line: Int
    var index: Int
}

/// The tokenizer, which has read the header, and the transcoder feeding it,
/// handed to the pipeline's producer thread: the calling thread does not
/// touch either again, and the thread's start orders its earlier uses before
/// the producer's.
private struct SplitterHandover: @unchecked Sendable {
    let tokenizer: CSVTokenizer
    let transcoder: UTF8Transcoder
}

extension CSVImport {
    /// Reads the records after the header with `threads` threads building
    /// contacts; emits exactly what the serial loop in `run` emits, in the
    /// same order.
    func runParallel(
        stream: ByteStream, transcoder: UTF8Transcoder, tokenizer: CSVTokenizer, plan: ColumnPlan, headerBytes: [[UInt8]],
        delimiter: UInt8, threads: Int, summary: inout ImportSummary, _ emit: (ImportEvent) throws -> Void
    ) throws {
        let file = source.name
        let maxBatchRows = max(1, batchRows)
        let handover = SplitterHandover(tokenizer: tokenizer, transcoder: transcoder)
        var ids = RecordIDs(plugin: "csv", file: file)
        // The calling thread builds contacts too while it waits, so it
        // counts as one of the `threads`. Chunks of 64 KiB, as in the mail
        // reader: they are made on this thread and freed on the producer.
        try StreamPipeline<CSVRowBatch, [AssembledRow]>(capacity: threads * 4, chunkSize: 64 << 10, chunksAhead: 4).run(
            stream: stream, workers: threads - 1,
            produce: { pipe in
                handover.transcoder.readFrom(pipe.nextChunk)
                try Self.split(handover.tokenizer, headerBytes: headerBytes, maxBatchRows: maxBatchRows, deliver: pipe.push)
            },
            makeTransform: {
                var assembler = RowAssembler(plan: plan, file: file)
                assembler.defersDuplicateIDs = true
                return { batch in Self.assemble(batch, plan: plan, delimiter: delimiter, assembler: &assembler) }
            },
            handle: { rows in
                // Each row's event is swapped out of the array (nil left in
                // its place) and handed on: iterating would copy every field
                // of every contact (retain, and release with the array),
                // about 400 instructions a row; reversing the array for
                // `popLast` cost about 1,000.
                try rows.withUnsafeMutableBufferPointer { p in
                    for i in p.indices {
                        var event: ImportEvent? = nil
                        swap(&event, &p[i].event)
                        try deliver(p[i], event)
                    }
                }
            })

        func deliver(_ row: AssembledRow, _ event: consuming ImportEvent?) throws {
            summary.recordsRead += 1
            guard let event else {
                summary.recordsRejected += 1
                try emit(unterminatedDiagnostic(line: row.line, index: row.index))
                return
            }
            if let h = row.idHash, let recordID = row.recordID, !ids.claim(recordID, hash: h), case .contact(var contact) = event {
                // The record id was an earlier row's: the id comes from the position.
                var warnings = row.warnings
                warnings.insert(RecordIDs.duplicateWarning, at: row.idWarningIndex)
                contact.id = ids.positional(Locator(line: row.line, record: row.index))
                for w in warnings { try emit(diagnostic(.warning, line: row.line, record: row.index, w.message, code: w.code)) }
                try emit(.contact(contact))
                return
            }
            for w in row.warnings { try emit(diagnostic(.warning, line: row.line, record: row.index, w.message, code: w.code)) }
            try emit(event)
        }
    }

    /// The producer's job: splits the records after the header into batches
    /// of rows (numbered, blank rows and repeated headers dropped, as in the
    /// serial loop) and hands them to `deliver`.
    static func split(
        _ tokenizer: CSVTokenizer, headerBytes: [[UInt8]], maxBatchRows: Int, deliver: (CSVRowBatch) throws -> Void
    ) throws {
        var index = 0
        var inputDone = false
        var lastBytes = 0
        var lastFields = 0
        // Batches start small and double, so that the first contacts come
        // out after a few rows rather than after `threads * 4` full batches
        // (streaming: the importer contract reads at most half of a large
        // input before the first record).
        var batchRows = min(8, maxBatchRows)
        while !inputDone {
            var batch = CSVRowBatch()
            batch.rows.reserveCapacity(batchRows)
            // Sized like the last batch: growing them from empty cost about
            // 500 instructions a row (callgrind).
            batch.bytes.reserveCapacity(lastBytes + lastBytes / 8)
            batch.fields.reserveCapacity(lastFields + lastFields / 8)
            while batch.rows.count < batchRows {
                let result = tokenizer.next()
                if case .end = result {
                    inputDone = true
                    break
                }
                if case .unterminated(let line) = result {
                    index += 1
                    batch.rows.append(.init(fieldEnd: batch.fields.count, line: line, index: index, stray: false, unterminated: true))
                    continue
                }
                let line = tokenizer.recordLine
                let stray = tokenizer.recordHadStrayQuote
                tokenizer.withRecord { r in
                    if r.isBlank || Self.isHeaderRepeat(r, headerBytes) { return }
                    index += 1
                    Self.copy(r, into: &batch)
                    batch.rows.append(.init(fieldEnd: batch.fields.count, line: line, index: index, stray: stray, unterminated: false))
                }
            }
            lastBytes = batch.bytes.count
            lastFields = batch.fields.count
            batchRows = min(batchRows * 2, maxBatchRows)
            if !batch.rows.isEmpty { try deliver(batch) }
        }
    }

    /// A worker's job: the contacts of one batch, in order.
    static func assemble(_ batch: CSVRowBatch, plan: ColumnPlan, delimiter: UInt8, assembler: inout RowAssembler) -> [AssembledRow] {
        var out: [AssembledRow] = []
        out.reserveCapacity(batch.rows.count)
        batch.bytes.withUnsafeBufferPointer { b in
            batch.fields.withUnsafeBufferPointer { f in
                var start = 0
                for row in batch.rows {
                    defer { start = row.fieldEnd }
                    if row.unterminated {
                        out.append(AssembledRow(event: nil, warnings: [], idHash: nil, recordID: nil, idWarningIndex: 0, line: row.line, index: row.index))
                        continue
                    }
                    let r = RecordView(buffer: b, scratch: b, fields: UnsafeBufferPointer(rebasing: f[start..<row.fieldEnd]))
                    var warnings: [RowAssembler.Warning] = []
                    let event = ImportEvent.contact(
                        Self.contact(
                            r, line: row.line, index: row.index, stray: row.stray, plan: plan, delimiter: delimiter, assembler: &assembler,
                            warnings: &warnings))
                    out.append(
                        AssembledRow(
                            event: event, warnings: warnings, idHash: assembler.lastIDHash, recordID: assembler.lastRecordID,
                            idWarningIndex: assembler.lastIDWarningIndex, line: row.line, index: row.index))
                }
            }
        }
        return out
    }

    /// Appends the record's fields to the batch: the bytes the record
    /// occupies in the tokenizer's buffer in one copy, its field ranges in
    /// another, then rebased in place (the rare unescaped fields, which live
    /// in the tokenizer's scratch buffer, are appended after). Appending
    /// field by field cost about 700 instructions a row (callgrind).
    static func copy(_ r: RecordView, into batch: inout CSVRowBatch) {
        var lo = Int.max
        var hi = 0
        var scratchFields = 0
        for f in r.fields {
            if f.inScratch {
                scratchFields += 1
            } else {
                lo = min(lo, f.start)
                hi = max(hi, f.end)
            }
        }
        let base = batch.bytes.count
        if lo < hi { batch.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: r.buffer[lo..<hi])) }
        let first = batch.fields.count
        batch.fields.append(contentsOf: r.fields)
        let shift = base - (lo == Int.max ? 0 : lo)
        batch.fields.withUnsafeMutableBufferPointer { f in
            for k in first..<f.count where !f[k].inScratch {
                f[k].start &+= shift
                f[k].end &+= shift
            }
        }
        guard scratchFields > 0 else { return }
        for k in first..<batch.fields.count where batch.fields[k].inScratch {
            let f = batch.fields[k]
            let start = batch.bytes.count
            batch.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: r.scratch[f.start..<f.end]))
            batch.fields[k] = FieldRef(start: start, end: batch.bytes.count, inScratch: false)
        }
    }
}
