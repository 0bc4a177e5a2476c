import KithModel
import KithPlugin
import KithTestSupport
import KithVCard
import Testing

@Suite("jCard import")
struct JCardTests {
    static let sample = Array("""
        [["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Ngozi Okafor, MD"],
          ["n", {}, "text", ["Okafor", "Ngozi", "", "", ["MD", "PhD"]]],
          ["email", {"type": ["work", "pref"]}, "text", "ngozi.okafor@example.com"],
          ["tel", {"type": "cell", "group": "item1"}, "uri", "tel:+44-20-7946-0959"],
          ["x-ablabel", {"group": "item1"}, "unknown", "Clinic"],
          ["categories", {}, "text", "Family", "Doctors"], ["bday", {}, "date", "1979-10-02"],
          ["x-custom", {"type": "home"}, "unknown", "a;b"]]],
         ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Kwame Mensah"]]]]
        """.utf8)

    @Test("the importer contract holds")
    func conformance() {
        #expect(ImporterConformance.check(JCardPlugin(), sample: Self.sample, fileName: "a.jcard", concatenable: false) == [])
    }

    @Test("properties map as in vCard; provenance names jcard and the card index")
    func mapping() throws {
        let o = ImporterConformance.run(JCardPlugin(), bytes: Self.sample, fileName: "a.json")
        #expect(o.summary == ImportSummary(recordsRead: 2, recordsRejected: 0))
        let c = try #require(o.contacts.first)
        #expect(c.name == PersonName(formatted: "Ngozi Okafor, MD", given: "Ngozi", family: "Okafor", suffix: "MD,PhD"))
        #expect(c.emails == [EmailAddress("ngozi.okafor@example.com", labels: ["work"], preferred: true)])
        #expect(c.phones == [PhoneNumber(raw: "+44-20-7946-0959", labels: ["mobile", "Clinic"])])
        #expect(c.categories == ["Family", "Doctors"])
        #expect(c.birthday == PartialDate(year: 1979, month: 10, day: 2))
        #expect(c.sources.first?.plugin == "jcard")
        #expect(c.sources.first?.locator == Locator(record: 1))
        #expect(o.contacts.last?.name.formatted == "Kwame Mensah")
        #expect(JCardPlugin().detect(FormatProbe(fileName: "a.json", head: Self.sample)).confidence == 100)
        #expect(JCardPlugin().detect(FormatProbe(fileName: "a.json", head: Array("{\"kind\":1}".utf8))).confidence == 0)
    }
}

@Suite("jCard diagnostics")
struct JCardDiagnosticTests {
    @Test func aProblemNamesItsCardInTheJSON() {
        let json = """
            [["vcard",[["version",{},"text","4.0"],["fn",{},"text","Aiko Tanaka"]]],
             ["vcard",[["version",{},"text","4.0"],["fn",{},"text","Kwame Mensah"],["bday",{},"date-and-or-time","not a date"]]]]
            """
        let o = ImporterConformance.run(JCardPlugin(), bytes: Array(json.utf8), fileName: "cards.json")
        #expect(o.contacts.count == 2)
        let d = o.diagnostics.first { $0.severity == .warning }
        #expect(d?.locator.record == 2, "\(o.diagnostics)")
        #expect(d?.locator.line == nil)
    }
}

@Suite("jCard read a card at a time")
struct JCardStreamingTests {
    private func card(_ name: String, _ extra: String = "") -> String {
        #"["vcard",[["version",{},"text","4.0"],["fn",{},"text","\#(name)"]\#(extra)]]"#
    }

    @Test("brackets, braces and escaped quotes inside strings do not end a card")
    func stringsAreSkipped() throws {
        let note = #",["note",{},"text","a ] } [ { \"quoted\" \\ back"]"#
        let json = "[" + card("Aiko Tanaka", note) + ",\n " + card("Kwame Mensah") + "]"
        let o = ImporterConformance.run(JCardPlugin(), bytes: Array(json.utf8), fileName: "cards.jcard")
        #expect(o.contacts.map(\.name.formatted) == ["Aiko Tanaka", "Kwame Mensah"])
        #expect(o.contacts.first?.notes == [#"a ] } [ { "quoted" \ back"#])
        #expect(o.contacts.map { $0.sources.first?.locator.record } == [1, 2])
    }

    @Test("a malformed card costs that card, with an error naming it; the rest are read")
    func malformedCard() throws {
        let broken = #"["vcard",[["fn",{},"text","Broken" ,,]]]"#
        let json = "[" + card("Aiko Tanaka") + "," + broken + "," + card("Kwame Mensah") + "]"
        let o = ImporterConformance.run(JCardPlugin(), bytes: Array(json.utf8), fileName: "cards.jcard")
        #expect(o.contacts.map(\.name.formatted) == ["Aiko Tanaka", "Kwame Mensah"])
        let e = try #require(o.diagnostics.first { $0.severity == .error })
        #expect(e.locator.record == 2 && e.message.contains("element 2"), "\(e)")
        #expect(o.summary == ImportSummary(recordsRead: 3, recordsRejected: 1))
    }

    @Test("a file cut short keeps the cards before the cut and says where it ends")
    func truncated() throws {
        let json = "[" + card("Aiko Tanaka") + "," + card("Kwame Mensah") + "," + String(card("Lena Vogt").prefix(30))
        let o = ImporterConformance.run(JCardPlugin(), bytes: Array(json.utf8), fileName: "cards.jcard")
        #expect(o.contacts.map(\.name.formatted) == ["Aiko Tanaka", "Kwame Mensah"])
        let e = try #require(o.diagnostics.first { $0.code == "jcard.truncated" })
        #expect(e.locator.record == 3)
        #expect(o.summary == ImportSummary(recordsRead: 3, recordsRejected: 1))
    }

    @Test("a thousand cards across the reader's batches, a byte-order mark, and non-card elements skipped")
    func manyCards() throws {
        var parts: [String] = []
        for k in 0..<1000 { parts.append(k % 100 == 50 ? #"{"not":"a card"}"# : card("Person \(k)")) }
        let o = ImporterConformance.run(JCardPlugin(), bytes: [0xEF, 0xBB, 0xBF] + Array(("[" + parts.joined(separator: ",\n") + "]").utf8),
            fileName: "many.jcard")
        #expect(o.contacts.count == 990)
        #expect(o.contacts.last?.name.formatted == "Person 999")
        #expect(o.diagnostics.filter { $0.severity == .error }.isEmpty)
        let skipped = o.diagnostics.filter { $0.code == "jcard.not-a-card" }
        #expect(skipped.map(\.locator.record) == (0..<10).map { 100 * $0 + 51 })
        #expect(o.summary == ImportSummary(recordsRead: 1000, recordsRejected: 10))
    }

    @Test("not an array, or an array without cards, is an error for the file")
    func notJCard() {
        for text in [#"{"vcard": 1}"#, "[]", #"[1, "two", {"three": 3}]"#] {
            let o = ImporterConformance.run(JCardPlugin(), bytes: Array(text.utf8), fileName: "x.jcard")
            #expect(o.thrown != nil, "\(text)")
        }
    }
}
