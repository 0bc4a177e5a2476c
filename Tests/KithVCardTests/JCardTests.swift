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
