import Foundation
import KithModel
import KithPlugin
import KithTestSupport
import Testing

@testable import KithCSV

@Suite("CSV writing: generic, Google and Outlook layouts")
struct WriterTests {
    static func people() -> [CanonicalRecord] {
        var anna = Contact(id: "a")
        anna.name = PersonName(formatted: "Anna-Lena Vogt", given: "Anna-Lena", family: "Vogt")
        anna.nicknames = ["Lena"]
        anna.emails = [EmailAddress("anna.vogt@example.org", labels: ["home"], preferred: true), EmailAddress("a.vogt@example.com", labels: ["work"])]
        anna.phones = [PhoneNumber(raw: "+49 30 1234567", labels: ["mobile"])]
        anna.addresses = [PostalAddress(street: "Kastanienallee 12\nHinterhaus", locality: "Berlin", postalCode: "10435", country: "Germany", labels: ["home"])]
        anna.birthday = PartialDate(year: 1986, month: 4, day: 12)
        anna.notes = ["Met at the \"open data\" meetup,\nprefers Signal."]
        anna.categories = ["Friends", "Berlin"]
        anna.extensions = ["Favourite tea": ["Earl Grey", "Sencha"]]
        anna.sources = [Provenance(plugin: "csv", file: "in.csv", recordId: "p-1")]
        var bob = Contact(id: "b")
        bob.name = PersonName(given: "Robert", family: "Fischer-Okafor", prefix: "Mr")
        bob.emails = [EmailAddress("bob.okafor@example.com", labels: ["work"])]
        bob.phones = [PhoneNumber(raw: "+44 20 7946 0958", labels: ["work"]), PhoneNumber(raw: "+44 20 7946 0959", labels: ["work", "fax"])]
        bob.organizations = [Organization(name: "Northwind Traders", department: "Sales", title: "Head of Sales")]
        bob.urls = [LabeledValue("https://northwind.example.com/bob", labels: ["work"])]
        bob.handles = [LabeledValue("bob.fo", labels: ["skype"])]
        bob.related = [LabeledValue("Ada Okafor", labels: ["spouse"])]
        bob.anniversaries = [PartialDate(year: 2012, month: 9, day: 1)!]
        bob.notes = ["=HYPERLINK(\"http://attacker.example\",\"click\")"]
        var info = Contact(id: "c", type: .organization)
        info.organizations = [Organization(name: "Contoso Ltd")]
        info.emails = [EmailAddress("info@contoso.example.com")]
        info.notes = ["@SUM(1+1)", "-2+3", "+cmd|' /C calc'!A0"]
        return [.contact(anna), .contact(bob), .diagnostic(Diagnostic(severity: .note, file: "x", message: "skipped")), .contact(info)]
    }

    /// What a CSV row can hold of a contact: no ids, types or provenance beyond the record id.
    static func normalize(_ r: CanonicalRecord) -> CanonicalRecord? {
        guard case .contact(var c) = r else { return nil }
        c.id = ""
        c.type = .individual
        c.sources = c.sources.first?.recordId.map { [Provenance(plugin: "csv", file: "", recordId: $0)] } ?? []
        return .contact(c)
    }

    @Test func genericRoundTripThroughExporterConformance() {
        let problems = ExporterConformance.check(
            CSVPlugin(), records: Self.people(), importer: CSVPlugin(), fileName: "round.csv",
            normalize: { r in Self.normalize(r) })
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func generatedContactsWriteDeterministically() {
        var g = ModelGenerator(seed: 7)
        let records = g.records(60)
        for layout in ["generic", "google", "outlook"] {
            #expect(ExporterConformance.check(CSVPlugin(), records: records, options: PluginOptions(["layout": layout])).isEmpty)
        }
    }

    @Test("two passes (plan every record, then write) give the bytes one pass gives, in every layout")
    func twoPassesEqualOnePass() throws {
        var g = ModelGenerator(seed: 11)
        let records = g.records(200) + Self.people()
        for layout in ["generic", "google", "outlook"] {
            let options = PluginOptions(["layout": layout])
            let onePass = try ExporterConformance.write(CSVPlugin(), records, options: options)
            let sink = ByteSink()
            let writer = try #require(try CSVPlugin().makeWriter(to: sink, options: options) as? any TwoPassRecordWriter)
            let kept = records.filter { writer.plan($0) }
            #expect(kept.count == records.filter { if case .contact = $0 { true } else { false } }.count)
            try writer.planned()
            for r in kept { try writer.write(r) }
            try writer.finish()
            try sink.flush()
            #expect(sink.collected == onePass, "\(layout)")
        }
    }

    @Test(arguments: ["SampleExports/google-contacts.csv", "SampleExports/outlook-contacts.csv", "SampleExports/linkedin-Connections.csv"])
    func genericCSVRoundTripIsStable(_ sample: String) throws {
        let first = importCSV(bytes: try RepositoryFiles.bytes(sample), name: "in.csv")
        let csv1 = try ExporterConformance.write(CSVPlugin(), first.contacts.map { .contact($0) })
        let second = importCSV(bytes: csv1, name: "in.csv")
        #expect(second.problems.isEmpty)
        #expect(layoutNote(second).hasPrefix("detected layout: generic"))
        let csv2 = try ExporterConformance.write(CSVPlugin(), second.contacts.map { .contact($0) })
        #expect(csv1 == csv2)
        #expect(second.contacts.map { Self.normalize(.contact($0)) } == first.contacts.map { Self.normalize(.contact($0)) })
    }

    @Test func googleLayout() throws {
        let bytes = try ExporterConformance.write(CSVPlugin(), Self.people(), options: PluginOptions(["layout": "google"]))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("First Name,Middle Name,Last Name,"))
        #expect(text.contains("* Home,anna.vogt@example.org"))
        #expect(text.contains("Work Fax,+44 20 7946 0959"))
        #expect(text.contains("\"'=HYPERLINK("))
        #expect(text.contains("\"'@SUM(1+1)"))
        // Read back as Google: the apostrophe goes again, labels and primary flags survive.
        let o = importCSV(bytes: bytes, name: "google.csv")
        #expect(layoutNote(o).hasPrefix("detected layout: Google Contacts ("))
        #expect(o.contacts[0].emails == Self.contact(0).emails)
        #expect(o.contacts[1].phones == Self.contact(1).phones)
        #expect(o.contacts[1].notes == Self.contact(1).notes)
        #expect(o.contacts[0].extensions == ["Favourite tea": ["Earl Grey", "Sencha"]])
        #expect(o.contacts[1].handles == [LabeledValue("bob.fo", labels: ["skype"])])
    }

    @Test func outlookLayout() throws {
        let bytes = try ExporterConformance.write(CSVPlugin(), Self.people(), options: PluginOptions(["layout": "outlook"]))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        let o = importCSV(bytes: bytes, name: "outlook.csv")
        #expect(layoutNote(o).hasPrefix("detected layout: Outlook desktop"))
        let anna = o.contacts[0], bob = o.contacts[1]
        #expect(anna.birthday == PartialDate(year: 1986, month: 4, day: 12))
        #expect(anna.addresses.first?.street == "Kastanienallee 12\nHinterhaus")
        #expect(anna.phones == [PhoneNumber(raw: "+49 30 1234567", labels: ["mobile"])])
        #expect(bob.name.prefix == "Mr")
        #expect(Set(bob.phones) == Set([PhoneNumber(raw: "+44 20 7946 0958", labels: ["work"]), PhoneNumber(raw: "+44 20 7946 0959", labels: ["work", "fax"])]))
        #expect(bob.related == [LabeledValue("Ada Okafor", labels: ["spouse"])])
        #expect(bob.notes == Self.contact(1).notes)
        #expect(o.contacts[2].notes == ["@SUM(1+1)\n\n-2+3\n\n+cmd|' /C calc'!A0"])
    }

    @Test func neutralisation() {
        #expect(CSVTable.neutralised("=1+1") == "'=1+1")
        #expect(CSVTable.neutralised("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSVTable.neutralised("\tx") == "'\tx")
        #expect(CSVTable.neutralised("\rx") == "'\rx")
        #expect(CSVTable.neutralised("-2+3") == "'-2+3")
        #expect(CSVTable.neutralised("+49 30 1234567") == "+49 30 1234567")
        #expect(CSVTable.neutralised("+1 (415) 555-0142") == "+1 (415) 555-0142")
        #expect(CSVTable.neutralised("Anna") == "Anna")
    }

    @Test func genericLayoutDoesNotNeutralise() throws {
        let text = String(decoding: try ExporterConformance.write(CSVPlugin(), Self.people()), as: UTF8.self)
        #expect(text.contains(",@SUM(1+1),"))
        #expect(!text.contains("'@SUM"))
    }

    @Test func unknownLayoutIsAnError() {
        #expect(throws: PluginError.self) { try CSVPlugin().makeWriter(to: ByteSink(), options: PluginOptions(["layout": "excel"])) }
    }

    static func contact(_ i: Int) -> Contact {
        let cs = people().compactMap { r -> Contact? in if case .contact(let c) = r { c } else { nil } }
        return cs[i]
    }
}

@Suite("CSV importer conformance")
struct ConformanceTests {
    @Test(arguments: ["google-contacts.csv", "outlook-contacts.csv", "linkedin-Connections.csv"])
    func sampleExports(_ name: String) throws {
        let bytes = try RepositoryFiles.bytes("SampleExports/" + name)
        let problems = ImporterConformance.check(CSVPlugin(), sample: bytes, fileName: name)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test(arguments: ["multiline.csv", "yahoo.csv", "outlook-de-semicolon.csv"])
    func fixtures(_ name: String) throws {
        let problems = ImporterConformance.check(CSVPlugin(), sample: try fixture(name), fileName: name)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func multilineFixtureContent() throws {
        let o = importCSV(bytes: try fixture("multiline.csv"), name: "multiline.csv")
        #expect(o.summary == ImportSummary(recordsRead: 4, recordsRejected: 1))
        #expect(o.contacts.count == 3)
        #expect(o.contacts[0].notes == ["First line\nsecond line with \"quotes\"\nthird, with a comma"])
        #expect(o.contacts[1].sources.first?.locator.line == 6)
        let error = try #require(o.diagnostics.first { $0.severity == .error })
        #expect(error.locator.line == 7 && error.code == "csv.quote")
        #expect(o.contacts[2].name.formatted == "Priya Raman")
    }

    @Test func hostileInput() {
        // A huge single cell, NUL bytes, a lone quote, only delimiters.
        let huge = "Name,Email\n\"" + String(repeating: "x", count: 2_000_000) + "\",a@example.org\n"
        #expect(importCSV(huge).contacts.first?.emails.count == 1)
        let nul = importCSV(bytes: Array("Name,Email\nA\u{0}B,a@example.org\n".utf8))
        #expect(nul.contacts.count == 1)
        let commas = importCSV("Name,Email\n,,,,\n\n,\n")
        #expect(commas.summary?.recordsRead == 0)
        let quote = importCSV("Name,Email\n\"\n")
        #expect(quote.summary == ImportSummary(recordsRead: 1, recordsRejected: 1))
    }

    @Test func emptyRowsWithValuesButNoIdentityWarn() {
        let o = importCSV("Name,Notes\n,just a note\n")
        #expect(o.contacts.count == 1)
        #expect(o.diagnostics.contains { $0.code == "csv.empty-contact" })
    }
}
