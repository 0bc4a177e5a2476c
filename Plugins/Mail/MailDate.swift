public import KithModel

/// A date read from a `Date:` header or an mbox envelope line.
public struct MailDate: Hashable, Sendable {
    /// The instant (taken as UTC when the zone was unknown).
    public var timestamp: Timestamp
    /// The offset written, in minutes; nil when the zone was missing,
    /// `-0000` or a name that is not known.
    public var utcOffsetMinutes: Int?

    /// Parses RFC 5322 dates and the obsolete and broken forms seen in real
    /// mail: optional day name, 2- and 3-digit years, zone names (`EST`,
    /// `CEST`), comments (`(EDT) -0400`, `+0200 (CEST)`), 12-hour clocks,
    /// missing seconds, `asctime` order (`Mon Jun  3 12:50:27 1996`), ISO
    /// 8601 (`2024-03-12 10:15:00`). nil when no date can be read.
    ///
    /// Hand-written on bytes: date formatters are slow and reject half of
    /// these forms.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard let d = bytes.withUnsafeBufferPointer({ MailDate.parse($0) }) else { return nil }
        self = d
    }

    init(timestamp: Timestamp, utcOffsetMinutes: Int?) {
        self.timestamp = timestamp
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> MailDate? {
        // The word and number lists live on the stack (at most 24 words are
        // read): two heap arrays per message cost more than the parsing.
        withUnsafeTemporaryAllocation(of: (kind: UInt8, start: Int, end: Int).self, capacity: 24) { w in
            withUnsafeTemporaryAllocation(of: (value: Int, digits: Int).self, capacity: 24) { nums in
                parse(b, wordSpace: w, numberSpace: nums)
            }
        }
    }

    /// A fixed-capacity list in caller-provided memory (the date's words
    /// and numbers; trivial element types only).
    private struct Slots<T> {
        let base: UnsafeMutableBufferPointer<T>
        private(set) var count = 0
        init(_ base: UnsafeMutableBufferPointer<T>) { self.base = base }
        mutating func append(_ x: T) {
            guard count < base.count else { return }
            base[count] = x
            count += 1
        }
        var all: UnsafeMutableBufferPointer<T> { UnsafeMutableBufferPointer(rebasing: base[0..<count]) }
    }

    private static func parse(
        _ b: UnsafeBufferPointer<UInt8>, wordSpace: UnsafeMutableBufferPointer<(kind: UInt8, start: Int, end: Int)>,
        numberSpace: UnsafeMutableBufferPointer<(value: Int, digits: Int)>
    ) -> MailDate? {
        // Tokens: runs of letters, runs of digits (with ':' inside for
        // times), signs with digits for zones. Comments are dropped.
        var words = Slots(wordSpace)  // kind: a=alpha, d=digits, t=time, z=zone
        var i = 0
        let n = b.count
        while i < n, words.count < 24 {
            let c = b[i]
            if c == 0x28 {
                var depth = 0
                while i < n {
                    if b[i] == 0x28 { depth += 1 }
                    if b[i] == 0x29 {
                        depth -= 1
                        if depth == 0 { break }
                    }
                    i += 1
                }
                i += 1
                continue
            }
            if isAlpha(c) {
                let s = i
                while i < n, isAlpha(b[i]) { i += 1 }
                words.append((0x61, s, i))
                continue
            }
            if isDigit(c) {
                let s = i
                var colon = false
                var dash = false
                while i < n, isDigit(b[i]) || b[i] == 0x3A || (b[i] == 0x2D && !colon && i + 1 < n && isDigit(b[i + 1]))
                    || (b[i] == 0x2E && colon && i + 1 < n && isDigit(b[i + 1]))
                {
                    if b[i] == 0x3A { colon = true }
                    if b[i] == 0x2D { dash = true }
                    i += 1
                }
                if dash && !colon {
                    words.append((0x69, s, i))  // ISO date "2024-03-12"
                } else {
                    words.append((colon ? 0x74 : 0x64, s, i))
                }
                // ISO "T" between date and time.
                if dash, i < n, b[i] == 0x54 || b[i] == 0x74 { i += 1 }
                continue
            }
            if (c == 0x2B || c == 0x2D), i + 1 < n, isDigit(b[i + 1]) {
                let s = i
                i += 1
                while i < n, isDigit(b[i]) || b[i] == 0x3A { i += 1 }
                words.append((0x7A, s, i))
                continue
            }
            i += 1
        }

        var day: Int?, month: Int?, year: Int?
        var hour: Int?, minute = 0, second = 0
        var offset: Int?  // minutes
        var zoneSeen = false
        var pm: Bool?
        var numbers = Slots(numberSpace)
        for w in words.all {
            switch w.kind {
            case 0x61:
                let len = w.end - w.start
                if let m = monthNumber(b, w.start, len) {
                    if month == nil { month = m }
                } else if len == 2, lower(b[w.start]) == 0x61 || lower(b[w.start]) == 0x70, lower(b[w.start + 1]) == 0x6D {
                    pm = lower(b[w.start]) == 0x70
                } else if !zoneSeen, hour != nil || day != nil, let z = zoneName(b, w.start, len) {
                    zoneSeen = true
                    offset = z
                } else if len == 1, lower(b[w.start]) == 0x7A, hour != nil {
                    zoneSeen = true
                    offset = 0
                }
            case 0x64:
                numbers.append((number(b, w.start, w.end), w.end - w.start))
            case 0x69:
                // yyyy-mm-dd
                let parts = split(b, w.start, w.end, 0x2D)
                if parts.count == 3, parts[0].1 == 4 {
                    year = parts[0].0
                    month = parts[1].0
                    day = parts[2].0
                }
            case 0x74:
                if hour == nil {
                    let parts = split(b, w.start, w.end, 0x3A)
                    guard parts.count >= 2 else { continue }
                    hour = parts[0].0
                    minute = parts[1].0
                    if parts.count >= 3 { second = parts[2].0 }
                }
            case 0x7A:
                if hour == nil {
                    // "8-Mar-2024": a dash before a number that precedes the time.
                    numbers.append((number(b, w.start + 1, w.end), w.end - w.start - 1))
                } else if !zoneSeen {
                    zoneSeen = true
                    offset = numericZone(b, w.start, w.end)
                }
            default: break
            }
        }
        // Day and year from the bare numbers: a 3+ digit number or one above
        // 31 is the year; the first small one the day.
        for num in numbers.all {
            if year == nil, num.digits >= 3 || num.value > 31 {
                year = num.value
            } else if day == nil, (1...31).contains(num.value) {
                day = num.value
            } else if year == nil {
                year = num.value
            }
        }
        guard var y = year, let mo = month, let d = day else { return nil }
        if y < 50 && (numbers.all.first { $0.value == y }?.digits ?? 4) <= 2 {
            y += 2000
        } else if y < 1000 {
            y += 1900
        }
        var h = hour ?? 0
        if let pm {
            if pm && h < 12 { h += 12 }
            if !pm && h == 12 { h = 0 }
        }
        if second == 60 { second = 59 }
        guard let ts = Timestamp(year: y, month: mo, day: d, hour: h, minute: minute, second: second,
            utcOffsetSeconds: (offset ?? 0) * 60)
        else { return nil }
        return MailDate(timestamp: ts, utcOffsetMinutes: offset)
    }

    private static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func lower(_ c: UInt8) -> UInt8 { c | 0x20 }

    private static func number(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Int {
        var v = 0
        for k in s..<min(e, s + 9) { v = v * 10 + Int(b[k] - 0x30) }
        return v
    }

    /// The pieces of `b[s..<e]` between `sep`s and dots: how many, and the
    /// first three (value, digit count). No array: it runs for every time.
    private struct Parts {
        var count = 0
        var p: ((Int, Int), (Int, Int), (Int, Int)) = ((0, 0), (0, 0), (0, 0))
        subscript(i: Int) -> (Int, Int) { i == 0 ? p.0 : i == 1 ? p.1 : p.2 }
    }

    private static func split(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ sep: UInt8) -> Parts {
        var out = Parts()
        var start = s
        for k in s...e where k == e || b[k] == sep || b[k] == 0x2E {
            let piece = (number(b, start, k), k - start)
            switch out.count {
            case 0: out.p.0 = piece
            case 1: out.p.1 = piece
            case 2: out.p.2 = piece
            default: break
            }
            out.count += 1
            start = k + 1
        }
        return out
    }

    private static let months: [UInt32] = [
        0x6A616E, 0x666562, 0x6D6172, 0x617072, 0x6D6179, 0x6A756E, 0x6A756C, 0x617567, 0x736570, 0x6F6374, 0x6E6F76, 0x646563,
    ]

    private static func monthNumber(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ len: Int) -> Int? {
        guard len >= 3 else { return nil }
        let key = UInt32(lower(b[s])) << 16 | UInt32(lower(b[s + 1])) << 8 | UInt32(lower(b[s + 2]))
        guard let i = months.firstIndex(of: key) else { return nil }
        return i + 1
    }

    /// `+hhmm`, `-hh:mm`, `+hh`; `-0000` means "unknown" (RFC 5322 §3.3).
    private static func numericZone(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Int? {
        var digits = (0, 0, 0, 0)
        var count = 0
        for k in (s + 1)..<e where isDigit(b[k]) {
            let d = Int(b[k] - 0x30)
            switch count {
            case 0: digits.0 = d
            case 1: digits.1 = d
            case 2: digits.2 = d
            case 3: digits.3 = d
            default: return nil
            }
            count += 1
        }
        let sign = b[s] == 0x2D ? -1 : 1
        let h: Int, m: Int
        switch count {
        case 4:
            h = digits.0 * 10 + digits.1
            m = digits.2 * 10 + digits.3
        case 2:
            h = digits.0 * 10 + digits.1
            m = 0
        case 3:
            h = digits.0
            m = digits.1 * 10 + digits.2
        case 1:
            h = digits.0
            m = 0
        default: return nil
        }
        guard h <= 14, m < 60 else { return nil }
        if h == 0 && m == 0 && sign < 0 { return nil }
        return sign * (h * 60 + m)
    }

    /// Zone names: RFC 5322's obsolete US zones and the common abbreviations
    /// mailers wrote; ambiguous ones (IST, CST in China) take the RFC
    /// meaning or are left unknown. Military letters are unknown (RFC 5322).
    private static func zoneName(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ len: Int) -> Int?? {
        guard len >= 2, len <= 5 else { return nil }
        var key = ""
        for k in s..<(s + len) { key.unicodeScalars.append(Unicode.Scalar(b[k] & ~0x20)) }
        if let z = zones[key] { return .some(z) }
        return nil
    }

    private static let zones: [String: Int?] = [
        "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 60, "IST": nil, "WEST": 60, "CET": 60, "MET": 60, "MEZ": 60,
        "CEST": 120, "MEST": 120, "MESZ": 120, "EET": 120, "EEST": 180, "MSK": 180, "MSD": 240,
        "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
        "AKST": -540, "AKDT": -480, "HST": -600, "AST": -240, "ADT": -180, "NST": -210, "NDT": -150,
        "JST": 540, "KST": 540, "HKT": 480, "SGT": 480, "AWST": 480, "ACST": 570, "AEST": 600, "AEDT": 660,
        "NZST": 720, "NZDT": 780,
    ]
}
