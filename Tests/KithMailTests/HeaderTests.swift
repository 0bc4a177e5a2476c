import Foundation
import KithModel
import KithPlugin
import KithTestSupport
import Testing

@testable import KithMail

@Suite("header fields, charsets and encoded words")
struct HeaderTests {
    func decode(_ s: String, _ charset: Charset? = nil) -> String {
        EncodedWords.decode(Array(s.utf8), messageCharset: charset)
    }

    func decode(_ b: [UInt8], _ charset: Charset? = nil) -> String {
        EncodedWords.decode(b, messageCharset: charset)
    }

    @Test func unfoldingKeepsTheWhitespace() {
        let f = HeaderFields(Array("Subject: a long\n\tsubject\n  line\nTo: a@example.org,\n b@example.org\n".utf8))
        #expect(f.subject.map { String(decoding: HeaderFields.unfolded($0), as: UTF8.self) } == "a long\tsubject  line")
        #expect(f.to.map { String(decoding: HeaderFields.unfolded($0), as: UTF8.self) } == ["a@example.org, b@example.org"])
    }

    @Test func badLinesAreCountedAndKeptNotFatal() {
        let text = message("From: a@example.org\nthis line is not a field\n continuation of nothing?\nSubject: still read")
        let o = importMail(text)
        #expect(o.interactions.first?.subject == "still read")
        #expect(o.codes().contains("mail.header.malformed"))
        #expect(o.interactions.first?.extensions["mail:malformed-header"]?.first == "this line is not a field")
    }

    @Test func repeatedAddressFieldsAreAllRead() {
        let o = importMail(message("From: a@example.org\nTo: b@example.org\nTo: c@example.org"))
        #expect(o.interactions.first?.participants.filter { $0.role == .to }.compactMap(\.email) == ["b@example.org", "c@example.org"])
    }

    @Test func eightBitHeaders() {
        // Raw UTF-8 (RFC 6532).
        #expect(decode(Array("Søren".utf8)) == "Søren")
        // Latin-1 bytes, message charset ISO-8859-2 given: the declared charset.
        #expect(decode([0xA3, 0xF3, 0x64, 0xBC], .named("iso-8859-2")) == "Łódź")
        // No charset: Windows-1252.
        #expect(decode([0x93, 0x4C, 0xE9, 0x6E, 0x61, 0x94]) == "\u{201C}Léna\u{201D}")
    }

    @Test func eightBitHeaderUsesTheContentTypeCharset() {
        var bytes = Array("From: a@example.org\nContent-Type: text/plain; charset=\"koi8-r\"\nSubject: ".utf8)
        bytes += [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4]  // "Привет" in KOI8-R
        bytes += Array("\n\nbody\n".utf8)
        let o = importMail(bytes, name: "m.eml")
        #expect(o.interactions.first?.subject == "Привет")
    }

    @Test func encodedWordsBasics() {
        #expect(decode("=?UTF-8?Q?Mar=C3=ADa_Jos=C3=A9?=") == "María José")
        #expect(decode("=?utf-8?b?U8O4cmVu?=") == "Søren")
        #expect(decode("Re: =?ISO-8859-1?Q?Lef=E8vre?= and more") == "Re: Lefèvre and more")
        // Whitespace between adjacent words is dropped, kept elsewhere.
        #expect(decode("=?utf-8?q?a?= =?utf-8?q?b?=  c") == "ab  c")
    }

    @Test func adjacentWordsAreJoinedAtTheByteLevel() {
        // "ø" (C3 B8) split across two words.
        #expect(decode("=?utf-8?B?U8M=?= =?utf-8?B?uHJlbg==?=") == "Søren")
        #expect(decode("=?utf-8?Q?S=C3?=\n =?utf-8?Q?=B8ren?=") == "Søren")
    }

    @Test func badBase64PaddingIsRepaired() {
        #expect(decode("=?utf-8?B?U8O4cmVu?=") == "Søren")
        #expect(decode("=?utf-8?B?QW5uYQ?=") == "Anna")
        #expect(decode("=?utf-8?B?QW5uYQ=?=") == "Anna")
    }

    @Test func mislabelledCharsets() {
        // Labelled ISO-8859-1, bytes are Windows-1252 curly quotes.
        #expect(decode("=?iso-8859-1?Q?=93Lena=94?=") == "\u{201C}Lena\u{201D}")
        // Labelled UTF-8 but Latin-1 bytes.
        #expect(decode("=?utf-8?Q?Fran=E7ois?=") == "François")
        // Unknown label: UTF-8 then Windows-1252.
        #expect(decode("=?x-unknown?Q?caf=C3=A9?=") == "café")
        // GB2312 read as GB18030; UTF-7; ISO-2022-JP words each a whole sequence.
        #expect(decode("=?gb2312?B?zfXQocP3?=") == "王小明")
        #expect(decode("=?utf-7?Q?J+APw-rgen?=") == "Jürgen")
        #expect(decode("=?iso-2022-jp?B?GyRCOzNFRBsoQg==?= =?iso-2022-jp?B?GyRCQkBPOhsoQg==?=") == "山田太郎")
    }

    @Test func rfc2231Parameters() {
        let v = MIMEValue(Array("attachment; filename*0*=utf-8''%C3%9Cbersicht; filename*1=\"-2024.pdf\"; size=12".utf8))
        #expect(v.value == "attachment")
        #expect(v.parameters["filename"] == "Übersicht-2024.pdf")
        #expect(v.parameters["size"] == "12")
        let ct = MIMEValue(Array("text/plain; charset*=iso-8859-1'de'latin1; format=flowed".utf8))
        #expect(ct.parameters["charset"] == "latin1")
        #expect(MIMEValue.charset(in: Array("text/plain; CHARSET=\"KOI8-R\"".utf8)) == Charset.named("koi8-r"))
        #expect(MIMEValue.charset(in: Array("text/plain; charset*=utf-8''us-ascii".utf8)) == .utf8)
    }

    @Test func hugeHeaderBlocksAreCappedNotFatal() {
        let big = String(repeating: "X-Filler: " + String(repeating: "y", count: 990) + "\n", count: 1200)
        let o = importMail(message("From: a@example.org\n" + big + "Subject: after the filler"))
        #expect(o.summary?.recordsRead == 1)
        #expect(o.codes().contains("mail.header.too-large"))
        #expect(o.interactions.first?.participants.first?.email == "a@example.org")
    }

    @Test func binaryMessagesAreRejectedWithAnError() {
        var rng = SplitMix64(seed: 7)
        let junk = (0..<5000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }.map { $0 == 0x3A ? 0x3B : $0 }
        let o = importMail(Array("From x@example.org Mon Mar  4 09:12:44 2024\n".utf8) + junk, name: "j.mbox")
        #expect(o.summary?.recordsRead == 1)
        #expect(o.summary?.recordsRejected == 1)
        #expect(o.diagnostics.contains { $0.severity == .error && $0.locator.record == 1 && $0.locator.line == 1 })
    }

    @Test func truncatedInsideTheHeaders() {
        let o = importMail("From x@example.org Mon Mar  4 09:12:44 2024\nFrom: a@example.org\nSubject: cut he")
        #expect(o.interactions.first?.subject == "cut he")
        #expect(o.codes().contains("mail.truncated"))
    }
}

@Suite("hostile input")
struct HostileTests {
    /// Seeded mutations of the sample mbox with the bytes parsers trip on.
    @Test(arguments: [1, 2, 3, 4])
    func mutatedSamplesNeverCrash(seed: UInt64) throws {
        let sample = try RepositoryFiles.bytes("SampleExports/inbox.mbox")
        let nasty: [[UInt8]] = ["<", ">", "\"", "(", ")", "=?", "?=", ":", ";", ",", "@", "\\", "\n", "\r", "\n\n", "From ",
            "=?utf-8?B?", "=?iso-2022-jp?B?GyRC?=", "\u{0}", "\u{FF}", " at ", "Content-Length: 99999999999\n"].map { Array($0.utf8) }
        var rng = SplitMix64(seed: seed)
        for _ in 0..<40 {
            var bytes = sample
            for _ in 0..<(1 + Int(rng.next() % 40)) {
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes.insert(contentsOf: nasty[Int(rng.next() % UInt64(nasty.count))], at: at)
                case 1: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
                default: bytes.removeSubrange(at..<min(bytes.count, at + Int(rng.next() % 50)))
                }
            }
            let o = importMail(bytes, name: "m.mbox", options: ["snippet": "50", "me": "anna.vogt@example.org"])
            #expect(o.thrown == nil)
            if let s = o.summary {
                #expect(s.recordsRead >= s.recordsRejected)
                #expect(o.diagnostics.filter { $0.severity == .error }.count >= s.recordsRejected)
            }
        }
    }

    @Test func hugeLinesAndHeadersStayBounded() {
        // A 3 MB line in the header, then one in the body.
        let long = String(repeating: "x", count: 3 << 20)
        let text = "From a@example.org Mon Mar  4 09:12:44 2024\nFrom: a@example.org\nX-Long: " + long + "\nSubject: s\n\n" + long + "\nFrom b@example.org Mon Mar  4 09:12:45 2024\nFrom: b@example.org\n\nx\n"
        let o = importMail(text)
        #expect(o.summary?.recordsRead == 2)
        #expect(o.interactions.map { $0.participants.first?.email } == ["a@example.org", "b@example.org"])
    }
}
