#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import KithModel
import KithPlugin

/// The state of one vCard import: logical-line assembly over physical lines,
/// then cards (nested, implicit, unterminated) over properties.
///
/// Events are queued in `out` and drained by the caller after each physical
/// line, so that the per-line work needs no throwing closure.
///
/// A struct held in a local variable by `importStream`, not a class: every
/// access to a class's `var` in the per-line and per-property code paid a
/// dynamic exclusivity check (swift_beginAccess and its thread-local access
/// set), about 8,000 instructions a card in the benchmark.
struct VCardImportSession {
    let file: String
    let plugin: String
    let fallbackCharset: String?
    var out: [ImportEvent] = []
    var summary = ImportSummary()

    // Logical line being assembled.
    /// The bytes logical lines are assembled in: the open card's buffer
    /// (its builder's `bytes` is empty meanwhile, and gets this back when the
    /// card ends), or a loose buffer while no card is open. The line being
    /// assembled is `buf[pendingStart...]`; `buf[..<committed]` holds the
    /// stored properties' lines.
    ///
    /// Assembling each line where the card keeps it spares copying it there
    /// afterwards (about 1,000 instructions a card in the benchmark,
    /// callgrind).
    private var buf: [UInt8] = []
    private var pendingStart = 0
    private var committed = 0
    private var pendingLine = 0
    private var hasPending = false
    private var pendingQP = false
    private var pendingBase64 = false
    private var pendingStructural = false
    private var pendingOverflow = false
    private var base64Blank = false
    private var qpBlank = false

    /// Longest logical line kept (a photo of several megabytes fits).
    static let maxLineBytes = 32 * 1024 * 1024
    /// Largest card kept in memory before it is ended by force.
    static let maxCardBytes = 96 * 1024 * 1024
    /// Deepest nesting of cards (2.1 AGENT) followed.
    static let maxDepth = 8

    private struct OpenCard {
        var builder: CardBuilder
        var line: Int
        var index: Int
        var bytes = 0
        var awaitingAgent = false
        var isAgent = false
        var implicit = false
        var isV21 = false
    }

    /// Card metadata that alone does not make a card worth keeping.
    static let metadataKeys: Set<String> = ["REV", "CLASS", "PROFILE", "NAME", "SOURCE", "MAILER", "X-MS-OL-DEFAULT-POSTAL-ADDRESS"]

    private var stack: [OpenCard] = []
    /// A property buffer kept from the last card, so most cards allocate none.
    private var spareProperties: [VCardProperty] = []
    private var spareBytes: [UInt8] = []
    private var spareParams: [VCardParamRef] = []
    /// Parameters of the property being parsed (offsets into the pending line).
    private var scratchParams: [VCardParamRef] = []
    /// Cards begun so far (the last card's record number).
    var cardIndex = 0
    var seenUIDs = UIDSet()
    /// Handed to each card's builder and back (see `ExtensionCache`).
    private var extensionCache = ExtensionCache()
    var junkReported = false
    /// For threaded reading (`VCardParallel`): ids are made from every UID
    /// (the calling thread remakes those of repeated UIDs), and whether an
    /// AGENT card's id went into its enclosing card is noted.
    var batchMode = false
    var agentUsedID = false

    init(file: String, plugin: String, fallbackCharset: String?) {
        self.file = file
        self.plugin = plugin
        self.fallbackCharset = fallbackCharset
        scratchParams.reserveCapacity(16)
    }

    // MARK: - Physical lines → logical lines

    /// The last byte of the line being assembled.
    private var pendingLast: UInt8? { buf.count > pendingStart ? buf[buf.count - 1] : nil }

    @inline(__always)
    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    mutating func physical(_ l: UnsafeBufferPointer<UInt8>, _ n: Int) {
        let count = l.count
        if qpBlank && count > 0 {
            // After "=" and a blank line: a continuation unless the line
            // starts a property of its own.
            qpBlank = false
            if Self.looksLikePropertyStart(l) {
                buf.removeLast()
                pendingQP = false
            }
        }
        if hasPending && pendingQP && pendingLast == 0x3D && count > 0 && !Self.isEndLine(l) {
            buf.removeLast()  // quoted-printable soft line break
            append(l, from: 0)
            return
        }
        if count == 0 {
            // A blank line ends a quoted-printable soft break and (unless the
            // next line is folded: CR CR LF) a 2.1 base64 block.
            if hasPending && pendingQP && pendingLast == 0x3D { qpBlank = true }
            if hasPending && pendingBase64 { base64Blank = true }
            return
        }
        let first = l[0]
        if base64Blank {
            base64Blank = false
            if !Self.isSpace(first) { flush() }
        }
        if Self.isSpace(first) {
            if hasPending {
                append(l, from: 1)  // folded line
                return
            }
            var k = 0
            while k < count && Self.isSpace(l[k]) { k += 1 }
            if k == count { return }
            start(UnsafeBufferPointer(rebasing: l[k...]), n)
            return
        }
        if hasPending && pendingBase64 && Self.isBase64Line(l) {
            append(l, from: 0)  // 2.1 base64 block without indentation
            return
        }
        if first == 0x23 { return }  // '#' comment line
        let colonAt = memchr(l.baseAddress!, 0x3A, count).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - l.baseAddress! }
        guard let colonAt else {
            if hasPending && !pendingStructural {
                // A value continued on a line of its own (Android, Outlook):
                // join it with a line break, dropping an escaping backslash.
                warnLine(n, "line has no colon; joined to the previous property as a new line of its value", "vcard.no-colon")
                if pendingLast == 0x5C { buf.removeLast() }
                if !pendingOverflow { buf.append(0x0A) }
                append(l, from: 0)
            } else if !stack.isEmpty {
                warnLine(n, "line has no colon and is not a property; skipped", "vcard.no-colon")
            } else if !junkReported {
                junkReported = true
                out.append(.diagnostic(Diagnostic(
                    severity: .warning, file: file, locator: Locator(line: n),
                    message: "text outside any card skipped", code: "vcard.junk")))
            }
            return
        }
        flush()
        start(l, n, colon: colonAt)
    }

    private static func isEndLine(_ l: UnsafeBufferPointer<UInt8>) -> Bool {
        guard l.count >= 9 else { return false }
        let e = [UInt8]("END:VCARD".utf8)
        for k in 0..<9 where l[k] & 0xDF != e[k] & 0xDF && !(e[k] == 0x3A && l[k] == 0x3A) { return false }
        return true
    }

    /// `NAME:` or `NAME;` (with an optional group) at the start of the line.
    private static func looksLikePropertyStart(_ l: UnsafeBufferPointer<UInt8>) -> Bool {
        var k = 0
        while k < l.count {
            let b = l[k]
            let isNameChar = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2E || b == 0x5F
            if !isNameChar { return k > 0 && (b == 0x3A || b == 0x3B) }
            k += 1
        }
        return false
    }

    private static func isBase64Line(_ l: UnsafeBufferPointer<UInt8>) -> Bool {
        let table = ValueCodec.base64Alphabet
        for b in l where !(table[Int(b)] || b == 0x3D || b == 0x20 || b == 0x09) { return false }
        return true
    }

    @inline(__always)
    private mutating func append(_ l: UnsafeBufferPointer<UInt8>, from: Int) {
        guard !pendingOverflow else { return }
        if buf.count - pendingStart + l.count - from > Self.maxLineBytes {
            pendingOverflow = true
            return
        }
        if from == 0 {
            buf.append(contentsOf: l)
        } else if from < l.count {
            buf.append(contentsOf: UnsafeBufferPointer(rebasing: l[from...]))
        }
    }

    /// Starts a logical line; `colon` is the index of its first ':' when
    /// the caller found it already (else it is searched).
    private mutating func start(_ l: UnsafeBufferPointer<UInt8>, _ n: Int, colon known: Int? = nil) {
        // A line that was not stored (BEGIN, END, a bad line) is dropped.
        if buf.count > committed { buf.removeSubrange(committed...) }
        pendingStart = buf.count
        pendingOverflow = false
        append(l, from: 0)
        pendingLine = n
        hasPending = true
        // Look at the name and parameters (up to the first ':') for the
        // transfer encoding, which changes how the following lines join.
        pendingQP = false
        pendingBase64 = false
        // memchr for ':' (unless known) and ';' before it, rather than a loop
        // over the bytes with bounds checks.
        let base = l.baseAddress!
        let colon = known ?? memchr(base, 0x3A, l.count).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? l.count
        let semicolon = memchr(base, 0x3B, colon).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? -1
        let first = l[0] | 0x20
        pendingStructural = (first == 0x62 && Self.startsWithCI(l, "BEGIN:")) || (first == 0x65 && Self.startsWithCI(l, "END:"))
        if semicolon >= 0 {
            let params = UnsafeBufferPointer(rebasing: l[semicolon..<colon])
            // One pass for the bytes the encodings need ('q' for
            // QUOTED-PRINTABLE, '6' for BASE64, "g=" for ENCODING=B), so that
            // ordinary parameters (TYPE=HOME) skip the substring searches:
            // those cost about 2,500 instructions a card in the benchmark.
            var hasQ = false, has6 = false, hasGEq = false
            var prev: UInt8 = 0
            for b in params {
                let c = b | 0x20
                if c == 0x71 { hasQ = true } else if b == 0x36 { has6 = true } else if b == 0x3D && prev == 0x67 { hasGEq = true }
                prev = c
            }
            if hasQ && Self.containsCI(params, "QUOTED-PRINTABLE") {
                pendingQP = true
            } else if (has6 && Self.containsCI(params, "BASE64"))
                || (hasGEq && (Self.containsCI(params, "ENCODING=B;") || Self.endsWithCI(params, "ENCODING=B")))
            {
                pendingBase64 = true
            }
        }
    }

    private static func startsWithCI(_ l: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard l.count >= n else { return false }
        let p = s.utf8Start
        for k in 0..<n where (l[k] | 0x20) != (p[k] | 0x20) { return false }
        return true
    }

    private static func endsWithCI(_ l: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard l.count >= n else { return false }
        let p = s.utf8Start
        let off = l.count - n
        for k in 0..<n where (l[off + k] | 0x20) != (p[k] | 0x20) { return false }
        return true
    }

    private static func containsCI(_ l: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard l.count >= n else { return false }
        let p = s.utf8Start
        outer: for i in 0...(l.count - n) {
            for k in 0..<n where (l[i + k] | 0x20) != (p[k] | 0x20) { continue outer }
            return true
        }
        return false
    }

    private mutating func flush() {
        guard hasPending else { return }
        hasPending = false
        if pendingOverflow {
            warnLine(pendingLine, "property longer than \(Self.maxLineBytes / 1024 / 1024) MB skipped", "vcard.too-long")
            pendingOverflow = false
            return
        }
        // Only when there are any: `removeAll(keepingCapacity:)` goes through
        // the generic `replaceSubrange`, about 70 instructions a call.
        if !scratchParams.isEmpty { scratchParams.removeAll(keepingCapacity: true) }
        let line = pendingLine
        let from = pendingStart
        let parsed = buf.withUnsafeBufferPointer {
            ContentLineParser.parse(UnsafeBufferPointer(rebasing: $0[from...]), lineNumber: line, params: &scratchParams)
        }
        guard let p = parsed else {
            warnLine(pendingLine, "line is not a property (no name or no colon); skipped", "vcard.syntax")
            return
        }
        property(p)
    }

    /// Ends the input: the last property, then every open card.
    mutating func finish() {
        flush()
        while !stack.isEmpty { endCard(missingEnd: true) }
    }

    /// Ends a batch that the next batch continues with a `BEGIN:VCARD`
    /// line, if reading that line would do what `finish()` does (end the
    /// last property and at most one open card that cannot hold a nested
    /// card): then does it and returns true. Otherwise returns false with
    /// the state left as reading that line expects (the session can go on
    /// with the next batch's lines).
    mutating func endOfBatch() -> Bool {
        // After a quoted-printable soft break (and a blank line), a BEGIN
        // line continues the value or changes how it ends.
        if qpBlank || (hasPending && pendingQP && pendingLast == 0x3D) { return false }
        flush()
        if stack.count > 1 { return false }
        if let top = stack.last, top.awaitingAgent || top.isV21 || Self.maxDepth <= 1 { return false }
        while !stack.isEmpty { endCard(missingEnd: true) }
        return true
    }

    // MARK: - Properties → cards

    private mutating func warnLine(_ line: Int, _ message: String, _ code: String) {
        let d = Diagnostic(severity: .warning, file: file, locator: Locator(line: line), message: message, code: code)
        if !stack.isEmpty {
            stack[stack.count - 1].builder.diagnostics.append(d)
        } else {
            out.append(.diagnostic(d))
        }
    }

    /// True when the value of `p` (in the pending line) is `word`, ignoring case
    /// and surrounding blanks.
    private func valueIs(_ p: VCardProperty, _ word: StaticString) -> Bool {
        var a = p.valueStart, b = p.valueEnd
        let o = pendingStart
        while a < b && Self.isSpace(buf[o + a]) { a += 1 }
        while b > a && Self.isSpace(buf[o + b - 1]) { b -= 1 }
        let n = word.utf8CodeUnitCount
        guard b - a == n else { return false }
        let w = word.utf8Start
        for k in 0..<n where (buf[o + a + k] | 0x20) != (w[k] | 0x20) { return false }
        return true
    }

    private mutating func property(_ parsed: VCardProperty) {
        let p = parsed
        if p.kind == .begin && valueIs(p, "VCARD") {
            // A BEGIN inside an open card is a nested card (2.1 AGENT) when the
            // card said AGENT or is 2.1; otherwise the open card lacks its END.
            // (By index: `stack.last` copied the open card.)
            if !stack.isEmpty && (!(stack[stack.count - 1].awaitingAgent || stack[stack.count - 1].isV21) || stack.count >= Self.maxDepth) {
                endCard(missingEnd: true)
            }
            beginCard(line: p.line, implicit: false)
            return
        }
        if p.kind == .end && valueIs(p, "VCARD") {
            if stack.isEmpty {
                out.append(.diagnostic(Diagnostic(
                    severity: .note, file: file, locator: Locator(line: p.line),
                    message: "END:VCARD without a card; ignored", code: "vcard.stray-end")))
            } else {
                endCard(missingEnd: false)
            }
            return
        }
        if stack.isEmpty {
            beginCard(line: p.line, implicit: true)
        }
        let top = stack.count - 1
        let isV21: Bool? = p.kind == .version ? valueIs(p, "2.1") : nil
        var awaitingAgent = false
        if p.kind == .agent {
            awaitingAgent = true
            for k in p.valueStart..<p.valueEnd where !Self.isSpace(buf[pendingStart + k]) { awaitingAgent = false }
        }
        let tooLarge = Self.store(p, at: pendingStart, scratchParams, isV21: isV21, awaitingAgent: awaitingAgent, in: &stack[top])
        committed = buf.count
        if tooLarge {
            stack[top].builder.diagnostics.append(Diagnostic(
                severity: .warning, file: file, locator: Locator(line: p.line),
                message: "card larger than \(Self.maxCardBytes / 1024 / 1024) MB ended here", code: "vcard.too-large"))
            endCard(missingEnd: false)
        }
    }

    /// True when a contact without identity still holds something worth
    /// keeping. A function rather than an `||` chain in `endCard`: the
    /// chain's autoclosures captured the contact, which then could not be
    /// moved into its event and was copied (retaining every field).
    private static func hasOtherData(_ contact: Contact) -> Bool {
        if !contact.members.isEmpty || !contact.notes.isEmpty || !contact.anniversaries.isEmpty || !contact.related.isEmpty {
            return true
        }
        if contact.birthday != nil || contact.photo != nil || contact.gender != nil || !contact.categories.isEmpty { return true }
        return contact.extensions.keys.contains { !metadataKeys.contains($0.uppercased()) }
    }

    /// Adds a parsed property and its logical line to `card`. One `inout`
    /// access to the top of the stack: each `stack[top].…` in the caller was
    /// an access of its own (a uniqueness check and bounds check each, about
    /// 700 instructions a card in the benchmark, callgrind).
    /// Returns true when the card has grown beyond `maxCardBytes`.
    private static func store(
        _ parsed: VCardProperty, at shift: Int, _ params: [VCardParamRef], isV21: Bool?, awaitingAgent: Bool, in card: inout OpenCard
    ) -> Bool {
        var p = parsed
        if let isV21 { card.isV21 = isV21 }
        card.awaitingAgent = awaitingAgent
        card.bytes += p.valueCount + 64
        // The line is already in the card's buffer at `shift`; offsets were relative to it.
        p.shift(bytes: shift, params: card.builder.paramRefs.count)
        for var r in params {
            r.rawStart += shift
            r.rawEnd += shift
            r.nameStart += shift
            r.nameEnd += shift
            r.valueStart += shift
            r.valueEnd += shift
            card.builder.paramRefs.append(r)
        }
        card.builder.properties.append(p)
        return card.bytes > maxCardBytes
    }

    private mutating func beginCard(line: Int, implicit: Bool) {
        cardIndex += 1
        // Built in an Optional and moved onto the stack with `take()`:
        // appending a local copied the card (its builder's arrays and
        // strings retained) and destroyed the local (about 600 instructions
        // a card, callgrind).
        var slot: OpenCard? = OpenCard(builder: CardBuilder(file: file, fallbackCharset: fallbackCharset), line: line, index: cardIndex)
        swap(&slot!.builder.extensionCache, &extensionCache)
        if spareProperties.capacity > 0 {
            swap(&slot!.builder.properties, &spareProperties)
            swap(&slot!.builder.paramRefs, &spareParams)
        } else {
            slot!.builder.properties.reserveCapacity(16)
            slot!.builder.paramRefs.reserveCapacity(16)
        }
        // The card's bytes are `buf` while it is open.
        if implicit {
            // The pending line (its first property) stays where it is.
            committed = pendingStart
        } else if stack.isEmpty {
            buf.removeAll(keepingCapacity: true)  // only the BEGIN line, not kept
            committed = 0
        } else {
            // A nested card: the open card keeps its bytes in its builder
            // until the nested one ends; the nested card takes a spare buffer.
            if buf.count > committed { buf.removeSubrange(committed...) }
            swap(&stack[stack.count - 1].builder.bytes, &buf)
            swap(&buf, &spareBytes)
            buf.removeAll(keepingCapacity: true)
            committed = 0
        }
        slot!.implicit = implicit
        if !stack.isEmpty && stack[stack.count - 1].awaitingAgent {
            slot!.isAgent = true
            stack[stack.count - 1].awaitingAgent = false
        }
        if implicit {
            slot!.builder.diagnostics.append(Diagnostic(
                severity: .warning, file: file, locator: Locator(line: line, record: cardIndex),
                message: "properties without BEGIN:VCARD read as a card", code: "vcard.missing-begin"))
        }
        stack.append(slot.take()!)
    }

    private mutating func endCard(missingEnd: Bool) {
        var card = stack.removeLast()
        swap(&card.builder.bytes, &buf)  // the card's bytes, back for building
        summary.recordsRead += 1
        let locator = Locator(line: card.line, record: card.index)
        // In an Optional so that `take()` moves it into its event at the end:
        // `.contact(contact)` from a local variable copied the contact
        // (retaining every field) and then destroyed the local, about 1,300
        // instructions a card (callgrind).
        var slot: Contact? = CardBuilder.emptyContact
        card.builder.build(into: &slot!)
        swap(&card.builder.extensionCache, &extensionCache)
        if card.builder.properties.capacity <= 4096 && card.builder.bytes.capacity <= 1 << 20 {
            card.builder.properties.removeAll(keepingCapacity: true)
            card.builder.bytes.removeAll(keepingCapacity: true)
            card.builder.paramRefs.removeAll(keepingCapacity: true)
            swap(&card.builder.properties, &spareProperties)
            swap(&card.builder.bytes, &spareBytes)
            swap(&card.builder.paramRefs, &spareParams)
        }
        if stack.isEmpty {
            swap(&buf, &spareBytes)  // a loose buffer until the next card
            buf.removeAll(keepingCapacity: true)
            committed = 0
        } else {
            swap(&buf, &stack[stack.count - 1].builder.bytes)  // the enclosing card's bytes again
            committed = buf.count
        }
        for var d in card.builder.diagnostics {
            if d.locator.record == nil { d.locator.record = card.index }
            out.append(.diagnostic(d))
        }
        if missingEnd {
            out.append(.diagnostic(Diagnostic(
                severity: .warning, file: file, locator: locator,
                message: "card has no END:VCARD; ended at the next card or the end of the input", code: "vcard.missing-end")))
        }
        // `hasData` only matters without identity: skip its per-key
        // upper-casing and set lookups (about 700 instructions a card) otherwise.
        let hasIdentity = slot!.hasIdentity
        let hasData = !hasIdentity && Self.hasOtherData(slot!)
        if !hasIdentity && hasData {
            out.append(.diagnostic(Diagnostic(
                severity: .warning, file: file, locator: locator,
                message: "card holds no name, e-mail, phone, address, organisation, URL or handle; kept for its other values",
                code: "vcard.no-identity")))
        }
        guard hasIdentity || hasData else {
            summary.recordsRejected += 1
            out.append(.diagnostic(Diagnostic(
                severity: .error, file: file, locator: locator,
                message: "card rejected: it holds no value that Kith can keep",
                code: "vcard.empty-card")))
            return
        }
        let uid = card.builder.uid
        var idKey = uid
        // One hash of the UID, not two (`contains` then `insert`).
        if !batchMode, let u = uid, !seenUIDs.insert(u) { idKey = nil }
        slot!.id = StableID.record(plugin: plugin, file: file, locator: locator, recordId: idKey)
        slot!.sources = [Provenance(plugin: plugin, file: file, locator: locator, recordId: uid)]
        if card.isAgent, !stack.isEmpty {
            // Not `??`: its autoclosure would capture the contact (see `hasOtherData`).
            let agent: String
            if let d = slot!.name.displayName { agent = d } else {
                agent = slot!.id
                agentUsedID = true
            }
            stack[stack.count - 1].builder.agents.append(agent)
        }
        out.append(.contact(slot.take()!))
    }
}
