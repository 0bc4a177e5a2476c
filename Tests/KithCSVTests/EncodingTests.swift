import Foundation
import KithModel
import KithPlugin
import KithTestSupport
import Testing

@testable import KithCSV

@Suite("CSV encodings and delimiters")
struct EncodingTests {
    static let text = "First Name,Last Name,E-mail Address,Home City\nSøren,Kierkegaard-Hansen,soren@example.dk,København\nJean-Baptiste,Lefèvre,jb.lefevre@example.fr,Paris\n"

    private func check(_ o: Outcome, encoding: String) throws {
        #expect(o.thrown == nil)
        #expect(layoutNote(o).contains("(\(encoding),"), "\(layoutNote(o))")
        #expect(o.contacts.map(\.name.given) == ["Søren", "Jean-Baptiste"])
        #expect(o.contacts.first?.addresses.first?.locality == "København")
    }

    @Test func utf8WithAndWithoutBOM() throws {
        try check(importCSV(bytes: Array(Self.text.utf8)), encoding: "UTF-8")
        let o = importCSV(bytes: [0xEF, 0xBB, 0xBF] + Array(Self.text.utf8))
        try check(o, encoding: "UTF-8")
        #expect(o.contacts.first?.name.given == "Søren")  // the BOM is not part of the first header
    }

    @Test func utf16LittleAndBigEndianWithBOM() throws {
        try check(importCSV(bytes: [0xFF, 0xFE] + (try encoded(Self.text, .utf16LittleEndian))), encoding: "UTF-16LE")
        try check(importCSV(bytes: [0xFE, 0xFF] + (try encoded(Self.text, .utf16BigEndian))), encoding: "UTF-16BE")
    }

    @Test func utf16WithoutBOMByNulPattern() throws {
        try check(importCSV(bytes: try encoded(Self.text, .utf16LittleEndian)), encoding: "UTF-16LE")
    }

    @Test func windows1252IsGuessedWithAWarning() throws {
        let o = importCSV(bytes: try encoded(Self.text, .windowsCP1252))
        try check(o, encoding: "Windows-1252")
        let w = try #require(o.diagnostics.first { $0.code == "csv.encoding" })
        #expect(w.severity == .warning && w.locator.line == 1)
        #expect(!w.message.contains("Søren"))
    }

    @Test func namedLegacyEncodingHasNoWarning() throws {
        let text = "Vorname,Nachname,Ort privat,Straße privat,Telefon privat,E-Mail-Adresse\nJürgen,Groß,Köln,Hauptstraße 1,0221 123456,j.gross@example.de\n"
        let o = importCSV(bytes: try encoded(text, .isoLatin2), options: ["encoding": "iso-8859-2"])
        #expect(o.contacts.first?.name.family == "Groß")
        #expect(!o.diagnostics.contains { $0.code == "csv.encoding" })
    }

    @Test("-O encoding= takes the shared charset labels: Latin-1 as Windows-1252, EUC-JP, Mac OS Roman")
    func sharedCharsetLabels() throws {
        // Latin-1 as Excel writes it, with the euro sign and smart quotes at 0x80–0x9F.
        let latin = Array("Name,Notes\nS".utf8) + [0xF8] + Array("ren,".utf8) + [0x93, 0x80, 0x35, 0x94] + [0x0A]
        let o = importCSV(bytes: latin, options: ["encoding": "ISO-8859-1"])
        #expect(o.contacts.first?.name.formatted == "Søren")
        #expect(o.contacts.first?.notes == ["\u{201C}€5\u{201D}"])
        // 山田 in EUC-JP (Foundation on Linux has no EUC-JP decoder of its own).
        let euc: [UInt8] = Array("Name,Email\n".utf8) + [0xBB, 0xB3, 0xC5, 0xC4] + Array(",yamada@example.jp\n".utf8)
        let e = importCSV(bytes: euc, options: ["encoding": "euc-jp"])
        #expect(e.contacts.first?.name.formatted == "山田")
        #expect(layoutNote(e).contains("EUC-JP"), "\(layoutNote(e))")
        let mac: [UInt8] = Array("Name,Email\nJ".utf8) + [0x9A] + Array("rg,j@example.de\n".utf8)
        #expect(importCSV(bytes: mac, options: ["encoding": "macintosh"]).contacts.first?.name.formatted == "Jörg")
    }

    @Test func shiftJIS() throws {
        let text = "First Name,Last Name,Display Name,Primary Email\n太郎,山田,山田 太郎,taro.yamada@example.jp\nハナコ,佐藤,佐藤 ハナコ,hanako@example.jp\n"
        let o = importCSV(bytes: try encoded(text, .shiftJIS))
        #expect(layoutNote(o).contains("Shift_JIS"))
        #expect(o.contacts.map(\.name.formatted) == ["山田 太郎", "佐藤 ハナコ"])
    }

    @Test func invalidUTF8LaterInTheFileIsRepairedWithAWarning() throws {
        var bytes = Array("Name,Email\n".utf8)
        for i in 0..<3000 { bytes += Array("Person \(i),p\(i)@example.org\n".utf8) }
        let badLine = 3002
        bytes += Array("Bad ".utf8) + [0xFF, 0xFE, 0x41] + Array(",bad@example.org\n".utf8)
        let o = importCSV(bytes: bytes)
        #expect(o.contacts.count == 3001)
        #expect(o.contacts.last?.name.formatted == "Bad \u{FFFD}\u{FFFD}A")
        #expect(o.diagnostics.contains { $0.code == "csv.encoding" && $0.locator.line == badLine })
    }

    @Test(arguments: [(";", "';'"), ("\t", "tab"), ("|", "'|'")])
    func sniffedDelimiters(_ d: String, _ shown: String) throws {
        let text = ["Name", "Email", "Mobile", "Notes"].joined(separator: d) + "\n"
            + ["\"Vogt, Anna-Lena\"", "anna.vogt@example.org", "+49 30 1234567", "\"likes; semicolons, commas\""].joined(separator: d) + "\n"
        let o = importCSV(text, name: "people.txt")
        #expect(layoutNote(o).contains("\(shown)-separated"))
        let c = try #require(o.contacts.first)
        #expect(c.name.formatted == "Vogt, Anna-Lena")
        #expect(c.phones.first?.raw == "+49 30 1234567")
        #expect(c.notes == ["likes; semicolons, commas"])
    }

    @Test func mixedDelimiterRowsAreSplitWithAWarning() throws {
        let o = importCSV("Name,Email,Phone\nAnna-Lena Vogt,anna.vogt@example.org,+49 30 1234567\nSøren Kierkegaard-Hansen\tsoren@example.dk\t+45 32 12 34 56\n")
        #expect(o.contacts.count == 2)
        #expect(o.contacts[1].emails.map(\.address) == ["soren@example.dk"])
        #expect(o.diagnostics.contains { $0.code == "csv.delimiter" && $0.locator.line == 3 })
    }

    @Test func detectionRecognisesEncodingsAndRejectsOtherFormats() throws {
        let p = CSVPlugin()
        #expect(p.detect(FormatProbe(fileName: "x.csv", head: [0xFF, 0xFE] + (try encoded(Self.text, .utf16LittleEndian)))).confidence >= 70)
        #expect(p.detect(FormatProbe(fileName: "x", head: Array("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A, B\r\nEND:VCARD\r\n".utf8))).confidence == 0)
        #expect(p.detect(FormatProbe(fileName: "x", head: Array("{\"kind\":\"contact\",\"id\":\"a\"}\n".utf8))).confidence == 0)
        #expect(p.detect(FormatProbe(fileName: "notes.txt", head: Array("Dear Anna,\nthanks for lunch.\n".utf8))).confidence == 0)
        #expect(p.detect(FormatProbe(fileName: "list.csv", head: Array("a,b\n1,2\n".utf8))).confidence == 40)
    }
}
