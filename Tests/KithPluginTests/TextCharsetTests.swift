import Foundation
import KithPlugin
import Testing

@Suite("One table of charset labels")
struct TextCharsetTests {
    private func decode(_ label: String, _ bytes: [UInt8]) -> String? {
        TextCharset.named(label)?.decode(bytes)
    }

    @Test("labels match in any case and punctuation, RFC 2231 language suffixes dropped")
    func labelSpellings() {
        for label in ["ISO-8859-1", "iso_8859-1", "ISO8859-1", " \"latin1\" ", "iso-8859-1*en", "iso_8859-1:1987"] {
            #expect(TextCharset.named(label) == .windows1252, "\(label)")
        }
        for label in ["Shift_JIS", "shift-jis", "SJIS", "windows-31j", "CP932"] {
            #expect(TextCharset.named(label)?.name == "Shift_JIS", "\(label)")
        }
        #expect(TextCharset.named("UTF8") == .utf8)
        #expect(TextCharset.named("us-ascii") == .utf8)
        #expect(TextCharset.named("x-klingon") == nil)
        #expect(TextCharset.named("") == nil)
    }

    @Test("Latin-1 labels decode as Windows-1252: smart quotes and the euro sign, not C1 controls")
    func latin1IsWindows1252() {
        // “Zoë” €5 – as Outlook writes it into a vCard marked CHARSET=ISO-8859-1.
        let bytes: [UInt8] = [0x93, 0x5A, 0x6F, 0xEB, 0x94, 0x20, 0x80, 0x35, 0x20, 0x96]
        #expect(decode("ISO-8859-1", bytes) == "\u{201C}Zoë\u{201D} €5 \u{2013}")
        // The five unassigned bytes map to the C1 controls, never failing.
        #expect(decode("windows-1252", [0x41, 0x81, 0x8D]) == "A\u{81}\u{8D}")
    }

    @Test("supersets: EUC-KR as Windows-949, ISO-8859-8 as Windows-1255, ISO-8859-9 as Windows-1254")
    func supersets() {
        // 가 (B0A1) in both; 갂 (8141) exists only in the Windows-949 extension.
        #expect(decode("euc-kr", [0xB0, 0xA1, 0x81, 0x41]) == "가갂")
        #expect(decode("ks_c_5601-1987", [0xC7, 0xD1]) == "한")
        // Alef, bet, a qamats vowel point (0xC8) and the sheqel sign (0xA4).
        #expect(decode("iso-8859-8-i", [0xE0, 0xC8, 0xE1, 0x20, 0xA4]) == "א\u{05B8}ב ₪")
        // Turkish Ğ (0xD0) and the euro sign at 0x80 (Windows-1254 only).
        #expect(decode("iso-8859-9", [0xD0, 0x80]) == "Ğ€")
    }

    @Test("Mac OS Roman: 0x80 is Ä")
    func macRoman() {
        #expect(decode("macintosh", [0x80, 0x8A, 0xA5]) == "Ää•")
    }

    @Test("EUC-JP through Shift_JIS: kana, kanji on odd and even rows, half-width katakana")
    func eucJP() {
        // あ (row 4), 日本 (rows 38 and 43), ｱ (half-width, 8E B1), then ASCII.
        #expect(decode("EUC-JP", [0xA4, 0xA2, 0xC6, 0xFC, 0xCB, 0xDC, 0x8E, 0xB1, 0x21]) == "あ日本ｱ!")
        // Cells past 63 on an odd row skip the 0x7F trail byte of Shift_JIS: ム (row 5, cell 64).
        #expect(decode("euc-jp", [0xA5, 0xE0]) == "ム")
        // A cut pair and a JIS X 0212 character are invalid.
        #expect(decode("euc-jp", [0xA4]) == nil)
        #expect(decode("euc-jp", [0x8F, 0xB0, 0xA1]) == nil)
    }

    @Test("UTF-16: the byte-order mark decides, strict about unpaired surrogates; UTF-7")
    func unicodeForms() {
        #expect(decode("utf-16", [0xFF, 0xFE, 0x41, 0x00, 0xE9, 0x00]) == "Aé")
        #expect(decode("utf-16", [0x00, 0x41]) == "A")
        #expect(decode("utf-16le", [0x3D, 0xD8, 0x00, 0xDE]) == "😀")
        #expect(decode("utf-16be", [0xD8, 0x3D]) == nil)
        #expect(decode("utf-7", Array("Hi +AGkAZQ- 1+-1".utf8)) == "Hi ie 1+1")
        #expect(decode("utf-7", [0x41, 0xE9]) == nil)
    }

    @Test("strict decoders reject what the charset cannot hold")
    func strict() {
        #expect(decode("utf-8", [0x41, 0xC3]) == nil)
        #expect(decode("shift_jis", [0x82, 0xA0]) == "あ")
        #expect(TextCharset.named("KOI8-R")?.isLegacy == true)
        #expect(TextCharset.utf16LE.isLegacy == false)
    }

    @Test("random bytes in every charset: no crash; Windows-1252 always decodes")
    func randomBytes() {
        var rng = SplitMix(seed: 0x4B17)
        let labels = [
            "utf-8", "utf-16", "utf-16le", "utf-16be", "utf-7", "windows-1252", "iso-8859-2", "iso-8859-5", "iso-8859-8",
            "windows-1251", "windows-1256", "koi8-r", "ibm866", "macintosh", "shift_jis", "euc-jp", "iso-2022-jp", "gb2312",
            "big5", "big5-hkscs", "euc-kr", "windows-874",
        ]
        for label in labels {
            let charset = TextCharset.named(label)
            #expect(charset != nil, "\(label)")
            for _ in 0..<200 {
                let bytes = (0..<Int(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                _ = charset?.decode(bytes)
                #expect(TextCharset.windows1252.decode(bytes) != nil)
            }
        }
    }
}

/// A small seeded generator, so that the random cases are the same every run.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
