internal import Foundation

/// Comparison forms of free text: Unicode NFKC, case and accent folding,
/// punctuation turned into word breaks. Display values are never changed;
/// these forms exist only to compare.
public enum TextFolding {
    /// Folds `text` to lower-case ASCII where it can ("Jürgen Müller-Lüdenscheidt"
    /// → "jurgen muller ludenscheidt"): NFKC, case and diacritics folded, a few
    /// letters that have no decomposition spelled out (ß → ss, ø → o, ł → l),
    /// apostrophes dropped, every other non-alphanumeric a single space.
    public static func fold(_ text: some StringProtocol) -> String {
        var ascii = true
        for b in text.utf8 where b >= 0x80 {
            ascii = false
            break
        }
        if ascii { return foldASCII(Array(text.utf8)) }
        var s = String(text).precomposedStringWithCompatibilityMapping
        s = s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "ß": out += "ss"
            case "ø", "Ø": out += "o"
            case "æ", "Æ": out += "ae"
            case "œ", "Œ": out += "oe"
            case "ł", "Ł": out += "l"
            case "đ", "Đ", "ð": out += "d"
            case "þ": out += "th"
            case "ı": out += "i"
            case "’", "'", "`", "´": break
            default:
                if ch.properties.isAlphabetic || ch.properties.numericType != nil {
                    out.unicodeScalars.append(ch)
                } else {
                    out += " "
                }
            }
        }
        return collapseSpaces(out)
    }

    /// The words of the folded form.
    public static func tokens(_ text: some StringProtocol) -> [String] {
        fold(text).split(separator: " ").map(String.init)
    }

    private static func foldASCII(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var pendingSpace = false
        for var b in bytes {
            if b >= 65 && b <= 90 { b += 32 }
            let alnum = (b >= 97 && b <= 122) || (b >= 48 && b <= 57)
            if alnum {
                if pendingSpace && !out.isEmpty { out.append(32) }
                pendingSpace = false
                out.append(b)
            } else if b == 39 || b == 96 {
                continue  // apostrophes join: O'Brien → obrien
            } else {
                pendingSpace = true
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func collapseSpaces(_ s: String) -> String {
        s.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}
