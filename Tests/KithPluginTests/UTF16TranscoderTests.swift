import KithPlugin
import Testing

@Suite("UTF16Transcoder")
struct UTF16TranscoderTests {
    static let text = "Søren 😀 李\r\n"

    func utf16(_ s: String, bigEndian: Bool) -> [UInt8] {
        s.utf16.flatMap { u in bigEndian ? [UInt8(u >> 8), UInt8(u & 0xFF)] : [UInt8(u & 0xFF), UInt8(u >> 8)] }
    }

    @Test(arguments: [false, true])
    func anySplitGivesTheSameText(bigEndian: Bool) {
        let bytes = utf16(Self.text, bigEndian: bigEndian)
        for cut in 0...bytes.count {
            var t = UTF16Transcoder(bigEndian: bigEndian)
            var out: [UInt8] = []
            t.transcode(bytes[..<cut], into: &out)
            t.transcode(bytes[cut...], into: &out)
            t.finish(into: &out)
            #expect(String(decoding: out, as: UTF8.self) == Self.text, "cut at \(cut)")
            #expect(!t.replacedInvalid)
        }
    }

    @Test func unpairedSurrogatesAndADanglingByteAreReplaced() {
        var t = UTF16Transcoder(bigEndian: false)
        var out: [UInt8] = []
        // "A", a lone low surrogate, a high surrogate followed by "B", then one stray byte.
        t.transcode([0x41, 0x00, 0x00, 0xDC, 0x3D, 0xD8, 0x42, 0x00, 0x43], into: &out)
        t.finish(into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "A\u{FFFD}\u{FFFD}B\u{FFFD}")
        #expect(t.replacedInvalid)
    }
}
