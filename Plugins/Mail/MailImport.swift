import KithModel
import KithPlugin

/// Settings read from `-O key=value` (see docs/mail.md).
struct MailOptions {
    /// The archive owner's addresses, lower-cased.
    var me: Set<String> = []
    /// `me` as case-folded hashes (`ContactBook.foldedHash`).
    var meKeys: Set<UInt64> = []
    /// Snippet length in characters; 0 reads no body.
    var snippet = 0
    /// Undo mboxrd `>From` escaping in snippets.
    var mboxrd = false
    /// Trust a consistent Content-Length (mboxcl/cl2).
    var contentLength = true
    /// Report messages with a repeated Message-ID once.
    var dedupe = true
    /// Cores to parse headers on; 0 picks (up to 4).
    var threads = 0

    init(_ o: PluginOptions) throws(PluginError) {
        if let v = o["me"] {
            me = Set(v.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " }).map { $0.lowercased() })
            meKeys = Set(me.map { ContactBook.foldedHash($0) })
        }
        if let v = o["snippet"] {
            guard let n = Int(v), n >= 0 else {
                throw PluginError(.badOption, "snippet expects a number of characters (0 turns it off)")
            }
            snippet = min(n, 10_000)
        }
        mboxrd = o.flag("mboxrd")
        if let v = o["content-length"]?.lowercased() { contentLength = !(v == "ignore" || v == "no" || v == "off" || v == "false") }
        if let v = o["threads"] {
            guard let n = Int(v), n >= 0 else { throw PluginError(.badOption, "threads expects a number (0 picks)") }
            threads = min(n, 64)
        }
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
    static let plugin = "mail"
    var plugin: String { Self.plugin }
    let file: String
    let options: MailOptions
    let emit: (ImportEvent) throws -> Void
    var summary = ImportSummary()
    private var book = ContactBook()
    /// Message-ID hash -> (fingerprint << 32 | record).
    /// Message-ID hash -> 10-bit sender/date fingerprint << 22 | message
    /// index (saturating at 2^22 - 1): 12 bytes per message.
    private var seen: [UInt64: UInt32] = [:]
    private static let recordBits: UInt32 = 22
    private static let recordMask: UInt32 = (1 << recordBits) - 1
    private var hintedMboxrd = false
    private var record = 0

    private let ids: RecordIDs
    /// Scratch for parsing on this thread (`threads=1`, message files).
    private lazy var localScratch = ParseScratch()

    init(file: String, options: MailOptions, emit: @escaping (ImportEvent) throws -> Void) {
        self.file = file
        ids = RecordIDs(plugin: Self.plugin, file: file)
        self.options = options
        self.emit = emit
    }

    private func diag(_ severity: Diagnostic.Severity, _ loc: Locator, _ code: String, _ message: String) throws {
        try emit(.diagnostic(Diagnostic(severity: severity, file: file, locator: loc, message: message, code: code)))
    }

    /// Reads every message of one stream (an mbox or one message file).
    ///
    /// Three stages, so that every core has work: messages are split (the
    /// byte scanning) on a second thread and handed on in batches; each
    /// batch's headers are parsed (the costly part, independent per message)
    /// by a worker thread, or by this one while it waits; the results are
    /// committed in input order on this thread (contacts, duplicates,
    /// events), so the output is the same as a one-thread run. `threads=1`
    /// (and every Maildir message file, which is one message) does all three
    /// on this thread.
    func read(_ stream: ByteStream, path: String? = nil, maildir: MaildirInfo? = nil, singleMessage: Bool = false) throws {
        if options.dedupe, seen.isEmpty, let total = stream.totalBytes, total > 1 << 24 {
            // Size the duplicate table once (about one message per 2 KB)
            // rather than letting it double, which briefly holds two tables.
            seen.reserveCapacity(min(total / 2048, 4 << 20))
        }
        let bodyCapture = options.snippet > 0 ? 64 * 1024 : 0
        let useContentLength = options.contentLength
        let batcher = MessageBatcher(firstRecord: record, snippets: options.snippet > 0)
        let (ids, options) = (ids, options)
        if singleMessage || options.threads == 1 {
            // This thread's scratch, kept from file to file (a Maildir is a
            // file per message).
            let scratch = localScratch
            let splitter = MessageSplitter(
                stream, bodyCapture: bodyCapture, useContentLength: useContentLength, singleMessage: singleMessage)
            try batcher.run(splitter) { batch in
                var parsed = batch.map {
                    MessageParser.parse($0, ids: ids, path: path, maildir: maildir, options: options, scratch: scratch)
                }
                try commitAll(&parsed)
            }
            return
        }
        // A parser per thread, with scratch lists of its own (no locking).
        let makeParser: @Sendable () -> ([RawMessage]) -> [ParsedMessage] = {
            let scratch = ParseScratch()
            return { batch in
                batch.map {
                    MessageParser.parse($0, ids: ids, path: path, maildir: maildir, options: options, scratch: scratch)
                }
            }
        }
        // The stream stays on this thread (progress counters); the splitter
        // pulls its bytes through the pipeline. At most four batches (of up
        // to 256 messages) are in flight. Chunks of 64 KiB: 256 KiB arrays
        // made on one thread and freed on another are mapped and unmapped by
        // malloc every time (35,000 page faults per 50,000 messages, 6,000
        // with 64 KiB; a fifth of the threaded run's CPU).
        let workers = (options.threads > 0 ? options.threads : ProcessInfoCores.count) - 1
        try StreamPipeline<[RawMessage], [ParsedMessage]>(capacity: 4, chunkSize: 64 << 10, chunksAhead: 24).run(
            stream: stream, workers: workers,
            produce: { pipe in
                let feed = ChunkFeed(pipe.nextChunk)
                let splitter = MessageSplitter(
                    LineSource(readInto: feed.read(into:maxCount:)), bodyCapture: bodyCapture, useContentLength: useContentLength)
                try batcher.run(splitter, deliver: pipe.push)
            },
            makeTransform: makeParser, handle: commitAll)
    }

    /// Commits parsed messages in order, in place (no copy of each).
    private func commitAll(_ batch: inout [ParsedMessage]) throws {
        for i in batch.indices { try commit(&batch[i]) }
        if let r = batch.last?.locator.record { record = r }
    }

    // MARK: - One message, in input order

    func commit(_ m: inout ParsedMessage) throws {
        summary.recordsRead += 1
        let loc = m.locator
        guard m.rejection == nil, var interaction = m.interaction.take() else {
            let why = m.rejection ?? "it could not be read"
            summary.recordsRejected += 1
            try diag(.error, loc, "mail.unreadable", "message rejected: \(why)")
            return
        }
        if m.escapedFromLines > 0 && !hintedMboxrd && !options.mboxrd && options.snippet > 0 {
            hintedMboxrd = true
            try diag(
                .note, loc, "mail.mboxrd",
                "body lines start with '>From '; if this file is mboxrd, -O mboxrd=yes unescapes them in snippets")
        }
        for n in m.notes { try diag(n.severity, loc, n.code, n.message) }

        // Duplicates.
        if options.dedupe, let key = m.dedupeKey {
            let fp = UInt32(truncatingIfNeeded: m.fingerprint) & 0x3FF
            if let prior = seen[key] {
                let priorRecord = prior & Self.recordMask
                let which = priorRecord == Self.recordMask ? "an earlier message" : "message \(priorRecord)"
                if prior >> Self.recordBits == fp {
                    try diag(.note, loc, "mail.duplicate",
                        "duplicate of \(which) (same Message-ID, sender and date); imported once, from its first copy")
                    return
                }
                try diag(.warning, loc, "mail.message-id.reused",
                    "same Message-ID as \(which) but another sender or date; both kept")
                interaction.id = StableID.record(plugin: plugin, file: file, locator: loc, recordId: nil)
            } else {
                let r = UInt32(clamping: loc.record ?? 0)
                seen[key] = fp << Self.recordBits | min(r, Self.recordMask)
            }
        }

        if let list = m.list {
            book.addList(id: list.id, name: list.name, postAddress: list.post, at: loc)
        }
        for k in interaction.participants.indices where k < m.keys.count && m.keys[k].address != 0 {
            guard let a = interaction.participants[k].email else { continue }
            let isFrom = interaction.participants[k].role == .from
            book.add(
                address: a, name: interaction.participants[k].name, keys: m.keys[k], at: loc, asSender: isFrom,
                role: isFrom ? m.senderRole : nil, organization: isFrom ? m.senderOrganization : nil)
        }

        // Owner.
        if !options.me.isEmpty {
            let fromMe = m.fromKeys.contains { options.meKeys.contains($0) }
            let toMe = interaction.participants.contains { p in
                p.role != .from && p.role != .sender && p.role != .replyTo
                    && p.email.map { options.me.contains($0.lowercased()) } == true
            }
            if fromMe {
                interaction.extensions["kith:direction"] = ["sent"]
            } else if toMe {
                interaction.extensions["kith:direction"] = ["received"]
            }
            for p in interaction.participants {
                if let e = p.email?.lowercased(), options.me.contains(e) { book.markOwner(e) }
            }
        }

        try emit(.interaction(interaction))
    }

    /// Emits the contacts seen in the input.
    func finish() throws {
        for c in book.contacts(plugin: plugin, file: file) { try emit(.contact(c)) }
    }

    // MARK: - Helpers

    static func hash64(_ s: String) -> UInt64 {
        s.withBytes { fnv1a($0) }
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
