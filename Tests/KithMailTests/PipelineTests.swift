import Foundation
import KithModel
import KithPlugin
import KithTestSupport
import Testing

@testable import KithMail

/// The threaded path (splitter on a second thread, parsing on every core)
/// must give exactly the events of the one-thread path.
@Suite("threaded import")
struct PipelineTests {
    /// An invented mbox of `count` messages cycling through the awkward
    /// cases: body lines that are not envelopes, envelopes without a blank
    /// line before them, bare-sender and Thunderbird envelopes, trusted and
    /// inconsistent Content-Length, mboxrd escapes, repeated Message-IDs,
    /// messages without a header, CRLF line ends and (once) a body line
    /// longer than the line reader's 1 MiB window.
    static func trickyMbox(count: Int, longLineAt: Int? = nil) -> [UInt8] {
        var out = ""
        out.reserveCapacity(count * 400)
        for i in 0..<count {
            let sender = "person\(i % 37)@example.org"
            let envelope = "From \(sender) Mon Mar  4 09:\(10 + i % 50):44 2024\n"
            let date = "Date: Mon, 4 Mar 2024 10:\(10 + i % 50):44 +0100\n"
            let id = "Message-ID: <m\(i % 101 == 5 ? i - 1 : i)@example.org>\n"
            let from = "From: Person \(i % 37) <\(sender)>\n"
            let to = "To: =?utf-8?Q?J=C3=BCrgen_\(i % 11)?= <juergen\(i % 11)@example.net>, team\(i % 3)@example.com\n"
            switch i % 12 {
            case 0:
                out += envelope + from + to + "Subject: films \(i)\n" + date + id + "\n"
                    + "My favourite:\n\nFrom Russia with love\n\nFrom the desk of the editor: nothing.\nFrom\n\n"
            case 1:
                // No blank line before the next envelope.
                out += envelope + from + to + "Subject: tight \(i)\n" + date + id + "\nno blank line follows\n"
            case 2:
                // A bare-sender envelope (a header line follows it).
                out += "From \(sender)\n" + from + "Subject: bare \(i)\n" + date + id + "\nx\n\n"
            case 3:
                out += "From - Mon Jun  3 12:50:27 1996\n" + from + to + "Subject: thunderbird \(i)\n" + date + id + "\nbody\n\n"
            case 4:
                // Content-Length counts an envelope-shaped body line (mboxcl2).
                let body = "Quoted, unescaped:\nFrom anna@example.org Mon Mar  4 09:12:44 2024\nFrom: nobody@example.org\n"
                out += envelope + from + "Subject: counted \(i)\n" + date + id + "Content-Length: \(body.utf8.count)\n\n"
                    + body + "\n"
            case 5:
                out += envelope + from + "Subject: wrong length \(i)\n" + date + id + "Content-Length: 5\n\n"
                    + "much longer than five bytes\n\n"
            case 6:
                out += envelope + from + to + "Subject: escaped \(i)\n" + date + id + "Content-Type: text/plain\n\n"
                    + ">From here on\n>>From there\n\n"
            case 7:
                // No header block at all: rejected, with a diagnostic naming it.
                out += envelope + "\n\nonly a body\n\n"
            case 8:
                out += (envelope + from + to + "Subject: crlf \(i)\n" + date + id + "\nline\nline\n\n")
                    .replacingOccurrences(of: "\n", with: "\r\n")
            case 9:
                // A folded header, an undated message, a garbage header line.
                out += envelope + from + "To: a\(i)@example.com,\n b\(i)@example.com\nSubject: folded\n \(i)\n" + id
                    + "not a header line\n\nbody\n\n"
            default:
                out += envelope + from + to + "Cc: \"Vogt, Anna\" <anna.vogt@example.org>\nSubject: plain \(i)\n" + date + id
                    + "\nHello.\n\n"
            }
            if i == longLineAt {
                out += envelope + from + "Subject: long line\n" + date + "\nFrom " + String(repeating: "y", count: 1_500_000) + "\n\n"
            }
        }
        return Array(out.utf8)
    }

    static func events(_ bytes: [UInt8], _ options: [String: String]) -> ImporterConformance.Outcome {
        importMail(bytes, name: "tricky.mbox", options: options)
    }

    @Test(arguments: [
        [:], ["snippet": "200", "mboxrd": "yes"], ["dedupe": "no", "content-length": "ignore"],
        ["me": "person3@example.org,juergen4@example.net"],
    ])
    func threadedEqualsOneThread(options: [String: String]) throws {
        // 3,000 messages: many batches (16, 32, ... 512) through a queue of two.
        let bytes = Self.trickyMbox(count: 3_000)
        var one = options
        one["threads"] = "1"
        let serial = Self.events(bytes, one)
        #expect(serial.thrown == nil)
        // Ignoring Content-Length splits at the counted envelope-shaped lines.
        #expect(serial.summary?.recordsRead == (options["content-length"] == nil ? 3_000 : 3_250))
        #expect(serial.codes().contains("mail.unreadable"))
        if options["dedupe"] == nil { #expect(serial.codes().contains("mail.message-id.reused")) }
        for threads in ["0", "2", "3"] {
            var o = options
            o["threads"] = threads
            let threaded = Self.events(bytes, o)
            #expect(threaded.thrown == nil)
            #expect(threaded.summary == serial.summary, "threads=\(threads)")
            #expect(threaded.events.count == serial.events.count, "threads=\(threads)")
            #expect(threaded.events == serial.events, "threads=\(threads)")
        }
    }

    @Test func anOverLongLineSplitsTheSameWay() throws {
        let bytes = Self.trickyMbox(count: 40, longLineAt: 20)
        let serial = Self.events(bytes, ["threads": "1", "snippet": "50"])
        let threaded = Self.events(bytes, ["threads": "2", "snippet": "50"])
        #expect(serial.summary?.recordsRead == 41)
        #expect(threaded.events == serial.events)
    }

    @Test func theSameThroughAFileInTinyReads() throws {
        let bytes = Self.trickyMbox(count: 600)
        let serial = Self.events(bytes, ["threads": "1"])
        let path = NSTemporaryDirectory() + "kith-mail-pipeline-\(getpid()).mbox"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        for chunk in [13, 4096] {
            var events: [ImportEvent] = []
            let stream = try ByteStream(path: path, chunkSize: chunk)
            _ = try MailPlugin().importRecords(
                from: .stream(stream, name: "tricky.mbox"), options: PluginOptions(["threads": "2"])
            ) { events.append($0) }
            #expect(events == serial.events, "chunk size \(chunk)")
        }
    }

    @Test func aConsumerErrorStopsTheSplitterThread() throws {
        struct Stop: Error {}
        let bytes = Self.trickyMbox(count: 12_000)
        let stream = ByteStream(bytes: bytes)
        var seen = 0
        #expect(throws: Stop.self) {
            _ = try MailPlugin().importRecords(from: .stream(stream, name: "tricky.mbox"), options: PluginOptions()) { event in
                if case .interaction = event { seen += 1 }
                if seen == 700 { throw Stop() }
            }
        }
        #expect(seen == 700)
        // Streaming: it stopped long before the end of the input.
        #expect(stream.bytesConsumed < bytes.count)
    }

    @Test func emptyAndTinyInputs() {
        for text in ["", "\n\n", "From a@example.org Mon Mar  4 09:12:44 2024\n", "From: a@example.org\nSubject: s\n\nbody"] {
            let serial = Self.events(Array(text.utf8), ["threads": "1"])
            let threaded = Self.events(Array(text.utf8), ["threads": "2"])
            #expect(threaded.events == serial.events)
            #expect(threaded.summary == serial.summary)
        }
    }
}
