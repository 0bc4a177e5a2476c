import KithPlugin

/// One message as the splitter found it: its envelope line, its header
/// block and (when asked) the start of its body. Bodies are otherwise only
/// scanned for the next separator, never kept.
struct RawMessage {
    /// 1-based index of the message in its input.
    var index = 0
    /// 1-based line where it starts (the envelope line, else the first header).
    var line = 0
    /// The mbox envelope line without "From ", if there was one.
    var envelope: [UInt8]?
    /// Header lines, unmodified, each ending in LF (CRs removed).
    var header: [UInt8] = []
    /// True when the header block was longer than the cap; the rest was skipped.
    var headerTruncated = false
    /// True when the input ended inside the header block.
    var endedInHeader = false
    /// The first bytes of the body, LF line ends, when a snippet was asked for.
    var body: [UInt8] = []
    /// Body lines that look like escaped separators (`>From `, `>>From `).
    var escapedFromLines = 0
    /// How `Content-Length` was used.
    var contentLength: ContentLengthUse = .absent

    enum ContentLengthUse: Equatable {
        case absent, used, inconsistent, ignored
    }

    init() { header.reserveCapacity(1024) }

    mutating func reset() {
        envelope = nil
        header.removeAll(keepingCapacity: true)
        headerTruncated = false
        endedInHeader = false
        body.removeAll(keepingCapacity: true)
        escapedFromLines = 0
        contentLength = .absent
    }
}

/// Splits an input into messages at the byte level.
///
/// An input whose first line is an mbox envelope (`From ` — any variant:
/// mboxo, mboxrd, mboxcl, mboxcl2, Thunderbird's `From - `, Gmail's
/// numeric senders) is split at every later envelope line; anything else is
/// one message (an .eml file). A body line starting with `From ` ends the
/// message only when it looks like an envelope: a sender and a date-like
/// rest (`From Russia with love` is body text), or a bare sender followed
/// by a header line. A blank line before it is not required. When a
/// message has a `Content-Length` and the bytes it counts end exactly at a
/// separator (or the end), it is trusted (mboxcl/cl2), so unescaped `From `
/// lines inside such bodies do not split.
final class MessageSplitter {
    private let src: LineSource
    private var started = false
    private var mbox = false
    private var pendingEnvelope: [UInt8]?
    private var pendingLine = 0
    private var index = 0
    private let bodyCapture: Int
    private let useContentLength: Bool
    /// Largest header block kept (bytes).
    let headerCap: Int
    /// Largest Content-Length trusted (bytes); larger ones are verified by
    /// scanning like any other message.
    let contentLengthCap = 32 << 20

    /// True once the input is known to be an mbox (first line an envelope).
    var isMbox: Bool { mbox }

    private let singleMessage: Bool

    convenience init(
        _ stream: ByteStream, bodyCapture: Int = 0, useContentLength: Bool = true, singleMessage: Bool = false,
        headerCap: Int = 1 << 20
    ) {
        self.init(
            LineSource(stream), bodyCapture: bodyCapture, useContentLength: useContentLength,
            singleMessage: singleMessage, headerCap: headerCap)
    }

    init(
        _ src: LineSource, bodyCapture: Int = 0, useContentLength: Bool = true, singleMessage: Bool = false,
        headerCap: Int = 1 << 20
    ) {
        self.src = src
        self.singleMessage = singleMessage
        self.bodyCapture = bodyCapture
        self.useContentLength = useContentLength
        self.headerCap = headerCap
    }

    /// Reads the next message into `m`; false at the end of input.
    func next(into m: inout RawMessage) -> Bool {
        m.reset()
        if !started {
            started = true
            src.skipBOM()
            // Leading blank lines.
            while let l = src.peekLine(), l.isEmpty || isAllSpace(l) { _ = src.nextLine() }
            guard let first = src.peekLine() else { return false }
            if first.hasPrefix("From ") {
                let env = Array(UnsafeBufferPointer(rebasing: first.buffer[5...]))
                let line = first.number
                _ = src.nextLine()
                if singleMessage {
                    index += 1
                    m.index = index
                    m.line = line
                    m.envelope = env
                    readMessage(&m)
                    return true
                }
                mbox = true
                pendingEnvelope = env
                pendingLine = line
            } else {
                index += 1
                m.index = index
                m.line = first.number
                readMessage(&m)
                return true
            }
        }
        guard mbox, let env = pendingEnvelope else { return false }
        pendingEnvelope = nil
        index += 1
        m.index = index
        m.line = pendingLine
        m.envelope = env
        readMessage(&m)
        return true
    }

    private func isAllSpace(_ l: LineSource.Line) -> Bool {
        for i in 0..<l.count where l[i] != 0x20 && l[i] != 0x09 { return false }
        return true
    }

    private func readMessage(_ m: inout RawMessage) {
        // Header block.
        var contentLength: Int?
        var inHeader = true
        while inHeader {
            guard let l = src.peekLine() else {
                m.endedInHeader = true
                return
            }
            if l.isEmpty {
                _ = src.nextLine()
                inHeader = false
                break
            }
            if mbox, l.startsLine, l.hasPrefix("From "), isSeparator(l, prevBlank: true) {
                // An envelope where a header was expected: this message is empty.
                takeSeparator()
                m.endedInHeader = true
                return
            }
            guard let h = src.nextLine() else { break }
            if h.startsLine, h.count > 15, h[0] | 0x20 == 0x63, lowerPrefix(h, "content-length:") {
                contentLength = parseInt(h, from: 15)
            }
            if m.header.count + h.count < headerCap {
                if h.lfFollows {
                    // The line and its LF in one copy.
                    m.header.append(contentsOf: UnsafeBufferPointer(start: h.base, count: h.count + 1))
                } else {
                    m.header.append(contentsOf: h.buffer)
                    m.header.append(0x0A)
                }
            } else {
                m.headerTruncated = true
            }
        }
        if !mbox {
            // One message per input: read no further than the snippet needs.
            captureSingleBody(&m)
            return
        }
        if let cl = contentLength {
            if useContentLength && cl <= contentLengthCap {
                if contentLengthFits(cl) {
                    m.contentLength = .used
                    if bodyCapture > 0 {
                        let take = min(cl, bodyCapture)
                        m.body.append(contentsOf: src.bytesAhead(take))
                    }
                    src.consume(cl)
                    // Blank lines up to the next envelope.
                    while let l = src.peekLine(), l.isEmpty { _ = src.nextLine() }
                    if let l = src.peekLine(), l.hasPrefix("From ") { takeSeparator() }
                    return
                }
                m.contentLength = .inconsistent
            } else {
                m.contentLength = .ignored
            }
        }
        scanBody(&m)
    }

    private func lowerPrefix(_ l: LineSource.Line, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard l.count >= n else { return false }
        let p = s.utf8Start
        for i in 0..<n where l[i] | (l[i] >= 0x41 && l[i] <= 0x5A ? 0x20 : 0) != p[i] { return false }
        return true
    }

    private func parseInt(_ l: LineSource.Line, from: Int) -> Int? {
        var i = from
        while i < l.count, l[i] == 0x20 || l[i] == 0x09 { i += 1 }
        var v = 0
        var digits = 0
        while i < l.count, l[i] >= 0x30, l[i] <= 0x39, digits < 12 {
            v = v * 10 + Int(l[i] - 0x30)
            digits += 1
            i += 1
        }
        while i < l.count, l[i] == 0x20 || l[i] == 0x09 { i += 1 }
        return digits > 0 && i == l.count ? v : nil
    }

    /// True when the `cl` bytes after the header end exactly at a separator,
    /// blank lines then a separator, or the end of input.
    private func contentLengthFits(_ cl: Int) -> Bool {
        let want = cl + 4096
        let have = src.ensureAhead(want)
        if have < cl { return false }
        var p = cl
        // Allow blank lines (LF or CRLF) between the body and the next envelope.
        while p < have {
            let c = src.byte(ahead: p)
            if c == 0x0A {
                p += 1
            } else if c == 0x0D, p + 1 < have, src.byte(ahead: p + 1) == 0x0A {
                p += 2
            } else {
                break
            }
        }
        if p >= have { return true }
        // The byte before `p` must end a line (or `p` is the body end exactly).
        if p > 0, p == cl, src.byte(ahead: p - 1) != 0x0A { return false }
        guard have - p >= 5 else { return false }
        return src.byte(ahead: p) == 0x46 && src.byte(ahead: p + 1) == 0x72 && src.byte(ahead: p + 2) == 0x6F
            && src.byte(ahead: p + 3) == 0x6D && src.byte(ahead: p + 4) == 0x20
    }

    private func takeSeparator() {
        guard let l = src.nextLine() else { return }
        pendingEnvelope = Array(UnsafeBufferPointer(rebasing: l.buffer[5...]))
        pendingLine = l.number
    }

    private func scanBody(_ m: inout RawMessage) {
        var prevBlank = true
        while true {
            if bodyCapture == 0, let lastEmpty = src.skipPlainLines() { prevBlank = lastEmpty }
            guard let p = src.peekLine() else { break }
            if p.startsLine, p.count >= 5 {
                let c = p[0]
                if c == 0x46, p.hasPrefix("From ") {
                    if isSeparator(p, prevBlank: prevBlank) {
                        takeSeparator()
                        return
                    }
                } else if c == 0x3E {
                    var k = 0
                    while k < p.count, p[k] == 0x3E { k += 1 }
                    if p.count - k >= 5, p[k] == 0x46, p[k + 1] == 0x72, p[k + 2] == 0x6F, p[k + 3] == 0x6D, p[k + 4] == 0x20 {
                        m.escapedFromLines += 1
                    }
                }
            }
            // Re-read: `isSeparator` may have moved the buffer.
            guard let l = src.nextLine() else { break }
            if m.body.count < bodyCapture {
                m.body.append(contentsOf: l.buffer)
                m.body.append(0x0A)
            }
            prevBlank = l.isEmpty
        }
    }

    private func captureSingleBody(_ m: inout RawMessage) {
        guard bodyCapture > 0 else { return }
        while m.body.count < bodyCapture, let l = src.nextLine() {
            m.body.append(contentsOf: l.buffer)
            m.body.append(0x0A)
        }
    }

    /// Whether a body line starting with "From " is an envelope line. The
    /// line is the one `peekLine` returned; this may peek further.
    private func isSeparator(_ l: LineSource.Line, prevBlank: Bool) -> Bool {
        // "From " sender [rest]
        var i = 5
        while i < l.count, l[i] == 0x20 { i += 1 }
        let senderStart = i
        while i < l.count, l[i] != 0x20, l[i] != 0x09 { i += 1 }
        let senderLength = i - senderStart
        while i < l.count, l[i] == 0x20 || l[i] == 0x09 { i += 1 }
        let restEmpty = i >= l.count
        var digit = false
        var colon = false
        var k = i
        while k < l.count, k < i + 120 {
            let c = l[k]
            if c >= 0x30 && c <= 0x39 { digit = true } else if c == 0x3A { colon = true }
            k += 1
        }
        let dateLike = digit && colon
        let thunderbird = senderLength == 1 && l[senderStart] == 0x2D
        if senderLength == 0 && !thunderbird { return false }
        if !restEmpty && !dateLike { return false }
        if (dateLike || thunderbird) && prevBlank { return true }
        // Weak shape, or no blank line before it: the next line decides.
        return nextLineLooksLikeHeader()
    }

    /// Peeks at the line after the current one.
    private func nextLineLooksLikeHeader() -> Bool {
        // Find the end of the current line in the buffer ahead.
        var window = 4096
        while true {
            let have = src.ensureAhead(window)
            let p = src.bytesAhead(have)
            guard let nl = p.firstIndex(of: 0x0A) else {
                if have < window { return true }  // the candidate is the last line
                if window >= 1 << 20 { return false }
                window *= 4
                continue
            }
            var j = nl + 1
            if j >= p.count {
                if have < window { return true }  // nothing after it
                window *= 4
                continue
            }
            let nameStart = j
            while j < p.count, j - nameStart < 80 {
                let c = p[j]
                if c == 0x3A { return j > nameStart }
                if c <= 0x20 || c >= 0x7F { return false }
                j += 1
            }
            return false
        }
    }
}
