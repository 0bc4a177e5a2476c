import Foundation
internal import KithModel
public import KithPlugin

/// jCard (RFC 7095), the JSON form of vCard: read and written.
///
/// Reading: a jCard file is one JSON document, a card or an array of cards.
/// An array is read an element at a time (`JCardElements` finds where each
/// ends, at the byte level), each card parsed on its own with
/// `JSONSerialization`, so memory stays flat however many cards a file
/// holds, and a malformed card costs that card (an error naming it), not the
/// file. Each card is turned back into vCard 4.0 text and read by the vCard
/// reader, so both formats map to the model by the same rules: `text` values
/// are escaped, `unknown` values are taken as raw vCard text (RFC 7095 §5),
/// other types (`uri`, dates) keep their commas. Provenance says plugin
/// "jcard", the card's index as the record, and no line (the JSON has none
/// worth quoting).
///
/// Writing: see `JCardWriter` (the fields of vCard 4.0, as JSON).
public struct JCardPlugin: Importer, Exporter {
    public init() {}

    public var descriptor: FormatDescriptor {
        FormatDescriptor(
            id: "jcard", name: "jCard (RFC 7095)", summary: "vCard as JSON; reads any jCard, writes vCard 4.0 fields as one JSON array of cards",
            fileExtensions: ["jcard", "json"], mediaTypes: ["application/vcard+json"], capabilities: [.import, .export])
    }

    public func detect(_ probe: FormatProbe) -> Detection {
        let text = probe.headText
        guard let first = text.firstIndex(where: { !$0.isWhitespace }), text[first] == "[" else {
            return probe.fileExtension == "jcard" ? .byExtension() : .no("not a JSON array")
        }
        let compact = text[first...].prefix(64).filter { !$0.isWhitespace }
        if compact.hasPrefix("[\"vcard\"") || compact.hasPrefix("[[\"vcard\"") { return .certain("JSON array starting with \"vcard\"") }
        return probe.fileExtension == "jcard" ? .byExtension() : .no("JSON without a vcard array")
    }

    public func importRecords(
        from source: ImportSource, options: PluginOptions, emit: (ImportEvent) throws -> Void
    ) throws -> ImportSummary {
        let stream = try source.openStream()
        var elements = JCardElements(stream)
        guard let shape = elements.start() else {
            throw PluginError(.malformed, "not a JSON array, so not jCard", file: source.name)
        }
        // Cards rebuilt as vCard text, a few hundred at a time, for the vCard
        // reader; problems with elements wait in `pending` for the next event.
        var cardStarts: [Int] = []  // rebuilt text line where card k+1 starts
        var line = 1
        var element = 0
        var pending: [Diagnostic] = []
        var rejected = 0
        var sawCard = false
        var single = shape == .singleCard
        let pull: () -> [UInt8]? = {
            var text = ""
            while text.utf8.count < 64 * 1024 {
                let next: JCardElements.Element
                if single {
                    single = false
                    next = elements.wholeDocument()
                } else {
                    next = elements.next()
                }
                let raw: [UInt8]
                switch next {
                case .end: return text.isEmpty ? nil : Array(text.utf8)
                case .truncated(let bytes):
                    element += 1
                    rejected += 1
                    pending.append(Diagnostic(severity: .error, file: source.name, locator: Locator(record: element),
                        message: "the JSON ends inside element \(element) (\(bytes) bytes; the file looks cut short)", code: "jcard.truncated"))
                    return text.isEmpty ? nil : Array(text.utf8)
                case .oversized(let bytes):
                    element += 1
                    rejected += 1
                    pending.append(Diagnostic(severity: .error, file: source.name, locator: Locator(record: element),
                        message: "element \(element) is \(bytes) bytes, more than a card can be (\(JCardElements.maxElementBytes >> 20) MB); skipped",
                        code: "jcard.too-large"))
                    continue
                case .element(let bytes): raw = bytes
                }
                element += 1
                guard let json = try? JSONSerialization.jsonObject(with: Data(raw), options: [.fragmentsAllowed]) else {
                    rejected += 1
                    pending.append(Diagnostic(severity: .error, file: source.name, locator: Locator(record: element),
                        message: "element \(element) is not valid JSON; skipped", code: "jcard.malformed"))
                    continue
                }
                guard let card = json as? [Any], card.first as? String == "vcard" else {
                    rejected += 1
                    pending.append(Diagnostic(severity: .warning, file: source.name, locator: Locator(record: element),
                        message: "element \(element) is not a [\"vcard\", …] card; skipped", code: "jcard.not-a-card"))
                    continue
                }
                sawCard = true
                cardStarts.append(line)
                text += "BEGIN:VCARD\r\n"
                line += 1
                for case let prop as [Any] in (card.count > 1 ? card[1] as? [Any] ?? [] : []) {
                    if let content = Self.contentLine(prop) {
                        text += content + "\r\n"
                        line += 1
                    }
                }
                text += "END:VCARD\r\n"
                line += 1
            }
            return Array(text.utf8)
        }
        func card(at line: Int?) -> Int? {
            guard let line else { return nil }
            // The last card starting at or before `line` (binary search).
            var lo = 0, hi = cardStarts.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if cardStarts[mid] <= line { lo = mid + 1 } else { hi = mid }
            }
            return lo > 0 ? lo : nil
        }
        func flushPending() throws {
            let waiting = pending
            pending = []
            for d in waiting { try emit(.diagnostic(d)) }
        }
        var summary = try VCardPlugin.importStream(ByteStream(pull: pull), name: source.name, plugin: "jcard", options: options) { event in
            try flushPending()
            // Line numbers would point into the rebuilt text, not the JSON: drop them.
            switch event {
            case .contact(var c):
                for i in c.sources.indices { c.sources[i].locator.line = nil }
                try emit(.contact(c))
            case .diagnostic(var d):
                d.locator.record = d.locator.record ?? card(at: d.locator.line)
                d.locator.line = nil
                try emit(.diagnostic(d))
            case .interaction: try emit(event)
            }
        }
        try flushPending()
        summary.recordsRead += rejected
        summary.recordsRejected += rejected
        if !sawCard {
            throw PluginError(.malformed, "no [\"vcard\", …] array found", file: source.name)
        }
        return summary
    }

    public func makeWriter(to sink: ByteSink, options: PluginOptions) throws -> any RecordWriter {
        ContactStreamWriter(sink: sink, writer: JCardWriter())
    }

    /// One jCard property (`[name, {params}, type, value…]`) as a vCard line.
    static func contentLine(_ prop: [Any]) -> String? {
        guard prop.count >= 4, let name = prop[0] as? String, !name.isEmpty else { return nil }
        let params = prop[1] as? [String: Any] ?? [:]
        let type = (prop[2] as? String ?? "unknown").lowercased()
        var line = ""
        if let g = params["group"] as? String, !g.isEmpty { line += g + "." }
        line += name.uppercased()
        for key in params.keys.sorted() where key != "group" {
            let values = (params[key] as? [Any] ?? [params[key] as Any]).map(scalar)
            line += ";" + key.uppercased() + "=" + values.map(paramValue).joined(separator: ",")
        }
        if type != "text" && type != "unknown" && params["value"] == nil && !["uri", "date", "date-time", "date-and-or-time", "timestamp"].contains(type) {
            line += ";VALUE=" + type
        }
        func value(_ v: Any) -> String {
            if let parts = v as? [Any] {
                // A structured value: components by ';', lists inside by ','.
                return parts.map { part in
                    if let list = part as? [Any] { return list.map { escape(scalar($0)) }.joined(separator: ",") }
                    return escape(scalar(part))
                }.joined(separator: ";")
            }
            let s = scalar(v)
            switch type {
            case "text": return escape(s)
            // RFC 7095 §5: an `unknown` value is the vCard text unprocessed;
            // only a line break (which vCard text cannot hold) is escaped.
            case "unknown": return breaksEscaped(s)
            // A URI or date keeps its commas and semicolons (the vCard reader
            // keeps a `data:` URI whole and unescapes other URIs).
            default: return s.hasPrefix("data:") ? breaksEscaped(s) : escape(s, commas: false)
            }
        }
        line += ":" + prop[3...].map(value).joined(separator: ",")
        return line
    }

    private static func scalar(_ v: Any) -> String {
        if let s = v as? String { return s }
        if let n = v as? NSNumber { return n.stringValue }
        return ""
    }

    private static func escape(_ s: String, commas: Bool = true) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\": out += "\\\\"
            case "\n", "\r\n", "\r": out += "\\n"
            case "," where commas: out += "\\,"
            case ";" where commas: out += "\\;"
            default: out.append(ch)
            }
        }
        return out
    }

    private static func breaksEscaped(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return s }
        var out = ""
        for ch in s {
            switch ch {
            case "\n", "\r\n", "\r": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }

    private static func paramValue(_ s: String) -> String {
        let needsQuotes = s.contains { $0 == ":" || $0 == ";" || $0 == "," || $0 == " " }
        let caret = s.replacingOccurrences(of: "^", with: "^^").replacingOccurrences(of: "\"", with: "^'")
            .replacingOccurrences(of: "\n", with: "^n")
        return needsQuotes ? "\"" + caret + "\"" : caret
    }
}

/// The elements of a jCard file's top-level array, found at the byte level
/// (strings and their escapes skipped, brackets counted), so that each card
/// can be parsed on its own and the file is never held whole.
struct JCardElements {
    enum Shape {
        /// `["vcard", [...]]`: the document is one card.
        case singleCard
        /// `[["vcard", ...], ...]`: a list of cards.
        case list
    }

    enum Element {
        /// One element's bytes (a card, or anything else the array holds).
        case element([UInt8])
        /// The input ended inside an element of this many bytes.
        case truncated(Int)
        /// An element of this many bytes, more than `maxElementBytes` (not kept).
        case oversized(Int)
        case end
    }

    /// An element larger than this is read but not kept (a card with a
    /// photo is a few MB; hostile input must not take all memory).
    static let maxElementBytes = 64 << 20

    private let stream: ByteStream
    private var buffer: [UInt8] = []
    private var pos = 0

    init(_ stream: ByteStream) { self.stream = stream }

    private mutating func peekByte() -> UInt8? {
        if pos >= buffer.count {
            guard let chunk = stream.read() else { return nil }
            buffer = chunk
            pos = 0
        }
        return buffer[pos]
    }

    private mutating func skipSpace() {
        while let b = peekByte(), b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { pos += 1 }
    }

    /// Reads past a byte-order mark and the opening bracket; nil when the
    /// document is not an array.
    mutating func start() -> Shape? {
        if let b = peekByte(), b == 0xEF {
            for expected: UInt8 in [0xEF, 0xBB, 0xBF] {
                guard peekByte() == expected else { return nil }
                pos += 1
            }
        }
        skipSpace()
        guard peekByte() == 0x5B else { return nil }
        pos += 1
        skipSpace()
        return peekByte() == 0x22 ? .singleCard : .list
    }

    /// For `.singleCard`: the whole document, its opening bracket included.
    mutating func wholeDocument() -> Element { scan(prefix: [0x5B], depth: 1) }

    /// For `.list`: the next element of the array.
    mutating func next() -> Element {
        while let b = peekByte(), b == 0x2C || b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { pos += 1 }
        guard let b = peekByte(), b != 0x5D else { return .end }
        return scan(prefix: [], depth: 0)
    }

    /// Collects bytes until the bracket depth returns to zero (or, for a
    /// scalar, until a comma, bracket or space).
    private mutating func scan(prefix: [UInt8], depth start: Int) -> Element {
        var out = prefix
        var size = prefix.count
        var depth = start
        var inString = false
        var escaped = false
        var scalar = false
        if start == 0, let b = peekByte(), b != 0x5B, b != 0x7B, b != 0x22 { scalar = true }
        while let b = peekByte() {
            if scalar && (b == 0x2C || b == 0x5D || b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D) { break }
            pos += 1
            size += 1
            if size <= Self.maxElementBytes { out.append(b) } else if !out.isEmpty { out = [] }
            if inString {
                if escaped {
                    escaped = false
                } else if b == 0x5C {
                    escaped = true
                } else if b == 0x22 {
                    inString = false
                    if depth == 0 && !scalar { break }
                }
                continue
            }
            switch b {
            case 0x22: inString = true
            case 0x5B, 0x7B: depth += 1
            case 0x5D, 0x7D:
                depth -= 1
                if depth <= 0 { return size <= Self.maxElementBytes ? .element(out) : .oversized(size) }
            default: break
            }
        }
        if size > Self.maxElementBytes { return .oversized(size) }
        if scalar || (!inString && depth == 0 && size > 0) { return .element(out) }
        return size == 0 ? .end : .truncated(size)
    }
}
