import KithPlugin
import KithTestSupport
import Testing

@testable import KithMail

@Suite("address lists")
struct AddressTests {
    func pairs(_ s: String) -> [String] {
        parseAddresses(s).map { "\($0.name ?? "-")|\($0.address ?? "-")" }
    }

    @Test func quotedNamesWithCommasAndQuotes() {
        #expect(pairs(#""Vogt, Anna-Lena" <anna.vogt@example.org>, "Bob \"the builder\"" <bob.okafor@example.com>"#)
            == ["Vogt, Anna-Lena|anna.vogt@example.org", #"Bob "the builder"|bob.okafor@example.com"#])
    }

    @Test func commentsNameAnAddressWithoutOne() {
        #expect(pairs("soren@example.dk (Søren Kierkegaard-Hansen)") == ["Søren Kierkegaard-Hansen|soren@example.dk"])
        #expect(pairs("Liz (work) <liz.thornton@gmail.com>") == ["Liz|liz.thornton@gmail.com"])
        #expect(pairs("<liz.thornton@gmail.com> (Liz)") == ["Liz|liz.thornton@gmail.com"])
    }

    @Test func groups() {
        #expect(pairs("undisclosed-recipients:;") == [])
        #expect(pairs("Team: Anna <anna.vogt@example.org>, bob.okafor@example.com;, jb.lefevre@example.fr")
            == ["Anna|anna.vogt@example.org", "-|bob.okafor@example.com", "-|jb.lefevre@example.fr"])
    }

    @Test func angleAddressWinsOverANameWithAnAt() {
        #expect(pairs(#""bob@example.com" <robert@northwind.example>"#) == ["bob@example.com|robert@northwind.example"])
        #expect(pairs("bob@example.com <robert@northwind.example>") == ["bob@example.com|robert@northwind.example"])
        // A name that only repeats the address is no name.
        #expect(pairs(#""anna.vogt@example.org" <anna.vogt@example.org>"#) == ["-|anna.vogt@example.org"])
    }

    @Test func obsoleteRoutesAndMailto() {
        #expect(pairs("Anna <@relay1.example,@relay2.example:anna.vogt@example.org>") == ["Anna|anna.vogt@example.org"])
        #expect(pairs("<mailto:kith-users@lists.example.net>") == ["-|kith-users@lists.example.net"])
    }

    @Test func missingCommas() {
        #expect(pairs("anna.vogt@example.org bob.okafor@example.com") == ["-|anna.vogt@example.org", "-|bob.okafor@example.com"])
        #expect(pairs("Anna <anna.vogt@example.org> Bob <bob.okafor@example.com>")
            == ["Anna|anna.vogt@example.org", "Bob|bob.okafor@example.com"])
    }

    @Test func listArchiveAtSpelling() {
        let a = parseAddresses("soren at example.dk (Søren)")
        #expect(a.map(\.address) == ["soren@example.dk"])
        #expect(a.first?.rewrittenAt == true)
        #expect(a.first?.name == "Søren")
    }

    @Test func domainlessNamesAreKeptAndFlagged() {
        let a = parseAddresses("root, Jim Smith")
        #expect(a.count == 2)
        #expect(a[0].address == "root" && a[0].domainless)
        #expect(a[1].address == nil && a[1].name == "Jim Smith" && a[1].domainless)
    }

    @Test func nullAndEmpty() {
        #expect(parseAddresses("<>").isEmpty)
        #expect(parseAddresses("").isEmpty)
        #expect(parseAddresses(" , ,").isEmpty)
    }

    @Test func encodedWordsAreDecodedAfterTheStructure() {
        // The encoded comma must not split the list.
        #expect(pairs("=?utf-8?Q?Vogt,_Anna-Lena?= <anna.vogt@example.org>, b@example.org")
            == ["Vogt, Anna-Lena|anna.vogt@example.org", "-|b@example.org"])
        // Encoded words inside quotes, as some mailers write them.
        #expect(pairs(#""=?ISO-8859-1?Q?Lef=E8vre,_Jean-Baptiste?=" <jb.lefevre@example.fr>"#)
            == ["Lefèvre, Jean-Baptiste|jb.lefevre@example.fr"])
    }

    @Test func unquotedLastCommaFirst() {
        #expect(pairs("Thornton, Elizabeth <liz.thornton@gmail.com>") == ["Thornton, Elizabeth|liz.thornton@gmail.com"])
        // But a lower-case local name before a mailbox stays its own entry.
        #expect(pairs("root, Anna <anna.vogt@example.org>").count == 2)
    }

    @Test func singleQuotedNamesAndWhitespace() {
        #expect(pairs("'Anna  Vogt' <anna.vogt@example.org>") == ["Anna Vogt|anna.vogt@example.org"])
        #expect(pairs("\"  María\tJosé \" <mjgarcia@example.es>") == ["María José|mjgarcia@example.es"])
    }

    @Test func eightBitNamesAndInternationalAddresses() {
        #expect(pairs("Søren <søren@exämple.dk>") == ["Søren|søren@exämple.dk"])
    }

    @Test func hostileInputNeverTraps() {
        for s in ["<<<<", ">>>>", "\"unterminated", "(((nested", "@@@", ":::;;;", "a@", "@b", "=?utf-8?B?", "\\", "<a@b", "a <b@c> >"] {
            _ = parseAddresses(s)
        }
        let many = Array(repeating: "Anna <anna.vogt@example.org>", count: 5000).joined(separator: ", ")
        #expect(parseAddresses(many).count == 5000)
        // No commas at all: read in a loop (no deep recursion), in linear time.
        let glued = String(repeating: "<a@example.org>", count: 100_000)
        #expect(parseAddresses(glued).count == 100_000)
        let ats = String(repeating: "x @ ", count: 100_000)
        #expect(parseAddresses(ats).count == 1)
        let words = String(repeating: "a@x b ", count: 50_000)
        #expect(parseAddresses(words).count == 50_000)
    }
}
