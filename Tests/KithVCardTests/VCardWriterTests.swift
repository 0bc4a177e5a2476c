import Foundation
import KithModel
import KithPlugin
import KithTestSupport
import KithVCard
import Testing

@Suite("vCard writing")
struct VCardWriterTests {
    /// Maps a generated record to what vCard can hold (see `VCardWriter`):
    /// no ids, sources, e164 or sourceRefs; empty strings are absent; label
    /// order is not kept; FN is always written; extension values are raw
    /// vCard text (a line break reads back as the two characters `\n`).
    static func normalize(version: VCardWriter.Version) -> (CanonicalRecord) -> CanonicalRecord? {
        { record in
            guard case .contact(var c) = record else { return nil }
            func clean(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }
            func cleanName(_ n: PersonName) -> PersonName {
                PersonName(
                    formatted: clean(n.formatted), given: clean(n.given), family: clean(n.family), middle: clean(n.middle),
                    prefix: clean(n.prefix), suffix: clean(n.suffix), phoneticGiven: clean(n.phoneticGiven),
                    phoneticFamily: clean(n.phoneticFamily))
            }
            func labels(_ l: [String]) -> [String] { l.filter { !$0.isEmpty }.sorted() }
            c.id = ""
            c.sources = []
            c.name = cleanName(c.name)
            // List items lose leading spaces; e-mail addresses and photo URIs are trimmed.
            func leading(_ s: String) -> String { String(s.drop { $0 == " " }) }
            func trim(_ s: String) -> String { leading(String(leading(String(s.reversed())).reversed())) }
            c.nicknames = c.nicknames.map(leading).filter { !$0.isEmpty }
            c.emails = c.emails.map { EmailAddress(trim($0.address), labels: labels($0.labels), preferred: $0.preferred) }
                .filter { !$0.address.isEmpty }
            c.phones = c.phones.filter { !$0.raw.isEmpty }.map { PhoneNumber(raw: $0.raw, labels: labels($0.labels), preferred: $0.preferred) }
            c.addresses = c.addresses.map {
                PostalAddress(
                    poBox: clean($0.poBox), extended: clean($0.extended), street: clean($0.street), locality: clean($0.locality),
                    region: clean($0.region), postalCode: clean($0.postalCode), country: clean($0.country),
                    formatted: clean($0.formatted), labels: labels($0.labels), preferred: $0.preferred)
            }.filter { !$0.isEmpty }
            c.organizations = c.organizations.map {
                Organization(name: clean($0.name), department: clean($0.department), title: clean($0.title), role: clean($0.role))
            }.filter { !$0.isEmpty }
            func lv(_ v: [LabeledValue]) -> [LabeledValue] {
                v.filter { !$0.value.isEmpty }.map { LabeledValue($0.value, labels: labels($0.labels), preferred: $0.preferred) }
            }
            c.urls = lv(c.urls)
            c.handles = lv(c.handles)
            c.related = lv(c.related)
            c.gender = clean(c.gender)
            c.photo = clean(c.photo.map(trim))
            c.notes = c.notes.filter { !$0.isEmpty }
            var cats: [String] = []  // one category model: duplicates collapse
            for k in c.categories.map(leading) where !k.isEmpty && !cats.contains(k) { cats.append(k) }
            c.categories = cats
            c.members = c.members.filter { !$0.isEmpty }
            c.name.formatted = VCardWriter.formattedName(for: c)
            if c.name.formatted == "" { c.name.formatted = nil }
            var seen: Set<String> = [c.name.formatted ?? ""]
            c.alternateNames =
                version == .v30
                ? []
                : c.alternateNames.compactMap { n -> PersonName? in
                    guard let d = cleanName(n).displayName, !seen.contains(d) else { return nil }
                    seen.insert(d)
                    return PersonName(formatted: d)
                }
            var ext: [String: [String]] = [:]
            for (k, v) in c.extensions where VCardWriter.canWriteExtensionKey(k) && !v.isEmpty {
                ext[k] = v.map { $0.replacingOccurrences(of: "\n", with: "\\n") }
            }
            c.extensions = ext
            return .contact(c)
        }
    }

    @Test("generated contacts round-trip through the exporter contract", arguments: ["4.0", "3.0"])
    func conformance(_ version: String) throws {
        var gen = ModelGenerator(seed: version == "4.0" ? 7 : 11)
        let records = gen.records(300)
        let v: VCardWriter.Version = version == "4.0" ? .v40 : .v30
        let problems = ExporterConformance.check(
            VCardPlugin(), records: records, importer: VCardPlugin(), fileName: "out.vcf",
            options: PluginOptions(["version": version]), normalize: Self.normalize(version: v))
        #expect(problems == [])
    }

    @Test("what is written is folded at 75 octets on UTF-8 boundaries, with CRLF", arguments: ["4.0", "3.0"])
    func folding(_ version: String) throws {
        var gen = ModelGenerator(seed: 3)
        var contacts: [Contact] = (0..<50).map { gen.contact(index: $0) }
        contacts.append(Contact(id: "x", name: PersonName(formatted: String(repeating: "語", count: 100))))
        let bytes = try ExporterConformance.write(VCardPlugin(), contacts.map { .contact($0) }, options: PluginOptions(["version": version]))
        #expect(bytes.suffix(2) == [0x0D, 0x0A])
        var lines = 0
        var start = 0
        for i in 0..<bytes.count where bytes[i] == 0x0A {
            #expect(i > 0 && bytes[i - 1] == 0x0D, "every LF follows a CR")
            let line = Array(bytes[start..<(i - 1)])
            #expect(line.count <= 75)
            #expect(String(validating: line, as: UTF8.self) != nil, "no line splits a UTF-8 character")
            start = i + 1
            lines += 1
        }
        #expect(lines > 100)
        #expect(!bytes.contains(0x0D) || bytes.indices.allSatisfy { bytes[$0] != 0x0D || (bytes.indices.contains($0 + 1) && bytes[$0 + 1] == 0x0A) })
    }

    @Test("escaping of text, structured values, lists and parameters")
    func escaping() throws {
        var c = Contact(id: "c1")
        c.name = PersonName(formatted: "Park, Ada; \"A\" \\ P\nII", given: "Ada;Lou", family: "Park, Jr.")
        c.nicknames = ["Ads", "A,P"]
        c.addresses = [PostalAddress(street: "1 Pier", formatted: "Pier \"9\"\nOslo", labels: ["work", "Dock Office"])]
        c.emails = [EmailAddress("ada@example.org", labels: ["home"], preferred: true)]
        c.phones = [PhoneNumber(raw: "+47 555 01 234", labels: ["mobile"])]
        c.urls = [LabeledValue("https://example.org/a,b;c")]
        let v4 = try write([c])
        #expect(v4.contains("FN:Park\\, Ada\\; \"A\" \\\\ P\\nII\r\n"))
        #expect(v4.contains("N:Park\\, Jr.;Ada\\;Lou;;;\r\n"))
        #expect(v4.contains("NICKNAME:Ads,A\\,P\r\n"))
        #expect(v4.contains("item1.ADR;TYPE=work;LABEL=\"Pier ^'9^'^nOslo\":;;1 Pier;;;;\r\nitem1.X-ABLabel:Dock Office\r\n"))
        #expect(v4.contains("EMAIL;TYPE=home;PREF=1:ada@example.org\r\n"))
        #expect(v4.contains("TEL;TYPE=cell:+47 555 01 234\r\n"))
        #expect(v4.contains("URL:https://example.org/a,b;c\r\n"))
        #expect(v4.hasPrefix("BEGIN:VCARD\r\nVERSION:4.0\r\n"))
        let v3 = try write([c], version: "3.0")
        #expect(v3.contains("EMAIL;TYPE=home,pref:ada@example.org\r\n"))
        #expect(v3.contains("item1.LABEL;TYPE=work:Pier \"9\"\\nOslo\r\n"))
        // And it reads back.
        let back = try #require(read(Array(v4.utf8)).contacts.first)
        #expect(back.name == c.name)
        #expect(back.addresses.first?.formatted == "Pier \"9\"\nOslo")
        #expect(back.addresses.first?.labels == ["work", "Dock Office"])
        #expect(back.urls.first?.value == "https://example.org/a,b;c")
    }

    @Test("3.0 output: company and group cards, photo as base64, Apple related names")
    func version30() throws {
        var org = Contact(id: "o1", type: .organization, organizations: [Organization(name: "Northwind Traders")])
        org.photo = "data:image/png;base64,iVBORw0KGgo="
        org.related = [LabeledValue("Robert Fischer-Okafor", labels: ["Head of Sales"])]
        let text = try write([org, Contact(id: "g1", type: .group, name: PersonName(formatted: "Team"), members: ["urn:uuid:7"])], version: "3.0")
        #expect(text.contains("X-ABShowAs:COMPANY\r\n"))
        #expect(text.contains("FN:Northwind Traders\r\n"))
        #expect(text.contains("PHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=\r\n"))
        #expect(text.contains("item1.X-ABRELATEDNAMES:Robert Fischer-Okafor\r\nitem1.X-ABLabel:Head of Sales\r\n"))
        #expect(text.contains("X-ADDRESSBOOKSERVER-KIND:group\r\n"))
        #expect(text.contains("X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:7\r\n"))
        let back = read(Array(text.utf8)).contacts
        #expect(back.map(\.type) == [.organization, .group])
        #expect(back[0].photo == org.photo)
        #expect(back[0].related == org.related)
        #expect(back[1].members == ["urn:uuid:7"])
    }

    @Test("every fixture survives read → write → read, unknown properties included", arguments: VCardFixtureTests.fixtures, ["4.0", "3.0"])
    func fixtureRoundTrip(_ name: String, _ version: String) throws {
        let first = read(try fixture(name)).contacts
        #expect(!first.isEmpty)
        let text = try write(first, version: version)
        let second = read(Array(text.utf8)).contacts
        #expect(second.count == first.count)
        for (a, b) in zip(first, second) {
            var a = content(a), b = content(b)
            if version == "3.0" { a.alternateNames = []; b.alternateNames = [] }
            // FN is always written, so a card without one gains it.
            if a.name.formatted == nil { a.name.formatted = VCardWriter.formattedName(for: a) }
            #expect(a == b)
        }
    }

    @Test("writing 2.1 is refused with a clear option error")
    func badVersion() throws {
        #expect(throws: PluginError.self) { try VCardPlugin().makeWriter(to: ByteSink(), options: PluginOptions(["version": "2.1"])) }
    }
}
