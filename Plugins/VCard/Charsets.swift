import Foundation
import KithPlugin

/// Character sets seen in real vCards, by their IANA (and common vendor)
/// names, and a guess for 8-bit text that declares none.
enum Charsets {
    /// Decodes `bytes` in the named charset; nil when the name is unknown or
    /// the bytes are not valid in it.
    static func decode(_ bytes: [UInt8], charset name: String) -> String? {
        let key = name.lowercased().replacingOccurrences(of: "_", with: "-")
        switch key {
        case "utf-8", "utf8":
            return String(validating: bytes, as: UTF8.self)
        case "us-ascii", "ascii":
            return bytes.allSatisfy({ $0 < 0x80 }) ? String(decoding: bytes, as: UTF8.self) : nil
        case "utf-16", "utf-16be", "utf-16le", "unicode":
            return decodeUTF16(bytes, littleEndian: key == "utf-16le" || (key != "utf-16be" && bytes.starts(with: [0xFF, 0xFE])))
        default:
            guard let enc = encoding(key) else { return nil }
            return String(bytes: bytes, encoding: enc)
        }
    }

    /// True when Kith can decode the named charset.
    static func isKnown(_ name: String) -> Bool {
        let key = name.lowercased().replacingOccurrences(of: "_", with: "-")
        return ["utf-8", "utf8", "us-ascii", "ascii", "utf-16", "utf-16be", "utf-16le", "unicode"].contains(key)
            || encoding(key) != nil
    }

    private static func decodeUTF16(_ bytes: [UInt8], littleEndian: Bool) -> String {
        let hasBOM = bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
        var transcoder = UTF16Transcoder(bigEndian: !littleEndian)
        var out: [UInt8] = []
        transcoder.transcode(bytes.dropFirst(hasBOM ? 2 : 0), into: &out)
        transcoder.finish(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Foundation encodings; CoreFoundation ones (0x8000_0000 | CF value) for
    /// what `String.Encoding` has no constant for.
    private static func encoding(_ key: String) -> String.Encoding? {
        func cf(_ v: UInt) -> String.Encoding { String.Encoding(rawValue: 0x8000_0000 | v) }
        switch key {
        case "iso-8859-1", "latin1", "iso8859-1", "l1": return .isoLatin1
        case "iso-8859-2", "latin2", "iso8859-2": return .isoLatin2
        case "iso-8859-3": return cf(0x0203)
        case "iso-8859-4": return cf(0x0204)
        case "iso-8859-5": return cf(0x0205)
        case "iso-8859-6": return cf(0x0206)
        case "iso-8859-7": return cf(0x0207)
        case "iso-8859-8", "iso-8859-8-i": return cf(0x0208)
        case "iso-8859-9": return cf(0x0209)
        case "iso-8859-10": return cf(0x020A)
        case "iso-8859-13": return cf(0x020D)
        case "iso-8859-15", "latin9": return cf(0x020F)
        case "windows-1250", "cp1250", "x-cp1250": return .windowsCP1250
        case "windows-1251", "cp1251", "x-cp1251": return .windowsCP1251
        case "windows-1252", "cp1252", "x-cp1252", "ansi": return .windowsCP1252
        case "windows-1253", "cp1253": return .windowsCP1253
        case "windows-1254", "cp1254": return .windowsCP1254
        case "windows-1255", "cp1255": return cf(0x0505)
        case "windows-1256", "cp1256": return cf(0x0506)
        case "windows-1257", "cp1257": return cf(0x0507)
        case "windows-1258", "cp1258": return cf(0x0508)
        case "koi8-r": return cf(0x0A02)
        case "koi8-u": return cf(0x0A08)
        case "shift-jis", "shift_jis", "sjis", "x-sjis", "ms932", "cp932", "windows-31j": return .shiftJIS
        case "euc-jp": return .japaneseEUC
        case "iso-2022-jp": return .iso2022JP
        case "gb2312", "gbk", "cp936", "gb18030": return cf(0x0632)
        case "big5": return cf(0x0A03)
        case "euc-kr", "ks-c-5601-1987": return cf(0x0940)
        case "macintosh", "mac", "x-mac-roman": return .macOSRoman
        default: return nil
        }
    }

    /// Guesses the legacy code page of 8-bit text that is not UTF-8:
    /// Shift_JIS when the bytes form valid double-byte sequences, Windows-1251
    /// (or 1255 for Hebrew) when they form runs of letters, else Windows-1252.
    static func guess(_ bytes: [UInt8]) -> String {
        var sjisPairs = 0
        var latinLike = 0
        var sjisValid = true
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if (b >= 0x81 && b <= 0x9F) || (b >= 0xE0 && b <= 0xFC) {
                guard i + 1 < bytes.count else { sjisValid = false; break }
                let t = bytes[i + 1]
                if (t >= 0x40 && t <= 0x7E) || (t >= 0x80 && t <= 0xFC) {
                    sjisPairs += 1
                    // A Latin-1 letter followed by an ASCII letter ("ö" in "Töve") looks like a pair too.
                    if b >= 0xE0 && ((t >= 0x61 && t <= 0x7A) || (t >= 0x41 && t <= 0x5A)) { latinLike += 1 }
                    i += 2
                    continue
                }
                sjisValid = false
                break
            }
            if b >= 0xA0 && b <= 0xDF { i += 1; continue }  // half-width katakana
            if b >= 0x80 { sjisValid = false; break }
            i += 1
        }
        if sjisValid && sjisPairs >= 2 && latinLike * 2 <= sjisPairs { return "Shift_JIS" }
        // Cyrillic in 1251: letters are 0xC0–0xFF and come in runs.
        var run = 0, longRuns = 0, high = 0, letters = 0
        for b in bytes {
            if b >= 0x80 { high += 1 }
            if b >= 0xC0 {
                letters += 1
                run += 1
                if run == 3 { longRuns += 1 }
            } else {
                run = 0
            }
        }
        if longRuns > 0 && letters * 10 >= high * 8 {
            // Hebrew letters are 0xE0–0xFA only; Cyrillic capitals are 0xC0–0xDF.
            if bytes.allSatisfy({ $0 < 0x80 || ($0 >= 0xE0 && $0 <= 0xFA) }) { return "windows-1255" }
            return "windows-1251"
        }
        return "windows-1252"
    }
}
