#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The header fields Kith reads from a message, as slices of the header
/// block (no copies).
///
/// Parsing never fails: a line that is not a field (no colon, a bad name, a
/// continuation with nothing to continue) is counted and kept raw, and the
/// next good line goes on. A folded value keeps its line breaks (LF followed
/// by the continuation's whitespace); every reader treats them as the
/// whitespace they stand for, which is RFC 5322 unfolding without a copy
/// (`unfolded(_:)` gives the copy). Repeated address fields (two `To:`
/// lines) are all kept; for the others the first one wins.
struct HeaderFields {
    typealias Value = ArraySlice<UInt8>

    var from: [Value] = []
    var sender: [Value] = []
    var replyTo: [Value] = []
    var to: [Value] = []
    var cc: [Value] = []
    var bcc: [Value] = []
    var subject: Value?
    var date: Value?
    var messageID: Value?
    var inReplyTo: Value?
    var references: Value?
    var listID: Value?
    var listPost: Value?
    var contentType: Value?
    var contentTransferEncoding: Value?
    var autoSubmitted: Value?
    var precedence: Value?
    var gmailLabels: Value?
    var gmailThreadID: Value?
    var organization: Value?
    /// Fields read (any name).
    var fieldCount = 0
    /// Lines that were not fields, raw (at most a few kept).
    var malformed: [Value] = []
    var malformedCount = 0

    private enum Name {
        case from, sender, replyTo, to, cc, bcc, subject, date, messageID, inReplyTo, references, listID, listPost
        case contentType, contentTransferEncoding, autoSubmitted, precedence, gmailLabels, gmailThreadID, organization
    }

    init(_ header: [UInt8]) {
        self.init(header[...])
    }

    init(_ header: ArraySlice<UInt8>) {
        // Positions are found on the raw bytes (memchr for line ends); the
        // stored values are slices of `header`.
        let base = header.startIndex
        var spans: [(name: Name, start: Int, end: Int)] = []
        spans.reserveCapacity(16)
        var malformedSpans: [(Int, Int)] = []
        var count = 0
        header.withUnsafeBufferPointer { h in
            let n = h.count
            var i = 0
            var current: Name?
            var currentSeen = false  // a field is open (known or not)
            var valueStart = 0
            var valueEnd = 0
            while i < n {
                let e: Int
                if let p = memchr(h.baseAddress! + i, 0x0A, n - i) {
                    e = UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - h.baseAddress!
                } else {
                    e = n
                }
                let c = h[i]
                if c == 0x20 || c == 0x09 {
                    if currentSeen {
                        valueEnd = e
                    } else {
                        malformedSpans.append((i, e))
                    }
                } else {
                    if let cur = current { spans.append((cur, valueStart, valueEnd)) }
                    current = nil
                    currentSeen = false
                    // name ":" (whitespace before the colon is obsolete but seen)
                    var j = i
                    while j < e, h[j] != 0x3A, h[j] > 0x20, h[j] < 0x7F { j += 1 }
                    let nameEnd = j
                    while j < e, h[j] == 0x20 || h[j] == 0x09 { j += 1 }
                    if j < e, h[j] == 0x3A, nameEnd > i {
                        count += 1
                        currentSeen = true
                        current = Self.name(h, i, nameEnd)
                        valueStart = j + 1
                        valueEnd = e
                    } else {
                        malformedSpans.append((i, e))
                    }
                }
                i = e + 1
            }
            if let cur = current { spans.append((cur, valueStart, valueEnd)) }
        }
        fieldCount = count
        for (s, e) in malformedSpans { noteMalformed(header, base + s, base + e) }
        for span in spans { store(span.name, header, base + span.start, base + span.end) }
    }

    /// A value with its line breaks removed (RFC 5322 unfolding).
    static func unfolded(_ v: Value) -> [UInt8] { v.filter { $0 != 0x0A && $0 != 0x0D } }

    private mutating func noteMalformed(_ b: ArraySlice<UInt8>, _ s: Int, _ e: Int) {
        malformedCount += 1
        if malformed.count < 5 { malformed.append(b[s..<min(e, s + 998)]) }
    }

    private mutating func store(_ name: Name, _ b: ArraySlice<UInt8>, _ start: Int, _ end: Int) {
        var s = start
        var e = end
        while s < e, b[s] == 0x20 || b[s] == 0x09 || b[s] == 0x0A || b[s] == 0x0D { s += 1 }
        while e > s, b[e - 1] == 0x20 || b[e - 1] == 0x09 || b[e - 1] == 0x0D || b[e - 1] == 0x0A { e -= 1 }
        let v = b[s..<e]
        switch name {
        case .from: from.append(v)
        case .sender: sender.append(v)
        case .replyTo: replyTo.append(v)
        case .to: to.append(v)
        case .cc: cc.append(v)
        case .bcc: bcc.append(v)
        case .subject: if subject == nil { subject = v }
        case .date: if date == nil { date = v }
        case .messageID: if messageID == nil { messageID = v }
        case .inReplyTo: if inReplyTo == nil { inReplyTo = v }
        case .references: if references == nil { references = v }
        case .listID: if listID == nil { listID = v }
        case .listPost: if listPost == nil { listPost = v }
        case .contentType: if contentType == nil { contentType = v }
        case .contentTransferEncoding: if contentTransferEncoding == nil { contentTransferEncoding = v }
        case .autoSubmitted: if autoSubmitted == nil { autoSubmitted = v }
        case .precedence: if precedence == nil { precedence = v }
        case .gmailLabels: if gmailLabels == nil { gmailLabels = v }
        case .gmailThreadID: if gmailThreadID == nil { gmailThreadID = v }
        case .organization: if organization == nil { organization = v }
        }
    }

    private static func name(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Name? {
        let len = e - s
        @inline(__always) func eq(_ lit: StaticString) -> Bool {
            guard lit.utf8CodeUnitCount == len else { return false }
            let p = lit.utf8Start
            for k in 0..<len {
                var c = b[s + k]
                if c >= 0x41 && c <= 0x5A { c |= 0x20 }
                if c != p[k] { return false }
            }
            return true
        }
        switch len {
        case 2:
            if eq("to") { return .to }
            if eq("cc") { return .cc }
        case 3: if eq("bcc") { return .bcc }
        case 4:
            if eq("from") { return .from }
            if eq("date") { return .date }
        case 6: if eq("sender") { return .sender }
        case 7:
            if eq("subject") { return .subject }
            if eq("list-id") { return .listID }
        case 8:
            if eq("reply-to") { return .replyTo }
        case 9:
            if eq("list-post") { return .listPost }
        case 10:
            if eq("message-id") { return .messageID }
            if eq("references") { return .references }
            if eq("precedence") { return .precedence }
            if eq("x-gm-thrid") { return .gmailThreadID }
        case 11: if eq("in-reply-to") { return .inReplyTo }
        case 12:
            if eq("content-type") { return .contentType }
            if eq("organization") { return .organization }
        case 14:
            if eq("auto-submitted") { return .autoSubmitted }
            if eq("x-gmail-labels") { return .gmailLabels }
        case 25: if eq("content-transfer-encoding") { return .contentTransferEncoding }
        default: break
        }
        return nil
    }
}
