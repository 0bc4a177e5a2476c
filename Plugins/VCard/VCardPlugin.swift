import Foundation
internal import KithModel
public import KithPlugin

/// vCard 2.1, 3.0 and 4.0, both ways (RFC 2426, RFC 6350 and the vendor
/// dialects of Apple, Google, Outlook, Android, Evolution and Thunderbird).
///
/// Import options:
/// - `charset=NAME`: the code page for 8-bit text that declares no charset
///   and is not UTF-8 (default: the card's own declared charset, else a
///   guess among Shift_JIS, Windows-1251 and Windows-1252, with a warning).
/// - `threads=N`: read cards on N threads, splitting on one more (default:
///   one per core, at most 4, for inputs of 1 MB or more; `1` for strictly
///   one thread). The events do not depend on it (see `VCardParallel`).
///
/// Export options:
/// - `version=4.0` (default) or `version=3.0`.
///
/// Reading is streaming (card by card, memory flat) and never fails on a bad
/// card: a bad property costs that property and a warning, a card without
/// any usable value an error diagnostic. See `VCardWriter` for what writing
/// produces.
public struct VCardPlugin: Importer, Exporter {
    public init() {}

    public var descriptor: FormatDescriptor {
        FormatDescriptor(
            id: "vcard", name: "vCard 2.1/3.0/4.0",
            summary: "address-book cards (Apple, Google, Outlook, Android, Thunderbird…); writes 4.0 or 3.0 (-O version=3.0)",
            fileExtensions: ["vcf", "vcard"], mediaTypes: ["text/vcard", "text/x-vcard", "text/directory"],
            capabilities: [.import, .export])
    }

    public func detect(_ probe: FormatProbe) -> Detection {
        let ext = probe.fileExtension
        let extFits = ext == "vcf" || ext == "vcard"
        guard !probe.head.isEmpty else { return extFits ? .byExtension() : .no("empty") }
        let text = probe.headText
        guard let r = text.range(of: "BEGIN:VCARD", options: [.caseInsensitive]) else {
            if extFits && (TextSniffer.contains(text, caseInsensitive: "\nFN:") || TextSniffer.contains(text, caseInsensitive: "VERSION:")) {
                return .likely("vCard properties in a .\(ext) file")
            }
            return extFits ? .byExtension() : .no("no BEGIN:VCARD")
        }
        let before = text[..<r.lowerBound]
        let onlyBlank = before.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\u{FEFF}" }
        if onlyBlank { return .certain("starts with BEGIN:VCARD") }
        return Detection(confidence: extFits ? 90 : 60, reason: "contains BEGIN:VCARD")
    }

    public func importRecords(
        from source: ImportSource, options: PluginOptions, emit: (ImportEvent) throws -> Void
    ) throws -> ImportSummary {
        let stream = try source.openStream()
        let threads = try Self.threadCount(options, inputBytes: stream.totalBytes)
        return try Self.importStream(stream, name: source.name, plugin: "vcard", options: options, threads: threads, emit: emit)
    }

    /// Threads reading cards: `threads=N`, 0 for one per core (at most 4);
    /// by default one per core for an input of 1 MB or more (or of unknown
    /// size), else 1.
    static func threadCount(_ options: PluginOptions, inputBytes: Int?) throws -> Int {
        var t = 0
        if let v = options["threads"] {
            guard let n = Int(v), n >= 0 else { throw PluginError(.badOption, "threads expects a number (0 picks)") }
            t = min(n, 64)
            if t > 0 { return t }
        }
        guard (inputBytes ?? Int.max) >= 1 << 20 else { return 1 }
        return max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
    }

    /// Reads vCard text from `stream`; shared with the jCard importer.
    static func importStream(
        _ stream: ByteStream, name: String, plugin: String, options: PluginOptions, threads: Int = 1,
        batchBytes: Int = VCardParallel.batchBytes, emit: (ImportEvent) throws -> Void
    ) throws -> ImportSummary {
        if let cs = options["charset"], !Charsets.isKnown(cs) {
            throw PluginError(.badOption, "unknown charset '\(cs)' in -O charset; use an IANA name such as windows-1252 or Shift_JIS")
        }
        if threads > 1 {
            // UTF-16 (transcoded by `PhysicalLines`) is read on one thread.
            let head = stream.peek(512)
            let bom = head.starts(with: [0xEF, 0xBB, 0xBF])
            if bom || TextSniffer.utf16Endianness(head) == nil {
                if bom { stream.skip(3) }
                return try VCardParallel.read(
                    stream, name: name, plugin: plugin, fallbackCharset: options["charset"], threads: threads,
                    batchBytes: batchBytes, emit: emit)
            }
        }
        var lines = PhysicalLines(stream: stream)
        var session = VCardImportSession(file: name, plugin: plugin, fallbackCharset: options["charset"])
        // Events are moved out of the queue (reversed, then `popLast`), not
        // copied: copying a Contact retains each of its strings and arrays,
        // and the copy left in the queue was released again, about 1,600
        // instructions a card (callgrind); `removeFirst` copies too. The
        // queue holds one or two events.
        try lines.forEach { line, n in
            session.physical(line, n)
            if !session.out.isEmpty {
                session.out.reverse()
                while let e = session.out.popLast() { try emit(e) }
            }
        }
        session.finish()
        session.out.reverse()
        while let e = session.out.popLast() { try emit(e) }
        return session.summary
    }

    public func makeWriter(to sink: ByteSink, options: PluginOptions) throws -> any RecordWriter {
        let version: VCardWriter.Version
        switch options["version"] ?? "4.0" {
        case "4.0", "4": version = .v40
        case "3.0", "3": version = .v30
        case let other:
            throw PluginError(.badOption, "unsupported vCard version '\(other)' for writing; use -O version=4.0 or -O version=3.0")
        }
        return ContactStreamWriter(sink: sink, writer: VCardWriter(version: version))
    }
}

/// A serialiser of contacts into an output buffer: vCard text or a jCard array.
protocol ContactTextWriter {
    var output: [UInt8] { get set }
    mutating func append(_ contact: Contact)
    /// Writes what closes the document (jCard's `]`); nothing for vCard.
    mutating func finish()
}

extension VCardWriter: ContactTextWriter {
    mutating func finish() {}
}

extension JCardWriter: ContactTextWriter {}

/// Streams contacts to a sink through a `ContactTextWriter`, 64 KB at a
/// time; other record kinds are skipped.
final class ContactStreamWriter<W: ContactTextWriter>: RecordWriter {
    private let sink: ByteSink
    private var writer: W

    init(sink: ByteSink, writer: W) {
        self.sink = sink
        self.writer = writer
    }

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
