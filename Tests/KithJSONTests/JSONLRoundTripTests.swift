import Foundation
import KithJSON
import KithModel
import KithPlugin
import KithTestSupport
import Testing

@Suite("JSON Lines writer and reader")
struct JSONLRoundTripTests {
    static func written(_ records: [CanonicalRecord]) -> [UInt8] {
        var w = JSONLWriter()
        for r in records { w.append(r) }
        return w.output
    }

    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: 10, omittingEmptySubsequences: true).map(Array.init)
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func generatedRecordsRoundTrip(seed: UInt64) throws {
        var g = ModelGenerator(seed: seed)
        let records = g.records(300)
        let bytes = Self.written(records)
        let back = try Self.lines(bytes).map { try JSONLReader.decode($0) }
        #expect(back.count == records.count)
        for (a, b) in zip(records, back) where a != b {
            Issue.record("round trip changed a record:\n\(a)\n\(b)")
            break
        }
        // Writing what was read gives the same bytes.
        #expect(Self.written(back) == bytes)
    }

    @Test(arguments: [11, 12, 13])
    func codableReadsWhatTheFastWriterWrites(seed: UInt64) throws {
        var g = ModelGenerator(seed: seed)
        let records = g.records(200)
        let decoder = JSONDecoder()
        for (line, record) in zip(Self.lines(Self.written(records)), records) {
            #expect(try decoder.decode(CanonicalRecord.self, from: Data(line)) == record)
        }
    }

    @Test(arguments: [21, 22, 23])
    func fastReaderReadsWhatCodableWrites(seed: UInt64) throws {
        var g = ModelGenerator(seed: seed)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for record in g.records(200) {
            let data = try encoder.encode(record)
            #expect(try JSONLReader.decode(Array(data)) == record)
        }
    }

    @Test func everyEscapeIsDecoded() throws {
        let line = #"{"kind":"contact","id":"a\"b\\c\/d\b\f\n\r\t\u00e9\u4e2d\ud83d\ude00\u0001"}"#
        guard case .contact(let c) = try JSONLReader.decode(line) else { Issue.record("not a contact"); return }
        #expect(c.id == "a\"b\\c/d\u{8}\u{C}\n\r\té中😀\u{1}")
    }

    @Test func loneSurrogatesBecomeReplacementCharacters() throws {
        guard case .contact(let c) = try JSONLReader.decode(#"{"kind":"contact","id":"\ud800x\udc00"}"#) else { return }
        #expect(c.id == "\u{FFFD}x\u{FFFD}")
    }

    @Test func keysInAnyOrderAndKindLast() throws {
        let line = #"{ "id" : "x", "emails" : [ "a@example.org" ], "urls":["https://a.example"], "kind" : "contact" }"#
        guard case .contact(let c) = try JSONLReader.decode(line) else { Issue.record("not a contact"); return }
        #expect(c.emails == [EmailAddress("a@example.org")])
        #expect(c.urls == [LabeledValue("https://a.example")])
    }

    @Test func unknownKeysAreKeptAsExtensions() throws {
        let line = #"{"kind":"contact","id":"x","futureField":{"nested":[1,2,{"a":null}]},"score":0.5}"#
        guard case .contact(let c) = try JSONLReader.decode(line) else { return }
        #expect(c.extensions["jsonl:futureField"] == [#"{"nested":[1,2,{"a":null}]}"#])
        #expect(c.extensions["jsonl:score"] == ["0.5"])
    }

    @Test(arguments: [
        ("", "expected '{'"),
        ("{", "expected a key"),
        (#"{"kind":"contact","id":"x""#, "unexpected end"),
        (#"{"kind":"contact"}"#, "no \"id\""),
        (#"{"kind":"star","id":"x"}"#, "unknown record kind"),
        (#"{"id":"x"}"#, "no \"kind\""),
        (#"{"kind":"contact","id":"x"} trailing"#, "after the JSON value"),
        (#"{"kind":"contact","id":"x","emails":[{"labels":[]}]}"#, "no \"address\""),
        (#"{"kind":"contact","id":"x","birthday":"yesterday"}"#, "ISO 8601"),
        (#"{"kind":"contact","id":"x\q"}"#, "invalid escape"),
        (#"{"kind":"contact","id":"x","sources":[{"locator":{"line":1.5}}]}"#, "not a fraction"),
        (#"{"kind":"interaction","id":"x"}"#, "no \"type\""),
        (#"{"kind":"contact","id":"x","u":tru}"#, "invalid value"),
    ])
    func malformedLinesGiveAColumnAndAReason(line: String, reason: String) {
        do {
            _ = try JSONLReader.decode(line)
            Issue.record("accepted a malformed line")
        } catch {
            #expect(error.message.contains(reason), "\(error)")
            #expect(error.column >= 1)
        }
    }

    @Test func deepNestingIsRefusedNotRecursed() {
        let deep = #"{"kind":"contact","id":"x","junk":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(throws: JSONLError.self) { try JSONLReader.decode(deep) }
    }

    @Test func invalidUTF8IsRepairedNotFatal() throws {
        var bytes = Array(#"{"kind":"contact","id":"ab"}"#.utf8)
        bytes.insert(0xFF, at: 25)
        guard case .contact(let c) = try JSONLReader.decode(bytes) else { return }
        #expect(c.id == "a\u{FFFD}b")
    }
}

@Suite("JSON Lines plugin")
struct JSONLPluginTests {
    let plugin = JSONLPlugin()

    static func sample() -> [UInt8] {
        var g = ModelGenerator(seed: 99)
        var w = JSONLWriter()
        // Diagnostic records in a JSONL input are carried records from an
        // earlier run (tested below), not this import's own diagnostics.
        for r in g.records(60) {
            if case .diagnostic = r { continue }
            w.append(r)
        }
        return w.output
    }

    @Test func passesImporterConformance() {
        #expect(ImporterConformance.check(plugin, sample: Self.sample(), fileName: "records.jsonl") == [])
    }

    @Test func passesExporterConformance() {
        var g = ModelGenerator(seed: 7)
        #expect(ExporterConformance.check(plugin, records: g.records(100), importer: plugin) == [])
    }

    @Test func aBadLineCostsThatLineOnly() throws {
        let text = """
            {"kind":"contact","id":"a"}
            {"kind":"contact","id":
            not json at all

            {"kind":"contact","id":"b"}
            """
        let o = ImporterConformance.run(plugin, bytes: Array(text.utf8), fileName: "in.jsonl")
        #expect(o.thrown == nil)
        #expect(o.contacts.map(\.id) == ["a", "b"])
        #expect(o.summary == ImportSummary(recordsRead: 4, recordsRejected: 2))
        #expect(o.diagnostics.map(\.locator.line) == [2, 3])
        #expect(o.diagnostics.allSatisfy { $0.severity == .error && $0.file == "in.jsonl" && $0.code == "jsonl.syntax" })
    }

    @Test func carriedDiagnosticRecordsPassThrough() throws {
        let line = #"{"kind":"diagnostic","severity":"warning","file":"old.vcf","locator":{"line":3},"message":"bad date","code":"vcard.date"}"#
        let o = ImporterConformance.run(plugin, bytes: Array((line + "\n").utf8), fileName: "in.jsonl")
        #expect(o.diagnostics == [Diagnostic(severity: .warning, file: "old.vcf", locator: Locator(line: 3), message: "bad date", code: "vcard.date")])
        #expect(o.summary == ImportSummary(recordsRead: 1, recordsRejected: 0))
    }

    @Test func byteOrderMarkAndCRLFAreAccepted() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\"kind\":\"contact\",\"id\":\"a\"}\r\n{\"kind\":\"contact\",\"id\":\"b\"}\r\n".utf8)
        let o = ImporterConformance.run(plugin, bytes: bytes, fileName: "in.jsonl")
        #expect(o.contacts.map(\.id) == ["a", "b"])
        #expect(o.summary?.recordsRejected == 0)
    }

    @Test(arguments: [
        ("a.jsonl", #"{"kind":"contact","id":"x"}"#, 100),
        ("a.txt", #"{"kind":"interaction","id":"x"}"#, 100),
        ("a.jsonl", #"{"kind": "contact", "id": "x"}"#, 50),
        ("a.json", #"{"kind": "contact", "id": "x"}"#, 30),
        // Other tools' JSON: a document over several lines, objects without a kind.
        ("a.json", "{\n  \"html_body\": [1, 2],\n", 0),
        ("package.json", "{\n  \"name\": \"x\"\n}\n", 0),
        ("a.jsonl", #"{"name":"x"}"# + "\n" + #"{"name":"y"}"#, 0),
        ("a.jsonl", "", 30),
        ("a.vcf", "BEGIN:VCARD", 0),
    ])
    func detection(file: String, head: String, confidence: Int) {
        #expect(plugin.detect(FormatProbe(fileName: file, head: Array(head.utf8))).confidence == confidence)
    }
}
