import KithModel
import KithPlugin
import KithTestSupport
import KithVCard
import Testing

@Suite("vCard fixtures from each vendor")
struct VCardFixtureTests {
    static let fixtures = [
        "apple-ios.vcf", "google.vcf", "outlook-21-qp.vcf", "android-21.vcf", "utf16le-bom.vcf", "utf16be.vcf",
        "shift-jis.vcf", "v4-group.vcf", "damaged.vcf",
    ]

    @Test("the importer contract holds", arguments: fixtures)
    func conformance(_ name: String) throws {
        let bytes = try fixture(name)
        #expect(ImporterConformance.check(VCardPlugin(), sample: bytes, fileName: name) == [])
    }

    @Test("Apple: labels, groups, vendor fields, company cards")
    func apple() throws {
        let o = read(try fixture("apple-ios.vcf"), name: "apple-ios.vcf")
        #expect(o.summary?.recordsRead == 2)
        let c = try #require(o.contacts.first)
        #expect(c.name == PersonName(
            formatted: "Dr. Jonas Peter Brandt", given: "Jonas", family: "Brandt", middle: "Peter", prefix: "Dr.",
            phoneticGiven: "Yonas"))
        #expect(c.nicknames == ["Joe", "JB"])
        #expect(c.organizations == [Organization(name: "Lindenhof Apotheke", department: "Einkauf, Zentrallager", title: "Leiter Einkauf, Region Nord")])
        #expect(c.emails == [EmailAddress("jonas.brandt@example.net", labels: [], preferred: true)])
        #expect(c.phones.map(\.labels) == [["mobile", "voice"], ["home", "fax"], ["Bereitschaft"]])
        #expect(c.phones.map(\.preferred) == [true, false, false])
        #expect(c.addresses.first?.street == "Am Lindenhof 7")
        #expect(c.addresses.first?.labels == ["home"])
        #expect(c.addresses.first?.preferred == true)
        #expect(c.urls == [LabeledValue("https://lindenhof.example.net/team", labels: ["homepage"], preferred: true)])
        #expect(c.anniversaries == [PartialDate(year: 2009, month: 6, day: 20)!])
        #expect(c.related == [LabeledValue("Mira Brandt", labels: ["spouse"], preferred: true)])
        #expect(c.handles == [LabeledValue("jonas.brandt.hh", labels: ["skype", "home"])])
        #expect(c.birthday == PartialDate(month: 11, day: 2), "X-APPLE-OMIT-YEAR drops the placeholder year")
        #expect(c.notes == ["Prefers calls after 10:00, never on Sundays.\nSecond line."])
        #expect(c.categories == ["Pharmacy", "Suppliers"])
        #expect(c.extensions["X-CUSTOM-FLAG;TYPE=home"] == ["blue"])
        #expect(c.extensions["X-ABADR"] == ["de"])
        let company = try #require(o.contacts.last)
        #expect(company.type == .organization)
        #expect(company.organizations.first?.name == "Lindenhof Apotheke")
    }

    @Test("Google: commas in FN survive, IM fields become handles, year-less birthday")
    func google() throws {
        let c = try #require(read(try fixture("google.vcf")).contacts.first)
        #expect(c.name.formatted == "Chen, Wei-Lin")
        #expect(c.name.phoneticFamily == "Chen")
        #expect(c.emails.map(\.labels) == [["home"], []], "TYPE=INTERNET is noise, not a label")
        #expect(c.handles == [LabeledValue("weilin.chen", labels: ["gtalk"]), LabeledValue("weilin_c", labels: ["skype"])])
        #expect(c.birthday == PartialDate(month: 7, day: 19))
        #expect(c.phones.last?.labels == ["Studio"])
        #expect(c.urls.first?.value == "http://example.com/weilin")
    }

    @Test("Outlook 2.1: quoted-printable with soft breaks, Windows-1252, unindented base64")
    func outlook() throws {
        let o = read(try fixture("outlook-21-qp.vcf"), name: "o.vcf")
        let c = try #require(o.contacts.first)
        #expect(c.name.family == "Krämer", "8-bit text without CHARSET uses the card's declared charset")
        #expect(c.name.formatted == "Jürgen Krämer")
        #expect(c.organizations.first?.name == "Mühlbach Logistik GmbH")
        #expect(c.addresses.count == 1)
        #expect(c.addresses.first?.street == "Lagerstraße 12")
        #expect(c.addresses.first?.formatted == "Lagerstraße 12\n80331 München\nDeutschland")
        #expect(c.notes == ["Rückruf bitte vormittags.\nDanke!"])
        #expect(c.phones.map(\.labels) == [["work", "voice"], ["home", "fax"]])
        #expect(c.phones.first?.preferred == true)
        #expect(c.photo == "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
        #expect(c.birthday == PartialDate(year: 1971, month: 3, day: 4))
        #expect(c.extensions["X-MS-OL-DEFAULT-POSTAL-ADDRESS"] == ["2"])
        let charsetWarnings = o.diagnostics.filter { $0.code == "vcard.charset" }
        #expect(!charsetWarnings.isEmpty)
        #expect(charsetWarnings.allSatisfy { $0.severity == .warning && $0.locator.line != nil })
        #expect(charsetWarnings.allSatisfy { !$0.message.contains("Krämer") && !$0.message.contains("Jürgen") })
    }

    @Test("Android 2.1: UTF-8 quoted-printable, custom fields kept, nested AGENT card")
    func android() throws {
        let o = read(try fixture("android-21.vcf"))
        #expect(o.summary?.recordsRead == 2)
        #expect(o.contacts.count == 2)
        let agent = o.contacts[0]
        let parent = o.contacts[1]
        #expect(agent.name.family == "Yilmaz")
        #expect(parent.name.formatted == "Emre Öztürk")
        #expect(parent.related == [LabeledValue("Selin Yilmaz", labels: ["agent"])])
        #expect(parent.notes == ["Tanışma: konferans 2019, Ankara"])
        #expect(parent.extensions["X-ANDROID-CUSTOM"] == ["vnd.android.cursor.item/nickname;Emo;1;;;;;;;;;;;;;"])
        #expect(parent.phones.map(\.labels) == [["mobile"], ["work"]])
        #expect(agent.sources.first?.locator.line == 12)
        #expect(parent.sources.first?.locator.record == 1)
        #expect(agent.sources.first?.locator.record == 2)
    }

    @Test("UTF-16 with and without a byte order mark; a fold inside a word and an emoji")
    func utf16() throws {
        let le = try #require(read(try fixture("utf16le-bom.vcf")).contacts.first)
        #expect(le.name.formatted == "Ólafur Þórsson")
        #expect(le.notes == ["Long note that is folded in the middle of a word 😀 and goes on."])
        let be = try #require(read(try fixture("utf16be.vcf")).contacts.first)
        #expect(be.emails.first?.address == "ines.duarte@example.pt")
    }

    @Test("Shift_JIS: decoded before unescaping, so a 0x5C trail byte is no backslash")
    func shiftJIS() throws {
        let c = try #require(read(try fixture("shift-jis.vcf")).contacts.first)
        #expect(c.name.family == "山本")
        #expect(c.name.given == "表示")
        #expect(c.name.phoneticFamily == "ﾔﾏﾓﾄ")
        #expect(c.name.phoneticGiven == "ﾋｮｳｼﾞ")
        #expect(c.notes == ["ソフト開発;担当"], "NOTE is single-valued")
    }

    @Test("vCard 4.0: KIND group and MEMBER, tel: URIs, LABEL parameter, data: URI, VALUE=text")
    func v4() throws {
        let o = read(try fixture("v4-group.vcf"))
        let group = try #require(o.contacts.first)
        #expect(group.type == .group)
        #expect(group.members == ["urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af", "mailto:tenor2@example.com"])
        let p = try #require(o.contacts.last)
        #expect(p.sources.first?.recordId == "urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af")
        #expect(p.phones == [PhoneNumber(raw: "+34-600-555-019", labels: ["voice", "mobile"], preferred: true)])
        #expect(p.addresses.first?.formatted == "Calle Mayor 5\n28013 Madrid")
        #expect(p.photo?.hasPrefix("data:image/png;base64,iVBOR") == true)
        #expect(p.photo?.hasSuffix("ErkJggg==") == true)
        #expect(p.related == [LabeledValue("Lucía Pérez", labels: ["friend"])])
        #expect(p.gender == "M")
        #expect(p.birthday == PartialDate(year: 1985, month: 6, day: 21))
        #expect(p.anniversaries == [PartialDate(month: 9, day: 15)!])
        #expect(p.extensions["BDAY;VALUE=text"] == ["circa 1800"])
    }

    @Test("damage control: missing END and BEGIN, lowercase, comments, lines without colon, empty card")
    func damaged() throws {
        let o = read(try fixture("damaged.vcf"), name: "damaged.vcf")
        let s = try #require(o.summary)
        #expect(s.recordsRead == 5)
        #expect(s.recordsRejected == 1)
        #expect(o.contacts.map(\.name.formatted) == ["Nora Lindqvist", "Pieter de Vries", "Orphan Without Begin", "Amara Okafor"])
        #expect(o.contacts[0].emails.first?.address == "nora.lindqvist@example.se")
        #expect(o.contacts[1].notes == ["Met at the harbour office\nsecond line without a colon"])
        #expect(o.contacts[1].extensions["BDAY"] == ["not a date"])
        let codes = o.diagnostics.map { "\($0.code ?? "")@\($0.locator.line ?? 0)" }
        #expect(codes.contains("vcard.missing-end@2"))
        #expect(codes.contains("vcard.no-colon@10"))
        #expect(codes.contains("vcard.date@12"))
        #expect(codes.contains("vcard.missing-begin@14"))
        #expect(codes.contains("vcard.empty-card@17"))
        #expect(codes.contains("vcard.missing-end@20"))
        #expect(o.diagnostics.filter { $0.severity == .error }.count == 1)
        for d in o.diagnostics {
            #expect(d.file == "damaged.vcf")
            for value in ["Nora", "Pieter", "harbour", "Orphan", "Amara", "example"] { #expect(!d.message.contains(value)) }
        }
    }
}

@Suite("SampleExports vCards")
struct VCardSampleExportTests {
    @Test("each sample reads cleanly and meets the importer contract", arguments: ["SampleExports/iphone-contacts.vcf", "SampleExports/android-contacts.vcf"])
    func sample(_ path: String) throws {
        let bytes = try RepositoryFiles.bytes(path)
        let o = read(bytes, name: path)
        #expect(o.summary == ImportSummary(recordsRead: 5, recordsRejected: 0))
        #expect(o.diagnostics == [])
        #expect(o.contacts.contains { $0.name.formatted == "Anna-Lena Vogt" && $0.emails.first?.address == "anna.vogt@example.org" })
        #expect(ImporterConformance.check(VCardPlugin(), sample: bytes, fileName: path) == [])
    }
}
