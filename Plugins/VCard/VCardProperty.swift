/// One parameter of a content line: `TYPE=work,voice`, a bare 2.1 `PREF`,
/// or `LABEL="a;b"`. Built only on slow paths (see `VCardParamRef`).
struct VCardParameter: Hashable, Sendable {
    /// Upper-cased name; empty for a bare 2.1 parameter.
    var name: String
    /// Values, unquoted and with RFC 6868 caret escapes decoded. `TYPE` values
    /// are split at commas (quoted or not); other parameters keep their text whole.
    var values: [String]
    /// The parameter as written (without the leading `;`).
    var raw: String
}

/// Where a parameter lies in its card's byte buffer (offsets, no strings).
///
/// Parameters used to be parsed into `VCardParameter` values (a name, an
/// array of value strings and the raw text) for every property: two to four
/// allocations per property, about 3,200 instructions a card of the
/// benchmark (callgrind). Most are only looked at once (TYPE labels) or never,
/// so the parser records offsets and the builder decodes what it reads.
struct VCardParamRef {
    /// The parameter as written (without the leading `;`).
    var rawStart: Int
    var rawEnd: Int
    /// The name, trimmed; empty for a bare 2.1 parameter.
    var nameStart: Int
    var nameEnd: Int
    /// The value text, trimmed (the whole text for a bare parameter).
    var valueStart: Int
    var valueEnd: Int

    var isBare: Bool { nameStart == nameEnd }
}

/// A content line split into its parts, as offsets into the card's byte
/// buffer (`CardBuilder.bytes`); the value is still raw bytes (neither
/// decoded nor unescaped).
///
/// A plain value type without references: keeping a card's properties
/// costs no retain, release or deallocation (the previous struct of Strings
/// and arrays cost about 3,800 instructions a card just to destroy).
struct VCardProperty {
    /// 1-based line of the input where the property starts.
    var line: Int
    /// The group (`item1`), as written; `groupStart == groupEnd` when none.
    var groupStart: Int
    var groupEnd: Int
    var hasGroup: Bool
    /// The name as written.
    var nameStart: Int
    var nameEnd: Int
    /// Indices into the card's parameter list.
    var paramStart: Int
    var paramEnd: Int
    /// The raw value bytes after unfolding.
    var valueStart: Int
    var valueEnd: Int
    /// What the name stands for.
    var kind: PropertyKind
    /// The transfer encoding (`ENCODING=` or a bare 2.1 parameter).
    var encoding: TransferEncoding

    var valueCount: Int { valueEnd - valueStart }

    /// Moves every offset by `bytes` and every parameter index by `params`.
    mutating func shift(bytes: Int, params: Int) {
        groupStart += bytes
        groupEnd += bytes
        nameStart += bytes
        nameEnd += bytes
        valueStart += bytes
        valueEnd += bytes
        paramStart += params
        paramEnd += params
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

    static let names: [(String, PropertyKind)] = {
        var t: [(String, PropertyKind)] = [
            ("BEGIN", .begin), ("END", .end), ("VERSION", .version), ("PRODID", .prodid), ("FN", .fn), ("N", .n),
            ("X-PHONETIC-FIRST-NAME", .phoneticGiven), ("X-PHONETIC-LAST-NAME", .phoneticFamily), ("SOUND", .sound),
            ("NICKNAME", .nickname), ("EMAIL", .email), ("TEL", .tel), ("ADR", .adr), ("LABEL", .label), ("ORG", .org),
            ("TITLE", .title), ("ROLE", .role), ("URL", .url), ("IMPP", .impp), ("RELATED", .related),
            ("X-ABRELATEDNAMES", .related), ("BDAY", .bday), ("ANNIVERSARY", .anniversary), ("X-ANNIVERSARY", .anniversary),
            ("X-ABDATE", .anniversary), ("X-EVOLUTION-ANNIVERSARY", .anniversary), ("X-MS-ANNIVERSARY", .anniversary),
            ("X-KADDRESSBOOK-X-ANNIVERSARY", .anniversary), ("GENDER", .gender), ("X-GENDER", .gender), ("X-SEX", .gender),
            ("PHOTO", .photo), ("NOTE", .note), ("CATEGORIES", .categories), ("MEMBER", .member),
            ("X-ADDRESSBOOKSERVER-MEMBER", .member), ("KIND", .kind), ("X-ADDRESSBOOKSERVER-KIND", .kind), ("X-KIND", .kind),
            ("X-ABSHOWAS", .showAs), ("UID", .uid), ("AGENT", .agent), ("X-ABLABEL", .abLabel),
        ]
        for k in CardBuilder.imProperties.keys { t.append((k, .vendorIM)) }
        for k in CardBuilder.relatedProperties.keys { t.append((k, .vendorRelated)) }
        return t
    }()

    /// Name lookup table: a slot for each (length, first letter, last letter)
    /// holding the first known name with that shape, chained to the others;
    /// a lookup compares the bytes of the one or two candidates.
    ///
    /// The first version built an upper-case `String` and hashed it into a
    /// dictionary (about 3,200 instructions a card); the second compared
    /// bytes against `[[([UInt8], PropertyKind)]]` buckets, whose arrays were
    /// retained and released on every step (about 1,300 instructions a card,
    /// callgrind). The table lives in memory allocated once and never freed
    /// (it is a constant of the program), so a lookup retains nothing and
    /// checks no bounds.
    struct Table: @unchecked Sendable {
        /// Slot → index of the first entry plus one (0: none).
        let slots: UnsafeMutablePointer<UInt8>
        /// Per entry: the next entry with the same slot plus one (0: none),
        /// its length, its kind, and its upper-case name (32 bytes).
        let next: UnsafeMutablePointer<UInt8>
        let lengths: UnsafeMutablePointer<UInt8>
        let kinds: UnsafeMutablePointer<PropertyKind>
        let names: UnsafeMutablePointer<UInt8>
    }

    @inline(__always)
    static func slot(_ n: Int, _ first: UInt8, _ last: UInt8) -> Int {
        n &* 1024 &+ Int(first & 31) &* 32 &+ Int(last & 31)
    }

    static let table: Table = {
        let known = names.filter { $0.0.utf8.count < 33 }
        precondition(known.count < 255)
        let t = Table(
            slots: .allocate(capacity: 33 * 1024), next: .allocate(capacity: known.count),
            lengths: .allocate(capacity: known.count), kinds: .allocate(capacity: known.count),
            names: .allocate(capacity: known.count * 32))
        t.slots.initialize(repeating: 0, count: 33 * 1024)
        for (i, (name, kind)) in known.enumerated() {
            let b = Array(name.utf8)
            let s = slot(b.count, b[0], b[b.count - 1])
            (t.names + i * 32).initialize(from: b, count: b.count)
            t.lengths[i] = UInt8(b.count)
            (t.kinds + i).initialize(to: kind)
            t.next[i] = t.slots[s]
            t.slots[s] = UInt8(i + 1)
        }
        return t
    }()

    /// The kind of the name in `line[start..<end]` (compared case-insensitively).
    static func find(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> PropertyKind {
        let n = end - start
        guard n > 0 && n < 33, let p = line.baseAddress.map({ $0 + start }) else { return .other }
        let t = table
        var e = Int(t.slots[slot(n, upper(p[0]), upper(p[n - 1]))])
        while e != 0 {
            let i = e - 1
            if Int(t.lengths[i]) == n {
                let name = t.names + i * 32
                var k = 0
                while k < n && upper(p[k]) == name[k] { k += 1 }
                if k == n { return t.kinds[i] }
            }
            e = Int(t.next[i])
        }
        return .other
    }

    @inline(__always)
    static func upper(_ b: UInt8) -> UInt8 { b >= 0x61 && b <= 0x7A ? b & 0xDF : b }
}

/// Splits a logical content line into group, name, parameters and value.
enum ContentLineParser {
    /// Parses `line`; nil when it has no colon (or no name). Parameters are
    /// appended to `params`; offsets are relative to `line`.
    static func parse(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, params: inout [VCardParamRef]) -> VCardProperty? {
        let n = line.count
        var i = 0
        // Name (with optional group): up to ';' or ':'.
        while i < n {
            let b = line[i]
            if b == 0x3B || b == 0x3A { break }  // ; :
            i += 1
        }
        guard i < n else { return nil }
        let nameEnd = i
        // Trim whitespace around the name (lenient).
        var ns = 0
        while ns < nameEnd && (line[ns] == 0x20 || line[ns] == 0x09) { ns += 1 }
        var ne = nameEnd
        while ne > ns && (line[ne - 1] == 0x20 || line[ne - 1] == 0x09) { ne -= 1 }
        guard ne > ns else { return nil }
        var hasGroup = false
        var groupEnd = ns
        var nameStart = ns
        var d = ne
        while d > ns {
            d -= 1
            if line[d] == 0x2E {
                hasGroup = true
                groupEnd = d
                nameStart = d + 1
                break
            }
        }
        guard ne > nameStart else { return nil }

        let firstParam = params.count
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
                guard j < n else {
                    params.removeSubrange(firstParam...)
                    return nil
                }
                i = j
                var k = start
                while k < j && line[k] != 0x3B { k += 1 }
                if k < j {
                    // Several parameters before the colon; parse them unquoted.
                    var s = start
                    for k in start...j where k == j || line[k] == 0x3B {
                        if k > s, let p = scanParam(line, s, k) { params.append(p) }
                        s = k + 1
                    }
                } else if let p = scanParam(line, start, j) {
                    params.append(p)
                }
                break
            }
            if i > start, let p = scanParam(line, start, i) { params.append(p) }
        }
        guard i < n, line[i] == 0x3A else {
            params.removeSubrange(firstParam...)
            return nil
        }
        var encoding = TransferEncoding.none
        for r in params[firstParam...] where r.isBare || nameIs(line, r, "ENCODING") {
            if let e = encodingOf(ParamValues.whole(line, r)) { encoding = e }
        }
        return VCardProperty(
            line: lineNumber, groupStart: ns, groupEnd: groupEnd, hasGroup: hasGroup, nameStart: nameStart, nameEnd: ne,
            paramStart: firstParam, paramEnd: params.count, valueStart: i + 1, valueEnd: n,
            kind: PropertyKind.find(line, nameStart, ne), encoding: encoding)
    }

    private static func encodingOf(_ v: ParamValues.Value) -> TransferEncoding? {
        if v.decoded == nil {
            // Plain bytes: only these lengths can match; no String for the rest.
            let n = v.bytes.count
            guard n == 1 || n == 2 || n == 6 || n == 16 else { return nil }
        }
        switch v.lowercasedASCII {
        case "quoted-printable", "qp": return .quotedPrintable
        case "base64", "b": return .base64
        default: return nil
        }
    }

    /// True when the parameter's name is `upper` (ASCII letters compared
    /// without case).
    @inline(__always)
    static func nameIs(_ b: UnsafeBufferPointer<UInt8>, _ r: VCardParamRef, _ upper: StaticString) -> Bool {
        let n = upper.utf8CodeUnitCount
        guard r.nameEnd - r.nameStart == n else { return false }
        let p = upper.utf8Start
        for k in 0..<n where PropertyKind.upper(b[r.nameStart + k]) != p[k] { return false }
        return true
    }

    /// One parameter from its text `line[s..<e]` (`TYPE=a,b`, `PREF`, `LABEL="x"`);
    /// nil when it is blank or has no name before `=`.
    static func scanParam(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> VCardParamRef? {
        var eq = -1
        for k in s..<e where p[k] == 0x3D {  // =
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
            let (a, b) = trimmed(s, e)
            guard b > a else { return nil }
            return VCardParamRef(rawStart: s, rawEnd: e, nameStart: a, nameEnd: a, valueStart: a, valueEnd: b)
        }
        let (na, nb) = trimmed(s, eq)
        guard nb > na else { return nil }
        let (va, vb) = trimmed(eq + 1, e)
        return VCardParamRef(rawStart: s, rawEnd: e, nameStart: na, nameEnd: nb, valueStart: va, valueEnd: vb)
    }

    /// The parameter as a `VCardParameter` (slow paths only).
    static func parameter(_ b: UnsafeBufferPointer<UInt8>, _ r: VCardParamRef) -> VCardParameter {
        let raw = String(decoding: UnsafeBufferPointer(rebasing: b[r.rawStart..<r.rawEnd]), as: UTF8.self)
        if r.isBare {
            return VCardParameter(name: "", values: [ParamValues.whole(b, r).string], raw: raw)
        }
        let name = String(decoding: UnsafeBufferPointer(rebasing: b[r.nameStart..<r.nameEnd]).map(PropertyKind.upper), as: UTF8.self)
        let values = name == "TYPE" ? ParamValues.map(b, r) { $0.string } : [ParamValues.whole(b, r).string]
        return VCardParameter(name: name, values: values, raw: raw)
    }

    /// Removes surrounding quotes, decodes `\"` (Apple) and RFC 6868 caret
    /// escapes (`^n`, `^^`, `^'`).
    static func unquoteAndDecode(_ v: UnsafeBufferPointer<UInt8>) -> String {
        let (a, b, needsWork) = unquotedRange(v)
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

    /// The range `unquoteAndDecode` keeps, and whether it holds escapes.
    @inline(__always)
    static func unquotedRange(_ v: UnsafeBufferPointer<UInt8>) -> (Int, Int, Bool) {
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
        return (a, b, needsWork)
    }
}

/// Parameter values read straight from the bytes.
enum ParamValues {
    /// One value: either plain bytes (no escapes, no quotes left) or, when
    /// escapes need decoding, the decoded string.
    struct Value {
        var bytes: UnsafeBufferPointer<UInt8>
        var decoded: String?

        var string: String { decoded ?? String(decoding: bytes, as: UTF8.self) }
        var isEmpty: Bool { decoded?.isEmpty ?? bytes.isEmpty }

        /// `string.asciiLowercased`.
        var lowercasedASCII: String { string.asciiLowercased }

        /// True when the value is plain ASCII (so byte comparisons are exact).
        var isPlainASCII: Bool {
            guard decoded == nil else { return false }
            for b in bytes where b >= 0x80 { return false }
            return true
        }
    }

    @inline(__always)
    static func value(_ v: UnsafeBufferPointer<UInt8>) -> Value {
        let (a, b, needsWork) = ContentLineParser.unquotedRange(v)
        if needsWork { return Value(bytes: v, decoded: ContentLineParser.unquoteAndDecode(v)) }
        return Value(bytes: UnsafeBufferPointer(rebasing: v[a..<b]), decoded: nil)
    }

    /// The whole value text (non-TYPE and bare parameters).
    static func whole(_ line: UnsafeBufferPointer<UInt8>, _ r: VCardParamRef) -> Value {
        value(UnsafeBufferPointer(rebasing: line[r.valueStart..<r.valueEnd]))
    }

    /// Calls `body` with each non-empty item of a TYPE list: comma-separated,
    /// a quoted value is a list too (RFC 6350: TYPE="voice,cell").
    @inline(__always)
    static func forEachItem(_ line: UnsafeBufferPointer<UInt8>, _ r: VCardParamRef, _ body: (Value) -> Void) {
        let vb = UnsafeBufferPointer(rebasing: line[r.valueStart..<r.valueEnd])
        var k = 0
        var start = 0
        while k <= vb.count {
            if k == vb.count || vb[k] == 0x2C {
                var a = start, b = k
                while a < b && (vb[a] == 0x22 || vb[a] == 0x20) { a += 1 }
                while b > a && (vb[b - 1] == 0x22 || vb[b - 1] == 0x20) { b -= 1 }
                let item = value(UnsafeBufferPointer(rebasing: vb[a..<b]))
                if !item.isEmpty { body(item) }
                start = k + 1
            }
            k += 1
        }
    }

    static func map<T>(_ line: UnsafeBufferPointer<UInt8>, _ r: VCardParamRef, _ f: (Value) -> T) -> [T] {
        var out: [T] = []
        forEachItem(line, r) { out.append(f($0)) }
        return out
    }
}
