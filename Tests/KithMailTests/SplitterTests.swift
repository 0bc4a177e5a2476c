import Foundation
import KithModel
import KithPlugin
import KithTestSupport
import Testing

@testable import KithMail

@Suite("mbox splitting")
struct SplitterTests {
    static let two = """
        From anna.vogt@example.org Mon Mar  4 09:12:44 2024
        From: Anna-Lena Vogt <anna.vogt@example.org>
        Subject: one
        Date: Mon, 4 Mar 2024 10:12:44 +0100

        First body.

        From bob.okafor@example.com Mon Mar  4 11:30:02 2024
        From: Bob Fischer-Okafor <bob.okafor@example.com>
        Subject: two
        Date: Mon, 4 Mar 2024 06:30:02 -0500

        Second body.

        """

    @Test func splitsAtEnvelopeLines() throws {
        let o = importMail(Self.two)
        #expect(o.summary?.recordsRead == 2)
        #expect(o.interactions.map(\.subject) == ["one", "two"])
        #expect(o.interactions.map { $0.sources[0].locator.line } == [1, 8])
        #expect(o.interactions.map { $0.sources[0].locator.record } == [1, 2])
    }

    @Test func bodyFromLinesThatAreNotEnvelopesStayInTheBody() {
        // Python's mailbox splits here; an unmunged "From " sentence is not an envelope.
        let text = """
            From - Mon Jun  3 12:50:27 1996
            From: Anna-Lena Vogt <anna.vogt@example.org>
            Subject: films

            My favourite:

            From Russia with love

            From the desk of the editor: nothing.
            From
            From - Mon Jun  3 12:55:00 1996
            From: Bob Fischer-Okafor <bob.okafor@example.com>
            Subject: reply

            ok
            """
        let o = importMail(text)
        #expect(o.summary?.recordsRead == 2)
        #expect(o.interactions.map(\.subject) == ["films", "reply"])
    }

    @Test func separatorWithoutBlankLineBeforeIt() {
        let text = """
            From a@example.org Mon Mar  4 09:12:44 2024
            From: a@example.org
            Subject: one

            no blank line follows
            From b@example.org Mon Mar  4 09:13:44 2024
            From: b@example.org
            Subject: two

            x
            """
        let o = importMail(text)
        #expect(o.interactions.map(\.subject) == ["one", "two"])
    }

    @Test func bareSenderEnvelopeNeedsAHeaderAfterIt() {
        let text = """
            From a@example.org Mon Mar  4 09:12:44 2024
            From: a@example.org
            Subject: one

            From someone
            is not a header line, so the line above is body text.

            From MAILER-DAEMON
            From: b@example.org
            Subject: two

            x
            """
        let o = importMail(text)
        #expect(o.interactions.map(\.subject) == ["one", "two"])
    }

    @Test func thunderbirdByteOrderMarkAndBareDashLines() throws {
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        bytes += Array("From -\nFrom: Jean-Baptiste Lefèvre <jb.lefevre@example.fr>\nSubject: a\n\nFrom Russia with love\n\nFrom - \nFrom: soren@example.dk\nSubject: b\n\nx\n".utf8)
        let o = importMail(bytes)
        #expect(o.summary?.recordsRead == 2)
        #expect(o.interactions.first?.participants.first?.email == "jb.lefevre@example.fr")
        #expect(o.interactions.map(\.subject) == ["a", "b"])
    }

    @Test func eightBitEnvelopeLinesAndCRLF() {
        var bytes = Array("From m\u{FC}ller@example.de Mon Mar  4 09:12:44 2024\r\nFrom: a@example.org\r\nSubject: one\r\n\r\nbody\r\n\r\n".utf8)
        bytes += [0x46, 0x72, 0x6F, 0x6D, 0x20, 0xFF, 0xFE, 0x20] + Array("Mon Mar  4 09:12:45 2024\r\nFrom: b@example.org\r\nSubject: two\r\n\r\nbody\r\n".utf8)
        let o = importMail(bytes)
        #expect(o.interactions.map(\.subject) == ["one", "two"])
        #expect(o.interactions.map { $0.participants.first?.email } == ["a@example.org", "b@example.org"])
    }

    @Test func gmailTakeoutEnvelope() {
        let text = message("From: \"Liz Thornton\" <liz.thornton@gmail.com>\nX-GM-THRID: 1844347792267117879\nX-Gmail-Labels: Inbox,Important,Opened", envelope: "From 1844347792267117879@xxx Fri Sep 26 17:18:40 +0000 2025")
        let o = importMail(text)
        #expect(o.interactions.count == 1)
        let i = o.interactions.first
        #expect(i?.extensions["mail:gmail-thread"] == ["1844347792267117879"])
        #expect(i?.extensions["mail:gmail-labels"] == ["Inbox", "Important", "Opened"])
    }

    @Test func consistentContentLengthIsTrusted() {
        // The body holds an envelope-shaped line; Content-Length (mboxcl2) says it is body.
        let body = "Quoted, unescaped:\nFrom anna.vogt@example.org Mon Mar  4 09:12:44 2024\nFrom: nobody@example.org\n"
        let text = "From a@example.org Mon Mar  4 09:12:44 2024\nFrom: a@example.org\nSubject: one\nContent-Length: \(body.utf8.count)\n\n"
            + body + "\nFrom b@example.org Mon Mar  4 09:13:44 2024\nFrom: b@example.org\nSubject: two\n\nx\n"
        let o = importMail(text)
        #expect(o.interactions.map(\.subject) == ["one", "two"])
        #expect(o.interactions.last?.sources[0].locator.line == 10)
        // Ignoring it splits at the envelope-shaped line.
        let ignored = importMail(text, options: ["content-length": "ignore"])
        #expect(ignored.summary?.recordsRead == 3)
    }

    @Test func longContentLengthBodies() {
        // 6 MB of body with an envelope-shaped line in it, counted by Content-Length.
        let body = String(repeating: "line of an attached log file\n", count: 100_000)
            + "From anna.vogt@example.org Mon Mar  4 09:12:44 2024\n" + String(repeating: "more\n", count: 600_000)
        let text = "From a@example.org Mon Mar  4 09:12:44 2024\nFrom: a@example.org\nSubject: big\nContent-Length: \(body.utf8.count)\n\n"
            + body + "\nFrom b@example.org Mon Mar  4 09:13:44 2024\nFrom: b@example.org\nSubject: after\n\nx\n"
        let o = importMail(text)
        #expect(o.interactions.map(\.subject) == ["big", "after"])
        #expect(o.interactions.last?.sources[0].locator.line == 700_008)
    }

    @Test func inconsistentContentLengthIsIgnoredWithANote() {
        let text = "From a@example.org Mon Mar  4 09:12:44 2024\nFrom: a@example.org\nSubject: one\nContent-Length: 5\n\nmuch longer than five bytes\n\nFrom b@example.org Mon Mar  4 09:13:44 2024\nFrom: b@example.org\nSubject: two\n\nx\n"
        let o = importMail(text)
        #expect(o.interactions.map(\.subject) == ["one", "two"])
        #expect(o.codes().contains("mail.content-length"))
    }

    @Test func emlWithoutEnvelopeIsOneMessageEvenWithFromLines() {
        let text = "From: Anna-Lena Vogt <anna.vogt@example.org>\nSubject: single\n\nFrom anna.vogt@example.org Mon Mar  4 09:12:44 2024\nFrom: x@example.org\n"
        let o = importMail(text, name: "single.eml")
        #expect(o.summary?.recordsRead == 1)
        #expect(o.interactions.first?.subject == "single")
    }

    @Test func emlWithEnvelope() {
        let o = importMail(message("From: a@example.org\nSubject: s"), name: "with-envelope.eml")
        #expect(o.summary?.recordsRead == 1)
        #expect(o.interactions.first?.subject == "s")
    }

    @Test func mboxrdUnescapingInSnippetsIsAnOption() {
        let text = message("From: a@example.org\nSubject: s\nContent-Type: text/plain", body: ">From here on\n>>From there\n")
        let plain = importMail(text, options: ["snippet": "100"])
        #expect(plain.interactions.first?.snippet == ">From here on >>From there")
        #expect(plain.codes().contains("mail.mboxrd"))
        let rd = importMail(text, options: ["snippet": "100", "mboxrd": "yes"])
        #expect(rd.interactions.first?.snippet == "From here on >From there")
        #expect(!rd.codes().contains("mail.mboxrd"))
    }

    @Test func smallReadChunksGiveTheSameResult() throws {
        let bytes = try RepositoryFiles.bytes("SampleExports/inbox.mbox")
        let whole = importMail(bytes, name: "inbox.mbox")
        let path = NSTemporaryDirectory() + "kith-mail-chunks-\(getpid()).mbox"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        for chunk in [1, 7, 64, 4096] {
            var events: [ImportEvent] = []
            let stream = try ByteStream(path: path, chunkSize: chunk)
            _ = try MailPlugin().importRecords(from: .stream(stream, name: "inbox.mbox"), options: PluginOptions()) {
                events.append($0)
            }
            #expect(events == whole.events, "chunk size \(chunk)")
        }
    }

    @Test func mimeKitStyleMboxes() throws {
        // Thunderbird "From - " lines with Content-Length headers, from a fixture.
        let o = importMail(try fixture("thunderbird.mbox"), name: "thunderbird.mbox")
        #expect(o.summary?.recordsRead == 3)
        #expect(o.interactions.map(\.subject) == ["Quarterly figures", "Re: Quarterly figures", "Lunch"])
    }
}
