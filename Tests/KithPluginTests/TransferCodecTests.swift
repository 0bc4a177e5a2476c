import KithPlugin
import Testing

@Suite("Transfer encodings")
struct TransferCodecTests {
    func base64(_ text: String, skippingInvalid: Bool) -> (String, Bool) {
        var out: [UInt8] = []
        let ok = Array(text.utf8).withUnsafeBufferPointer { TransferCodec.appendBase64($0, to: &out, skippingInvalid: skippingInvalid) }
        return (String(decoding: out, as: UTF8.self), ok)
    }

    func qp(_ text: String) -> (String, Bool) {
        var out: [UInt8] = []
        let malformed = Array(text.utf8).withUnsafeBufferPointer { TransferCodec.appendQuotedPrintable($0, to: &out) }
        return (String(decoding: out, as: UTF8.self), malformed)
    }

    @Test func base64DecodesBothAlphabetsAndRunTogetherPaddedChunks() {
        #expect(base64("SsO8cmdlbg==", skippingInvalid: false) == ("Jürgen", true))
        // "Jürgen" + "?>" in the URL-safe alphabet ('-' and '_').
        #expect(base64("SsO8cmdlbj8-", skippingInvalid: false).0 == "Jürgen?>")
        // Two padded chunks, as some mailers concatenate them in one word.
        #expect(base64("SGk=VGhlcmU=", skippingInvalid: false).0 == "HiThere")
        // Missing padding: the whole bytes still come out.
        #expect(base64("SGVsbG8", skippingInvalid: false).0 == "Hello")
    }

    @Test func base64StrictStopsAtAStrangeCharacterLenientSkipsIt() {
        #expect(base64("SGVs bG8=", skippingInvalid: false).1 == false)
        #expect(base64("SGVs\r\nbG8=", skippingInvalid: true) == ("Hello", true))
    }

    @Test func quotedPrintableBytesSoftBreaksAndMalformedEquals() {
        #expect(qp("Gr=C3=BC=C3=9Fe") == ("Grüße", false))
        #expect(qp("one =\r\ntwo =\nthree=") == ("one two three", false))
        #expect(qp("a=ZZb") == ("a=ZZb", true))
        #expect(qp("=4") == ("=4", true))
    }

    @Test func hexDigits() {
        #expect(TransferCodec.hexValue(UInt8(ascii: "a")) == 10)
        #expect(TransferCodec.hexValue(UInt8(ascii: "F")) == 15)
        #expect(TransferCodec.hexValue(UInt8(ascii: "g")) == nil)
    }
}
