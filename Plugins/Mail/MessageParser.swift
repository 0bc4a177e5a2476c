import KithModel

#if canImport(Glibc)
    import Glibc
#endif

/// What one message's header says, before anything depends on the messages
/// around it (contacts, duplicates): the pure, parallel part of an import.
struct ParsedMessage {
    struct Note {
        var severity: Diagnostic.Severity
        var code: String
        var message: String
    }

    var locator: Locator
    /// Why the message was rejected, if it was.
    var rejection: String?
    var notes: [Note] = []
    var participants: [Participant] = []
    /// Contact-book keys per participant (address hash 0: no contact).
    var keys: [(address: UInt64, name: UInt64)] = []
    /// From addresses, as case-folded hashes (`ContactBook.foldedHash`).
    var fromKeys = FromKeys()
    var extensions: [String: [String]] = [:]
    var subject: String?
    var messageID: String?
    var inReplyTo: [String] = []
    var references: [String] = []
    var timestamp: Timestamp?
    var utcOffsetMinutes: Int?
    var list: (name: String?, id: String, post: String?)?
    /// The sender's organisation (the `Organization` field), for the From contact.
    var senderOrganization: String?
    /// A role for the From address suggested by the header (Auto-Submitted, Precedence).
    var senderRole: AddressRole?
    var status: String?
    var snippet: String?
    var escapedFromLines = 0
    /// Hash of the Message-ID and a 32-bit fingerprint of sender and date,
    /// for duplicate detection.
    var dedupeKey: UInt64?
    var fingerprint: UInt64 = 0
    /// The interaction, built on the parsing thread; nil when rejected.
    var interaction: Interaction?

    init(locator: Locator) { self.locator = locator }

    mutating func note(_ severity: Diagnostic.Severity, _ code: String, _ message: String) {
        notes.append(Note(severity: severity, code: code, message: message))
    }
}

/// The From addresses' keys: nearly always one, kept inline (an array
/// per message was an allocation for a single number).
struct FromKeys: Sequence {
    private(set) var first: UInt64?
    private var more: [UInt64] = []

    mutating func append(_ k: UInt64) {
        if first == nil { first = k } else { more.append(k) }
    }

    func makeIterator() -> IndexingIterator<[UInt64]> {
        guard let first else { return [UInt64]().makeIterator() }
        return more.isEmpty ? [first].makeIterator() : ([first] + more).makeIterator()
    }

    func contains(_ k: UInt64) -> Bool {
        guard let first else { return false }
        return first == k || more.contains(k)
    }

    func contains(where predicate: (UInt64) throws -> Bool) rethrows -> Bool {
        guard let first else { return false }
        return try predicate(first) || more.contains(where: predicate)
    }
}

/// Reads the header fields of split messages into `ParsedMessage`s.
enum MessageParser {
    static func parse(
        _ raw: RawMessage, ids: RecordIDs, path: String?, maildir: MaildirInfo?, options: MailOptions,
        scratch: ParseScratch
    ) -> ParsedMessage {
        var m = ParsedMessage(locator: Locator(line: raw.line, record: raw.index, path: path))
        let f = HeaderFields(raw.header)
        guard f.fieldCount > 0 else {
            m.rejection = raw.header.isEmpty ? "it has no header block" : "no line of its header block is a header field"
            return m
        }
        m.escapedFromLines = raw.escapedFromLines
        m.participants.reserveCapacity(8)
        let charset = f.contentType.flatMap { MIMEValue.charset(in: $0) }

        if raw.headerTruncated {
            m.note(.warning, "mail.header.too-large", "header block larger than 1 MiB; the rest of it was skipped")
        }
        if raw.endedInHeader {
            m.note(.warning, "mail.truncated", "the input ends inside this message's header block")
        }
        if f.malformedCount > 0 {
            m.note(
                .warning, "mail.header.malformed",
                "\(f.malformedCount) header line(s) are not header fields; kept raw in extension mail:malformed-header")
            m.extensions["mail:malformed-header"] = f.malformed.map { Charset.headerText($0, messageCharset: charset) }
        }
        if raw.contentLength == .inconsistent {
            m.note(.note, "mail.content-length", "Content-Length does not end at a message boundary; ignored")
        }

        // Participants.
        var domainless: [String] = []
        var rewritten = 0
        m.keys.reserveCapacity(8)
        // Each address is hashed once, here, for the From keys, the
        // Sender/Reply-To check and the contact book (`ContactBook.keys`).
        func addAll(_ values: [HeaderFields.Value], _ role: ParticipantRole, isFrom: Bool = false, skippingFrom: Bool = false) {
            for v in values {
                scratch.mailboxes.removeAll(keepingCapacity: true)
                v.withUnsafeBufferPointer {
                    AddressParser.parse(
                        $0, messageCharset: charset, scratch: &scratch.addresses, into: &scratch.mailboxes)
                }
                for a in scratch.mailboxes {
                    if a.domainless { domainless.append(a.address ?? a.name ?? "") }
                    if a.rewrittenAt { rewritten += 1 }
                    var key: (hash: UInt64, hasAt: Bool) = (0, false)
                    if let addr = a.address {
                        key = ContactBook.foldedHashAndAt(addr)
                        if skippingFrom, m.fromKeys.contains(key.hash) { continue }
                        if isFrom { m.fromKeys.append(key.hash) }
                    }
                    m.participants.append(Participant(role: role, name: a.name, email: a.address))
                    m.keys.append(key.hasAt ? (key.hash, ContactBook.nameKey(a.name)) : (0, 0))
                }
            }
        }
        addAll(f.from, .from, isFrom: true)
        addAll(f.sender, .sender, skippingFrom: true)
        addAll(f.replyTo, .replyTo, skippingFrom: true)
        addAll(f.to, .to)
        addAll(f.cc, .cc)
        addAll(f.bcc, .bcc)
        if !domainless.isEmpty {
            m.extensions["mail:domainless"] = domainless
            m.note(.warning, "mail.address.domainless",
                "\(domainless.count) address(es) without a domain; kept as written, no contact made")
        }
        if rewritten > 0 {
            m.note(.note, "mail.address.at", "\(rewritten) 'user at domain' address(es) read as user@domain")
        }
        if f.from.isEmpty {
            m.note(.warning, "mail.from.missing", "message has no From field")
        }

        // Subject, ids.
        if let s = f.subject {
            m.subject = collapse(EncodedWords.decode(s, messageCharset: charset))
        }
        // Only the first and last ids are used (thread and parent): the
        // others are not made strings.
        m.messageID = f.messageID.flatMap { firstAndLastMessageID($0, wantLast: false).first }
        if let v = f.inReplyTo, let first = firstAndLastMessageID(v, wantLast: false).first { m.inReplyTo = [first] }
        if let v = f.references {
            let ends = firstAndLastMessageID(v, wantLast: true)
            if let first = ends.first { m.references = [first] }
            if let last = ends.last, ends.count > 1 { m.references.append(last) }
        }

        // Date.
        if let d = f.date {
            if let md = d.withUnsafeBufferPointer({ MailDate.parse($0) }) {
                m.timestamp = md.timestamp
                m.utcOffsetMinutes = md.utcOffsetMinutes
                if md.utcOffsetMinutes == nil {
                    m.note(.warning, "mail.date.zone", "the Date has no known time zone; taken as UTC (utcOffsetMinutes left empty)")
                }
            } else {
                m.note(.warning, "mail.date.invalid", "the Date field could not be read; the message has no time")
            }
        }
        if m.timestamp == nil {
            if let env = raw.envelope, let md = envelopeDate(env) {
                m.timestamp = md.timestamp
                m.note(.note, "mail.date.envelope",
                    "no readable Date field; time taken from the mbox From_ line (zone unknown, taken as UTC)")
            } else if let t = maildir?.deliveredAt {
                m.timestamp = Timestamp(secondsSince1970: t)
                m.note(.note, "mail.date.delivery", "no readable Date field; time taken from the Maildir delivery time")
            } else if f.date == nil {
                m.note(.warning, "mail.date.missing", "message has no Date field and no other time")
            }
        }

        // Lists and machines.
        if let lid = f.listID {
            let (name, id) = listID(lid, charset: charset)
            var post: String?
            if let lp = f.listPost, let a = AddressParser.parse(lp, messageCharset: charset).first?.address, a.utf8.contains(0x40) {
                post = a
            }
            if !id.isEmpty {
                m.list = (name, id, post)
                m.extensions["mail:list-id"] = [id]
            }
        }
        if let o = f.organization {
            m.senderOrganization = AddressParser.cleanName(EncodedWords.decode(o, messageCharset: charset))
        }
        if let au = f.autoSubmitted, !lowerASCII(au).hasPrefix("no") { m.senderRole = .machine }
        if let p = f.precedence, f.listID == nil {
            let v = lowerASCII(p)
            if v.hasPrefix("bulk") || v.hasPrefix("junk") { m.senderRole = .machine }
        }

        // Gmail and Maildir extras.
        if let labels = f.gmailLabels {
            let list = Charset.headerText(labels, messageCharset: charset).split(separator: ",").map {
                String($0).trimmingSpaces
            }.filter { !$0.isEmpty }
            m.extensions["mail:gmail-labels"] = list
            if list.contains("Spam") {
                m.status = "spam"
            } else if list.contains("Trash") {
                m.status = "trash"
            } else if list.contains("Draft") || list.contains("Drafts") {
                m.status = "draft"
            }
        }
        if let t = f.gmailThreadID { m.extensions["mail:gmail-thread"] = [String(decoding: t, as: UTF8.self)] }
        if let md = maildir {
            if !md.flags.isEmpty { m.extensions["mail:maildir-flags"] = md.flags.map { String($0) } }
            if let folder = md.folder { m.extensions["mail:folder"] = [folder] }
            if md.flags.contains("T") { m.status = "trash" } else if md.flags.contains("D") { m.status = "draft" }
        }

        if options.snippet > 0 {
            m.snippet = Snippet.extract(
                body: raw.body, contentType: f.contentType, transferEncoding: f.contentTransferEncoding,
                messageCharset: charset, maxCharacters: options.snippet, unescapeMboxrd: options.mboxrd)
        }
        if let mid = m.messageID {
            m.dedupeKey = MailImport.hash64(mid)
            var fp = m.fromKeys.first ?? 0
            fp ^= UInt64(bitPattern: m.timestamp?.secondsSince1970 ?? 0) &* 0x9E37_79B9_7F4A_7C15
            m.fingerprint = fp & 0xFFFF_FFFF
        }
        let loc = m.locator
        // Move the parts into the interaction (no second reference kept).
        let messageID = m.messageID.take()
        let references = m.references
        let inReplyTo = m.inReplyTo
        m.references = []
        m.inReplyTo = []
        let participants = m.participants
        m.participants = []
        m.interaction = Interaction(
            id: ids.id(recordId: messageID, locator: loc), type: .email,
            timestamp: m.timestamp, utcOffsetMinutes: m.utcOffsetMinutes, participants: participants,
            subject: m.subject.take(), snippet: m.snippet.take(), messageId: messageID,
            threadId: references.first ?? inReplyTo.first ?? messageID, parentId: inReplyTo.first ?? references.last,
            status: m.status, extensions: m.extensions,
            sources: [Provenance(plugin: MailImport.plugin, file: ids.file, locator: loc, recordId: messageID)])
        m.extensions = [:]
        return m
    }

    // MARK: - Helpers

    static func collapse(_ s: String) -> String? {
        if !hasLooseWhitespace(s) { return s.isEmpty ? nil : s }
        // On UTF-8 bytes: the four whitespace characters are ASCII, and no
        // byte of a multi-byte character is ASCII, so this is the same as
        // working on scalars, without appending them one at a time.
        return s.withBytes { p -> String? in
            var out: [UInt8] = []
            out.reserveCapacity(p.count)
            var space = false
            for c in p {
                if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A {
                    space = !out.isEmpty
                } else {
                    if space { out.append(0x20) }
                    space = false
                    out.append(c)
                }
            }
            return out.isEmpty ? nil : String(decoding: out, as: UTF8.self)
        }
    }

    /// Message ids of a Message-ID, In-Reply-To or References field: every
    /// `<...>`; without brackets, the whitespace-separated words that hold `@`.
    static func messageIDs(_ v: HeaderFields.Value) -> [String] {
        v.withUnsafeBufferPointer { messageIDs($0) }
    }

    static func messageIDs(_ b: UnsafeBufferPointer<UInt8>) -> [String] {
        var out: [String] = []
        scanMessageIDs(b) { r, filtered in
            out.append(filtered.map { Charset.headerText($0, messageCharset: nil) }
                ?? Charset.headerText(UnsafeBufferPointer(rebasing: b[r]), messageCharset: nil))
        }
        return out
    }

    /// Calls `found` with each message id of a Message-ID, References or
    /// In-Reply-To value, in order: each `<…>` (its range in `b`, or its
    /// bytes with whitespace dropped when it held some); without any, the
    /// bare words holding `@` (the first word of a short value in any case).
    static func scanMessageIDs(_ b: UnsafeBufferPointer<UInt8>, _ found: (Range<Int>, [UInt8]?) -> Void) {
        var count = 0
        var i = 0
        while i < b.count {
            if b[i] == 0x3C {
                var j = i + 1
                var clean = true
                while j < b.count, b[j] != 0x3E {
                    if b[j] <= 0x20 { clean = false }
                    j += 1
                }
                if j > i + 1 {
                    if clean {
                        count += 1
                        found((i + 1)..<j, nil)
                    } else {
                        let inner = b[(i + 1)..<j].filter { $0 > 0x20 }
                        if !inner.isEmpty {
                            count += 1
                            found((i + 1)..<j, inner)
                        }
                    }
                }
                i = j + 1
            } else {
                i += 1
            }
        }
        guard count == 0 else { return }
        var k = 0
        while k < b.count {
            while k < b.count, b[k] <= 0x20 { k += 1 }
            let s = k
            var at = false
            while k < b.count, b[k] > 0x20 {
                if b[k] == 0x40 { at = true }
                k += 1
            }
            if k > s, at || count == 0 && b.count < 250 {
                count += 1
                found(s..<k, nil)
            }
        }
    }

    /// `messageIDs(v).first` and `.last` (and how many there are), making
    /// strings of those two only (a long References field holds dozens).
    static func firstAndLastMessageID(_ v: HeaderFields.Value, wantLast: Bool) -> (first: String?, last: String?, count: Int) {
        v.withUnsafeBufferPointer { b in
            var first: String?
            var last: Range<Int>?
            var lastFiltered: [UInt8]?
            var count = 0
            func text(_ r: Range<Int>) -> String {
                Charset.headerText(UnsafeBufferPointer(rebasing: b[r]), messageCharset: nil)
            }
            scanMessageIDs(b) { r, filtered in
                count += 1
                if count == 1 {
                    first = filtered.map { Charset.headerText($0, messageCharset: nil) } ?? text(r)
                } else if wantLast {
                    last = r
                    lastFiltered = filtered
                }
            }
            let lastText = last.map { r in lastFiltered.map { Charset.headerText($0, messageCharset: nil) } ?? text(r) }
            return (first, count == 1 ? first : lastText, count)
        }
    }

    static func listID(_ v: HeaderFields.Value, charset: Charset?) -> (name: String?, id: String) {
        let b = Array(v)
        if let open = b.lastIndex(of: 0x3C) {
            let close = b[open...].firstIndex(of: 0x3E) ?? b.count
            let id = Charset.headerText(Array(b[(open + 1)..<close]), messageCharset: charset).trimmingSpaces
            let name = AddressParser.cleanName(EncodedWords.decode(Array(b[..<open]), messageCharset: charset))
            return (name, id)
        }
        return (nil, Charset.headerText(b, messageCharset: charset).trimmingSpaces)
    }

    /// The date part of an envelope line (`sender Mon Jun  3 12:50:27 1996`).
    static func envelopeDate(_ env: [UInt8]) -> MailDate? {
        var i = 0
        while i < env.count, env[i] == 0x20 { i += 1 }
        while i < env.count, env[i] != 0x20 { i += 1 }
        guard i < env.count else { return nil }
        return Array(env[i...]).withUnsafeBufferPointer { MailDate.parse($0) }
    }

    static func lowerASCII(_ b: HeaderFields.Value) -> String {
        String(decoding: b.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self).trimmingSpaces
    }
}

/// Lists a parsing thread reuses from message to message (the address
/// parser's tokens and items, a field's mailboxes), so that parsing a
/// message makes no arrays for them. Each parsing thread has its own
/// (`StreamPipeline`'s per-thread transform).
final class ParseScratch {
    var addresses = AddressScratch.withStrings()
    var mailboxes: [MailAddress] = []
}

/// The number of threads to parse on (at most 4: beyond that the splitter
/// is the bottleneck).
enum ProcessInfoCores {
    static let count: Int = {
        #if canImport(Glibc)
            let n = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
            let n = 2
        #endif
        return max(1, min(4, n))
    }()
}
