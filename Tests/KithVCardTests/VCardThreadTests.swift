import Foundation
import KithModel
import KithPlugin
import KithTestSupport
@testable import KithVCard
import Testing

/// Threaded reading (`threads=N`, `VCardParallel`) must give exactly the
/// one-thread reader's events: same contacts, diagnostics, line numbers,
/// record numbers and ids, whatever the batch boundaries.
@Suite("vCard reading on several threads")
struct VCardThreadTests {
    /// Events and summary of one read of `bytes`.
    static func events(_ bytes: [UInt8], threads: Int, batchBytes: Int = VCardParallel.batchBytes) throws -> ([ImportEvent], ImportSummary) {
        var events: [ImportEvent] = []
        let summary = try VCardPlugin.importStream(
            ByteStream(bytes: bytes), name: "t.vcf", plugin: "vcard", options: PluginOptions(), threads: threads,
            batchBytes: batchBytes
        ) { events.append($0) }
        return (events, summary)
    }

    /// Compares the threaded reads with the one-thread read for batch sizes
    /// from 1 byte upwards, so that cuts fall before every card.
    static func checkSame(_ text: String, _ label: String, sizes: [Int]? = nil) throws {
        let bytes = Array(text.utf8)
        let (serial, serialSummary) = try events(bytes, threads: 1)
        let sizes = sizes ?? (Array(1...40) + [64, 100, 150, 233, 400, 1000, 4096, 1 << 20])
        for threads in [2, 3] {
            for size in sizes {
                let (threaded, summary) = try events(bytes, threads: threads, batchBytes: size)
                #expect(summary == serialSummary, "\(label): threads=\(threads) batch=\(size)")
                #expect(threaded.count == serial.count, "\(label): threads=\(threads) batch=\(size)")
                if threaded != serial {
                    let k = (0..<min(threaded.count, serial.count)).first { threaded[$0] != serial[$0] } ?? min(threaded.count, serial.count)
                    Issue.record("\(label): threads=\(threads) batch=\(size): event \(k) differs:\n\(k < threaded.count ? "\(threaded[k])" : "-")\nvs\n\(k < serial.count ? "\(serial[k])" : "-")")
                    return
                }
            }
        }
    }

    static let plain = """
        BEGIN:VCARD
        VERSION:3.0
        UID:u1
        FN:Ann One
        EMAIL:ann@example.org
        END:VCARD
        BEGIN:VCARD
        VERSION:3.0
        FN:No Uid
        TEL:+1 555 0100
        END:VCARD

        """

    /// Every awkward thing near a card boundary, in one file.
    static let awkward = """
        # a comment before any card
        junk before the cards
        BEGIN:VCARD
        VERSION:2.1
        N:Boss;Big
        FN:Big Boss
        AGENT:
        BEGIN:VCARD
        VERSION:2.1
        EMAIL:assistant@example.org
        UID:dup
        END:VCARD
        TEL:+1 555 0101
        END:VCARD
        begin:vcard
        version:3.0
        uid:dup
        fn:Lower Case
        note:folded
          BEGIN:VCARD continues the note
        end:vcard
        BEGIN:VCARD
        VERSION:3.0
        FN:Missing End
        EMAIL:missing@example.org
        BEGIN:VCARD
        VERSION:2.1
        FN:Two One Missing End
        NOTE;ENCODING=QUOTED-PRINTABLE:soft=
        break =
        BEGIN:VCARD
        END:VCARD
        more junk
        # another comment
        BEGIN:VCARD
        VERSION:2.1
        FN:QP then blank
        NOTE;ENCODING=QUOTED-PRINTABLE:ends with=

        BEGIN:VCARD
        VERSION:2.1
        FN:Photo
        PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQSkZJRgABAQEASABIAAD
        /9j/4AAQSkZJRgABAQEASABIAAD
        /9j/4AAQSkZJRgABAQEASABIAAD

        END:VCARD
        BEGIN:VCARD  
        VERSION:3.0
        UID:dup
        FN:Third Dup
        END:VCARD
        END:VCARD
        FN:Without Begin
        EMAIL:implicit@example.org
        END:VCARD
         BEGIN:VCARD
        VERSION:3.0
        FN:Indented Begin
        END:VCARD
        BEGIN:VCARD
        VERSION:2.1
        FN:Agent Owner
        AGENT:
        BEGIN:VCARD
        VERSION:2.1
        TEL:+1 555 0199
        UID:u1
        END:VCARD
        END:VCARD
        BEGIN:VCARD
        VERSION:3.0
        UID:u1
        END:VCARD
        BEGIN:VCARD
        VERSION:3.0
        FN:Unended at the end
        """

    @Test("the one-thread events on a plain file, for every batch size")
    func plainFile() throws {
        try Self.checkSame(Self.plain + Self.plain + Self.plain, "plain")
    }

    @Test("nested AGENT cards, missing END, lower case, folds, QP soft breaks, base64, junk", arguments: ["\n", "\r\n", "\r", "\r\r\n"])
    func awkwardFile(_ eol: String) throws {
        let text = (Self.plain + Self.awkward).replacingOccurrences(of: "\n", with: eol)
        try Self.checkSame(text, "awkward \(eol.debugDescription)")
        try Self.checkSame(text + eol + Self.plain.replacingOccurrences(of: "\n", with: eol), "awkward+plain \(eol.debugDescription)")
    }

    @Test("no cards, only junk, or nothing at all")
    func noCards() throws {
        try Self.checkSame("", "empty", sizes: [1, 5, 100])
        try Self.checkSame("just some text\nand more\n# comment\n", "junk", sizes: [1, 5, 100])
        try Self.checkSame("END:VCARD\nEND:VCARD\n", "stray ends", sizes: [1, 5, 100])
    }

    @Test("a UTF-8 byte order mark is skipped; UTF-16 is read on one thread")
    func byteOrderMarks() throws {
        let text = Self.plain + Self.awkward
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let (serial, serialSummary) = try Self.events(bom + Array(text.utf8), threads: 1)
        for size in [1, 9, 100, 4096] {
            let (threaded, summary) = try Self.events(bom + Array(text.utf8), threads: 2, batchBytes: size)
            #expect(threaded == serial, "BOM, batch=\(size)")
            #expect(summary == serialSummary)
        }
        var utf16: [UInt8] = [0xFF, 0xFE]
        for u in text.utf16 { utf16 += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        let (serial16, _) = try Self.events(utf16, threads: 1)
        let (threaded16, _) = try Self.events(utf16, threads: 2, batchBytes: 1)
        #expect(threaded16 == serial16)
        #expect(threaded16.count == serial.count)
    }

    @Test("many cards with repeated UIDs across batches")
    func repeatedUIDs() throws {
        var text = ""
        for i in 0..<300 {
            text += "BEGIN:VCARD\nVERSION:3.0\nUID:u\(i % 37)\nFN:Person \(i)\nEMAIL:p\(i)@example.org\nEND:VCARD\n"
            if i % 50 == 7 { text += Self.awkward + "\n" }
        }
        try Self.checkSame(text, "repeated", sizes: [1, 7, 64, 300, 1000, 5000])
    }

    @Test("conformance with threads=2")
    func conformance() throws {
        let sample = Array((Self.plain + Self.awkward + "\n" + Self.plain).utf8)
        var o = PluginOptions()
        o["threads"] = "2"
        #expect(ImporterConformance.check(VCardPlugin(), sample: sample, fileName: "a.vcf", options: o) == [])
        let threaded = read(sample, options: o)
        let serial = read(sample, options: PluginOptions(["threads": "1"]))
        #expect(threaded.events == serial.events)
        #expect(threaded.summary == serial.summary)
    }

    @Test("threads expects a number")
    func badOption() {
        let o = read(Array(Self.plain.utf8), options: PluginOptions(["threads": "many"]))
        #expect(o.thrown != nil)
    }
}
