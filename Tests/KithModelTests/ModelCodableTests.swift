import Foundation
import KithModel
import Testing

@Suite("Model Codable")
struct ModelCodableTests {
    static let anna = Contact(
        id: "vcard:1", name: PersonName(formatted: "Dr. Anna-Lena Vogt", given: "Anna-Lena", family: "Vogt", prefix: "Dr."),
        nicknames: ["Lena"],
        emails: [EmailAddress("anna.vogt@example.org", labels: ["work"], preferred: true)],
        phones: [PhoneNumber(raw: "+49 30 1234567", e164: "+49301234567", labels: ["mobile"])],
        addresses: [PostalAddress(street: "Torstraße 12", locality: "Berlin", postalCode: "10119", country: "Germany", labels: ["home"])],
        organizations: [Organization(name: "Vogt Design", title: "Founder")],
        urls: [LabeledValue("https://vogt-design.example", labels: ["work"])],
        birthday: PartialDate(year: 1986, month: 4, day: 12), notes: ["Met at re:publica"],
        categories: ["Friends"], extensions: ["X-SKYPE-USERNAME": ["lena.vogt"]],
        sources: [Provenance(plugin: "vcard", file: "iphone.vcf", locator: Locator(line: 1, record: 1), recordId: "UID-1")])

    @Test func contactRoundTrips() throws {
        let data = try JSONEncoder().encode(CanonicalRecord.contact(Self.anna))
        let back = try JSONDecoder().decode(CanonicalRecord.self, from: data)
        #expect(back == .contact(Self.anna))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["kind"] as? String == "contact")
        #expect(object["type"] as? String == "individual")
        #expect(object["birthday"] as? String == "1986-04-12")
    }

    @Test func interactionRoundTrips() throws {
        let i = Interaction(
            id: "mail:1", type: .email, timestamp: Timestamp(iso: "2024-03-12T10:15:00Z"), utcOffsetMinutes: 60,
            participants: [Participant(role: .from, name: "Anna", email: "anna.vogt@example.org"), Participant(role: .to, email: "bob@example.com")],
            subject: "Lunch?", messageId: "abc@example.org", sources: [Provenance(plugin: "mail", file: "inbox.mbox", locator: Locator(line: 1, record: 1))])
        let data = try JSONEncoder().encode(CanonicalRecord.interaction(i))
        #expect(try JSONDecoder().decode(CanonicalRecord.self, from: data) == .interaction(i))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["timestamp"] as? String == "2024-03-12T10:15:00Z")
    }

    @Test func decodingIsLenientAboutAbsentKeys() throws {
        let json = #"{"kind":"contact","id":"x","emails":[{"address":"a@example.org"}],"phones":[{"raw":"123"}]}"#
        let r = try JSONDecoder().decode(CanonicalRecord.self, from: Data(json.utf8))
        guard case .contact(let c) = r else { Issue.record("not a contact"); return }
        #expect(c.emails == [EmailAddress("a@example.org")])
        #expect(c.phones.first?.labels == [])
        #expect(c.type == .individual)
        #expect(c.sources.isEmpty)
    }

    @Test func unknownKindIsAnError() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(CanonicalRecord.self, from: Data(#"{"kind":"planet","id":"x"}"#.utf8))
        }
    }

    @Test func diagnosticDescriptionIsCompilerStyle() {
        let d = Diagnostic(severity: .warning, file: "a.vcf", locator: Locator(line: 12), message: "bad date")
        #expect(d.description == "a.vcf:12: warning: bad date")
        let e = Diagnostic(severity: .error, file: "box", locator: Locator(record: 3), message: "no headers")
        #expect(e.description == "box: error: (record 3) no headers")
    }

    @Test func stableIDsAreDeterministicAndDistinct() {
        let a = StableID.record(plugin: "csv", file: "a.csv", locator: Locator(line: 2, record: 1))
        let b = StableID.record(plugin: "csv", file: "a.csv", locator: Locator(line: 3, record: 2))
        #expect(a == StableID.record(plugin: "csv", file: "a.csv", locator: Locator(line: 2, record: 1)))
        #expect(a != b)
        #expect(a.hasPrefix("csv:") && a.count == 4 + 16)
        // FNV-1a 64 of the empty string is its offset basis.
        #expect(StableID.hash("") == "cbf29ce484222325")
        #expect(StableID.hash("a", "b") != StableID.hash("ab"))
        // FNV-1a 64 of "a" (published test vector), as 16 digits.
        #expect(StableID.hash("a") == "af63dc4c8601ec8c")
        #expect(FNV1a.hash("a") == 0xaf63_dc4c_8601_ec8c)
    }

    @Test func fileHasherGivesTheIdsRecordGives() {
        for plugin in ["csv", "mail", String(repeating: "x-very-long-plugin-id", count: 3)] {
            let f = StableID.FileHasher(plugin: plugin, file: "exports/people.csv")
            let byId = StableID.record(plugin: plugin, file: "exports/people.csv", locator: Locator(line: 9), recordId: "C-17")
            #expect(f.id(recordId: "C-17") == byId)
            let at = Locator(line: 12, record: -3, path: "inner/x")
            #expect(f.id(locator: at) == StableID.record(plugin: plugin, file: "exports/people.csv", locator: at))
            #expect(byId.hasPrefix(plugin + ":") && byId.count == plugin.utf8.count + 17)
            #expect(f.format(0) == plugin + ":0000000000000000")
            #expect(f.format(0xF) == plugin + ":000000000000000f")
        }
    }

    @Test func displayNameComposesParts() {
        #expect(PersonName(given: "Anna", family: "Vogt", suffix: "PhD").displayName == "Anna Vogt PhD")
        #expect(PersonName(formatted: "Lena", given: "Anna").displayName == "Lena")
        #expect(PersonName().displayName == nil)
        #expect(Contact(id: "x").hasIdentity == false)
        #expect(Contact(id: "x", emails: [EmailAddress("a@b.example")]).hasIdentity)
    }
}
