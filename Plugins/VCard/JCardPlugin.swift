import Foundation
internal import KithModel
public import KithPlugin

/// jCard (RFC 7095), the JSON form of vCard: read and written.
///
/// Reading: a jCard file is one JSON document (a card, or an array of
/// cards), so it is parsed whole with `JSONSerialization` (jCard files are
/// small; the vCard text path is the streaming one). Each card is turned
/// back into vCard 4.0 text and read by the vCard reader, so both formats
/// map to the model by the same rules: `text` values are escaped, `unknown`
/// values are taken as raw vCard text (RFC 7095 §5), other types (`uri`,
/// dates) keep their commas. Provenance says plugin "jcard", the card's
/// index as the record, and no line (the JSON has none worth quoting).
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
        var bytes: [UInt8] = []
        while let chunk = stream.read() { bytes += chunk }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw PluginError(.malformed, "not valid JSON, so not jCard", file: source.name, underlying: "\(error)")
        }
        var cards: [[Any]] = []
        if let a = json as? [Any], a.first as? String == "vcard" {
            cards = [a]
        } else if let list = json as? [Any] {
            cards = list.compactMap { $0 as? [Any] }.filter { $0.first as? String == "vcard" }
        }
        guard !cards.isEmpty else { throw PluginError(.malformed, "no [\"vcard\", …] array found", file: source.name) }
        var text = ""
        // The rebuilt text's line where each card starts, to name the card
        // (its index in the JSON) in diagnostics.
        var cardStarts: [Int] = []
        var line = 1
        for card in cards {
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
        func card(at line: Int?) -> Int? {
            guard let line else { return nil }
            return cardStarts.lastIndex { $0 <= line }.map { $0 + 1 }
        }
        let inner = ByteStream(bytes: Array(text.utf8))
        return try VCardPlugin.importStream(inner, name: source.name, plugin: "jcard", options: options) { event in
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
    }

    public func makeWriter(to sink: ByteSink, options: PluginOptions) throws -> any RecordWriter {
        JCardRecordWriter(sink: sink)
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

/// Streams contacts to a sink as one jCard array; other record kinds are skipped.
final class JCardRecordWriter: RecordWriter {
    private let sink: ByteSink
    private var writer = JCardWriter()

    init(sink: ByteSink) { self.sink = sink }

    func write(_ record: CanonicalRecord) throws {
        guard case .contact(let c) = record else { return }
        writer.append(c)
        if writer.output.count >= 64 * 1024 {
            try sink.write(writer.output)
            writer.output.removeAll(keepingCapacity: true)
        }
    }

    func finish() throws {
        writer.finish()
        try sink.write(writer.output)
        writer.output.removeAll()
        try sink.flush()
    }
}
