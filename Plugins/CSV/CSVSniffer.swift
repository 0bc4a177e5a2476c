import KithPlugin

/// What the first kilobytes of a file say about its shape.
struct CSVSniff {
    /// The field separator.
    var delimiter: UInt8
    /// How many records come before the header row (a preamble), when a
    /// header was found.
    var headerIndex: Int?
    /// The header row's cells.
    var header: [String] = []
    /// How many header cells name a known column.
    var recognised = 0
}

/// Finds the delimiter and the header row.
enum CSVSniffer {
    static let candidates: [UInt8] = [0x2C, 0x3B, 0x09, 0x7C]  // , ; TAB |
    static let maxPreambleRecords = 25

    /// Decodes the head of a file to UTF-8 (for sniffing).
    static func utf8Head(_ head: [UInt8], encoding: CSVEncoding) -> [UInt8] {
        let t = UTF8Transcoder(stream: ByteStream(bytes: head), encoding: encoding)
        var out: [UInt8] = []
        while let c = t.next() { out += c }
        return out
    }

    /// Tries each delimiter (or the given one) and keeps the one whose header
    /// row names the most known columns; without any header, the one that
    /// splits the first rows most consistently.
    static func sniff(_ utf8: [UInt8], complete: Bool, delimiter forced: UInt8?, mapping: CSVMapping?) -> CSVSniff {
        var best: CSVSniff?
        var fallback: (delimiter: UInt8, score: Double) = (forced ?? 0x2C, -1)
        for d in forced.map({ [$0] }) ?? candidates {
            let t = CSVTokenizer(bytes: utf8, delimiter: d)
            var counts: [Int] = []
            var k = 0
            var firstNonBlank = true
            var found: CSVSniff?
            while k < maxPreambleRecords, case .record = t.next() {
                defer { k += 1 }
                let cells = t.recordStrings()
                if cells.allSatisfy({ $0.trimmingASCIISpaces().isEmpty }) { continue }
                counts.append(cells.count)
                if found == nil {
                    let n = isHeader(cells, first: firstNonBlank, mapping: mapping)
                    if n > 0 { found = CSVSniff(delimiter: d, headerIndex: k, header: cells, recognised: n) }
                }
                firstNonBlank = false
            }
            if let f = found {
                if best == nil || f.recognised > best!.recognised
                    || (f.recognised == best!.recognised && f.header.count > best!.header.count)
                {
                    best = f
                }
            }
            // Consistency of field counts, ignoring a possibly cut last row.
            if !complete && counts.count > 1 { counts.removeLast() }
            if let lo = counts.min(), lo >= 2 {
                let avg = Double(counts.reduce(0, +)) / Double(counts.count)
                let spread = Double((counts.max() ?? lo) - lo)
                let score = avg - spread
                if score > fallback.score { fallback = (d, score) }
            }
        }
        return best ?? CSVSniff(delimiter: fallback.delimiter)
    }

    /// The number of known column names when `cells` looks like a header
    /// row, else 0. Data rows hold "@" in e-mail cells and few known names.
    static func isHeader(_ cells: [String], first: Bool, mapping: CSVMapping?) -> Int {
        if cells.contains(where: { $0.contains("@") }) { return 0 }
        let nonEmpty = cells.filter { !$0.trimmingASCIISpaces().isEmpty }
        if nonEmpty.contains(where: { $0.utf8.count > 80 }) { return 0 }
        let n = ColumnPlan.recognisedCount(cells, mapping: mapping)
        if n >= 4 || (n >= 2 && n * 4 >= nonEmpty.count) { return n }
        // A one-column list ("Email") is a header only as the first row, and
        // not LinkedIn's "Notes:" preamble line.
        if first && n >= 1 && n == nonEmpty.count && !nonEmpty.contains(where: { $0.hasSuffix(":") }) { return n }
        return 0
    }
}
