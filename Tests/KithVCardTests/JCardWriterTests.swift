import Foundation
import KithModel
import KithPlugin
import KithTestSupport
import KithVCard
import Testing

@Suite("jCard writing")
struct JCardWriterTests {
    /// Writes contacts as jCard.
    static func writeJCard(_ contacts: [Contact]) throws -> [UInt8] {
        try ExporterConformance.write(JCardPlugin(), contacts.map { .contact($0) })
    }

    /// Reads jCard bytes.
    static func readJCard(_ bytes: [UInt8]) -> ImporterConformance.Outcome {
        ImporterConformance.run(JCardPlugin(), bytes: bytes, fileName: "out.json")
    }

    /// Extension keys as jCard gives them back: names are lower case in
    /// jCard and read back upper case (vCard names are case-insensitive), and
    /// a bare 2.1 parameter (`X-FOO;HOME`) is a TYPE value, so it comes back
    /// as `TYPE=`, quoted when it holds a space, `,`, `;` or `:`. Keys whose
    /// bare parameter holds quotes or carets (quoted and caret-escaped on the
    /// way back) are left out on both sides; `escapes()` covers parameters.
    static func jcardKeys(_ c: inout Contact) {
        var ext: [String: [String]] = [:]
        for (k, v) in c.extensions {
            let semi = k.firstIndex(of: ";") ?? k.endIndex
            var params = String(k[semi...])
            if params.contains("^") { continue }
            if !params.isEmpty && !params.contains("=") {
                if params.contains("\"") { continue }
                let bare = params.dropFirst().trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
                let quote = bare.contains { $0 == " " || $0 == "," || $0 == ";" || $0 == ":" }
                params = ";TYPE=" + (quote ? "\"" + bare + "\"" : bare)
            }
            ext[k[..<semi].uppercased() + params, default: []] += v
        }
        c.extensions = ext
    }

    @Test("generated contacts round-trip through the exporter contract")
    func conformance() {
        var gen = ModelGenerator(seed: 23)
        let records = gen.records(300)
        let vcard = VCardWriterTests.normalize(version: .v40)
        let problems = ExporterConformance.check(
            JCardPlugin(), records: records, importer: JCardPlugin(), fileName: "out.json"
        ) { record in
            guard case .contact(var c)? = vcard(record) else { return nil }
            Self.jcardKeys(&c)
            return .contact(c)
        }
        #expect(problems == [])
    }

    @Test("a hand-written card gives exactly the expected jCard")
    func exactStructure() throws {
        let contacts = read(try fixture("jcard-source.vcf")).contacts
        #expect(contacts.count == 1)
        let bytes = try Self.writeJCard(contacts)
        let got = try JSONSerialization.jsonObject(with: Data(bytes)) as? NSArray
        let expected = try JSONSerialization.jsonObject(with: Data(try fixture("jcard-expected.json"))) as? NSArray
        #expect(got != nil && expected != nil)
        // Property by property, so a failure names the property.
        let gotProps = ((got?.firstObject as? NSArray)?.lastObject as? NSArray) ?? []
        let expectedProps = ((expected?.firstObject as? NSArray)?.lastObject as? NSArray) ?? []
        #expect(gotProps.count == expectedProps.count)
        for (g, e) in zip(gotProps, expectedProps) {
            #expect((g as? NSArray) == (e as? NSArray))
        }
        #expect(got == expected)
        // And it reads back to the same contact.
        let back = try #require(Self.readJCard(bytes).contacts.first)
        var original = content(contacts[0])
        Self.jcardKeys(&original)
        #expect(content(back) == original)
    }

    @Test("the file is one JSON array, a card a line; none gives []")
    func layout() throws {
        let empty = try Self.writeJCard([])
        #expect(String(decoding: empty, as: UTF8.self) == "[]\n")
        let two = try Self.writeJCard([
            Contact(id: "a", name: PersonName(formatted: "Aiko Tanaka")),
            Contact(id: "b", type: .organization, organizations: [Organization(name: "Fjord & Pine AS")]),
        ])
        let text = String(decoding: two, as: UTF8.self)
        #expect(text == """
            [
            ["vcard",[["version",{},"text","4.0"],["fn",{},"text","Aiko Tanaka"],["uid",{},"uri","a"]]],
            ["vcard",[["version",{},"text","4.0"],["kind",{},"text","org"],["fn",{},"text","Fjord & Pine AS"],\
            ["org",{},"text","Fjord & Pine AS"],["uid",{},"uri","b"]]]
            ]

            """)
    }

    @Test("JSON escapes: quotes, backslashes, control characters; raw extension text kept as written")
    func escapes() throws {
        var c = Contact(id: "c1", name: PersonName(formatted: "Zoë \"Z\" O\\Brien\t\u{1}"))
        c.notes = ["line one\r\nline two"]
        c.extensions = ["X-KARMA;TYPE=work,home;X-SRC=\"a;b\"": ["4\\,2"], "X-MULTI": ["first\nsecond"]]
        let text = String(decoding: try Self.writeJCard([c]), as: UTF8.self)
        #expect(text.contains(#"["fn",{},"text","Zoë \"Z\" O\\Brien\t\u0001"]"#))
        #expect(text.contains(#"["note",{},"text","line one\r\nline two"]"#))
        #expect(text.contains(#"["x-karma",{"type":["work","home"],"x-src":"a;b"},"unknown","4\\,2"]"#))
        #expect(text.contains(#"["x-multi",{},"unknown","first\\nsecond"]"#))
        let back = try #require(Self.readJCard(Array(text.utf8)).contacts.first)
        #expect(back.name.formatted == c.name.formatted)
        #expect(back.notes == ["line one\nline two"])
        #expect(back.extensions["X-KARMA;TYPE=work,home;X-SRC=\"a;b\""] == ["4\\,2"])
        #expect(back.extensions["X-MULTI"] == ["first\\nsecond"])
    }

    @Test("every vendor fixture survives vCard → jCard → model")
    func fixtureRoundTrip() throws {
        for name in VCardFixtureTests.fixtures {
            let first = read(try fixture(name)).contacts
            let second = Self.readJCard(try Self.writeJCard(first)).contacts
            #expect(second.count == first.count, "\(name)")
            for (a, b) in zip(first, second) {
                var a = content(a)
                if a.name.formatted == nil { a.name.formatted = VCardWriter.formattedName(for: a) }
                Self.jcardKeys(&a)
                #expect(a == content(b), "\(name)")
            }
        }
    }

    @Test("the plugin says it writes; unknown types pass through as raw vCard text")
    func descriptorAndReading() {
        let d = JCardPlugin().descriptor
        #expect(d.capabilities.contains(.export) && d.capabilities.contains(.import))
        #expect(!d.summary.contains("read only"))
        // RFC 7095 §5: an `unknown` value is not escaped again; a uri keeps
        // its commas and its backslashes.
        let json = #"[["vcard",[["fn",{},"text","A, B"],["x-raw",{},"unknown","a\\,b;c"],["url",{},"uri","https://x.example/a,b\\c"]]]]"#
        let c = Self.readJCard(Array(json.utf8)).contacts.first
        #expect(c?.name.formatted == "A, B")
        #expect(c?.extensions["X-RAW"] == ["a\\,b;c"])
        #expect(c?.urls.first?.value == "https://x.example/a,b\\c")
    }
}
