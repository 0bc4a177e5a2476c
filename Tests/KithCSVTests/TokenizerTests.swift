import KithModel
import KithPlugin
import KithTestSupport
import Testing

@testable import KithCSV

@Suite("CSV tokenizer: RFC 4180 and the real world")
struct TokenizerTests {
    private func records(_ text: String, delimiter: UInt8 = 0x2C, chunk: Int? = nil) -> [[String]] {
        let bytes = Array(text.utf8)
        let t: CSVTokenizer
        if let chunk {
            var offset = 0
            t = CSVTokenizer(delimiter: delimiter) {
                guard offset < bytes.count else { return nil }
                defer { offset += chunk }
                return Array(bytes[offset..<min(bytes.count, offset + chunk)])
            }
        } else {
            t = CSVTokenizer(bytes: bytes, delimiter: delimiter)
        }
        var out: [[String]] = []
        while true {
            switch t.next() {
            case .end: return out
            case .record: out.append(t.recordStrings())
            case .unterminated(let line): out.append(["<unterminated at \(line)>"])
            }
        }
    }

    @Test func quotedFieldsWithNewlinesAndQuotes() {
        let text = "a,b\r\n\"line one\r\nline two\",\"she said \"\"hi\"\"\"\r\nx,\"\"\r\n"
        #expect(records(text) == [["a", "b"], ["line one\nline two", "she said \"hi\""], ["x", ""]])
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func lineEndings(_ eol: String) {
        let text = ["Name,Email", "Anna-Lena Vogt,anna.vogt@example.org", "Søren Kierkegaard-Hansen,soren@example.dk"]
            .joined(separator: eol)
        #expect(records(text) == [["Name", "Email"], ["Anna-Lena Vogt", "anna.vogt@example.org"], ["Søren Kierkegaard-Hansen", "soren@example.dk"]])
    }

    @Test func trailingEmptyColumnAndEmptyLastField() {
        #expect(records("a,b,\n1,2,\n") == [["a", "b", ""], ["1", "2", ""]])
        #expect(records("a,b,") == [["a", "b", ""]])
    }

    @Test func loneQuotesInsideUnquotedFieldsAreText() {
        #expect(records("Robert \"Bob\" Fischer-Okafor,x\n") == [["Robert \"Bob\" Fischer-Okafor", "x"]])
    }

    @Test func textAfterClosingQuoteIsKept() {
        #expect(records("\"Liz\" Thornton,x\n") == [["Liz Thornton", "x"]])
    }

    @Test func lineNumbersCountEmbeddedNewlines() {
        let t = CSVTokenizer(bytes: Array("h1,h2\n\"a\nb\nc\",d\ne,f\n".utf8), delimiter: 0x2C)
        var lines: [Int] = []
        while case .record = t.next() { lines.append(t.recordLine) }
        #expect(lines == [1, 2, 5])
    }

    @Test func unterminatedQuoteCostsOneLine() {
        let text = "a,b\n\"never closed,x\nc,d\n"
        #expect(records(text) == [["a", "b"], ["<unterminated at 2>"], ["c", "d"]])
    }

    @Test func oversizedRecordIsCut() {
        let big = "\"" + String(repeating: "x", count: 3000) + "\n" + "c,d\n"
        var fed = false
        let bytes = Array(big.utf8)
        let small = CSVTokenizer(delimiter: 0x2C, maxRecordBytes: 1000) {
            if fed { return nil }
            fed = true
            return bytes
        }
        #expect(small.next() == .unterminated(line: 1))
        #expect(small.next() == .record)
        #expect(small.recordStrings() == ["c", "d"])
    }

    /// Splitting is independent of where the input's chunks end.
    @Test(arguments: [1, 2, 3, 7, 64])
    func chunkBoundariesDoNotMatter(_ chunk: Int) {
        var rng = SplitMix64(seed: UInt64(chunk))
        let pieces = ["a", "\"q,\"", "\"x\"\"y\"", ",", ",", "\r\n", "\n", "\r", "é", "\"multi\r\nline\"", " ", "\t"]
        for _ in 0..<40 {
            let text = (0..<40).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
            #expect(records(text, chunk: chunk) == records(text), "\(text.debugDescription)")
        }
    }

    @Test func tabAndSemicolonDelimiters() {
        #expect(records("a\tb;c\n", delimiter: 0x09) == [["a", "b;c"]])
        #expect(records("a\tb;c\n", delimiter: 0x3B) == [["a\tb", "c"]])
    }
}

@Suite("CSV tokenizer limits")
struct TokenizerLimitTests {
    @Test func overlongUnquotedLineIsSkippedToItsEnd() {
        let bytes = Array(("a,b\n" + String(repeating: "y", count: 5000) + "\nc,d\n").utf8)
        var offset = 0
        let t = CSVTokenizer(delimiter: 0x2C, maxRecordBytes: 1000) {
            guard offset < bytes.count else { return nil }
            defer { offset += 700 }
            return Array(bytes[offset..<min(bytes.count, offset + 700)])
        }
        #expect(t.next() == .record)
        #expect(t.next() == .unterminated(line: 2))
        #expect(t.next() == .record)
        #expect(t.recordStrings() == ["c", "d"])
        #expect(t.recordLine == 3)
        #expect(t.next() == .end)
    }
}

@Suite("Record id bookkeeping")
struct RecordIDTests {
    @Test func hashSetAgreesWithSet() {
        var rng = SplitMix64(seed: 42)
        var mine = HashSet64()
        var reference = Set<UInt64>()
        for _ in 0..<20_000 {
            let v = rng.next() % 5_000  // many repeats, and 0
            #expect(mine.insert(v) == reference.insert(v).inserted)
        }
    }

    @Test func idsMatchStableID() {
        var ids = RecordIDs(plugin: "csv", file: "dir/people.csv")
        var warnings: [RowAssembler.Warning] = []
        let loc = Locator(line: 7, record: 6)
        #expect(ids.id(recordId: "r-1", locator: loc, warnings: &warnings) == StableID.record(plugin: "csv", file: "dir/people.csv", locator: loc, recordId: "r-1"))
        #expect(ids.id(recordId: nil, locator: loc, warnings: &warnings) == StableID.record(plugin: "csv", file: "dir/people.csv", locator: loc))
        #expect(warnings.isEmpty)
        _ = ids.id(recordId: "r-1", locator: Locator(line: 9, record: 8), warnings: &warnings)
        #expect(warnings.map(\.code) == ["csv.duplicate-id"])
    }
}
