public import KithModel

/// A point in time as a blog wrote it: the instant, and the UTC offset the
/// text named (nil when it named none, in which case the instant reads the
/// wall-clock time as UTC).
public struct BlogDate: Hashable, Sendable {
    /// The instant.
    public var timestamp: Timestamp
    /// Minutes east of UTC, when the text gave a zone.
    public var utcOffsetMinutes: Int?

    /// A date from its parts.
    public init(timestamp: Timestamp, utcOffsetMinutes: Int?) {
        self.timestamp = timestamp
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    /// Parses the shapes blogs use, by hand (no date formatter):
    /// ISO 8601 and WordPress's `2009-12-14 18:35:00`; RFC 822 as in RSS
    /// (`Mon, 14 Dec 2009 18:35:00 +0000`); and bylines such as
    /// `14 Dec 2009 10:35 AM PST`, `December 14, 2009 at 10:35 am`,
    /// `Monday, 14 December 2009`. US and European zone abbreviations are
    /// known. Nil for `0000-00-00 00:00:00` and anything unreadable.
    public static func parse(_ text: String?) -> BlogDate? {
        guard let raw = text?.trimmingSpaces, !raw.isEmpty else { return nil }
        if raw.hasPrefix("0000-00-00") { return nil }
        if let wp = parseWordPress(raw) { return wp }
        if let iso = parseISO(raw) { return iso }
        return parseWords(raw)
    }

    /// WordPress's fixed `YYYY-MM-DD HH:MM:SS` (no zone), without
    /// allocating.
    static func parseWordPress(_ s: String) -> BlogDate? {
        var s = s
        return s.withUTF8 { p -> BlogDate? in
            guard p.count == 19, p[4] == 45, p[7] == 45, p[10] == 32, p[13] == 58, p[16] == 58 else { return nil }
            func num(_ a: Int, _ len: Int) -> Int? {
                var v = 0
                for k in a..<a + len {
                    let c = p[k]
                    guard c >= 48 && c <= 57 else { return nil }
                    v = v * 10 + Int(c - 48)
                }
                return v
            }
            guard let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2), let sec = num(17, 2),
                let t = Timestamp(year: y, month: mo, day: d, hour: h, minute: mi, second: sec)
            else { return nil }
            return BlogDate(timestamp: t, utcOffsetMinutes: nil)
        }
    }

    /// ISO 8601 (and the space-separated WordPress form).
    static func parseISO(_ s: String) -> BlogDate? {
        let b = Array(s.utf8)
        guard b.count >= 10, b[4] == 45, b[7] == 45 else { return nil }
        // Find whether a zone is given after the time.
        var hasZone = false
        if b.count > 10 {
            if let last = b.last, last == 90 || last == 122 { hasZone = true }
            var k = b.count - 1
            while k > 10 {
                if b[k] == 43 || (b[k] == 45 && k > 12) {
                    hasZone = true
                    break
                }
                k -= 1
            }
        }
        guard let t = Timestamp(iso: s) else { return nil }
        guard hasZone else { return BlogDate(timestamp: t, utcOffsetMinutes: nil) }
        // Offset: compare with the same text read as wall-clock UTC.
        var wall = s
        if let last = wall.last, last == "Z" || last == "z" {
            wall.removeLast()
        } else if let idx = wall.lastIndex(where: { $0 == "+" || $0 == "-" }), wall.distance(from: wall.startIndex, to: idx) > 12 {
            wall = String(wall[..<idx])
        }
        guard let w = Timestamp(iso: wall) else { return BlogDate(timestamp: t, utcOffsetMinutes: 0) }
        return BlogDate(timestamp: t, utcOffsetMinutes: Int((w.secondsSince1970 - t.secondsSince1970) / 60))
    }

    static let months: [String: Int] = [
        "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
        "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
        "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
        // German and French month names seen on European blogs.
        "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "mai": 5, "juni": 6, "juli": 7, "oktober": 10,
        "dezember": 12, "janvier": 1, "février": 2, "mars": 3, "avril": 4, "juin": 6, "juillet": 7, "août": 8,
        "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
    ]

    static let zones: [String: Int] = [
        "utc": 0, "gmt": 0, "ut": 0, "z": 0, "wet": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
        "mst": -420, "mdt": -360, "pst": -480, "pdt": -420, "akst": -540, "akdt": -480, "hst": -600, "ast": -240,
        "adt": -180, "nst": -210, "ndt": -150, "bst": 60, "west": 60, "cet": 60, "cest": 120, "met": 60,
        "mez": 60, "mesz": 120, "eet": 120, "eest": 180, "msk": 180, "jst": 540, "kst": 540, "aest": 600,
        "aedt": 660, "acst": 570, "awst": 480, "nzst": 720, "nzdt": 780,
    ]

    /// A word-based reader for RFC 822 dates and bylines.
    static func parseWords(_ s: String) -> BlogDate? {
        // Tokens: runs of letters, runs of digits, and the punctuation that
        // matters (":" inside times, "+"/"-" before zone offsets).
        var tokens: [String] = []
        var cur = ""
        var curKind = 0  // 1 letters, 2 digits
        func push() {
            if !cur.isEmpty { tokens.append(cur) }
            cur = ""
            curKind = 0
        }
        for ch in s.lowercased() {
            let kind = ch.isLetter ? 1 : ch.isNumber && ch.isASCII ? 2 : 0
            if kind == 0 {
                push()
                if ch == ":" || ch == "+" || ch == "-" || ch == "/" || ch == "." { tokens.append(String(ch)) }
                continue
            }
            if kind != curKind { push() }
            cur.append(ch)
            curKind = kind
        }
        push()

        var year: Int?, month: Int?, day: Int?
        var hour: Int?, minute = 0, second = 0
        var pm: Bool?
        var offset: Int?
        var numbers: [Int] = []
        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            if let m = months[t] ?? (t.count > 3 ? months[String(t.prefix(3))] : nil), month == nil, t.count >= 3 {
                month = m
            } else if let first = t.first, first.isNumber {
                let v = Int(t) ?? -1
                if i + 2 < tokens.count, tokens[i + 1] == ":", let mm = Int(tokens[i + 2]), hour == nil, v < 24 {
                    hour = v
                    minute = mm
                    i += 2
                    if i + 2 < tokens.count, tokens[i + 1] == ":", let ss = Int(tokens[i + 2]) {
                        second = ss
                        i += 2
                    }
                } else if t.count == 4 && year == nil {
                    year = v
                } else if t.count <= 2 {
                    numbers.append(v)
                } else if t.count == 8, year == nil, month == nil {
                    // 20091214
                    year = v / 10000
                    month = (v / 100) % 100
                    day = v % 100
                }
            } else if t == "am" || t == "a" && i + 1 < tokens.count && tokens[i + 1] == "m" {
                pm = false
            } else if t == "pm" || t == "p" && i + 1 < tokens.count && tokens[i + 1] == "m" {
                pm = true
            } else if (t == "+" || t == "-"), hour != nil, i + 1 < tokens.count, let f = tokens[i + 1].first, f.isNumber {
                let sign = t == "-" ? -1 : 1
                let digits = tokens[i + 1]
                var oh = 0, om = 0
                if digits.count == 4, let v = Int(digits) {
                    oh = v / 100
                    om = v % 100
                } else if digits.count <= 2, let v = Int(digits) {
                    oh = v
                    if i + 3 < tokens.count, tokens[i + 2] == ":", let m = Int(tokens[i + 3]) {
                        om = m
                        i += 2
                    }
                }
                offset = (offset ?? 0) + sign * (oh * 60 + om)
                i += 1
            } else if let z = zones[t], hour != nil || offset == nil {
                offset = z
            }
            i += 1
        }
        // Day: the first small number not used (with a month name); numeric
        // dates such as 14/12/2009 are ambiguous, read day-month unless the
        // first number cannot be a day... then month-day.
        if month == nil, numbers.count >= 2 {
            let a = numbers[0], b = numbers[1]
            if a > 12 { day = a; month = b } else if b > 12 { month = a; day = b } else { day = a; month = b }
        } else if day == nil, let d = numbers.first {
            day = d
        }
        // Blogs did not exist before 1990; "-0001" is WordPress's "no date".
        guard let y = year, (1970...2200).contains(y), let m = month, let d = day else { return nil }
        var h = hour ?? 0
        if let pm {
            if pm && h < 12 { h += 12 }
            if !pm && h == 12 { h = 0 }
        }
        guard let t = Timestamp(year: y, month: m, day: d, hour: h, minute: minute, second: second, utcOffsetSeconds: (offset ?? 0) * 60)
        else { return nil }
        return BlogDate(timestamp: t, utcOffsetMinutes: offset)
    }
}
