import Testing

@testable import KithMail

/// The hand-written shortcuts of the hot path give what the plain code gives.
@Suite("mail fast paths")
struct FastPathTests {
    @Test func firstAndLastMessageIDAgreeWithTheFullList() {
        let values = [
            "<a@x>", " <a@x> <b@y>\n <c@z>", "<a@x><b@y>", "<a b@x> <c@y>", "< >", "<>", "<", "<a@x", "a@x b@y",
            "no-brackets here", "just-one-word", "word a@x b", String(repeating: "w ", count: 200) + "a@x",
            String(repeating: "w", count: 300), "<\u{E9}t\u{E9}@x> <b@y>", "<a@x> trailing <", "", "  \t ",
            "<a@x> (comment) <b@y> <c\n @z>",
        ]
        for v in values {
            let b = Array(v.utf8)[...]
            let all = MessageParser.messageIDs(b)
            let ends = MessageParser.firstAndLastMessageID(b, wantLast: true)
            #expect(ends.first == all.first, "\(v)")
            #expect(ends.last == all.last, "\(v)")
            #expect(ends.count == all.count, "\(v)")
            #expect(MessageParser.firstAndLastMessageID(b, wantLast: false).first == all.first)
        }
        // Latin-1 bytes in an id are read as Windows-1252, as before.
        let latin: [UInt8] = [0x3C, 0xE9, 0x40, 0x78, 0x3E]
        #expect(MessageParser.firstAndLastMessageID(latin[...], wantLast: true).first == "\u{E9}@x")
    }

    @Test func contactKeysInOnePassMatchTheSeparateOnes() {
        for a in ["Anna.Vogt@Example.ORG", "root", "", "\u{C4}rger@b\u{FC}ro.de", "x@y@z"] {
            let k = ContactBook.foldedHashAndAt(a)
            #expect(k.hash == ContactBook.foldedHash(a))
            #expect(k.hasAt == a.utf8.contains(0x40))
        }
        #expect(ContactBook.nameKey(nil) == 0)
        #expect(ContactBook.nameKey("a@b") == 0)
        #expect(ContactBook.nameKey("Anna") == Array("Anna".utf8).withUnsafeBufferPointer { fnv1a($0) })
        #expect(ContactBook.keys(address: "A@B", name: "Anna") == (ContactBook.foldedHash("a@b"), ContactBook.nameKey("Anna")))
    }
}
