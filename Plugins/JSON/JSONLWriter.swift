public import KithModel
public import KithPlugin

/// Writes canonical records as JSON Lines, straight to bytes.
///
/// Hand-written rather than `JSONEncoder` because this sits on every hot path
/// (convert, consolidate, external plugins, the store) and Foundation's encoder
/// runs at about 11 MB/s here; this writer is measured by the `KithBenchmarks`
/// executable. `Codable` stays as the reference a test compares it with.
///
/// Key order is fixed, so the same records always give the same bytes.
/// Optional strings are omitted when absent; the keys listed in docs/jsonl.md as
/// always present are written even when empty.
public struct JSONLWriter {
    /// The bytes written so far; callers take them and `removeAll()` as they go.
    public let buffer: ByteBuffer

    public init(capacity: Int = 64 * 1024) { buffer = ByteBuffer(capacity: capacity) }

    /// A copy of the bytes written so far.
    public var output: [UInt8] { buffer.bytes }

    /// Appends one record and its newline.
    public mutating func append(_ record: CanonicalRecord) {
        switch record {
        case .contact(let c): append(c)
        case .interaction(let i): append(i)
        case .diagnostic(let d): append(d)
        }
    }

    /// Appends a contact line.
    public mutating func append(_ c: Contact) {
        raw("{\"kind\":\"contact\",\"id\":")
        string(c.id)
        raw(",\"type\":")
        string(c.type.rawValue)
        raw(",\"name\":")
        name(c.name)
        if !c.alternateNames.isEmpty {
            raw(",\"alternateNames\":[")
            for (i, n) in c.alternateNames.enumerated() {
                if i > 0 { byte(44) }
                name(n)
            }
            byte(93)
        }
        raw(",\"nicknames\":")
        strings(c.nicknames)
        raw(",\"emails\":[")
        for (i, e) in c.emails.enumerated() {
            if i > 0 { byte(44) }
            raw("{\"address\":")
            string(e.address)
            labels(e.labels, e.preferred, e.sourceRefs)
            byte(125)
        }
        raw("],\"phones\":[")
        for (i, p) in c.phones.enumerated() {
            if i > 0 { byte(44) }
            raw("{\"raw\":")
            string(p.raw)
            optional("e164", p.e164)
            labels(p.labels, p.preferred, p.sourceRefs)
            byte(125)
        }
        raw("],\"addresses\":[")
        for (i, a) in c.addresses.enumerated() {
            if i > 0 { byte(44) }
            byte(123)
            var first = true
            optional("poBox", a.poBox, first: &first)
            optional("extended", a.extended, first: &first)
            optional("street", a.street, first: &first)
            optional("locality", a.locality, first: &first)
            optional("region", a.region, first: &first)
            optional("postalCode", a.postalCode, first: &first)
            optional("country", a.country, first: &first)
            optional("formatted", a.formatted, first: &first)
            if !first { byte(44) }
            raw("\"labels\":")
            strings(a.labels)
            raw(",\"preferred\":")
            raw(a.preferred ? "true" : "false")
            refs(a.sourceRefs)
            byte(125)
        }
        raw("],\"organizations\":[")
        for (i, o) in c.organizations.enumerated() {
            if i > 0 { byte(44) }
            byte(123)
            var first = true
            optional("name", o.name, first: &first)
            optional("department", o.department, first: &first)
            optional("title", o.title, first: &first)
            optional("role", o.role, first: &first)
            if !o.sourceRefs.isEmpty {
                if !first { byte(44) }
                raw("\"sourceRefs\":")
                ints(o.sourceRefs)
            }
            byte(125)
        }
        raw("],\"urls\":")
        labeledValues(c.urls)
        if !c.handles.isEmpty {
            raw(",\"handles\":")
            labeledValues(c.handles)
        }
        if !c.related.isEmpty {
            raw(",\"related\":")
            labeledValues(c.related)
        }
        if let b = c.birthday {
            raw(",\"birthday\":")
            string(b.isoString)
        }
        if !c.anniversaries.isEmpty {
            raw(",\"anniversaries\":")
            strings(c.anniversaries.map(\.isoString))
        }
        optional("gender", c.gender)
        optional("photo", c.photo)
        raw(",\"notes\":")
        strings(c.notes)
        raw(",\"categories\":")
        strings(c.categories)
        if !c.members.isEmpty {
            raw(",\"members\":")
            strings(c.members)
        }
        raw(",\"extensions\":")
        extensions(c.extensions)
        raw(",\"sources\":")
        sources(c.sources)
        raw("}\n")
    }

    /// Appends an interaction line.
    public mutating func append(_ x: Interaction) {
        raw("{\"kind\":\"interaction\",\"id\":")
        string(x.id)
        raw(",\"type\":")
        string(x.type.rawValue)
        if let t = x.timestamp {
            raw(",\"timestamp\":")
            string(t.isoString)
        }
        if let o = x.utcOffsetMinutes {
            raw(",\"utcOffsetMinutes\":")
            int(o)
        }
        raw(",\"participants\":[")
        for (i, p) in x.participants.enumerated() {
            if i > 0 { byte(44) }
            raw("{\"role\":")
            string(p.role.rawValue)
            optional("name", p.name)
            optional("email", p.email)
            optional("url", p.url)
            optional("contactId", p.contactId)
            byte(125)
        }
        byte(93)
        optional("subject", x.subject)
        optional("snippet", x.snippet)
        optional("messageId", x.messageId)
        optional("threadId", x.threadId)
        optional("parentId", x.parentId)
        optional("url", x.url)
        optional("status", x.status)
        raw(",\"extensions\":")
        extensions(x.extensions)
        raw(",\"sources\":")
        sources(x.sources)
        raw("}\n")
    }

    /// Appends a diagnostic line.
    public mutating func append(_ d: Diagnostic) {
        raw("{\"kind\":\"diagnostic\",\"severity\":")
        string(d.severity.rawValue)
        raw(",\"file\":")
        string(d.file)
        raw(",\"locator\":")
        locator(d.locator)
        raw(",\"message\":")
        string(d.message)
        optional("code", d.code)
        raw("}\n")
    }

    // MARK: - Pieces

    private func name(_ n: PersonName) {
        byte(123)
        var first = true
        optional("formatted", n.formatted, first: &first)
        optional("given", n.given, first: &first)
        optional("family", n.family, first: &first)
        optional("middle", n.middle, first: &first)
        optional("prefix", n.prefix, first: &first)
        optional("suffix", n.suffix, first: &first)
        optional("phoneticGiven", n.phoneticGiven, first: &first)
        optional("phoneticFamily", n.phoneticFamily, first: &first)
        byte(125)
    }

    private func labels(_ labels: [String], _ preferred: Bool, _ refs: [Int]) {
        raw(",\"labels\":")
        strings(labels)
        raw(",\"preferred\":")
        raw(preferred ? "true" : "false")
        self.refs(refs)
    }

    private func refs(_ refs: [Int]) {
        if !refs.isEmpty {
            raw(",\"sourceRefs\":")
            ints(refs)
        }
    }

    private func labeledValues(_ values: [LabeledValue]) {
        byte(91)
        for (i, v) in values.enumerated() {
            if i > 0 { byte(44) }
            raw("{\"value\":")
            string(v.value)
            labels(v.labels, v.preferred, v.sourceRefs)
            byte(125)
        }
        byte(93)
    }

    private func extensions(_ ext: [String: [String]]) {
        byte(123)
        for (i, key) in ext.keys.sorted().enumerated() {
            if i > 0 { byte(44) }
            string(key)
            byte(58)
            strings(ext[key]!)
        }
        byte(125)
    }

    private func sources(_ sources: [Provenance]) {
        byte(91)
        for (i, s) in sources.enumerated() {
            if i > 0 { byte(44) }
            raw("{\"plugin\":")
            string(s.plugin)
            raw(",\"file\":")
            string(s.file)
            raw(",\"locator\":")
            locator(s.locator)
            optional("recordId", s.recordId)
            byte(125)
        }
        byte(93)
    }

    private func locator(_ l: Locator) {
        byte(123)
        var first = true
        if let line = l.line {
            raw("\"line\":")
            int(line)
            first = false
        }
        if let r = l.record {
            if !first { byte(44) }
            raw("\"record\":")
            int(r)
            first = false
        }
        optional("path", l.path, first: &first)
        byte(125)
    }

    private func optional(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        byte(44)
        byte(34)
        raw(key)
        raw("\":")
        string(value)
    }

    private func optional(_ key: StaticString, _ value: String?, first: inout Bool) {
        guard let value else { return }
        if !first { byte(44) }
        first = false
        byte(34)
        raw(key)
        raw("\":")
        string(value)
    }

    private func strings(_ values: [String]) {
        byte(91)
        for (i, v) in values.enumerated() {
            if i > 0 { byte(44) }
            string(v)
        }
        byte(93)
    }

    private func ints(_ values: [Int]) {
        byte(91)
        for (i, v) in values.enumerated() {
            if i > 0 { byte(44) }
            int(v)
        }
        byte(93)
    }

    // MARK: - Primitives

    @inline(__always)
    private func byte(_ b: UInt8) { buffer.append(b) }

    @inline(__always)
    private func raw(_ s: StaticString) { buffer.append(s) }

    private func int(_ v: Int) {
        if v == 0 {
            buffer.append(48)
            return
        }
        var n = v.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
            UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while n > 0 {
                d[19 - count] = UInt8(48 + n % 10)
                n /= 10
                count += 1
            }
        }
        if v < 0 { buffer.append(45) }
        withUnsafeBytes(of: &digits) { d in
            buffer.append(UnsafeBufferPointer(rebasing: d.bindMemory(to: UInt8.self)[(20 - count)...]))
        }
    }

    /// Writes a JSON string: quotes, and escapes for `"`, `\` and controls.
    /// Runs of plain bytes are copied in one go.
    private func string(_ s: String) {
        var s = s
        s.withUTF8 { p in
            let buffer = self.buffer
            buffer.reserve(p.count + 2)
            buffer.append(34)
            var runStart = 0
            var i = 0
            let n = p.count
            while i < n {
                let b = p[i]
                if b >= 0x20 && b != 34 && b != 92 {
                    i &+= 1
                    continue
                }
                if runStart < i { buffer.append(UnsafeBufferPointer(rebasing: p[runStart..<i])) }
                buffer.append(92)
                switch b {
                case 34: buffer.append(34)
                case 92: buffer.append(92)
                case 10: buffer.append(110)
                case 13: buffer.append(114)
                case 9: buffer.append(116)
                case 8: buffer.append(98)
                case 12: buffer.append(102)
                default:
                    let hex: StaticString = "0123456789abcdef"
                    buffer.append(117)
                    buffer.append(48)
                    buffer.append(48)
                    buffer.append(hex.utf8Start[Int(b >> 4)])
                    buffer.append(hex.utf8Start[Int(b & 15)])
                }
                i &+= 1
                runStart = i
            }
            if runStart < n { buffer.append(UnsafeBufferPointer(rebasing: p[runStart..<n])) }
            buffer.append(34)
        }
    }
}
