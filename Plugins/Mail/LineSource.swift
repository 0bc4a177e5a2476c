import KithPlugin

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A window over a `ByteStream` that hands out lines as byte ranges, for
/// the mbox splitter's hot loop.
///
/// Own buffer rather than `ByteStream.withNextLine` so that the splitter can
/// look ahead (the line after a candidate separator, `Content-Length` bytes)
/// and skip bodies without a closure call per line. Lines end at LF; a CR
/// before the LF is dropped. A line longer than `maxLine` is handed out in
/// pieces, and only the first piece counts as a line start, so memory stays
/// bounded whatever the input.
final class LineSource {
    /// Copies up to `maxCount` more bytes to the pointer; returns how many
    /// (never more; 0 at the end).
    private let read: (_ into: UnsafeMutableRawPointer, _ maxCount: Int) -> Int
    private var buf: UnsafeMutablePointer<UInt8>
    private var cap: Int
    private var start = 0
    private var end = 0
    private var eof = false
    private var midLine = false
    private var cached: (Int, Int, Int, Bool)?
    /// Longest line kept whole.
    let maxLine: Int
    /// The 1-based number of the line the next `nextLine()` returns.
    private(set) var lineNumber = 1

    convenience init(_ stream: ByteStream, maxLine: Int = 1 << 20) {
        self.init(maxLine: maxLine, readInto: { stream.read(into: $0, maxCount: $1) })
    }

    /// Reads through `read`, which returns up to `maxCount` more bytes (an
    /// empty array or nil at the end of input).
    convenience init(maxLine: Int = 1 << 20, read: @escaping (_ maxCount: Int) -> [UInt8]?) {
        self.init(maxLine: maxLine) { p, maxCount in
            guard let chunk = read(maxCount), !chunk.isEmpty else { return 0 }
            precondition(chunk.count <= maxCount, "LineSource: the reader returned more than asked")
            chunk.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: chunk.count) }
            return chunk.count
        }
    }

    /// Reads through `readInto`, which copies up to `maxCount` more bytes
    /// to the pointer and returns how many (0 at the end of input): the
    /// bytes go straight into this window, with no array in between.
    init(maxLine: Int = 1 << 20, readInto: @escaping (_ into: UnsafeMutableRawPointer, _ maxCount: Int) -> Int) {
        self.read = readInto
        self.maxLine = maxLine
        cap = 1 << 20
        buf = .allocate(capacity: cap)
    }

    deinit { buf.deallocate() }

    /// Reads more input; false at end of input.
    @discardableResult
    private func fill(minFree: Int = 1 << 18) -> Bool {
        if eof { return false }
        cached = nil
        if start > 0 {
            if end > start { memmove(buf, buf + start, end - start) }
            end -= start
            start = 0
        }
        if cap > 4 << 20, end < 1 << 20, minFree <= 1 << 20 {
            // A large look-ahead (a long Content-Length body) is over: give
            // the memory back.
            let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 << 20)
            nb.update(from: buf, count: end)
            buf.deallocate()
            buf = nb
            cap = 2 << 20
        }
        if cap - end < minFree {
            var newCap = cap
            while newCap - end < minFree { newCap *= 2 }
            let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: newCap)
            nb.update(from: buf, count: end)
            buf.deallocate()
            buf = nb
            cap = newCap
        }
        let n = read(buf + end, cap - end)
        guard n > 0 else {
            eof = true
            return false
        }
        precondition(n <= cap - end, "LineSource: the reader returned more than asked")
        end += n
        return true
    }

    /// A line: `[start, end)` in `base`, valid until the next call that reads.
    struct Line {
        var base: UnsafePointer<UInt8>
        var count: Int
        /// False for the second and later pieces of an over-long line.
        var startsLine: Bool
        /// 1-based line number.
        var number: Int
        /// True when the byte after the line is its LF (no CR was dropped),
        /// so `base[0...count]` is the line with its terminator.
        var lfFollows = false

        subscript(i: Int) -> UInt8 { base[i] }
        var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
        var isEmpty: Bool { count == 0 }

        func hasPrefix(_ s: StaticString) -> Bool {
            let n = s.utf8CodeUnitCount
            return count >= n && memcmp(base, s.utf8Start, n) == 0
        }
    }

    /// The next line, consumed; nil at end of input.
    func nextLine() -> Line? {
        guard let (s, e, next, ended) = locate() else { return nil }
        var line = Line(base: UnsafePointer(buf + s), count: e - s, startsLine: !midLine, number: lineNumber)
        line.lfFollows = next == e + 1 && buf[e] == 0x0A
        start = next
        midLine = !ended
        if ended { lineNumber += 1 }
        return line
    }

    /// The next line without consuming it; invalidates earlier lines.
    func peekLine() -> Line? {
        guard let (s, e, _, _) = locate() else { return nil }
        return Line(base: UnsafePointer(buf + s), count: e - s, startsLine: !midLine, number: lineNumber)
    }

    /// Finds the next line's bytes: (start, end without terminator, next start, ended with LF or EOF).
    private func locate() -> (Int, Int, Int, Bool)? {
        if let c = cached, c.0 == start { return c }
        let r = locateUncached()
        cached = r
        return r
    }

    private func locateUncached() -> (Int, Int, Int, Bool)? {
        var scanFrom = start
        while true {
            if scanFrom < end, let p = memchr(buf + scanFrom, 0x0A, end - scanFrom) {
                let nl = UnsafeMutablePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - buf
                var e = nl
                if e > start && buf[e - 1] == 0x0D { e -= 1 }
                return (start, e, nl + 1, true)
            }
            if end - start >= maxLine {
                // Over-long line: hand out a piece of `maxLine` bytes (keep
                // a trailing CR for the next piece). Its length depends on
                // the bytes only, not on how the input arrived in chunks.
                var e = start + maxLine
                if buf[e - 1] == 0x0D && e - 1 > start { e -= 1 }
                return (start, e, e, false)
            }
            let scanned = end - start
            if !fill() {
                if start >= end { return nil }
                var e = end
                if e > start && buf[e - 1] == 0x0D { e -= 1 }
                return (start, e, end, true)
            }
            scanFrom = start + scanned
        }
    }

    /// Skips whole lines that cannot matter to the splitter: those whose
    /// first byte is neither `F` nor `>` (and is not a line start piece).
    /// Stops before such a line, or at the end. Returns whether the last
    /// skipped line was empty (`nil` when none was skipped). The body hot
    /// loop: one memchr and one compare per line.
    func skipPlainLines() -> Bool? {
        var lastEmpty: Bool?
        while true {
            if midLine { return lastEmpty }
            // Scan complete lines in the buffer.
            var p = start
            while p < end {
                let c = buf[p]
                if c == 0x46 || c == 0x3E { break }
                guard let q = memchr(buf + p, 0x0A, end - p) else { break }
                let nl = UnsafeMutablePointer<UInt8>(q.assumingMemoryBound(to: UInt8.self)) - buf
                lastEmpty = nl == p || (nl == p + 1 && c == 0x0D)
                lineNumber += 1
                p = nl + 1
            }
            if p > start {
                start = p
                cached = nil
            }
            if start < end {
                let c = buf[start]
                if c == 0x46 || c == 0x3E { return lastEmpty }
                // An incomplete line at the end of the buffer: read more.
                if end - start >= maxLine { return lastEmpty }
            }
            if !fill() { return lastEmpty }
        }
    }

    /// Makes at least `count` bytes available ahead (or all that is left);
    /// returns how many are.
    func ensureAhead(_ count: Int) -> Int {
        while end - start < count {
            let need = count - (end - start)
            if !fill(minFree: max(need, 1 << 18)) { break }
        }
        return end - start
    }

    /// The byte `offset` bytes ahead; call `ensureAhead` first.
    func byte(ahead offset: Int) -> UInt8 { buf[start + offset] }

    /// Pointer to the bytes ahead; valid until the next read.
    func bytesAhead(_ count: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: buf + start, count: min(count, end - start))
    }

    /// Consumes `count` bytes that `ensureAhead` made available, counting
    /// the lines they hold.
    func consume(_ count: Int) {
        let n = min(count, end - start)
        var p = start
        let stop = start + n
        while p < stop, let q = memchr(buf + p, 0x0A, stop - p) {
            lineNumber += 1
            p = UnsafeMutablePointer<UInt8>(q.assumingMemoryBound(to: UInt8.self)) - buf + 1
        }
        midLine = n > 0 && buf[stop - 1] != 0x0A
        start = stop
    }

    /// Skips a UTF-8 byte order mark at the current position.
    func skipBOM() {
        if ensureAhead(3) >= 3, buf[start] == 0xEF, buf[start + 1] == 0xBB, buf[start + 2] == 0xBF { start += 3 }
    }
}
