/// An instant in time, to the second, as seconds since 1970-01-01T00:00:00Z.
///
/// Kith keeps its own small type (rather than `Date`) so that the text form
/// is exact, round-trips without floating point, and formats and parses
/// without a date formatter (which is slow).
public struct Timestamp: Hashable, Sendable, Comparable {
    /// Seconds since the Unix epoch, UTC.
    public var secondsSince1970: Int64

    public init(secondsSince1970: Int64) {
        self.secondsSince1970 = secondsSince1970
    }

    /// Makes an instant from a civil date and time at a UTC offset; nil when a
    /// part is out of range.
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, utcOffsetSeconds: Int = 0) {
        guard (1...12).contains(month), (1...31).contains(day), day <= PartialDate.maxDay(month: month, year: year),
            (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        secondsSince1970 = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(utcOffsetSeconds)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.secondsSince1970 < rhs.secondsSince1970 }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
    /// public-domain algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil UTC date and time of this instant.
    public var components: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var days = secondsSince1970 / 86_400
        var rem = secondsSince1970 % 86_400
        if rem < 0 {
            rem += 86_400
            days -= 1
        }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d), Int(rem / 3600), Int(rem % 3600 / 60), Int(rem % 60))
    }

    /// ISO 8601 in UTC: `2024-03-12T10:15:00Z`.
    public var isoString: String {
        let c = components
        var out = [UInt8]()
        out.reserveCapacity(20)
        func put(_ v: Int, _ width: Int) {
            var digits = [UInt8](repeating: 48, count: width)
            var v = v
            var i = width - 1
            while i >= 0 {
                digits[i] = UInt8(48 + v % 10)
                v /= 10
                i -= 1
            }
            out += digits
        }
        put(c.year, 4); out.append(45); put(c.month, 2); out.append(45); put(c.day, 2)
        out.append(84); put(c.hour, 2); out.append(58); put(c.minute, 2); out.append(58); put(c.second, 2)
        out.append(90)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses ISO 8601 / RFC 3339 date-times: `YYYY-MM-DDTHH:MM[:SS[.fff]]`
    /// followed by `Z`, `±HH:MM`, `±HHMM` or nothing (taken as UTC). A space
    /// may stand for the `T`. Fractions of a second are dropped.
    public init?(iso text: some StringProtocol) {
        let b = Array(text.utf8)
        var i = 0
        func num(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in i..<i + n {
                let c = b[k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let y = num(4), expect(45), let mo = num(2), expect(45), let d = num(2) else { return nil }
        var h = 0, mi = 0, s = 0
        if i < b.count {
            guard b[i] == 84 || b[i] == 116 || b[i] == 32 else { return nil }
            i += 1
            guard let hh = num(2), expect(58), let mm = num(2) else { return nil }
            h = hh
            mi = mm
            if expect(58) {
                guard let ss = num(2) else { return nil }
                s = ss
                if i < b.count, b[i] == 46 || b[i] == 44 {
                    i += 1
                    while i < b.count, b[i] >= 48 && b[i] <= 57 { i += 1 }
                }
            }
        }
        var offset = 0
        if i < b.count {
            if b[i] == 90 || b[i] == 122 {
                i += 1
            } else if b[i] == 43 || b[i] == 45 {
                let sign = b[i] == 45 ? -1 : 1
                i += 1
                guard let oh = num(2) else { return nil }
                _ = expect(58)
                guard let om = num(2) else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            } else {
                return nil
            }
        }
        guard i == b.count else { return nil }
        self.init(year: y, month: mo, day: d, hour: h, minute: mi, second: s, utcOffsetSeconds: offset)
    }
}

extension Timestamp: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        guard let t = Timestamp(iso: try c.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an ISO 8601 date-time")
        }
        self = t
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(isoString)
    }
}

extension Timestamp: CustomStringConvertible {
    public var description: String { isoString }
}
