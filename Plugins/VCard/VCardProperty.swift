/// One parameter of a content line: `TYPE=work,voice`, a bare 2.1 `PREF`,
/// or `LABEL="a;b"`.
struct VCardParameter: Hashable, Sendable {
    /// Upper-cased name; empty for a bare 2.1 parameter.
    var name: String
    /// Values, unquoted and with RFC 6868 caret escapes decoded. `TYPE` values
    /// are split at commas (quoted or not); other parameters keep their text whole.
    var values: [String]
    /// The parameter as written (without the leading `;`).
    var raw: String
}

/// A content line split into its parts; the value is still raw bytes
/// (neither decoded nor unescaped).
struct VCardProperty {
    /// 1-based line of the input where the property starts.
    var line: Int
    /// The group (`item1`), as written.
    var group: String?
    /// The name as written (`X-Foo`).
    var writtenName: String
    /// The name upper-cased (`X-FOO`).
    var name: String
    var params: [VCardParameter]
    /// The raw value bytes after unfolding.
    var value: [UInt8]
    /// What the name stands for.
    var kind: PropertyKind
    /// The transfer encoding (`ENCODING=` or a bare 2.1 parameter).
    var encoding: TransferEncoding

    /// The first value of the parameter `name` (upper case).
    func param(_ name: String) -> String? {
        for p in params where p.name == name { return p.values.first ?? "" }
        return nil
    }

    /// True when the parameter `name` (upper case) is present.
    func has(_ name: String) -> Bool { params.contains { $0.name == name } }

    /// The upper-cased TYPE values, bare parameters included.
    var typeValues: [String] {
        var out: [String] = []
        for p in params where p.name == "TYPE" || p.name.isEmpty {
            for v in p.values { out.append(v) }
        }
        return out
    }
}

/// How a value is transfer-encoded.
enum TransferEncoding {
    case none, quotedPrintable, base64
}

/// The properties the card builder knows, found once per property.
enum PropertyKind {
    case begin, end, version, prodid, fn, n, phoneticGiven, phoneticFamily, sound, nickname, email, tel, adr, label
    case org, title, role, url, impp, vendorIM, related, vendorRelated, bday, anniversary, gender, photo, note
    case categories, member, kind, showAs, uid, agent, abLabel, other

    static let byName: [String: PropertyKind] = {
        var t: [String: PropertyKind] = [
            "BEGIN": .begin, "END": .end, "VERSION": .version, "PRODID": .prodid, "FN": .fn, "N": .n,
            "X-PHONETIC-FIRST-NAME": .phoneticGiven, "X-PHONETIC-LAST-NAME": .phoneticFamily, "SOUND": .sound,
            "NICKNAME": .nickname, "EMAIL": .email, "TEL": .tel, "ADR": .adr, "LABEL": .label, "ORG": .org,
            "TITLE": .title, "ROLE": .role, "URL": .url, "IMPP": .impp, "RELATED": .related,
            "X-ABRELATEDNAMES": .related, "BDAY": .bday, "ANNIVERSARY": .anniversary, "X-ANNIVERSARY": .anniversary,
            "X-ABDATE": .anniversary, "X-EVOLUTION-ANNIVERSARY": .anniversary, "X-MS-ANNIVERSARY": .anniversary,
            "X-KADDRESSBOOK-X-ANNIVERSARY": .anniversary, "GENDER": .gender, "X-GENDER": .gender, "X-SEX": .gender,
            "PHOTO": .photo, "NOTE": .note, "CATEGORIES": .categories, "MEMBER": .member,
            "X-ADDRESSBOOKSERVER-MEMBER": .member, "KIND": .kind, "X-ADDRESSBOOKSERVER-KIND": .kind, "X-KIND": .kind,
            "X-ABSHOWAS": .showAs, "UID": .uid, "AGENT": .agent, "X-ABLABEL": .abLabel,
        ]
        for k in CardBuilder.imProperties.keys { t[k] = .vendorIM }
        for k in CardBuilder.relatedProperties.keys { t[k] = .vendorRelated }
        return t
    }()
}

/// Splits a logical content line into group, name, parameters and value.
enum ContentLineParser {
    /// Parses `line`; nil when it has no colon (or no name).
    static func parse(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int) -> VCardProperty? {
        let n = line.count
        var i = 0
        // Name (with optional group): up to ';' or ':'.
        var nameEnd = -1
        while i < n {
            let b = line[i]
            if b == 0x3B || b == 0x3A { break }  // ; :
            i += 1
        }
        guard i < n else { return nil }
        nameEnd = i
        // Trim whitespace around the name (lenient).
        var ns = 0
        while ns < nameEnd && (line[ns] == 0x20 || line[ns] == 0x09) { ns += 1 }
        var ne = nameEnd
        while ne > ns && (line[ne - 1] == 0x20 || line[ne - 1] == 0x09) { ne -= 1 }
        guard ne > ns else { return nil }
        var group: String?
        var nameStart = ns
        if let dot = (ns..<ne).last(where: { line[$0] == 0x2E }) {
            group = String(decoding: UnsafeBufferPointer(rebasing: line[ns..<dot]), as: UTF8.self)
            nameStart = dot + 1
        }
        guard ne > nameStart else { return nil }
        let written = String(decoding: UnsafeBufferPointer(rebasing: line[nameStart..<ne]), as: UTF8.self)
        var upper = true
        for k in nameStart..<ne where line[k] >= 0x61 && line[k] <= 0x7A { upper = false; break }
        let name =
            upper
            ? written
            : String(decoding: UnsafeBufferPointer(rebasing: line[nameStart..<ne]).map { $0 >= 0x61 && $0 <= 0x7A ? $0 & 0xDF : $0 }, as: UTF8.self)

        var params: [VCardParameter] = []
        // Parameters: ';'-separated, quoted values may hold ';' ':' ','.
        while i < n && line[i] == 0x3B {
            i += 1
            let start = i
            var inQuotes = false
            while i < n {
                let b = line[i]
                if b == 0x22 {  // "
                    if inQuotes {
                        // Apple escapes quotes as \" inside quoted values; a \"
                        // right before ';' or ':' is the closing quote.
                        if i > start && line[i - 1] == 0x5C && i + 1 < n && line[i + 1] != 0x3B && line[i + 1] != 0x3A {
                            i += 1
                            continue
                        }
                        inQuotes = false
                    } else {
                        inQuotes = true
                    }
                } else if !inQuotes && (b == 0x3B || b == 0x3A) {
                    break
                }
                i += 1
            }
            if i >= n && inQuotes {
                // Unbalanced quote: fall back to the first ':' after the start.
                var j = start
                while j < n && line[j] != 0x3A { j += 1 }
                guard j < n else { return nil }
                i = j
                var k = start
                while k < j && line[k] != 0x3B { k += 1 }
                if k < j {
                    // Several parameters before the colon; parse them unquoted.
                    params += parseParams(UnsafeBufferPointer(rebasing: line[start..<j]), ignoreQuotes: true)
                } else if let p = parseParam(UnsafeBufferPointer(rebasing: line[start..<j])) {
                    params.append(p)
                }
                break
            }
            if i > start, let p = parseParam(UnsafeBufferPointer(rebasing: line[start..<i])) { params.append(p) }
        }
        guard i < n, line[i] == 0x3A else { return nil }
        let value = Array(UnsafeBufferPointer(rebasing: line[(i + 1)...]))
        var encoding = TransferEncoding.none
        for p in params where p.name == "ENCODING" || p.name.isEmpty {
            for v in p.values {
                let u = v.utf8
                if u.count == 16 && v.asciiLowercased == "quoted-printable" || u.count == 2 && v.asciiLowercased == "qp" {
                    encoding = .quotedPrintable
                } else if u.count == 6 && v.asciiLowercased == "base64" || u.count == 1 && (v == "b" || v == "B") {
                    encoding = .base64
                }
            }
        }
        return VCardProperty(
            line: lineNumber, group: group, writtenName: written, name: name, params: params, value: value,
            kind: PropertyKind.byName[name] ?? .other, encoding: encoding)
    }

    private static func parseParams(_ text: UnsafeBufferPointer<UInt8>, ignoreQuotes: Bool) -> [VCardParameter] {
        var out: [VCardParameter] = []
        var s = 0
        for k in 0...text.count where k == text.count || text[k] == 0x3B {
            if k > s, let p = parseParam(UnsafeBufferPointer(rebasing: text[s..<k])) { out.append(p) }
            s = k + 1
        }
        return out
    }

    /// One parameter from its text (`TYPE=a,b`, `PREF`, `LABEL="x"`).
    static func parseParam(_ p: UnsafeBufferPointer<UInt8>) -> VCardParameter? {
        let raw = String(decoding: p, as: UTF8.self)
        var eq = -1
        for k in 0..<p.count where p[k] == 0x3D {  // =
            eq = k
            break
        }
        func trimmed(_ a: Int, _ b: Int) -> (Int, Int) {
            var a = a, b = b
            while a < b && (p[a] == 0x20 || p[a] == 0x09) { a += 1 }
            while b > a && (p[b - 1] == 0x20 || p[b - 1] == 0x09) { b -= 1 }
            return (a, b)
        }
        if eq < 0 {
            let (a, b) = trimmed(0, p.count)
            guard b > a else { return nil }
            let v = unquoteAndDecode(UnsafeBufferPointer(rebasing: p[a..<b]))
            return VCardParameter(name: "", values: [v], raw: raw)
        }
        let (na, nb) = trimmed(0, eq)
        guard nb > na else { return nil }
        let name = String(decoding: UnsafeBufferPointer(rebasing: p[na..<nb]).map { $0 >= 0x61 && $0 <= 0x7A ? $0 & 0xDF : $0 }, as: UTF8.self)
        let (va, vb) = trimmed(eq + 1, p.count)
        let valueBytes = UnsafeBufferPointer(rebasing: p[va..<vb])
        var values: [String] = []
        if name == "TYPE" {
            // A comma-separated list; a quoted value is a list too
            // (RFC 6350: TYPE="voice,cell").
            var k = 0
            var start = 0
            while k <= valueBytes.count {
                if k == valueBytes.count || valueBytes[k] == 0x2C {
                    var a = start, b = k
                    while a < b && (valueBytes[a] == 0x22 || valueBytes[a] == 0x20) { a += 1 }
                    while b > a && (valueBytes[b - 1] == 0x22 || valueBytes[b - 1] == 0x20) { b -= 1 }
                    let item = unquoteAndDecode(UnsafeBufferPointer(rebasing: valueBytes[a..<b]))
                    if !item.isEmpty { values.append(item) }
                    start = k + 1
                }
                k += 1
            }
        } else {
            values = [unquoteAndDecode(valueBytes)]
        }
        return VCardParameter(name: name, values: values, raw: raw)
    }

    /// Removes surrounding quotes, decodes `\"` (Apple) and RFC 6868 caret
    /// escapes (`^n`, `^^`, `^'`).
    static func unquoteAndDecode(_ v: UnsafeBufferPointer<UInt8>) -> String {
        var a = 0, b = v.count
        while a < b && (v[a] == 0x20 || v[a] == 0x09) { a += 1 }
        if b - a >= 2 && v[a] == 0x22 && v[b - 1] == 0x22 {
            a += 1
            b -= 1
        } else if b - a >= 1 && v[a] == 0x22 {
            a += 1
        }
        var needsWork = false
        for k in a..<b where v[k] == 0x5E || v[k] == 0x5C || v[k] == 0x22 {
            needsWork = true
            break
        }
        if !needsWork { return String(decoding: UnsafeBufferPointer(rebasing: v[a..<b]), as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(b - a)
        var k = a
        while k < b {
            let c = v[k]
            if c == 0x5E && k + 1 < b {  // ^
                switch v[k + 1] {
                case 0x6E, 0x4E: out.append(0x0A); k += 2; continue
                case 0x5E: out.append(0x5E); k += 2; continue
                case 0x27: out.append(0x22); k += 2; continue
                default: break
                }
            } else if c == 0x5C && k + 1 < b && v[k + 1] == 0x22 {  // \"
                out.append(0x22)
                k += 2
                continue
            }
            out.append(c)
            k += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
