internal import KithModel
public import KithPlugin

/// The canonical JSON Lines format (docs/jsonl.md): one record per line, the
/// lossless interchange every other tool can read.
///
/// Options: none.
public struct JSONLPlugin: Importer, Exporter {
    public init() {}

    public var descriptor: FormatDescriptor {
        FormatDescriptor(
            id: "jsonl", name: "Kith JSON Lines",
            summary: "canonical contacts, interactions and diagnostics, one JSON object per line (lossless)",
            fileExtensions: ["jsonl", "ndjson"], mediaTypes: ["application/jsonl", "application/x-ndjson"],
            capabilities: [.import, .export])
    }

    public func detect(_ probe: FormatProbe) -> Detection {
        var bytes = probe.head[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let firstNonSpace = bytes.firstIndex { !($0 == 32 || $0 == 9 || $0 == 10 || $0 == 13) }
        let ext = probe.fileExtension
        let extFits = descriptor.fileExtensions.contains(ext)
        guard let start = firstNonSpace, bytes[start] == UInt8(ascii: "{") else {
            return bytes.isEmpty && extFits ? .byExtension() : .no("does not start with '{'")
        }
        let firstLine = bytes[start...].prefix { $0 != 10 }
        let text = String(decoding: firstLine, as: UTF8.self)
        if text.contains("\"kind\":\"contact\"") || text.contains("\"kind\":\"interaction\"")
            || text.contains("\"kind\":\"diagnostic\"")
        {
            return .certain("JSON object with a Kith record kind")
        }
        // A JSON document spread over lines (`{` alone on the first), or
        // JSON Lines of some other tool's objects, would have every line
        // rejected: not this format (a folder's package.json or test data
        // is skipped; `--format jsonl` still forces it).
        let lineEnded = firstLine.endIndex < bytes.endIndex || probe.head.count < FormatProbe.headSize
        let closed = firstLine.reversed().first { !($0 == 32 || $0 == 9 || $0 == 13) } == UInt8(ascii: "}")
        if lineEnded && !closed { return .no("a JSON document over several lines, not JSON Lines") }
        guard text.contains("\"kind\"") else { return .no("JSON objects without a Kith record kind") }
        if extFits { return Detection(confidence: 50, reason: "JSON object with a kind in a .\(ext) file") }
        return Detection(confidence: 30, reason: "starts with a JSON object with a kind")
    }

    public func importRecords(
        from source: ImportSource, options: PluginOptions, emit: (ImportEvent) throws -> Void
    ) throws -> ImportSummary {
        let stream = try source.openStream()
        var summary = ImportSummary()
        var lineNumber = 0
        var first = true
        while true {
            var failure: JSONLError?
            var record: CanonicalRecord?
            let more = stream.withNextLine { line, _ -> Bool in
                lineNumber += 1
                var l = line
                if first {
                    first = false
                    if l.count >= 3 && l[0] == 0xEF && l[1] == 0xBB && l[2] == 0xBF {
                        l = UnsafeBufferPointer(rebasing: l[3...])
                    }
                }
                if l.allSatisfy({ $0 == 32 || $0 == 9 }) { return true }
                do throws(JSONLError) {
                    record = try JSONLReader.decode(l)
                } catch {
                    failure = error
                }
                return true
            }
            guard more != nil else { break }
            if let failure {
                summary.recordsRead += 1
                summary.recordsRejected += 1
                try emit(
                    .diagnostic(
                        Diagnostic(
                            severity: .error, file: source.name, locator: Locator(line: lineNumber),
                            message: "line rejected: invalid record at column \(failure.column): \(failure.message)",
                            code: "jsonl.syntax")))
                continue
            }
            guard let record else { continue }
            summary.recordsRead += 1
            switch record {
            case .contact(let c): try emit(.contact(c))
            case .interaction(let i): try emit(.interaction(i))
            case .diagnostic(let d): try emit(.diagnostic(d))
            }
        }
        return summary
    }

    public func makeWriter(to sink: ByteSink, options: PluginOptions) throws -> any RecordWriter {
        JSONLRecordWriter(sink: sink)
    }
}

/// Streams records to a sink as JSON Lines.
final class JSONLRecordWriter: RecordWriter {
    private let sink: ByteSink
    private var writer = JSONLWriter()

    init(sink: ByteSink) {
        self.sink = sink
    }

    func write(_ record: CanonicalRecord) throws {
        writer.append(record)
        if writer.buffer.count >= 64 * 1024 { try drain() }
    }

    private func drain() throws {
        try writer.buffer.withBytes { p in try sink.write(p) }
        writer.buffer.removeAll()
    }

    func finish() throws {
        try drain()
        try sink.flush()
    }
}
