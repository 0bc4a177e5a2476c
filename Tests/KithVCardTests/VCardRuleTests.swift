import KithModel
import KithPlugin
import KithTestSupport
import KithVCard
import Testing

@Suite("vCard reading rules")
struct VCardRuleTests {
    // MARK: Front end

    @Test("unfolding at the byte level: CRLF, LF, bare CR, CR CR LF, space or tab", arguments: ["\r\n", "\n", "\r", "\r\r\n"])
    func unfolding(_ eol: String) throws {
        // "é" is C3 A9: the fold falls between its two bytes.
        var bytes = Array("BEGIN:VCARD\(eol)VERSION:3.0\(eol)FN:Ren".utf8) + [0xC3]
        bytes += Array("\(eol) ".utf8) + [0xA9] + Array(" Maréchal\(eol)\tof Lyon\(eol)END:VCARD\(eol)".utf8)
        let c = try #require(read(bytes).contacts.first)
        #expect(c.name.formatted == "René Maréchalof Lyon")
    }

    @Test("a UTF-8 byte order mark is skipped")
    func bom() throws {
        let c = try #require(read([0xEF, 0xBB, 0xBF] + Array("BEGIN:VCARD\r\nFN:Zoë Ndiaye\r\nEND:VCARD\r\n".utf8)).contacts.first)
        #expect(c.name.formatted == "Zoë Ndiaye")
    }

    @Test("quoted-printable soft breaks on unindented lines, a blank line ending one")
    func quotedPrintable() throws {
        let c = try #require(card21("""
            NOTE;ENCODING=QUOTED-PRINTABLE:first=0D=0Asec=
            ond line=
            , end
            FN;CHARSET=UTF-8;QUOTED-PRINTABLE:Bj=C3=B6rn Ask=
            
            EMAIL:bjorn.ask@example.no
            """))
        #expect(c.notes == ["first\nsecond line, end"])
        #expect(c.name.formatted == "Björn Ask")
        #expect(c.emails.first?.address == "bjorn.ask@example.no")
    }

    @Test("2.1 base64 blocks, indented or not, ending at a blank line or the next property")
    func base64Blocks() throws {
        let c = try #require(card21("""
            FN:Lea Brunner
            PHOTO;ENCODING=BASE64;TYPE=PNG:iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ
            AAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==
            
            TEL:+41 44 555 01 23
            """))
        #expect(c.photo == "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
        #expect(c.phones.first?.raw == "+41 44 555 01 23")
    }

    @Test("base64 in every spelling", arguments: ["PHOTO;ENCODING=b;TYPE=GIF", "PHOTO;ENCODING=B;TYPE=GIF", "PHOTO;ENCODING=BASE64;GIF", "PHOTO;BASE64;GIF"])
    func base64Spellings(_ head: String) throws {
        let c = try #require(card("FN:Kai Sato\n\(head):R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"))
        #expect(c.photo == "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
    }

    @Test("broken base64 padding is repaired; hopeless base64 is kept raw with a warning")
    func base64Repair() throws {
        let o = read("BEGIN:VCARD\nVERSION:3.0\nFN:Kai Sato\nPHOTO;ENCODING=b;TYPE=GIF:R0lGODlhAQ\nEND:VCARD\n")
        #expect(o.contacts.first?.photo == "data:image/gif;base64,R0lGODlhAQ==")
        #expect(o.diagnostics.contains { $0.code == "vcard.base64" && $0.severity == .note })
        let bad = read("BEGIN:VCARD\nVERSION:3.0\nFN:Kai Sato\nPHOTO;ENCODING=b;TYPE=GIF:R0lGO!!\nEND:VCARD\n")
        #expect(bad.contacts.first?.photo == nil)
        #expect(bad.contacts.first?.extensions["PHOTO;ENCODING=b;TYPE=GIF"] == ["R0lGO!!"])
        #expect(bad.diagnostics.contains { $0.code == "vcard.base64" && $0.severity == .warning && $0.locator.line == 4 })
    }

    @Test("8-bit text without a charset: the -O charset option, else a guess with a warning")
    func legacyCharset() throws {
        let bytes: [UInt8] = Array("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:".utf8) + [0xC8, 0xE2, 0xE0, 0xED] + Array("\r\nEND:VCARD\r\n".utf8)
        let guessed = read(bytes)
        #expect(guessed.contacts.first?.name.formatted == "Иван")
        #expect(guessed.diagnostics.contains { $0.code == "vcard.charset" && $0.message.contains("windows-1251") })
        let latin = read(bytes, options: PluginOptions(["charset": "ISO-8859-1"]))
        #expect(latin.contacts.first?.name.formatted == "Èâàí")
    }

    // MARK: Parameters

    @Test("2.1 bare parameters, empty parameters, repeated and comma-listed TYPE in any case")
    func parameters() throws {
        let c = try #require(card21("FN:Ada Park\nTEL;WORK;VOICE;;PREF:1\nTEL;type=HOME;Type=fax:2\nTEL;TYPE=cell,Video:3\nEMAIL;:ada@example.org"))
        #expect(c.phones.map(\.labels) == [["work", "voice"], ["home", "fax"], ["mobile", "video"]])
        #expect(c.phones.map(\.preferred) == [true, false, false])
        #expect(c.emails.first?.address == "ada@example.org")
    }

    @Test("PREF, TYPE=pref and PREF=1 are one preferred flag", arguments: ["EMAIL;PREF", "EMAIL;TYPE=pref", "EMAIL;type=PREF", "EMAIL;PREF=1"])
    func preferred(_ head: String) throws {
        let c = try #require(card("FN:Ada Park\n\(head):ada@example.org"))
        #expect(c.emails == [EmailAddress("ada@example.org", preferred: true)])
    }

    @Test("quoted values holding : and ;, RFC 6868 carets, Apple's escaped quotes")
    func quotedParameters() throws {
        let c = try #require(read("""
            BEGIN:VCARD
            VERSION:4.0
            FN:Ada Park
            ADR;LABEL="Unit 4; Dock: \\"B\\"^nPier ^'9^' ^^";TYPE=work:;;Pier 9;Oslo;;0150;Norway
            X-NOTE;X-PARAM="a:b;c":kept
            END:VCARD
            """).contacts.first)
        #expect(c.addresses.first?.formatted == "Unit 4; Dock: \"B\"\nPier \"9\" ^")
        #expect(c.addresses.first?.labels == ["work"])
        #expect(c.extensions["X-NOTE;X-PARAM=\"a:b;c\""] == ["kept"])
    }

    // MARK: Values

    @Test("single-valued text is never split on commas", arguments: ["FN", "NOTE", "TITLE", "ROLE", "EMAIL", "TEL"])
    func noCommaSplit(_ name: String) throws {
        let c = try #require(card("N:Park;Ada;;;\n\(name):one, two, three"))
        let values: [String?] = [c.name.formatted, c.notes.first, c.organizations.first?.title, c.organizations.first?.role,
            c.emails.first?.address, c.phones.first?.raw]
        #expect(values.contains("one, two, three"))
    }

    @Test("lists split at unescaped commas; structured values keep \\; and \\, inside components; \\: tolerated")
    func structured() throws {
        let c = try #require(card("""
            FN:Ada Park
            N:Park\\, Jr.;Ada\\;Lou;;;
            NICKNAME:Ads,A\\,P
            CATEGORIES:Work,Climbing Club
            ADR;TYPE=home:;Flat 2\\, rear;12 High St\\nBlock B;Leeds;;LS1 4AP;UK
            ORG:Park & Sons\\; Ltd;R&D
            URL:https\\://example.org/ada
            """))
        #expect(c.name.family == "Park, Jr.")
        #expect(c.name.given == "Ada;Lou")
        #expect(c.nicknames == ["Ads", "A,P"])
        #expect(c.categories == ["Work", "Climbing Club"])
        #expect(c.addresses.first?.extended == "Flat 2, rear")
        #expect(c.addresses.first?.street == "12 High St\nBlock B")
        #expect(c.organizations.first?.name == "Park & Sons; Ltd")
        #expect(c.organizations.first?.department == "R&D")
        #expect(c.urls.first?.value == "https://example.org/ada")
    }

    @Test("dates in every form", arguments: [
        ("19860412", "1986-04-12"), ("1986-04-12", "1986-04-12"), ("--0412", "--04-12"), ("--04-12", "--04-12"),
        ("1986-04-12T00:00:00Z", "1986-04-12"), ("19860412T103000", "1986-04-12"), ("1986", "1986"), ("1986-04", "1986-04"),
        ("---12", "---12"), ("12.04.1986", "1986-04-12"), ("1986/04/12", "1986-04-12"),
    ])
    func dates(_ text: String, _ expected: String) throws {
        let c = try #require(card("FN:Ada Park\nBDAY:\(text)"))
        #expect(c.birthday?.isoString == expected)
    }

    @Test("KIND, Apple's group kind and members, X-ABShowAs")
    func kinds() throws {
        #expect(card("FN:Acme\nKIND:org")?.type == .organization)
        #expect(card("FN:Pier 9\nKIND:location")?.type == .location)
        #expect(card("FN:Acme\nX-ABShowAs:COMPANY")?.type == .organization)
        let g = try #require(card("FN:Book club\nX-ADDRESSBOOKSERVER-KIND:group\nX-ADDRESSBOOKSERVER-MEMBER:urn:uuid:1"))
        #expect(g.type == .group)
        #expect(g.members == ["urn:uuid:1"])
    }

    @Test("Evolution, Outlook and Apple vendor fields map to slots")
    func vendorFields() throws {
        let c = try #require(card("""
            FN:Ada Park
            X-EVOLUTION-SPOUSE:Lou Park
            X-MS-MANAGER:Rita Holm
            X-EVOLUTION-ANNIVERSARY:2011-05-05
            X-JABBER;TYPE=work:ada@xmpp.example.org
            IMPP:xmpp:ada2@xmpp.example.org
            X-MS-OL-DESIGN;CHARSET=utf-8:<card/>
            item1.X-ABRELATEDNAMES:Sam
            item1.X-ABLabel:_$!<Child>!$_
            """))
        #expect(c.related == [LabeledValue("Lou Park", labels: ["spouse"]), LabeledValue("Rita Holm", labels: ["manager"]), LabeledValue("Sam", labels: ["child"])])
        #expect(c.anniversaries == [PartialDate(year: 2011, month: 5, day: 5)!])
        #expect(c.handles == [LabeledValue("ada@xmpp.example.org", labels: ["xmpp", "work"]), LabeledValue("ada2@xmpp.example.org", labels: ["xmpp"])])
        #expect(c.extensions["X-MS-OL-DESIGN"] == ["<card/>"], "CHARSET is dropped from the key: the value is kept decoded")
    }

    @Test("CHARSET=ISO-8859-1 decodes as Windows-1252 (smart quotes, euro); EUC-KR as Windows-949; EUC-JP")
    func declaredLegacyCharsets() throws {
        var bytes = Array("BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=ISO-8859-1:Ren".utf8) + [0xE9] + Array("e Lef".utf8) + [0xE8, 0x76, 0x72, 0x65]
        bytes += Array("\r\nNOTE;CHARSET=ISO-8859-1:".utf8) + [0x93, 0x80, 0x35, 0x94]
        bytes += Array("\r\nORG;CHARSET=EUC-KR:".utf8) + [0xC7, 0xD1, 0x81, 0x41]
        bytes += Array("\r\nTITLE;CHARSET=EUC-JP:".utf8) + [0xC9, 0xF4, 0xC4, 0xB9]
        bytes += Array("\r\nEND:VCARD\r\n".utf8)
        let o = read(bytes)
        let c = try #require(o.contacts.first)
        #expect(c.name.formatted == "Renée Lefèvre")
        #expect(c.notes == ["\u{201C}€5\u{201D}"])
        #expect(c.organizations.first?.name == "한갂")
        #expect(c.organizations.first?.title == "部長")
        #expect(!o.diagnostics.contains { $0.code == "vcard.charset" }, "\(o.diagnostics)")
    }

    // MARK: Cards and accounting

    @Test("every card is read; one without any value is rejected with an error")
    func accounting() throws {
        let o = read("BEGIN:VCARD\nFN:A B\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nEND:VCARD\nBEGIN:VCARD\nNOTE:only a note\nEND:VCARD\n")
        #expect(o.summary == ImportSummary(recordsRead: 3, recordsRejected: 1))
        #expect(o.contacts.count == 2)
        let e = try #require(o.diagnostics.first { $0.severity == .error })
        #expect(e.locator == Locator(line: 4, record: 2))
        #expect(o.diagnostics.contains { $0.code == "vcard.no-identity" })
    }

    @Test("provenance: plugin, file, BEGIN line, card index, UID; ids unique even when UIDs repeat")
    func provenance() throws {
        let o = read("BEGIN:VCARD\nUID:same\nFN:A B\nEND:VCARD\n\nBEGIN:VCARD\nUID:same\nFN:C D\nEND:VCARD\n")
        #expect(o.contacts.count == 2)
        #expect(o.contacts[1].sources == [Provenance(plugin: "vcard", file: "test.vcf", locator: Locator(line: 6, record: 2), recordId: "same")])
        #expect(o.contacts[0].id != o.contacts[1].id)
        #expect(o.contacts[0].id == StableID.record(plugin: "vcard", file: "test.vcf", locator: Locator(line: 1, record: 1), recordId: "same"))
    }

    @Test("hostile input: deep nesting, a huge line, NUL bytes")
    func hostile() throws {
        let deep = String(repeating: "BEGIN:VCARD\nVERSION:2.1\nAGENT:\n", count: 500) + "FN:X Y\n" + String(repeating: "END:VCARD\n", count: 500)
        let o = read(deep)
        #expect(o.thrown == nil)
        #expect(o.summary?.recordsRead == 500)
        let huge = "BEGIN:VCARD\nFN:A B\nNOTE:" + String(repeating: "x", count: 3_000_000) + "\nEND:VCARD\n"
        #expect(read(huge).contacts.first?.notes.first?.count == 3_000_000)
        let nul = read([0, 0, 0] + Array("BEGIN:VCARD\r\nFN:A\u{0}B\r\nEND:VCARD\r\n".utf8))
        #expect(nul.thrown == nil)
    }

    @Test(
        "lines split across the reader's 256 KB chunks: CRLF torn between chunks, folds, long lines",
        arguments: ["\r\n", "\n", "\r"], [-1, 0, 1])
    func chunkBoundaries(_ end: String, _ shift: Int) throws {
        // A comment line fills the first chunk so that its line end falls
        // just before, on or after the boundary (a CRLF torn in two at 0).
        var text = "#" + String(repeating: "x", count: 256 * 1024 - 1 + shift) + end
        for i in 0..<3000 {
            let pad = String(repeating: "é", count: i % 61)
            text += "BEGIN:VCARD" + end + "VERSION:3.0" + end + "FN:Person \(i)" + end
            text += "NOTE:first half \(pad)" + end + " second half" + end
            text += "EMAIL;TYPE=INTERNET:p\(i)@example.org" + end + "END:VCARD" + end
        }
        let o = read(Array(text.utf8))
        #expect(o.thrown == nil)
        #expect(o.diagnostics.isEmpty, "\(o.diagnostics.prefix(3))")
        #expect(o.contacts.count == 3000)
        for (i, c) in o.contacts.enumerated() where i % 97 == 0 || i == 2999 {
            #expect(c.name.formatted == "Person \(i)")
            #expect(c.notes == ["first half " + String(repeating: "é", count: i % 61) + "second half"])
            #expect(c.emails.first?.address == "p\(i)@example.org")
        }
        // Line numbers stay exact across the chunk boundary: BDAY is line 3.
        let bad = "#" + String(repeating: "x", count: 256 * 1024 - 1 + shift) + end + "BEGIN:VCARD" + end + "BDAY:soon" + end
            + "FN:A" + end + "END:VCARD" + end
        #expect(read(Array(bad.utf8)).diagnostics.first?.locator.line == 3)
    }

    @Test("components, trimming and escapes read the same on the plain and the escaped path", arguments: ["", "\\,"])
    func componentPaths(_ escape: String) throws {
        // With `escape` empty the values are plain ASCII (the fast path);
        // with "\," every value holds an escape (the general path).
        let e = escape.isEmpty ? "" : ","
        let c = try #require(card("""
            FN:Ada\(escape) Park
            N:Park\(escape);Ada
            ADR;TYPE=home:;;1 Pier\(escape);Oslo;;0150;Norway;Extra\(escape);;More
            ADR;TYPE=work:PO 7\(escape);;Dock 9
            EMAIL:  ada\(escape)@example.org\t
            KIND:  org
            URL:https://example.org/a\(escape)b
            """))
        #expect(c.name == PersonName(formatted: "Ada\(e) Park", given: "Ada", family: "Park\(e)"))
        #expect(c.addresses.count == 2)
        #expect(c.addresses[0].street == "1 Pier\(e)")
        #expect(c.addresses[0].postalCode == "0150")
        #expect(c.addresses[0].country == "Norway;Extra\(e);More")
        #expect(c.addresses[1].poBox == "PO 7\(e)")
        #expect(c.addresses[1].street == "Dock 9")
        #expect(c.addresses[1].country == nil)
        #expect(c.emails.first?.address == "ada\(e)@example.org")
        #expect(c.type == .organization)
        #expect(c.urls.first?.value == "https://example.org/a\(e)b")
        let u = try #require(card("N:Ünal;Zoë\nADR:;;Straße 1;Köln"))
        #expect(u.name.family == "Ünal" && u.name.given == "Zoë")
        #expect(u.addresses.first?.street == "Straße 1" && u.addresses.first?.locality == "Köln")
    }

    @Test("values stay with their card across nested cards, skipped lines, a missing END and properties outside cards")
    func cardBuffers() throws {
        let o = read("""
            BEGIN:VCARD
            VERSION:2.1
            FN:Parent One
            AGENT:
            BEGIN:VCARD
            VERSION:2.1
            FN:Agent Smith
            :no name here
            TEL:+1 555 0100
            END:VCARD
            EMAIL:parent@example.org
            NOTE:after the agent
            END:VCARD
            END:VCARD
            BEGIN:VCARD
            VERSION:3.0
            FN:No End
            EMAIL:noend@example.org
            BEGIN:VCARD
            VERSION:3.0
            FN:Next Card
            NOTE;ENCODING=QUOTED-PRINTABLE:soft=
            break
            END:VCARD
            FN:Outside
            EMAIL:outside@example.org
            """)
        #expect(o.contacts.map(\.name.formatted) == ["Agent Smith", "Parent One", "No End", "Next Card", "Outside"])
        let byName = Dictionary(o.contacts.map { ($0.name.formatted ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        let agent = try #require(byName["Agent Smith"])
        #expect(agent.phones.map(\.raw) == ["+1 555 0100"])
        #expect(agent.emails.isEmpty)
        let parent = try #require(byName["Parent One"])
        #expect(parent.emails.map(\.address) == ["parent@example.org"])
        #expect(parent.notes == ["after the agent"])
        #expect(parent.related.map(\.value) == ["Agent Smith"])
        #expect(parent.phones.isEmpty)
        #expect(byName["No End"]?.emails.map(\.address) == ["noend@example.org"])
        #expect(byName["Next Card"]?.notes == ["softbreak"])
        #expect(byName["Outside"]?.emails.map(\.address) == ["outside@example.org"])
        #expect(o.diagnostics.contains { $0.code == "vcard.missing-end" && $0.locator.line == 15 })
        #expect(o.diagnostics.contains { $0.code == "vcard.missing-begin" && $0.locator.line == 25 })
        #expect(o.diagnostics.contains { $0.code == "vcard.syntax" && $0.locator.line == 8 })
        #expect(o.diagnostics.contains { $0.code == "vcard.stray-end" && $0.locator.line == 14 })
    }

    @Test("cards sharing an extension value each keep exactly their own extensions")
    func sharedExtensions() {
        var text = ""
        let cards: [[String]] = [
            ["X-IMPORT-SOURCE:phone_vcard"], ["X-IMPORT-SOURCE:phone_vcard", "X-ABUID:7F3A"], ["X-IMPORT-SOURCE:phone_vcard"],
            ["X-IMPORT-SOURCE:google_csv"], ["X-IMPORT-SOURCE:phone_vcard", "X-IMPORT-SOURCE:google_csv"], ["X-ABUID:7F3A"],
            ["X-Import-Source:phone_vcard"], ["X-IMPORT-SOURCE:phone_vcard\\, x"], ["X-IMPORT-SOURCE:phone:vcard"],
            ["X-IMPORT-SOURCE:phone"], ["X-IMPORT-SOURCE:phone_vcard"],
        ] + (0..<10).map { ["X-IMPORT-SOURCE:source\($0)"] } + [["X-IMPORT-SOURCE:phone_vcard"]]
        for (i, lines) in cards.enumerated() {
            text += "BEGIN:VCARD\nVERSION:3.0\nFN:Card \(i)\n" + lines.joined(separator: "\n") + "\nEND:VCARD\n"
        }
        let contacts = read(text).contacts
        #expect(contacts.count == cards.count)
        for (c, lines) in zip(contacts, cards) {
            var expected: [String: [String]] = [:]
            for l in lines {
                let colon = l.firstIndex(of: ":")!
                expected[String(l[..<colon]), default: []].append(String(l[l.index(after: colon)...]))
            }
            #expect(c.extensions == expected, "\(c.name.formatted ?? "")")
        }
    }

    @Test("detection")
    func detection() throws {
        let p = VCardPlugin()
        #expect(p.detect(FormatProbe(fileName: "a.txt", head: Array("BEGIN:VCARD\r\n".utf8))).confidence == 100)
        #expect(p.detect(FormatProbe(fileName: "a.txt", head: Array("begin:vcard\n".utf8))).confidence == 100)
        #expect(p.detect(FormatProbe(fileName: "x", head: try fixture("utf16le-bom.vcf"))).confidence == 100)
        #expect(p.detect(FormatProbe(fileName: "a.vcf", head: [])).confidence == 30)
        #expect(p.detect(FormatProbe(fileName: "a.json", head: Array("{\"kind\":\"contact\"}".utf8))).confidence == 0)
    }
}
