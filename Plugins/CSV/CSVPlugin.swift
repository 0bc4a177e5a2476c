import Foundation
import KithModel
public import KithPlugin

/// Contact CSV, both ways: reads the exports of Google Contacts (current,
/// legacy and "Outlook CSV"), Outlook (desktop in six languages, 97/2000,
/// Outlook.com), LinkedIn, Thunderbird, Yahoo, Apple and any CSV whose
/// headers name contact fields; writes Google, Outlook or a generic layout.
///
/// Reading options (`-O key=value`):
/// - `mapping=FILE.json`: what each column holds (docs/csv-mapping.md); needed
///   for files without a header row.
/// - `delimiter=,|;|tab||`: the field separator (sniffed by default).
/// - `encoding=NAME`: UTF-8, UTF-16LE/BE, Windows-1252, Shift_JIS, … (sniffed
///   by default; a guessed legacy code page is reported as a warning).
/// - `threads=N`: build contacts on N threads (default 1; 0 picks one per
///   core, at most 4, for inputs of 1 MiB or more). The events and their
///   order do not depend on it.
///
/// Writing options: `layout=generic|google|outlook` (default generic),
/// `bom=true|false` (default: true for outlook only).
public struct CSVPlugin: Importer, Exporter {
    /// The plugin; it holds no state.
    public init() {}

    /// Id `csv`, reads and writes `.csv`, `.tsv`, `.tab`.
    public var descriptor: FormatDescriptor {
        FormatDescriptor(
            id: "csv", name: "Contact CSV",
            summary: "Google, Outlook, LinkedIn, Thunderbird, Yahoo, Apple and generic contact CSV (any encoding)",
            fileExtensions: ["csv", "tsv", "tab"], mediaTypes: ["text/csv", "text/tab-separated-values"],
            capabilities: [.import, .export])
    }

    /// 90 for a header of a named layout, 60–85 for a generic header naming
    /// contact columns, 40 for a .csv/.tsv file without a known header (so
    /// that the import can ask for a mapping), 0 for vCard, JSON, markup or
    /// mailboxes.
    public func detect(_ probe: FormatProbe) -> Detection {
        let extFits = descriptor.fileExtensions.contains(probe.fileExtension)
        guard !probe.head.isEmpty else { return extFits ? .byExtension() : .no("empty input") }
        let encoding = CSVEncoding.sniff(probe.head, complete: probe.head.count < FormatProbe.headSize)
        let text = CSVSniffer.utf8Head(probe.head, encoding: encoding)
        if let first = text.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }),
            first == UInt8(ascii: "{") || first == UInt8(ascii: "[") || first == UInt8(ascii: "<")
        {
            return .no("starts with markup or JSON")
        }
        let start = String(decoding: text.prefix(12), as: UTF8.self).uppercased()
        if start.hasPrefix("BEGIN:VCARD") || start.hasPrefix("FROM ") { return .no("a vCard or mailbox") }
        let sniff = CSVSniffer.sniff(text, complete: probe.head.count < FormatProbe.headSize, delimiter: nil, mapping: nil)
        if sniff.headerIndex != nil {
            let layout = CSVLayout.detect(headers: sniff.header)
            if layout.family != .generic && layout.family != .kith {
                return Detection(confidence: 90, reason: "CSV header of the \(layout.displayName) layout")
            }
            let c = (sniff.recognised >= 3 ? 75 : 60) + (extFits ? 10 : 0)
            return Detection(confidence: c, reason: "CSV header naming \(sniff.recognised) contact columns")
        }
        if extFits { return Detection(confidence: 40, reason: ".\(probe.fileExtension) file without a known header row") }
        return .no("no delimited header row naming contact columns")
    }

    /// Streams the rows of `source` as contacts (see the type's options).
    /// Throws `PluginError.badOption` for a file without a recognisable
    /// header and no mapping, or for a bad mapping or option.
    public func importRecords(
        from source: ImportSource, options: PluginOptions, emit: (ImportEvent) throws -> Void
    ) throws -> ImportSummary {
        try CSVImport(source: source, options: options).run(emit)
    }

    /// A writer for `layout=generic|google|outlook` (see docs/csv.md).
    public func makeWriter(to sink: ByteSink, options: PluginOptions) throws -> any RecordWriter {
        let layout: CSVWriteLayout
        switch options["layout"]?.lowercased() ?? "generic" {
        case "generic", "flat": layout = .generic
        case "google", "gmail": layout = .google
        case "outlook": layout = .outlook
        case let other:
            throw PluginError(.badOption, "unknown CSV layout '\(other)'; use layout=generic, google or outlook")
        }
        let bom = options["bom"] != nil ? options.flag("bom") : layout == .outlook
        return CSVRecordWriter(sink: sink, layout: layout, bom: bom)
    }
}

/// One import run.
struct CSVImport {
    let source: ImportSource
    let options: PluginOptions
    /// Rows per batch handed to a worker when reading with `threads=N`.
    var batchRows = 1024


    /// Threads building contacts: `threads=N`, 0 for one per core (at most
    /// 4); default 1. The events do not depend on it. Not on by default: on
    /// the 2-core machine the figures in docs/csv.md come from, shared with
    /// other builds, two threads used 30–140% more CPU time than one and
    /// seldom finished sooner.
    func threadCount(inputBytes: Int?) throws -> Int {
        guard let v = options["threads"] else { return 1 }
        guard let t = Int(v), t >= 0 else { throw PluginError(.badOption, "threads expects a number (0 picks)", file: source.name) }
        if t > 0 { return min(t, 64) }
        guard (inputBytes ?? Int.max) >= 1 << 20 else { return 1 }
        return max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
    }

    func diagnostic(_ severity: Diagnostic.Severity, line: Int, record: Int? = nil, _ message: String, code: String) -> ImportEvent {
        .diagnostic(Diagnostic(severity: severity, file: source.name, locator: Locator(line: line, record: record), message: message, code: code))
    }

    func run(_ emit: (ImportEvent) throws -> Void) throws -> ImportSummary {
        var mapping: CSVMapping?
        if let option = options["mapping"] { mapping = try CSVMapping.load(option) }
        var forcedDelimiter = mapping?.delimiter
        if let d = options["delimiter"] {
            switch d.lowercased() {
            case "tab", "\\t", "\t": forcedDelimiter = 0x09
            case "semicolon": forcedDelimiter = 0x3B
            case "comma": forcedDelimiter = 0x2C
            case "pipe": forcedDelimiter = 0x7C
            default:
                guard d.utf8.count == 1 else { throw PluginError(.badOption, "delimiter must be one ASCII character or 'tab'", file: source.name) }
                forcedDelimiter = d.utf8.first
            }
        }
        var forcedEncoding = mapping?.encoding
        if let e = options["encoding"] {
            guard let enc = CSVEncoding.named(e) else {
                throw PluginError(.badOption, "unknown encoding '\(e)'; use a charset name such as UTF-8, UTF-16LE, Windows-1252, ISO-8859-2, Shift_JIS or EUC-KR (docs/vcard.md#charsets lists them)", file: source.name)
            }
            forcedEncoding = enc
        }

        let stream = try source.openStream()
        let threads = try threadCount(inputBytes: stream.totalBytes)
        let probeSize = 64 * 1024
        let head = stream.peek(probeSize)
        var encoding = forcedEncoding ?? CSVEncoding.sniff(head, complete: head.count < probeSize)
        if forcedEncoding != nil {
            // A BOM still has to be skipped when the user names the encoding.
            let sniffed = CSVEncoding.sniff(head, complete: head.count < probeSize)
            if sniffed.kind == encoding.kind { encoding.bomLength = sniffed.bomLength }
        }
        if encoding.isLegacy && forcedEncoding == nil {
            try emit(diagnostic(.warning, line: 1, "the file is not Unicode; read as \(encoding.name) (a guess: set -O encoding=NAME if names look wrong)", code: "csv.encoding"))
        }
        let headText = CSVSniffer.utf8Head(head, encoding: encoding)
        let sniff = CSVSniffer.sniff(headText, complete: head.count < probeSize, delimiter: forcedDelimiter, mapping: mapping)

        let transcoder = UTF8Transcoder(stream: stream, encoding: encoding)
        let tokenizer = CSVTokenizer(delimiter: sniff.delimiter) { transcoder.next() }
        var summary = ImportSummary()

        // The header (or, with a header-less mapping, positional names).
        let header: [String]
        var headerLine = 1
        let layout: CSVLayout
        if let mapping, !mapping.header {
            header = []
            layout = CSVLayout(family: .generic, language: "en")
        } else {
            guard let index = sniff.headerIndex else {
                throw PluginError(
                    .badOption,
                    "no header row: none of the first rows names a known contact column. Describe the columns with a mapping "
                        + "(-O mapping=FILE.json, or --map FILE; with \"header\": false for a file without a header row); see docs/csv-mapping.md",
                    file: source.name, line: 1)
            }
            var skipped = 0
            for _ in 0..<index {
                if case .end = tokenizer.next() { break }
                skipped += 1
            }
            guard case .record = tokenizer.next() else {
                throw PluginError(.malformed, "the header row could not be read", file: source.name, line: 1)
            }
            header = tokenizer.recordStrings().map { $0.trimmingASCIISpaces() }
            headerLine = tokenizer.recordLine
            if skipped > 0 {
                try emit(diagnostic(.note, line: 1, "skipped \(headerLine - 1) line\(headerLine == 2 ? "" : "s") of preamble before the header row", code: "csv.preamble"))
            }
            layout = CSVLayout.detect(headers: header)
        }

        var plan = header.isEmpty ? nil : ColumnPlan.build(headers: header, layout: layout, mapping: mapping)
        var assembler = plan.map { RowAssembler(plan: $0, file: source.name) }
        if let plan { try emit(layoutNote(plan, header: header, encoding: encoding, delimiter: sniff.delimiter, line: headerLine)) }

        var index = 0
        var warnings: [RowAssembler.Warning] = []
        let headerBytes = header.map { Array($0.utf8) }
        if let plan, threads > 1 {
            try runParallel(
                stream: stream, transcoder: transcoder, tokenizer: tokenizer, plan: plan, headerBytes: headerBytes,
                delimiter: sniff.delimiter, threads: threads, summary: &summary, emit)
            return summary
        }
        loop: while true {
            switch tokenizer.next() {
            case .end:
                break loop
            case .unterminated(let line):
                index += 1
                summary.recordsRead += 1
                summary.recordsRejected += 1
                try emit(unterminatedDiagnostic(line: line, index: index))
            case .record:
                let line = tokenizer.recordLine
                if plan == nil {
                    // Header-less file with a positional mapping: name the columns by position.
                    let count = tokenizer.withRecord { $0.count }
                    let width = max(count, (mapping?.columns.keys.compactMap { Int($0) }.max() ?? 0))
                    let names = (0..<width).map { "Column \($0 + 1)" }
                    let p = ColumnPlan.build(headers: names, layout: layout, mapping: mapping)
                    plan = p
                    assembler = RowAssembler(plan: p, file: source.name)
                    try emit(layoutNote(p, header: names, encoding: encoding, delimiter: sniff.delimiter, line: line))
                }
                guard let plan, assembler != nil else { continue }
                warnings.removeAll(keepingCapacity: true)
                let stray = tokenizer.recordHadStrayQuote
                try tokenizer.withRecord { r in
                    if r.isBlank || Self.isHeaderRepeat(r, headerBytes) { return }
                    index += 1
                    summary.recordsRead += 1
                    // The event is made straight from the returned contact: through
                    // a local, the contact was copied into it and the local
                    // destroyed (about 1,000 instructions a row in callgrind).
                    let event = ImportEvent.contact(
                        Self.contact(
                            r, line: line, index: index, stray: stray, plan: plan, delimiter: sniff.delimiter, assembler: &assembler!,
                            warnings: &warnings))
                    for w in warnings { try emit(diagnostic(.warning, line: line, record: index, w.message, code: w.code)) }
                    try emit(event)
                }
            }
        }
        return summary
    }

    /// The error for a row whose quoted cell never closes.
    func unterminatedDiagnostic(line: Int, index: Int) -> ImportEvent {
        diagnostic(
            .error, line: line, record: index,
            "row rejected: a quoted cell that starts on this line is never closed (or the row exceeds 8 MiB); reading resumes on the next line",
            code: "csv.quote")
    }

    /// Builds the contact for one row (not blank, not a repeated header):
    /// the assembler's work plus the row-level warnings after its own.
    static func contact(
        _ r: RecordView, line: Int, index: Int, stray: Bool, plan: ColumnPlan, delimiter: UInt8, assembler: inout RowAssembler,
        warnings: inout [RowAssembler.Warning]
    ) -> Contact {
        // A `let`: `hasIdentity` (in KithModel, not inlinable) on a `var`
        // was called on a copy, retaining and releasing every field of the
        // contact once more per row.
        let contact: Contact
        if r.count == 1 && plan.columns.count > 1, let alt = Self.otherDelimiter(in: r[0], than: delimiter) {
            // A row split by another delimiter than the rest (Thunderbird's mixed files).
            let t = CSVTokenizer(bytes: Array(r[0]), delimiter: alt)
            _ = t.next()
            contact = t.withRecord { assembler.assemble($0, line: line, index: index, warnings: &warnings) }
            warnings.append(RowAssembler.Warning(message: "row uses a different delimiter than the header; split on it", code: "csv.delimiter"))
        } else {
            contact = assembler.assemble(r, line: line, index: index, warnings: &warnings)
        }
        if stray {
            warnings.append(RowAssembler.Warning(message: "text after a closing quote was kept as part of the cell", code: "csv.quote"))
        }
        if !contact.hasIdentity {
            warnings.append(RowAssembler.Warning(message: "row has no name, e-mail, phone, address, organisation or web address", code: "csv.empty-contact"))
        }
        return contact
    }

    /// The "detected layout: …" note, always at line 1 so tools find it in
    /// one place; a header further down is named in the message.
    private func layoutNote(_ plan: ColumnPlan, header: [String], encoding: CSVEncoding, delimiter: UInt8, line: Int) -> ImportEvent {
        var name = plan.layout.displayName
        if plan.layout.family == .linkedIn && !plan.columns.contains(where: { $0.spec.field == .url }) { name += ", without URL column" }
        if plan.usesMapping { name += " with the user mapping" }
        let d: String
        switch delimiter {
        case 0x09: d = "tab"
        case 0x3B: d = "';'"
        case 0x2C: d = "','"
        default: d = "'\(String(UnicodeScalar(delimiter)))'"
        }
        let unknown = plan.columns.filter { $0.spec.field == .extensionField }.count
        var message = "detected layout: \(name) (\(encoding.name), \(d)-separated, \(plan.columns.count) columns"
        if unknown > 0 { message += ", \(unknown) kept as extension fields" }
        if line > 1 { message += ", header on line \(line)" }
        message += ")"
        return diagnostic(.note, line: 1, message, code: "csv.layout")
    }

    /// True when the row repeats the header (files concatenated with their headers).
    static func isHeaderRepeat(_ r: RecordView, _ header: [[UInt8]]) -> Bool {
        guard r.count == header.count, r.count > 1 else { return false }
        for i in 0..<r.count where !r.trimmed(i).elementsEqual(header[i]) { return false }
        return true
    }

    /// Another candidate delimiter occurring in an unsplit row.
    static func otherDelimiter(in cell: UnsafeBufferPointer<UInt8>, than d: UInt8) -> UInt8? {
        for c in CSVSniffer.candidates where c != d && cell.contains(c) { return c }
        return nil
    }
}

extension CSVPlugin {
    /// Splits a UTF-8 file into records and makes a `String` of every
    /// non-empty cell, without building contacts: the work Python's
    /// `csv.DictReader` does, for side-by-side benchmarks. Returns the record
    /// and non-empty cell counts.
    @_spi(Benchmarks)
    public static func scanCells(path: String, delimiter: UInt8 = 0x2C) throws -> (records: Int, cells: Int) {
        let stream = try ByteStream(path: path)
        let transcoder = UTF8Transcoder(stream: stream, encoding: .utf8)
        let tokenizer = CSVTokenizer(delimiter: delimiter) { transcoder.next() }
        var records = 0
        var cells = 0
        var invalid = false
        while case .record = tokenizer.next() {
            records += 1
            tokenizer.withRecord { r in
                for i in 0..<r.count {
                    let b = r.trimmed(i)
                    if b.isEmpty { continue }
                    let s = RowAssembler.string(b, invalid: &invalid)
                    cells &+= s.utf8.count > 0 ? 1 : 0
                }
            }
        }
        return (records, cells)
    }
}
