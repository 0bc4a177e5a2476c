import Foundation
import KithPlugin

/// Character sets of vCard values, by KithPlugin's one table of labels
/// (`TextCharset`), and a guess for 8-bit text that declares none.
enum Charsets {
    /// Decodes `bytes` in the named charset; nil when the name is unknown or
    /// the bytes are not valid in it.
    static func decode(_ bytes: [UInt8], charset name: String) -> String? {
        TextCharset.named(name)?.decode(bytes)
    }

    /// True when Kith can decode the named charset.
    static func isKnown(_ name: String) -> Bool { TextCharset.named(name) != nil }

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
