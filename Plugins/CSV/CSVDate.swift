import Foundation
import KithModel

/// Parses the date shapes contact CSVs hold, by hand (formatters are slow):
/// ISO 8601 (`1986-04-12`, `--04-12`, `19860412`), numeric with `/ . -`
/// (`4/12/1986`, `12.04.1986`, `1986/04/12`), and month names
/// (`12 Mar 2024`, `Mar 12, 2024`, `12-Mär-24`) in the header languages.
enum CSVDate {
    /// The outcome of reading a date cell.
    enum Parsed: Equatable {
        /// A zero date ("0/0/00", Outlook's "none").
        case empty
        case date(PartialDate)
        case invalid
    }

    /// `dayFirst` decides `04/05/2024` (true: 4 May); an unambiguous cell
    /// (a part above 12) decides itself.
    static func parse(_ text: String, dayFirst: Bool) -> Parsed {
        let t = text.trimmingASCIISpaces()
        if t.isEmpty { return .empty }
        if let d = PartialDate(iso: t) { return .date(d) }
        var tokens: [(digits: Bool, text: Substring)] = []
        var i = t.startIndex
        while i < t.endIndex {
            let c = t[i]
            if c.isNumber || c.isLetter {
                let digits = c.isNumber
                var j = t.index(after: i)
                while j < t.endIndex, digits ? t[j].isNumber : t[j].isLetter { j = t.index(after: j) }
                tokens.append((digits, t[i..<j]))
                i = j
            } else {
                // A time part ends the date: "4/12/1986 0:00:00", "2024-03-12T10:00".
                if c == ":" { break }
                i = t.index(after: i)
            }
        }
        // Drop a trailing time ("… 10" before ":") and weekday names.
        if t.contains(":"), let last = tokens.last, last.digits, tokens.count > 3 { tokens.removeLast() }
        tokens.removeAll { !$0.digits && weekday($0.text) }
        if tokens.allSatisfy({ $0.digits }) && !tokens.isEmpty && tokens.allSatisfy({ Int($0.text) == 0 }) { return .empty }
        let nums = tokens.map { $0.digits ? Int($0.text) : nil }
        func year(_ s: Substring, _ v: Int) -> Int { s.count <= 2 ? (v < 30 ? 2000 + v : 1900 + v) : v }
        func make(_ y: Int?, _ m: Int?, _ d: Int?) -> Parsed {
            PartialDate(year: y, month: m, day: d).map { .date($0) } ?? .invalid
        }
        switch tokens.count {
        case 3:
            let (a, b, c) = (tokens[0], tokens[1], tokens[2])
            if a.digits && b.digits && c.digits, let x = nums[0], let y = nums[1], let z = nums[2] {
                if a.text.count == 4 { return make(x, y, z) }
                let yr = year(c.text, z)
                if x > 12 { return make(yr, y, x) }
                if y > 12 { return make(yr, x, y) }
                return dayFirst ? make(yr, y, x) : make(yr, x, y)
            }
            if a.digits, !b.digits, c.digits, let m = month(b.text), let d = nums[0], let y = nums[2] {
                if a.text.count == 4 { return make(d, m, y) }  // 2024-Mar-12
                return make(year(c.text, y), m, d)
            }
            if !a.digits, b.digits, c.digits, let m = month(a.text), let d = nums[1], let y = nums[2] {
                return make(year(c.text, y), m, d)
            }
            return .invalid
        case 2:
            let (a, b) = (tokens[0], tokens[1])
            if a.digits, b.digits, let x = nums[0], let y = nums[1] {
                if a.text.count == 4 { return make(x, y, nil) }
                if b.text.count == 4 { return make(y, x, nil) }
                if x > 12 { return make(nil, y, x) }
                if y > 12 { return make(nil, x, y) }
                return dayFirst ? make(nil, y, x) : make(nil, x, y)
            }
            if a.digits, !b.digits, let m = month(b.text), let d = nums[0] { return make(nil, m, d) }
            if !a.digits, b.digits, let m = month(a.text), let v = nums[1] {
                return b.text.count == 4 ? make(v, m, nil) : make(nil, m, v)
            }
            return .invalid
        default:
            return .invalid
        }
    }

    /// Month names and abbreviations in English, German, French, Spanish,
    /// Italian, Dutch and Portuguese, by their first letters.
    static func month(_ word: Substring) -> Int? {
        let w = String(word).lowercased().folding(options: .diacriticInsensitive, locale: nil)
        let prefixes: [(String, Int)] = [
            ("jan", 1), ("gen", 1), ("ene", 1), ("janv", 1),
            ("feb", 2), ("fev", 2), ("fév", 2), ("febr", 2),
            ("mar", 3), ("mrz", 3), ("maa", 3), ("mär", 3),
            ("apr", 4), ("avr", 4), ("abr", 4),
            ("may", 5), ("mai", 5), ("mei", 5), ("mag", 5), ("mayo", 5),
            ("jun", 6), ("juin", 6), ("giu", 6),
            ("jul", 7), ("juil", 7), ("lug", 7),
            ("aug", 8), ("aou", 8), ("ago", 8),
            ("sep", 9), ("set", 9),
            ("oct", 10), ("okt", 10), ("ott", 10), ("out", 10),
            ("nov", 11),
            ("dec", 12), ("dez", 12), ("dic", 12),
        ]
        guard w.count >= 3 else { return nil }
        // French "juin"/"juil" and Portuguese "mar(ço)" vs "mai(o)" need four letters.
        if w.hasPrefix("juil") { return 7 }
        if w.hasPrefix("juin") { return 6 }
        if w.hasPrefix("ma") && w.count >= 3 {
            let third = w[w.index(w.startIndex, offsetBy: 2)]
            if third == "r" { return 3 }
            if third == "i" || third == "y" || third == "g" { return 5 }
        }
        return prefixes.first { w.hasPrefix($0.0) }?.1
    }

    static func weekday(_ word: Substring) -> Bool {
        let w = word.lowercased()
        return ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].contains { w.hasPrefix($0) } && w.count <= 9
            && month(word) == nil
    }
}

extension String {
    /// The string without leading and trailing ASCII spaces and tabs.
    func trimmingASCIISpaces() -> String {
        let u = utf8
        var s = u.startIndex
        var e = u.endIndex
        while s < e, u[s] == 0x20 || u[s] == 0x09 { s = u.index(after: s) }
        while e > s, u[u.index(before: e)] == 0x20 || u[u.index(before: e)] == 0x09 { e = u.index(before: e) }
        if s == u.startIndex && e == u.endIndex { return self }
        return String(self[s..<e])
    }
}
