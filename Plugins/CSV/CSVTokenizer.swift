// The byte-level CSV record splitter.
//
// Hand-written rather than built on a Swift CSV library. Measured here on the
// first 20 MB of `gen_contacts.py 1000000 … --seed 42`, CPU time, every
// non-empty cell made into a String: yaslab/CSV.swift 2.5.2 (streaming,
// decodes per UnicodeScalar) 14 MB/s; swiftcsv/SwiftCSV 0.10.0 (loads the
// whole file into one String, walks Characters) 3.7 MB/s; Python's
// csv.DictReader about 37 MB/s; this splitter about 215 MB/s. Neither
// library streams raw bytes, and both are slower than the Python baseline the
// import must beat. This splitter scans bytes in a reusable buffer, hands out
// fields as ranges into it (copying only quoted fields that need unescaping),
// and keeps at most one record plus one chunk in memory.

/// A field of the current record: a byte range in the input buffer, or in the
/// scratch buffer when unescaping had to copy it.
struct FieldRef {
    var start: Int
    var end: Int
    var inScratch: Bool
}

/// What `CSVTokenizer.next()` found.
enum TokenizerResult: Equatable {
    /// A record is available in `fields` (see `withRecord`).
    case record
    /// A record whose quoted field never closed (or grew past the size
    /// limit); its first physical line was skipped. `line` is where it began.
    case unterminated(line: Int)
    /// End of input.
    case end
}

/// Splits UTF-8 bytes pulled from a chunk source into records (RFC 4180 plus
/// the real world: CRLF, LF or lone CR line ends, quotes inside unquoted
/// fields kept as text, text after a closing quote kept, CRLF inside quoted
/// fields turned into LF).
///
/// Not `Sendable`; one per import.
final class CSVTokenizer {
    /// The mutable state, behind a `let` pointer (as in `ByteBuffer`): as
    /// stored `var`s of this class, every access paid a dynamic exclusivity
    /// check, six per record, about 450 instructions per row in callgrind.
    private struct State {
        var buffer: [UInt8] = []
        var pos = 0
        var eof = false
        var fields: [FieldRef] = []
        var scratch: [UInt8] = []
        var line = 1
        var recordLine = 0
        var recordHadStrayQuote = false
    }

    private let state: UnsafeMutablePointer<State> = {
        let p = UnsafeMutablePointer<State>.allocate(capacity: 1)
        p.initialize(to: State())
        return p
    }()

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    private var buffer: [UInt8] {
        get { state.pointee.buffer }
        set { state.pointee.buffer = newValue }
        _modify { yield &state.pointee.buffer }
    }
    private var pos: Int {
        get { state.pointee.pos }
        set { state.pointee.pos = newValue }
        _modify { yield &state.pointee.pos }
    }
    private var eof: Bool {
        get { state.pointee.eof }
        set { state.pointee.eof = newValue }
        _modify { yield &state.pointee.eof }
    }
    private let pull: () -> [UInt8]?
    /// The field separator.
    let delimiter: UInt8
    /// Records (with their quoted fields) larger than this are treated as an
    /// unterminated quote, so hostile input cannot make memory grow unbounded.
    let maxRecordBytes: Int
    private(set) var fields: [FieldRef] {
        get { state.pointee.fields }
        set { state.pointee.fields = newValue }
        _modify { yield &state.pointee.fields }
    }
    private var scratch: [UInt8] {
        get { state.pointee.scratch }
        set { state.pointee.scratch = newValue }
        _modify { yield &state.pointee.scratch }
    }
    /// 1-based line at which the next record starts.
    private(set) var line: Int {
        get { state.pointee.line }
        set { state.pointee.line = newValue }
        _modify { yield &state.pointee.line }
    }
    /// 1-based line at which the current record started.
    private(set) var recordLine: Int {
        get { state.pointee.recordLine }
        set { state.pointee.recordLine = newValue }
        _modify { yield &state.pointee.recordLine }
    }
    /// True when the current record had a stray character after a closing
    /// quote (kept as text).
    private(set) var recordHadStrayQuote: Bool {
        get { state.pointee.recordHadStrayQuote }
        set { state.pointee.recordHadStrayQuote = newValue }
        _modify { yield &state.pointee.recordHadStrayQuote }
    }

    init(delimiter: UInt8, maxRecordBytes: Int = 8 << 20, pull: @escaping () -> [UInt8]?) {
        self.delimiter = delimiter
        self.maxRecordBytes = maxRecordBytes
        self.pull = pull
        fields.reserveCapacity(128)
        scratch.reserveCapacity(4096)
    }

    /// Convenience for bytes in memory.
    convenience init(bytes: [UInt8], delimiter: UInt8) {
        var once: [UInt8]? = bytes
        self.init(delimiter: delimiter) {
            defer { once = nil }
            return once
        }
    }

    private enum Outcome {
        case complete(next: Int, lines: Int)
        case needMore
        case unterminated
    }

    /// Reads the next record.
    func next() -> TokenizerResult {
        while true {
            if pos >= buffer.count {
                if eof { return .end }
                refill()
                continue
            }
            // The field and scratch arrays are passed in place through the
            // state pointer; moving them out and back (as stored properties
            // needed) cost about 145 instructions per record in callgrind.
            var stray = false
            let st = state
            let outcome = st.pointee.buffer.withUnsafeBufferPointer { p in
                CSVTokenizer.parse(
                    p, from: st.pointee.pos, final: st.pointee.eof, delimiter: delimiter, fields: &st.pointee.fields,
                    scratch: &st.pointee.scratch, stray: &stray)
            }
            switch outcome {
            case .complete(let next, let lines):
                recordLine = line
                recordHadStrayQuote = stray
                line += lines
                pos = next
                return .record
            case .needMore:
                if buffer.count - pos > maxRecordBytes {
                    return skipUnterminated()
                }
                refill()
            case .unterminated:
                return skipUnterminated()
            }
        }
    }

    /// Drops the first physical line of a record whose quote never closed
    /// (or that outgrew the size limit), reading on to that line's end.
    private func skipUnterminated() -> TokenizerResult {
        let start = line
        while true {
            var i = pos
            while i < buffer.count, buffer[i] != 0x0A, buffer[i] != 0x0D { i += 1 }
            if i < buffer.count {
                if buffer[i] == 0x0D {
                    if i + 1 >= buffer.count && !eof {
                        pos = i
                        refill()
                        continue
                    }
                    if i + 1 < buffer.count, buffer[i + 1] == 0x0A { i += 1 }
                }
                pos = i + 1
                break
            }
            pos = buffer.count
            if eof { break }
            refill()
        }
        line += 1
        fields.removeAll(keepingCapacity: true)
        recordLine = start
        return .unterminated(line: start)
    }

    private func refill() {
        if pos > 0 {
            buffer.removeSubrange(0..<pos)
            pos = 0
        }
        if let chunk = pull() {
            if buffer.isEmpty { buffer = chunk } else { buffer.append(contentsOf: chunk) }
        } else {
            eof = true
        }
    }

    /// Calls `body` with a view of the current record's fields.
    func withRecord<R>(_ body: (RecordView) throws -> R) rethrows -> R {
        try buffer.withUnsafeBufferPointer { b in
            try scratch.withUnsafeBufferPointer { s in
                try fields.withUnsafeBufferPointer { f in
                    try body(RecordView(buffer: b, scratch: s, fields: f))
                }
            }
        }
    }

    /// The current record's fields as strings (header rows, sniffing).
    func recordStrings() -> [String] {
        withRecord { r in (0..<r.count).map { String(decoding: r[$0], as: UTF8.self) } }
    }

    private static let cr: UInt8 = 0x0D
    private static let lf: UInt8 = 0x0A
    private static let quote: UInt8 = 0x22

    // The hot loop. Works on a raw buffer; returns where the record ends.
    private static func parse(
        _ p: UnsafeBufferPointer<UInt8>, from start: Int, final: Bool, delimiter: UInt8, fields: inout [FieldRef],
        scratch: inout [UInt8], stray: inout Bool
    ) -> Outcome {
        fields.removeAll(keepingCapacity: true)
        scratch.removeAll(keepingCapacity: true)
        let n = p.count
        var i = start
        var lines = 0
        while true {
            if i < n && p[i] == quote {
                // Quoted field.
                var k = i + 1
                var segStart = k
                var copied = false
                let scratchStart = scratch.count
                while true {
                    while k < n {
                        let c = p[k]
                        if c == quote || c == cr { break }
                        if c == lf { lines += 1 }
                        k += 1
                    }
                    if k >= n { return final ? .unterminated : .needMore }
                    if p[k] == cr {
                        if k + 1 >= n && !final { return .needMore }
                        // CRLF becomes LF; a lone CR stays.
                        lines += 1
                        if k + 1 < n && p[k + 1] == lf {
                            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[segStart..<k]))
                            copied = true
                            k += 1
                            segStart = k
                            k += 1
                        } else {
                            k += 1
                        }
                        continue
                    }
                    // A quote: doubled, or the closing one.
                    if k + 1 >= n && !final { return .needMore }
                    if k + 1 < n && p[k + 1] == quote {
                        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[segStart...k]))
                        copied = true
                        k += 2
                        segStart = k
                        continue
                    }
                    break
                }
                // p[k] is the closing quote.
                var j = k + 1
                if j < n && p[j] != delimiter && p[j] != cr && p[j] != lf {
                    // Text after the closing quote: keep it, as spreadsheets do.
                    stray = true
                    var e = j
                    while e < n && p[e] != delimiter && p[e] != cr && p[e] != lf { e += 1 }
                    if e >= n && !final { return .needMore }
                    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[segStart..<k]))
                    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[j..<e]))
                    fields.append(FieldRef(start: scratchStart, end: scratch.count, inScratch: true))
                    j = e
                } else if copied {
                    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[segStart..<k]))
                    fields.append(FieldRef(start: scratchStart, end: scratch.count, inScratch: true))
                } else {
                    fields.append(FieldRef(start: segStart, end: k, inScratch: false))
                }
                i = j
            } else {
                var j = i
                // Eight bytes at a time while no delimiter, CR or LF is among
                // them (the classic "has a zero byte" test on the word XORed
                // with each), then the exact position from the lowest flagged
                // byte. Measured (callgrind, 20k rows of c1m.csv, ~9-byte
                // fields): the byte loop alone cost about 1,640 instructions
                // per row for the whole split (import pass), this about 1,400.
                if let base = p.baseAddress {
                    let raw = UnsafeRawPointer(base)
                    let ones: UInt64 = 0x0101_0101_0101_0101
                    let highs: UInt64 = 0x8080_8080_8080_8080
                    let dWord = ones &* UInt64(delimiter)
                    let lfWord = ones &* UInt64(lf)
                    let crWord = ones &* UInt64(cr)
                    while j &+ 8 <= n {
                        let w = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self).littleEndian
                        let a = w ^ dWord
                        let b = w ^ lfWord
                        let c = w ^ crWord
                        let hit = ((a &- ones) & ~a | (b &- ones) & ~b | (c &- ones) & ~c) & highs
                        if hit != 0 {
                            j &+= hit.trailingZeroBitCount &>> 3
                            break
                        }
                        j &+= 8
                    }
                }
                while j < n {
                    let c = p[j]
                    if c == delimiter || c == lf || c == cr { break }
                    j += 1
                }
                if j >= n && !final { return .needMore }
                fields.append(FieldRef(start: i, end: j, inScratch: false))
                i = j
            }
            // After a field.
            if i >= n { return .complete(next: n, lines: lines + 1) }
            let c = p[i]
            if c == delimiter {
                i += 1
                if i >= n {
                    if !final { return .needMore }
                    fields.append(FieldRef(start: i, end: i, inScratch: false))
                    return .complete(next: n, lines: lines + 1)
                }
                continue
            }
            if c == lf { return .complete(next: i + 1, lines: lines + 1) }
            // CR
            if i + 1 < n { return .complete(next: p[i + 1] == lf ? i + 2 : i + 1, lines: lines + 1) }
            if final { return .complete(next: i + 1, lines: lines + 1) }
            return .needMore
        }
    }
}

/// The fields of one record, valid only inside `CSVTokenizer.withRecord`.
struct RecordView {
    let buffer: UnsafeBufferPointer<UInt8>
    let scratch: UnsafeBufferPointer<UInt8>
    let fields: UnsafeBufferPointer<FieldRef>

    /// Number of fields.
    var count: Int { fields.count }

    /// The bytes of field `i`.
    subscript(i: Int) -> UnsafeBufferPointer<UInt8> {
        let f = fields[i]
        return UnsafeBufferPointer(rebasing: (f.inScratch ? scratch : buffer)[f.start..<f.end])
    }

    /// Field `i` with ASCII spaces and tabs trimmed at both ends.
    func trimmed(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let f = fields[i]
        let base = f.inScratch ? scratch : buffer
        var s = f.start
        var e = f.end
        while s < e, base[s] == 0x20 || base[s] == 0x09 { s += 1 }
        while e > s, base[e - 1] == 0x20 || base[e - 1] == 0x09 { e -= 1 }
        return UnsafeBufferPointer(rebasing: base[s..<e])
    }

    /// True when every field is empty or blank.
    var isBlank: Bool {
        for i in 0..<fields.count where !trimmed(i).isEmpty { return false }
        return true
    }
}
