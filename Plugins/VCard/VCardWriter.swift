public import KithModel

/// One property to write, before serialisation to vCard text or jCard.
struct OutProperty {
    enum Value {
        /// Text, escaped for `\`, line breaks, `,` and `;`.
        case text(String)
        /// Structured (N, ADR, ORG): each component escaped, joined by `;`.
        case components([String])
        /// A list (NICKNAME, CATEGORIES): each item escaped, joined by `,`.
        case list([String])
        /// A URI: only `\` and line breaks escaped, so commas survive.
        case uri(String)
        /// A date or date-time, written as is.
        case date(String)
        /// An extension value kept as the source wrote it; line breaks become `\n`.
        case raw(String)
    }

    var group: String?
    var name: String
    var params: [(String, [String])] = []
    /// Parameters as written, for extensions (`;TYPE=home`).
    var rawParams: String = ""
    var value: Value
}

/// Writes contacts as vCard 4.0 (RFC 6350) or 3.0 (RFC 2426): CRLF line
/// ends, lines folded at 75 octets without splitting a UTF-8 character, one
/// card per contact, with every field the model holds.
///
/// Labels that are plain lower-case words become `TYPE` values (`mobile` is
/// written `cell`); others (custom labels) are written Apple-style, as an
/// `itemN.X-ABLabel` beside the grouped property. Extensions whose key is a
/// valid property name (with parameters) are written back as they were
/// read; other keys (another format's columns) cannot be and are skipped.
/// Alternate names are written as extra `FN` lines in 4.0 only.
public struct VCardWriter {
    /// The vCard version written.
    public enum Version: Sendable {
        /// vCard 3.0 (RFC 2426), with Apple's extensions for what 3.0 lacks.
        case v30
        /// vCard 4.0 (RFC 6350).
        case v40
    }

    /// The version written.
    public let version: Version
    /// The bytes written so far.
    public var output: [UInt8] = []

    /// A writer for `version`.
    public init(version: Version = .v40) {
        self.version = version
    }

    /// Appends one contact as a card.
    public mutating func append(_ contact: Contact) {
        let props = Self.properties(of: contact, version: version)
        output.append(contentsOf: "BEGIN:VCARD\r\n".utf8)
        output.append(contentsOf: (version == .v40 ? "VERSION:4.0\r\n" : "VERSION:3.0\r\n").utf8)
        var line: [UInt8] = []
        line.reserveCapacity(256)
        for p in props {
            line.removeAll(keepingCapacity: true)
            Self.serialize(p, into: &line)
            Self.fold(line, into: &output)
        }
        output.append(contentsOf: "END:VCARD\r\n".utf8)
    }

    /// The FN Kith writes for a contact: its formatted name, else one
    /// composed from the name parts, else the first organisation, nickname or
    /// e-mail address, else empty. (Used by tests to predict a round trip.)
    public static func formattedName(for c: Contact) -> String {
        if let f = c.name.displayName, !f.isEmpty { return f }
        if let o = c.organizations.lazy.compactMap({ $0.name }).first(where: { !$0.isEmpty }) { return o }
        if let n = c.nicknames.first(where: { !$0.isEmpty }) { return n }
        if let e = c.emails.first(where: { !$0.address.isEmpty }) { return e.address }
        return ""
    }

    /// True when `key` can be written back as a property: a name of letters,
    /// digits and `-`, then `;`-parameters without line breaks or unquoted
    /// colons. Keys of structural properties (BEGIN, END, VERSION) are refused.
    public static func canWriteExtensionKey(_ key: String) -> Bool {
        let b = Array(key.utf8)
        var i = 0
        while i < b.count && b[i] != 0x3B {
            let c = b[i]
            guard (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2D else { return false }
            i += 1
        }
        guard i > 0 else { return false }
        let name = String(decoding: b[0..<i], as: UTF8.self).uppercased()
        if ["BEGIN", "END", "VERSION", "PRODID"].contains(name) { return false }
        var quoted = false
        while i < b.count {
            let c = b[i]
            if c == 0x0A || c == 0x0D { return false }
            if c == 0x22 { quoted.toggle() }
            if c == 0x3A && !quoted { return false }
            i += 1
        }
        return !quoted
    }

    // MARK: - Contact → properties

    private static func isToken(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }

    /// The properties written for `c`. `extendedDates` writes dates in the
    /// extended ISO form (1984-03-14, --03-14), as jCard wants, instead of
    /// vCard 4.0's basic form.
    static func properties(of c: Contact, version: Version, extendedDates: Bool = false) -> [OutProperty] {
        let v4 = version == .v40
        let basicDates = v4 && !extendedDates
        var out: [OutProperty] = []
        var groups = 0
        func nextGroup() -> String {
            groups += 1
            return "item\(groups)"
        }
        /// TYPE/PREF parameters and the custom labels left over.
        func labelParams(_ labels: [String], _ preferred: Bool) -> ([(String, [String])], [String]) {
            var types: [String] = []
            var custom: [String] = []
            for l in labels where !l.isEmpty {
                if l == Label.mobile {
                    types.append("cell")
                } else if isToken(l) && l != "pref" && l != "internet" && l != "cell" {
                    types.append(l)
                } else {
                    custom.append(l)
                }
            }
            if preferred && !v4 { types.append("pref") }
            var params: [(String, [String])] = []
            if !types.isEmpty { params.append(("TYPE", types)) }
            if preferred && v4 { params.append(("PREF", ["1"])) }
            return (params, custom)
        }
        func add(
            _ name: String, _ value: OutProperty.Value, labels: [String] = [], preferred: Bool = false,
            extra: [(String, [String])] = [], forceGroup: Bool = false
        ) -> String? {
            let (params, custom) = labelParams(labels, preferred)
            let group = custom.isEmpty && !forceGroup ? nil : nextGroup()
            out.append(OutProperty(group: group, name: name, params: params + extra, value: value))
            for l in custom { out.append(OutProperty(group: group, name: "X-ABLabel", value: .text(l))) }
            return group
        }
        func nonEmpty(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }

        switch c.type {
        case .individual: break
        case .organization:
            if v4 { _ = add("KIND", .text("org")) } else { _ = add("X-ABShowAs", .text("COMPANY")) }
        case .group:
            if v4 { _ = add("KIND", .text("group")) } else { _ = add("X-ADDRESSBOOKSERVER-KIND", .text("group")) }
        case .location: _ = add("KIND", .text("location"))
        }
        let fn = formattedName(for: c)
        _ = add("FN", .text(fn))
        if v4 {
            var seen: Set<String> = [fn]
            for a in c.alternateNames {
                if let d = a.displayName, !d.isEmpty, !seen.contains(d) {
                    seen.insert(d)
                    _ = add("FN", .text(d))
                }
            }
        }
        let n = c.name
        let parts = [n.family, n.given, n.middle, n.prefix, n.suffix].map { nonEmpty($0) }
        if !v4 || parts.contains(where: { $0 != nil }) {
            _ = add("N", .components(parts.map { $0 ?? "" }))
        }
        if let g = nonEmpty(n.phoneticGiven) { _ = add("X-PHONETIC-FIRST-NAME", .text(g)) }
        if let f = nonEmpty(n.phoneticFamily) { _ = add("X-PHONETIC-LAST-NAME", .text(f)) }
        let nicks = c.nicknames.filter { !$0.isEmpty }
        if !nicks.isEmpty { _ = add("NICKNAME", .list(nicks)) }
        for e in c.emails where !e.address.isEmpty {
            _ = add("EMAIL", .text(e.address), labels: e.labels, preferred: e.preferred)
        }
        for p in c.phones where !p.raw.isEmpty {
            _ = add("TEL", .text(p.raw), labels: p.labels, preferred: p.preferred)
        }
        for a in c.addresses where !a.isEmpty {
            let comps = [a.poBox, a.extended, a.street, a.locality, a.region, a.postalCode, a.country].map { nonEmpty($0) }
            let hasParts = comps.contains { $0 != nil }
            let formatted = nonEmpty(a.formatted)
            if v4 {
                _ = add("ADR", .components(comps.map { $0 ?? "" }), labels: a.labels, preferred: a.preferred,
                    extra: formatted.map { [("LABEL", [$0])] } ?? [])
            } else {
                var group: String?
                if hasParts {
                    group = add("ADR", .components(comps.map { $0 ?? "" }), labels: a.labels, preferred: a.preferred,
                        forceGroup: formatted != nil)
                }
                if let formatted {
                    if let group {
                        let (params, _) = labelParams(a.labels, a.preferred)
                        out.append(OutProperty(group: group, name: "LABEL", params: params, value: .text(formatted)))
                    } else {
                        _ = add("LABEL", .text(formatted), labels: a.labels, preferred: a.preferred)
                    }
                }
            }
        }
        let orgs = c.organizations.filter { !$0.isEmpty }
        for o in orgs {
            let group: String? = orgs.count > 1 ? nextGroup() : nil
            let name = nonEmpty(o.name), dept = nonEmpty(o.department)
            if name != nil || dept != nil {
                out.append(OutProperty(group: group, name: "ORG", value: .components(dept.map { [name ?? "", $0] } ?? [name ?? ""])))
            }
            if let t = nonEmpty(o.title) { out.append(OutProperty(group: group, name: "TITLE", value: .text(t))) }
            if let r = nonEmpty(o.role) { out.append(OutProperty(group: group, name: "ROLE", value: .text(r))) }
        }
        for u in c.urls where !u.value.isEmpty {
            _ = add("URL", .uri(u.value), labels: u.labels, preferred: u.preferred)
        }
        for h in c.handles where !h.value.isEmpty {
            // A known service label becomes the IMPP scheme.
            var labels = h.labels
            var value = h.value
            if let i = labels.firstIndex(where: { imServiceScheme[$0] != nil }) {
                value = imServiceScheme[labels[i]]! + ":" + value
                labels.remove(at: i)
            }
            _ = add("IMPP", .uri(value), labels: labels, preferred: h.preferred)
        }
        for r in c.related where !r.value.isEmpty {
            if v4 {
                _ = add("RELATED", .text(r.value), labels: r.labels, preferred: r.preferred, extra: [("VALUE", ["text"])])
            } else {
                // Apple's related names: every relation label travels as an X-ABLabel.
                let group = nextGroup()
                out.append(OutProperty(group: group, name: "X-ABRELATEDNAMES", params: r.preferred ? [("TYPE", ["pref"])] : [], value: .text(r.value)))
                for l in r.labels where !l.isEmpty { out.append(OutProperty(group: group, name: "X-ABLabel", value: .text(l))) }
            }
        }
        if let b = c.birthday { _ = add("BDAY", .date(dateText(b, basic: basicDates))) }
        for (i, d) in c.anniversaries.enumerated() {
            _ = add(i == 0 ? (v4 ? "ANNIVERSARY" : "X-ANNIVERSARY") : "X-ABDATE", .date(dateText(d, basic: basicDates)))
        }
        if let g = nonEmpty(c.gender) { _ = add(v4 ? "GENDER" : "X-GENDER", .text(g)) }
        if let photo = nonEmpty(c.photo) {
            if v4 {
                _ = add("PHOTO", .uri(photo))
            } else if photo.hasPrefix("data:"), let comma = photo.firstIndex(of: ","),
                photo[..<comma].hasSuffix(";base64")
            {
                let media = photo[photo.index(photo.startIndex, offsetBy: 5)..<comma].dropLast(7)
                let subtype = media.split(separator: "/").last.map { $0.uppercased() } ?? ""
                out.append(OutProperty(
                    name: "PHOTO", params: [("ENCODING", ["b"])] + (subtype.isEmpty ? [] : [("TYPE", [subtype])]),
                    value: .date(String(photo[photo.index(after: comma)...]))))
            } else {
                _ = add("PHOTO", .uri(photo), extra: [("VALUE", ["uri"])])
            }
        }
        for note in c.notes where !note.isEmpty { _ = add("NOTE", .text(note)) }
        let cats = c.categories.filter { !$0.isEmpty }
        if !cats.isEmpty { _ = add("CATEGORIES", .list(cats)) }
        for m in c.members where !m.isEmpty { _ = add(v4 ? "MEMBER" : "X-ADDRESSBOOKSERVER-MEMBER", .uri(m)) }
        let uid = c.sources.first(where: { $0.plugin == "vcard" || $0.plugin == "jcard" })?.recordId ?? c.id
        if !uid.isEmpty { _ = add("UID", .uri(uid)) }
        for key in c.extensions.keys.sorted() where canWriteExtensionKey(key) {
            // An ASCII key is searched by byte: `firstIndex(of:)` over
            // Characters cost about 5,600 instructions a contact (callgrind).
            let semi = key.utf8.allSatisfy({ $0 < 0x80 })
                ? key.utf8.firstIndex(of: 0x3B) ?? key.endIndex
                : key.firstIndex(of: ";") ?? key.endIndex
            for v in c.extensions[key]! {
                out.append(OutProperty(name: String(key[..<semi]), rawParams: String(key[semi...]), value: .raw(v)))
            }
        }
        return out
    }

    static let imServiceScheme: [String: String] = [
        "skype": "skype", "xmpp": "xmpp", "jabber": "xmpp", "aim": "aim", "yahoo": "ymsgr", "msn": "msnim", "icq": "icq",
        "irc": "irc", "sip": "sip", "gtalk": "gtalk", "qq": "qq", "gadugadu": "gg",
    ]

    private static func dateText(_ d: PartialDate, basic: Bool) -> String {
        let iso = d.isoString
        guard basic else { return iso }
        // vCard 4.0 uses the basic format: 19840314, --0314, but YYYY-MM keeps its hyphen.
        if d.year != nil && d.month != nil && d.day != nil { return iso.replacingHyphens() }
        if d.year == nil && d.month != nil && d.day != nil { return "--" + String(iso.dropFirst(2)).replacingHyphens() }
        return iso
    }

    // MARK: - Serialisation

    static func serialize(_ p: OutProperty, into line: inout [UInt8]) {
        if let g = p.group {
            line.append(contentsOf: g.utf8)
            line.append(0x2E)
        }
        line.append(contentsOf: p.name.utf8)
        for (name, values) in p.params {
            line.append(0x3B)
            line.append(contentsOf: name.utf8)
            line.append(0x3D)
            for (i, v) in values.enumerated() {
                if i > 0 { line.append(0x2C) }
                appendParamValue(v, into: &line)
            }
        }
        line.append(contentsOf: p.rawParams.utf8)
        line.append(0x3A)
        switch p.value {
        case .text(let s): escape(s, into: &line, commas: true)
        case .components(let parts):
            for (i, s) in parts.enumerated() {
                if i > 0 { line.append(0x3B) }
                escape(s, into: &line, commas: true)
            }
        case .list(let items):
            for (i, s) in items.enumerated() {
                if i > 0 { line.append(0x2C) }
                escape(s, into: &line, commas: true)
            }
        case .uri(let s):
            if s.hasPrefix("data:") { line.append(contentsOf: s.utf8) } else { escape(s, into: &line, commas: false) }
        case .date(let s): line.append(contentsOf: s.utf8)
        case .raw(let s):
            var prevCR = false
            for b in s.utf8 {
                if b == 0x0D {
                    line.append(0x5C); line.append(0x6E)
                    prevCR = true
                    continue
                }
                if b == 0x0A {
                    if !prevCR { line.append(0x5C); line.append(0x6E) }
                } else {
                    line.append(b)
                }
                prevCR = false
            }
        }
    }

    /// Quotes a parameter value when it holds anything but a safe token, and
    /// applies RFC 6868 caret escapes.
    private static func appendParamValue(_ v: String, into line: inout [UInt8]) {
        let safe = v.utf8.allSatisfy { b in
            !(b == 0x3A || b == 0x3B || b == 0x2C || b == 0x22 || b == 0x5E || b == 0x0A || b == 0x0D || b == 0x20 || b == 0x5C)
        }
        if safe && !v.isEmpty {
            line.append(contentsOf: v.utf8)
            return
        }
        line.append(0x22)
        var prevCR = false
        for b in v.utf8 {
            switch b {
            case 0x5E: line.append(0x5E); line.append(0x5E)
            case 0x22: line.append(0x5E); line.append(0x27)
            case 0x0D: line.append(0x5E); line.append(0x6E)
            case 0x0A: if !prevCR { line.append(0x5E); line.append(0x6E) }
            default: line.append(b)
            }
            prevCR = b == 0x0D
        }
        line.append(0x22)
    }

    /// vCard text escaping: `\` `\n` and (for text) `,` `;`. A CRLF or a lone
    /// CR is one line break.
    private static func escape(_ s: String, into line: inout [UInt8], commas: Bool) {
        var prevCR = false
        for b in s.utf8 {
            switch b {
            case 0x5C: line.append(0x5C); line.append(0x5C)
            case 0x0D: line.append(0x5C); line.append(0x6E)
            case 0x0A: if !prevCR { line.append(0x5C); line.append(0x6E) }
            case 0x2C where commas: line.append(0x5C); line.append(0x2C)
            case 0x3B where commas: line.append(0x5C); line.append(0x3B)
            default: line.append(b)
            }
            prevCR = b == 0x0D
        }
    }

    /// Folds a content line at 75 octets (continuations start with a space),
    /// never inside a UTF-8 sequence, and ends it with CRLF.
    static func fold(_ line: [UInt8], into out: inout [UInt8]) {
        if line.count <= 75 {
            out += line
            out.append(0x0D); out.append(0x0A)
            return
        }
        var start = 0
        var limit = 75
        while start < line.count {
            var end = min(line.count, start + limit)
            if end < line.count {
                while end > start + 1 && (line[end] & 0xC0) == 0x80 { end -= 1 }
            }
            if start > 0 { out.append(0x20) }
            out += line[start..<end]
            out.append(0x0D); out.append(0x0A)
            start = end
            limit = 74
        }
    }
}

extension String {
    fileprivate func replacingHyphens() -> String { String(unicodeScalars.filter { $0 != "-" }) }
}
