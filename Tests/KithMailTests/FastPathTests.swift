import KithModel
import KithTestSupport
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

    @Test func rememberedAddressStringsAreWhatParsingMakes() {
        // More distinct addresses than the table has slots (entries are
        // replaced), each seen several times, mixed case, 8-bit bytes that
        // are not UTF-8 (never handed out from the table), names, groups.
        var scratch = AddressScratch.withStrings()
        for round in 0..<3 {
            for k in 0..<12_000 {
                var field = Array("\"Person \(k)\" <User.\(k % 9_000)@Example\(k % 7).org>, x\(k)@h.example".utf8)
                if k % 5 == 0 { field += Array(", =?utf-8?Q?J=C3=BCrgen?= <j\(k)@b\u{FC}ro.example>".utf8) }
                if k % 11 == 0 { field += [0x2C, 0x20, 0x6A, 0xFC, 0x40, 0x78, 0x2E, 0x64, 0x65] }  // "jü@x.de" in Latin-1
                if k % 13 == 0 { field += Array(", team: a\(k)@x.example, b@y.example;".utf8) }
                // Names that need cleaning (loose whitespace, enclosing quotes) or are plain words.
                if k % 3 == 0 { field += Array(", 'Anna  Vogt \(k % 50)' <a\(k % 50)@x.example>, Bob \(k % 40)\t Smith <b@x.example>, 'Zed\(k % 10)' <z@x.example>".utf8) }
                if k % 4 == 0 { field += Array(", Carla \(k % 30) <c@x.example> (Carla), d@x.example (Dora \(k % 20))".utf8) }
                let want = AddressParser.parse(field, messageCharset: nil)
                var got: [MailAddress] = []
                field.withUnsafeBufferPointer {
                    AddressParser.parse($0, messageCharset: nil, scratch: &scratch, into: &got)
                }
                #expect(got == want, "round \(round), field \(k)")
            }
        }
    }

    @Test func addressStringsMakeEachStringOnce() {
        let strings = AddressStrings()
        var made = 0
        func get(_ s: [UInt8]) -> String {
            s.withUnsafeBufferPointer { b in
                strings.string(b) {
                    made += 1
                    return Charset.headerText($0, messageCharset: nil)
                }
            }
        }
        let a = Array("anna.vogt@example.org".utf8)
        #expect(get(a) == "anna.vogt@example.org")
        #expect(get(a) == "anna.vogt@example.org")
        #expect(made == 1)
        let latin: [UInt8] = [0x6A, 0xFC, 0x40, 0x78]  // not UTF-8: made anew every time
        #expect(get(latin) == "j\u{FC}@x")
        #expect(get(latin) == "j\u{FC}@x")
        #expect(made == 3)
        #expect(get([]) == "" && made == 4)
    }

    @Test func fromKeysBehaveAsAList() {
        var k = FromKeys()
        #expect(k.first == nil && Array(k).isEmpty && !k.contains(0) && !k.contains { _ in true })
        k.append(7)
        #expect(k.first == 7 && Array(k) == [7] && k.contains(7) && !k.contains(8))
        k.append(8)
        k.append(7)
        #expect(k.first == 7 && Array(k) == [7, 8, 7] && k.contains(8) && k.contains { $0 > 7 } && !k.contains { $0 > 8 })
        // The sender check and the owner check see every From address, not only the first.
        let o = importMail(
            "From: A <a@x.example>, B <b@y.example>\nSender: b@y.example\nTo: c@z.example\nSubject: s\n\nbody\n",
            name: "m.eml", options: ["me": "b@y.example"])
        #expect(o.interactions.first?.participants.map(\.role.rawValue) == ["from", "from", "to"])
        #expect(o.interactions.first?.extensions["kith:direction"] == ["sent"])
    }
}
