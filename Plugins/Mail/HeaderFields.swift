/// The header fields Kith reads from a message, as raw unfolded bytes.
///
/// Parsing never fails: a line that is not a field (no colon, a bad name, a
/// continuation with nothing to continue) is counted and kept raw, and the
/// next good line goes on. Unfolding removes the line breaks and keeps the
/// whitespace that follows them (RFC 5322 §2.2.3). Repeated address fields
/// (two `To:` lines) are all kept; for the others the first one wins.
struct HeaderFields {
    var from: [[UInt8]] = []
    var sender: [[UInt8]] = []
    var replyTo: [[UInt8]] = []
    var to: [[UInt8]] = []
    var cc: [[UInt8]] = []
    var bcc: [[UInt8]] = []
    var subject: [UInt8]?
    var date: [UInt8]?
    var messageID: [UInt8]?
    var inReplyTo: [UInt8]?
    var references: [UInt8]?
    var listID: [UInt8]?
    var listPost: [UInt8]?
    var contentType: [UInt8]?
    var contentTransferEncoding: [UInt8]?
    var autoSubmitted: [UInt8]?
    var precedence: [UInt8]?
    var gmailLabels: [UInt8]?
    var gmailThreadID: [UInt8]?
    /// Fields read (any name).
    var fieldCount = 0
    /// Lines that were not fields, raw (at most a few kept).
    var malformed: [[UInt8]] = []
    var malformedCount = 0

    private enum Name {
        case from, sender, replyTo, to, cc, bcc, subject, date, messageID, inReplyTo, references, listID, listPost
        case contentType, contentTransferEncoding, autoSubmitted, precedence, gmailLabels, gmailThreadID
    }

    init(_ header: [UInt8]) {
        header.withUnsafeBufferPointer { parse($0) }
    }

    private mutating func parse(_ b: UnsafeBufferPointer<UInt8>) {
        var i = 0
        let n = b.count
        var current: Name?
        var currentSeen = false  // a field is open (known or not)
        var value: [UInt8] = []
        func lineEnd(_ from: Int) -> Int {
            var j = from
            while j < n, b[j] != 0x0A { j += 1 }
            return j
        }
        while i < n {
            let e = lineEnd(i)
            let c = b[i]
            if c == 0x20 || c == 0x09 {
                if currentSeen {
                    if current != nil { value += b[i..<e] }
                } else {
                    noteMalformed(b, i, e)
                }
            } else {
                if let cur = current { store(cur, value) }
                current = nil
                currentSeen = false
                value.removeAll(keepingCapacity: true)
                // name ":" (whitespace before the colon is obsolete but seen)
                var j = i
                while j < e, b[j] != 0x3A, b[j] > 0x20, b[j] < 0x7F { j += 1 }
                let nameEnd = j
                while j < e, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
                if j < e, b[j] == 0x3A, nameEnd > i {
                    fieldCount += 1
                    currentSeen = true
                    current = Self.name(b, i, nameEnd)
                    if current != nil { value += b[(j + 1)..<e] }
                } else {
                    noteMalformed(b, i, e)
                }
            }
            i = e + 1
        }
        if let cur = current { store(cur, value) }
    }

    private mutating func noteMalformed(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) {
        malformedCount += 1
        if malformed.count < 5 { malformed.append(Array(b[s..<min(e, s + 998)])) }
    }

    private mutating func store(_ name: Name, _ raw: [UInt8]) {
        var s = 0
        var e = raw.count
        while s < e, raw[s] == 0x20 || raw[s] == 0x09 { s += 1 }
        while e > s, raw[e - 1] == 0x20 || raw[e - 1] == 0x09 || raw[e - 1] == 0x0D { e -= 1 }
        let v = s == 0 && e == raw.count ? raw : Array(raw[s..<e])
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
        case 12: if eq("content-type") { return .contentType }
        case 14:
            if eq("auto-submitted") { return .autoSubmitted }
            if eq("x-gmail-labels") { return .gmailLabels }
        case 25: if eq("content-transfer-encoding") { return .contentTransferEncoding }
        default: break
        }
        return nil
    }
}
