import KithModel
import KithPlugin

/// Settings read from `-O key=value` (see docs/mail.md).
struct MailOptions {
    /// The archive owner's addresses, lower-cased.
    var me: Set<String> = []
    /// Snippet length in characters; 0 reads no body.
    var snippet = 0
    /// Undo mboxrd `>From` escaping in snippets.
    var mboxrd = false
    /// Trust a consistent Content-Length (mboxcl/cl2).
    var contentLength = true
    /// Report messages with a repeated Message-ID once.
    var dedupe = true

    init(_ o: PluginOptions) throws(PluginError) {
        if let v = o["me"] {
            me = Set(v.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " }).map { $0.lowercased() })
        }
        if let v = o["snippet"] {
            guard let n = Int(v), n >= 0 else {
                throw PluginError(.badOption, "snippet expects a number of characters (0 turns it off)")
            }
            snippet = min(n, 10_000)
        }
        mboxrd = o.flag("mboxrd")
        if let v = o["content-length"]?.lowercased() { contentLength = !(v == "ignore" || v == "no" || v == "off" || v == "false") }
        if let v = o["dedupe"]?.lowercased() { dedupe = !(v == "no" || v == "off" || v == "false" || v == "0") }
    }
}

/// Maildir facts about one message file.
struct MaildirInfo {
    var flags: String
    var folder: String?
    var deliveredAt: Int64?
}

/// Turns split messages into events for one input, collecting contacts.
final class MailImport {
    let plugin = "mail"
    let file: String
    let options: MailOptions
    let emit: (ImportEvent) throws -> Void
    var summary = ImportSummary()
    private var book = ContactBook()
    /// Message-ID hash -> (fingerprint << 32 | record).
    private var seen: [UInt64: UInt64] = [:]
    private var hintedMboxrd = false
    private var record = 0

    init(file: String, options: MailOptions, emit: @escaping (ImportEvent) throws -> Void) {
        self.file = file
        self.options = options
        self.emit = emit
    }

    private func diag(_ severity: Diagnostic.Severity, _ loc: Locator, _ code: String, _ message: String) throws {
        try emit(.diagnostic(Diagnostic(severity: severity, file: file, locator: loc, message: message, code: code)))
    }

    /// Reads every message of one stream (an mbox or one message file).
    func read(_ stream: ByteStream, path: String? = nil, maildir: MaildirInfo? = nil, singleMessage: Bool = false) throws {
        let splitter = MessageSplitter(
            stream, bodyCapture: options.snippet > 0 ? 64 * 1024 : 0, useContentLength: options.contentLength,
            singleMessage: singleMessage)
        var raw = RawMessage()
        while splitter.next(into: &raw) {
            record += 1
            try process(raw, record: record, path: path, maildir: maildir)
        }
    }

    // MARK: - One message

    func process(_ raw: RawMessage, record: Int, path: String?, maildir: MaildirInfo?) throws {
        summary.recordsRead += 1
        let loc = Locator(line: raw.line, record: record, path: path)
        let f = HeaderFields(raw.header)
        guard f.fieldCount > 0 else {
            summary.recordsRejected += 1
            let why = raw.header.isEmpty ? "it has no header block" : "no line of its header block is a header field"
            try diag(.error, loc, "mail.unreadable", "message rejected: \(why)")
            return
        }
        let charset = f.contentType.flatMap { MIMEValue($0).parameters["charset"] }.flatMap { Charset.named($0) }
        var ext: [String: [String]] = [:]

        if raw.headerTruncated {
            try diag(.warning, loc, "mail.header.too-large", "header block larger than 1 MiB; the rest of it was skipped")
        }
        if raw.endedInHeader {
            try diag(.warning, loc, "mail.truncated", "the input ends inside this message's header block")
        }
        if f.malformedCount > 0 {
            try diag(
                .warning, loc, "mail.header.malformed",
                "\(f.malformedCount) header line(s) are not header fields; kept raw in extension mail:malformed-header")
            ext["mail:malformed-header"] = f.malformed.map { Charset.headerText($0, messageCharset: charset) }
        }
        if raw.contentLength == .inconsistent {
            try diag(.note, loc, "mail.content-length", "Content-Length does not end at a message boundary; ignored")
        }
        if raw.escapedFromLines > 0 && !hintedMboxrd && !options.mboxrd && options.snippet > 0 {
            hintedMboxrd = true
            try diag(
                .note, loc, "mail.mboxrd",
                "body lines start with '>From '; if this file is mboxrd, -O mboxrd=yes unescapes them in snippets")
        }

        // Participants.
        var participants: [Participant] = []
        var fromKeys: [String] = []
        var domainless: [String] = []
        var rewritten = 0
        func addAll(_ values: [[UInt8]], _ role: ParticipantRole, skipping: [String] = []) {
            for v in values {
                for a in AddressParser.parse(v, messageCharset: charset) {
                    if a.domainless {
                        domainless.append(a.address ?? a.name ?? "")
                    }
                    if a.rewrittenAt { rewritten += 1 }
                    if let addr = a.address, skipping.contains(addr.lowercased()) { continue }
                    participants.append(Participant(role: role, name: a.name, email: a.address))
                    if role == .from, let addr = a.address { fromKeys.append(addr.lowercased()) }
                }
            }
        }
        addAll(f.from, .from)
        addAll(f.sender, .sender, skipping: fromKeys)
        addAll(f.replyTo, .replyTo, skipping: fromKeys)
        addAll(f.to, .to)
        addAll(f.cc, .cc)
        addAll(f.bcc, .bcc)
        if !domainless.isEmpty {
            ext["mail:domainless"] = domainless
            try diag(.warning, loc, "mail.address.domainless",
                "\(domainless.count) address(es) without a domain; kept as written, no contact made")
        }
        if rewritten > 0 {
            try diag(.note, loc, "mail.address.at", "\(rewritten) 'user at domain' address(es) read as user@domain")
        }
        if f.from.isEmpty {
            try diag(.warning, loc, "mail.from.missing", "message has no From field")
        }

        // Subject, ids.
        var subject: String?
        if let s = f.subject {
            let text = EncodedWords.decode(s, messageCharset: charset)
            subject = collapse(text)
        }
        let messageID = f.messageID.flatMap { Self.ids($0).first }
        let inReplyTo = f.inReplyTo.map { Self.ids($0) } ?? []
        let references = f.references.map { Self.ids($0) } ?? []

        // Date.
        var timestamp: Timestamp?
        var offset: Int?
        if let d = f.date {
            if let md = d.withUnsafeBufferPointer({ MailDate.parse($0) }) {
                timestamp = md.timestamp
                offset = md.utcOffsetMinutes
                if offset == nil {
                    try diag(.warning, loc, "mail.date.zone", "the Date has no known time zone; taken as UTC (utcOffsetMinutes left empty)")
                }
            } else {
                try diag(.warning, loc, "mail.date.invalid", "the Date field could not be read; the message has no time")
            }
        }
        if timestamp == nil {
            if let env = raw.envelope, let md = Self.envelopeDate(env) {
                timestamp = md.timestamp
                offset = md.utcOffsetMinutes
                try diag(.note, loc, "mail.date.envelope", "no readable Date field; time taken from the mbox From_ line (zone unknown, taken as UTC)")
            } else if let t = maildir?.deliveredAt {
                timestamp = Timestamp(secondsSince1970: t)
                try diag(.note, loc, "mail.date.delivery", "no readable Date field; time taken from the Maildir delivery time")
            } else if f.date == nil {
                try diag(.warning, loc, "mail.date.missing", "message has no Date field and no other time")
            }
        }

        // Duplicates.
        var uniqueRecordID = messageID
        if options.dedupe, let mid = messageID {
            let key = Self.hash64(mid)
            let fromKey = fromKeys.first ?? ""
            let fp = UInt64(truncatingIfNeeded: Self.hash64(fromKey + "|" + String(timestamp?.secondsSince1970 ?? 0))) & 0xFFFF_FFFF
            if let prior = seen[key] {
                let priorRecord = Int(prior & 0xFFFF_FFFF)
                if prior >> 32 == fp {
                    try diag(.note, loc, "mail.duplicate",
                        "duplicate of message \(priorRecord) (same Message-ID, sender and date); imported once, from its first copy")
                    return
                }
                try diag(.warning, loc, "mail.message-id.reused",
                    "same Message-ID as message \(priorRecord) but another sender or date; both kept")
                uniqueRecordID = nil
            } else {
                seen[key] = fp << 32 | UInt64(record & 0xFFFF_FFFF)
            }
        }

        // Lists and machines.
        if let lid = f.listID {
            let (name, id) = Self.listID(lid, charset: charset)
            var post: String?
            if let lp = f.listPost, let a = AddressParser.parse(lp, messageCharset: charset).first?.address, a.contains("@") {
                post = a
            }
            if !id.isEmpty {
                book.addList(id: id, name: name, postAddress: post, at: loc)
                ext["mail:list-id"] = [id]
            }
        }
        var senderRole: AddressRole?
        if let au = f.autoSubmitted, !Self.lowerASCII(au).hasPrefix("no") { senderRole = .machine }
        if let p = f.precedence, f.listID == nil {
            let v = Self.lowerASCII(p)
            if v.hasPrefix("bulk") || v.hasPrefix("junk") { senderRole = .machine }
        }
        for p in participants {
            guard let a = p.email, a.contains("@") else { continue }
            let isFrom = p.role == .from
            book.add(address: a, name: p.name, at: loc, asSender: isFrom, role: isFrom ? senderRole : nil)
        }

        // Owner.
        if !options.me.isEmpty {
            let fromMe = fromKeys.contains { options.me.contains($0) }
            let toMe = participants.contains { p in
                p.role != .from && p.role != .sender && p.role != .replyTo && p.email.map { options.me.contains($0.lowercased()) } == true
            }
            if fromMe {
                ext["kith:direction"] = ["sent"]
            } else if toMe {
                ext["kith:direction"] = ["received"]
            }
            for p in participants { if let e = p.email?.lowercased(), options.me.contains(e) { book.markOwner(e) } }
        }

        // Gmail and Maildir extras.
        var status: String?
        if let labels = f.gmailLabels {
            let list = Charset.headerText(labels, messageCharset: charset).split(separator: ",").map {
                String($0).trimmingSpaces
            }.filter { !$0.isEmpty }
            ext["mail:gmail-labels"] = list
            if list.contains("Spam") { status = "spam" } else if list.contains("Trash") { status = "trash" } else if list.contains("Draft") || list.contains("Drafts") { status = "draft" }
        }
        if let t = f.gmailThreadID { ext["mail:gmail-thread"] = [String(decoding: t, as: UTF8.self)] }
        if let md = maildir {
            if !md.flags.isEmpty { ext["mail:maildir-flags"] = md.flags.map { String($0) } }
            if let folder = md.folder { ext["mail:folder"] = [folder] }
            if md.flags.contains("T") { status = "trash" } else if md.flags.contains("D") { status = "draft" }
        }

        var snippet: String?
        if options.snippet > 0 {
            snippet = Snippet.extract(
                body: raw.body, contentType: f.contentType, transferEncoding: f.contentTransferEncoding,
                messageCharset: charset, maxCharacters: options.snippet, unescapeMboxrd: options.mboxrd)
        }

        let id = StableID.record(plugin: plugin, file: file, locator: loc, recordId: uniqueRecordID)
        let interaction = Interaction(
            id: id, type: .email, timestamp: timestamp, utcOffsetMinutes: offset, participants: participants,
            subject: subject, snippet: snippet, messageId: messageID,
            threadId: references.first ?? inReplyTo.first ?? messageID, parentId: inReplyTo.first ?? references.last,
            status: status, extensions: ext,
            sources: [Provenance(plugin: plugin, file: file, locator: loc, recordId: messageID)])
        try emit(.interaction(interaction))
    }

    /// Emits the contacts seen in the input.
    func finish() throws {
        for c in book.contacts(plugin: plugin, file: file) { try emit(.contact(c)) }
    }

    // MARK: - Helpers

    private func collapse(_ s: String) -> String? {
        var out = ""
        var space = false
        for ch in s.unicodeScalars {
            if ch == " " || ch == "\t" || ch == "\r" || ch == "\n" {
                space = !out.isEmpty
            } else {
                if space { out.unicodeScalars.append(" ") }
                space = false
                out.unicodeScalars.append(ch)
            }
        }
        return out.isEmpty ? nil : out
    }

    /// Message ids of a Message-ID, In-Reply-To or References field: every
    /// `<...>`; without brackets, the whitespace-separated words that hold `@`.
    static func ids(_ b: [UInt8]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < b.count {
            if b[i] == 0x3C {
                var j = i + 1
                while j < b.count, b[j] != 0x3E { j += 1 }
                let inner = b[(i + 1)..<j].filter { $0 > 0x20 }
                if !inner.isEmpty { out.append(Charset.headerText(Array(inner), messageCharset: nil)) }
                i = j + 1
            } else {
                i += 1
            }
        }
        if out.isEmpty {
            for w in b.split(whereSeparator: { $0 <= 0x20 }) where w.contains(0x40) || out.isEmpty && b.count < 250 {
                out.append(Charset.headerText(Array(w), messageCharset: nil))
            }
        }
        return out
    }

    static func listID(_ b: [UInt8], charset: Charset?) -> (name: String?, id: String) {
        if let open = b.lastIndex(of: 0x3C) {
            let close = b[open...].firstIndex(of: 0x3E) ?? b.count
            let id = Charset.headerText(Array(b[(open + 1)..<close]), messageCharset: charset).trimmingSpaces
            let name = AddressParser.cleanName(EncodedWords.decode(Array(b[..<open]), messageCharset: charset))
            return (name?.trimmingCharacters(in: "\""), id)
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

    static func lowerASCII(_ b: [UInt8]) -> String {
        String(decoding: b.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self).trimmingSpaces
    }

    static func hash64(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h &*= 0x100_0000_01b3
        }
        return h
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
