public import KithModel

/// Writes contacts as jCard (RFC 7095): one JSON array of cards, each
/// `["vcard", [[name, {params}, type, value…], …]]`.
///
/// The properties are the ones `VCardWriter` builds for vCard 4.0 (so both
/// formats hold the same fields, custom labels as grouped `x-ablabel`s
/// included), then serialised as JSON instead of content lines:
/// - names and parameter names in lower case; the group as the `group`
///   parameter; a parameter with several values (`TYPE=work,voice`) as an array;
/// - structured values (N, ADR, ORG with a department) as arrays of
///   components; lists (NICKNAME, CATEGORIES) as several values;
/// - value types `text`, `uri` (URL, IMPP, PHOTO, MEMBER, UID),
///   `date-and-or-time` (BDAY, ANNIVERSARY, extended ISO form: 1984-03-14,
///   --03-14), and `text` for RELATED names (its `VALUE=text` becomes the type);
/// - extensions as `unknown` values holding the raw vCard text, as RFC 7095
///   §5 asks for properties whose type is not known, so they travel
///   unchanged. An extension's own parameters go into the parameter object;
///   a `VALUE` parameter among them is kept there too, since the value
///   stays raw text rather than being converted to that type.
///
/// JSON is written by hand into bytes (Foundation's `JSONEncoder` writes
/// about 11 MB/s here, and jCard's mixed arrays do not fit `Codable` well).
/// Key order is fixed, so the same contacts always give the same bytes.
public struct JCardWriter {
    /// The bytes written so far.
    public var output: [UInt8] = []
    private var cards = 0

    /// A writer with nothing written yet.
    public init() {}

    /// Appends one contact as a card (after the opening `[` for the first).
    public mutating func append(_ contact: Contact) {
        output.append(contentsOf: (cards == 0 ? "[\n" : ",\n").utf8)
        cards += 1
        output.append(contentsOf: "[\"vcard\",[[\"version\",{},\"text\",\"4.0\"]".utf8)
        for p in VCardWriter.properties(of: contact, version: .v40, extendedDates: true) {
            output.append(0x2C)
            Self.serialize(p, into: &output)
        }
        output.append(contentsOf: "]]".utf8)
    }

    /// Closes the array of cards (`[]` when none was written); call once, last.
    public mutating func finish() {
        output.append(contentsOf: (cards == 0 ? "[]\n" : "\n]\n").utf8)
    }

    // MARK: - One property

    static func serialize(_ p: OutProperty, into out: inout [UInt8]) {
        out.append(0x5B)  // [
        string(p.name.asciiLowercased, into: &out)
        out.append(0x2C)
        var params: [(String, [String])] = []
        if let g = p.group { params.append(("group", [g])) }
        var type: String?
        for (name, values) in p.params {
            let key = name.asciiLowercased
            if key == "value", let v = values.first {
                type = v.asciiLowercased  // RELATED;VALUE=text: the type says it
                continue
            }
            params.append((key, values))
        }
        if !p.rawParams.isEmpty { addRawParams(p.rawParams, to: &params) }
        out.append(0x7B)  // {
        for (i, (name, values)) in params.enumerated() {
            if i > 0 { out.append(0x2C) }
            string(name, into: &out)
            out.append(0x3A)
            if values.count == 1 {
                string(values[0], into: &out)
            } else {
                strings(values, into: &out)
            }
        }
        out.append(0x7D)  // }
        out.append(0x2C)
        switch p.value {
        case .text(let s):
            string(type ?? "text", into: &out)
            out.append(0x2C)
            string(s, into: &out)
        case .components(let parts):
            string(type ?? "text", into: &out)
            out.append(0x2C)
            // ORG with a name only is a plain string; N, ADR and ORG with a
            // department are arrays of components.
            if parts.count == 1 && p.name == "ORG" { string(parts[0], into: &out) } else { strings(parts, into: &out) }
        case .list(let items):
            string(type ?? "text", into: &out)
            for s in items {
                out.append(0x2C)
                string(s, into: &out)
            }
        case .uri(let s):
            string(type ?? "uri", into: &out)
            out.append(0x2C)
            string(s, into: &out)
        case .date(let s):
            string(type ?? "date-and-or-time", into: &out)
            out.append(0x2C)
            string(s, into: &out)
        case .raw(let s):
            string("unknown", into: &out)
            out.append(0x2C)
            string(rawText(s), into: &out)
        }
        out.append(0x5D)  // ]
    }

    /// An extension's raw value with line breaks written `\n`, as in vCard
    /// (a raw value is vCard text, where a line break cannot stand).
    static func rawText(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 4)
        var prevCR = false
        for b in s.utf8 {
            if b == 0x0D || (b == 0x0A && !prevCR) {
                out.append(0x5C)
                out.append(0x6E)
            } else if b != 0x0A {
                out.append(b)
            }
            prevCR = b == 0x0D
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The parameters of an extension key (`;TYPE=home,work;X-A="a;b"`), in
    /// order, names lower-cased, values unquoted and caret-decoded; TYPE
    /// values (and bare 2.1 parameters, which are types) split into items; a
    /// name given twice gathers its values.
    static func addRawParams(_ raw: String, to params: inout [(String, [String])]) {
        let bytes = Array(raw.utf8)
        bytes.withUnsafeBufferPointer { b in
            var refs: [VCardParamRef] = []
            var start = 0
            var quoted = false
            for k in 0...b.count {
                if k < b.count && b[k] == 0x22 { quoted.toggle() }
                guard k == b.count || (b[k] == 0x3B && !quoted) else { continue }
                if k > start, let r = ContentLineParser.scanParam(b, start, k) { refs.append(r) }
                start = k + 1
            }
            for r in refs {
                let name: String
                let values: [String]
                if r.isBare {
                    name = "type"
                    values = [ParamValues.whole(b, r).string]
                } else {
                    name = String(decoding: UnsafeBufferPointer(rebasing: b[r.nameStart..<r.nameEnd]), as: UTF8.self).asciiLowercased
                    values = name == "type" ? ParamValues.map(b, r) { $0.string } : [ParamValues.whole(b, r).string]
                }
                if let i = params.firstIndex(where: { $0.0 == name }) {
                    params[i].1 += values
                } else {
                    params.append((name, values))
                }
            }
        }
    }

    // MARK: - JSON primitives

    private static func strings(_ values: [String], into out: inout [UInt8]) {
        out.append(0x5B)
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(0x2C) }
            string(v, into: &out)
        }
        out.append(0x5D)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A JSON string: quotes, `\"`, `\\`, and escapes for control characters.
    static func string(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0..<0x20:
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30])  // \u00
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }
}
