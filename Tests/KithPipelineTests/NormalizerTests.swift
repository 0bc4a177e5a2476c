import KithModel
import Testing

@testable import KithPipeline

@Suite("Normalisers")
struct NormalizerTests {
    @Test("Text folding: NFKC, case, accents, letters without decomposition")
    func folding() {
        #expect(TextFolding.fold("Jürgen Müller-Lüdenscheidt") == "jurgen muller ludenscheidt")
        #expect(TextFolding.fold("O'Brien") == "obrien")
        #expect(TextFolding.fold("Straße") == "strasse")
        #expect(TextFolding.fold("Søren Łukasz") == "soren lukasz")
        #expect(TextFolding.fold("ＡＮＮＡ") == "anna")
    }

    @Test("E-mail canonical forms", arguments: [
        ("Robert.Kel+news@GoogleMail.com", "robertkel@gmail.com", false),
        ("r.o.b@gmail.com", "rob@gmail.com", false),
        ("Anna.Vogt@Example.org", "anna.vogt@example.org", false),
        ("info@brightwater.example", "info@brightwater.example", true),
        ("noreply-alerts@service.example", "noreply-alerts@service.example", true),
        ("dev-request@lists.example", "dev-request@lists.example", true),
    ])
    func emails(input: String, canonical: String, role: Bool) throws {
        let n = try #require(EmailNormalizer.normalize(input))
        #expect(n.canonical == canonical)
        #expect(n.isRole == role)
    }

    @Test("Names: Last, First; prefixes and suffixes; notes; handles")
    func names() {
        let a = NameParser.parseFormatted("Kellerhaus, Robert J.")
        #expect(a.given == "robert" && a.family == "kellerhaus" && a.middle == ["j"])
        let b = NameParser.parseFormatted("Dr. Anna-Lena Vogt PhD")
        #expect(b.given == "anna lena" && b.family == "vogt")
        let c = NameParser.parse(PersonName(given: "Brian", family: "Miller - mobile"))
        #expect(c.family == "miller")
        let d = NameParser.parseFormatted("Carla Robinson-King (work)")
        #expect(d.given == "carla" && d.family == "robinson king")
        #expect(NameParser.parseFormatted("scottm82").isEmpty)
        #expect(NameParser.parseFormatted("anna@example.org").isEmpty)
    }

    @Test("Nicknames: listed pairs and siblings, not names that only share a nickname")
    func nicknames() {
        let t = NicknameTable.standard
        #expect(t.equivalent("bob", "robert"))
        #expect(t.equivalent("liz", "elizabeth"))
        #expect(t.equivalent("kate", "katie"))
        #expect(t.equivalent("sasha", "alexander"))
        #expect(!t.equivalent("robert", "william"))
        #expect(!t.equivalent("anna", "olga"))
    }

    @Test("Phones: E.164 through libphonenumber, default region, hints, extensions")
    func phones() {
        let de = PhoneNormalizer.normalize("030 1234567", defaultRegion: "DE")
        #expect(de.e164 == "+49301234567")
        let intl = PhoneNormalizer.normalize("+44 (0)20 7946 0958", defaultRegion: "US")
        #expect(intl.e164 == "+442079460958")
        #expect(intl.isValid)
        let ext = PhoneNormalizer.normalize("(212) 555-0142 ext. 17", defaultRegion: "US")
        #expect(ext.e164 == "+12125550142")
        #expect(ext.extensionDigits == "17")
        // A UK number in national form, read with the hint of a .co.uk address.
        let hinted = PhoneNormalizer.normalize("020 7946 0958", defaultRegion: "US", hints: ["GB"])
        #expect(hinted.e164 == "+442079460958")
        #expect(PhoneNormalizer.region(ofE164: "+442079460958") == "GB")
    }

    @Test("Similarity measures")
    func similarity() {
        #expect(abs(StringSimilarity.jaroWinkler("martha", "marhta") - 0.9611) < 0.001)
        #expect(StringSimilarity.jaroWinkler("anna", "anna") == 1)
        #expect(StringSimilarity.withinOneEdit("kellerhaus", "kelerhaus"))
        #expect(StringSimilarity.withinOneEdit("1804974", "1904973") == false)
        #expect(StringSimilarity.withinOneEdit("1804974", "1809474"))
        #expect(StringSimilarity.withinOneEdit("abcd", "abdc"))
    }

    @Test("Rules file: same, never, review, quotes and comments")
    func rules() throws {
        let r = try MatchRules(parsing: """
            # decisions
            same   r1 r2
            never  "a b" r3   # namesakes
            review r4 r5
            """)
        #expect(r.same.map { [$0.0, $0.1] } == [["r1", "r2"]])
        #expect(r.never.map { [$0.0, $0.1] } == [["a b", "r3"]])
        #expect(throws: MatchRules.ParseError.self) { try MatchRules(parsing: "merge r1 r2") }
        #expect(throws: MatchRules.ParseError.self) { try MatchRules(parsing: "same r1") }
    }
}
