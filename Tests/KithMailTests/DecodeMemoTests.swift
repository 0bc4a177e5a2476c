import Foundation
import KithPlugin
import Testing

@testable import KithMail

@Suite("remembered decodings")
struct DecodeMemoTests {
    @Test func givesWhatTheDecoderGivesEvenWhenSlotsCollide() {
        // Two slots for hundreds of inputs: every lookup collides, entries
        // are replaced all the time; answers must not change.
        let memo = DecodeMemo(slots: 2)
        var calls = 0
        func decode(_ b: UnsafeBufferPointer<UInt8>) -> String? {
            calls += 1
            return b.count % 7 == 0 ? nil : String(decoding: b, as: UTF8.self).uppercased()
        }
        for round in 0..<3 {
            for k in 0..<300 {
                let bytes = Array("name \(k) \(String(repeating: "x", count: k % 13))".utf8)
                for tag: UInt in [0, 5] {
                    let got = bytes.withUnsafeBufferPointer { memo.value($0, tag: tag, decode) }
                    let want = bytes.withUnsafeBufferPointer { decode($0) }
                    #expect(got == want, "round \(round), input \(k), tag \(tag)")
                }
            }
        }
        // Repeats are answered from the table.
        let bytes = Array("=?utf-8?Q?J=C3=BCrgen?=".utf8)
        let before = calls
        for _ in 0..<10 { _ = bytes.withUnsafeBufferPointer { memo.value($0, tag: 1, decode) } }
        #expect(calls == before + 1)
    }

    @Test func emptyAndLongInputsAreNotKept() {
        let memo = DecodeMemo(slots: 4, maxLength: 8)
        var calls = 0
        func decode(_ b: UnsafeBufferPointer<UInt8>) -> String? {
            calls += 1
            return String(decoding: b, as: UTF8.self)
        }
        let long = Array("longer than eight".utf8)
        for _ in 0..<3 {
            #expect(long.withUnsafeBufferPointer { memo.value($0, tag: 0, decode) } == "longer than eight")
            #expect([UInt8]().withUnsafeBufferPointer { memo.value($0, tag: 0, decode) } == "")
        }
        #expect(calls == 6)
    }

    @Test func namesDecodeTheSameAcrossCharsets() {
        // The same bytes under another message charset are another entry.
        let raw = Array("Ren\u{E9}e <renee@example.org>".utf8)
        let latin = Array([0x52, 0x65, 0x6E, 0xE9, 0x65] + Array(" <renee@example.org>".utf8))
        #expect(AddressParser.parse(raw, messageCharset: nil).first?.name == "Renée")
        #expect(AddressParser.parse(latin, messageCharset: .windows1252).first?.name == "Renée")
        #expect(AddressParser.parse(latin, messageCharset: .foundation(String.Encoding.isoLatin2.rawValue)).first?.name == "Renée")
    }
}
