/// A calendar date of which any part may be unknown: a birthday without a
/// year ("--03-14") is normal in address books.
///
/// The text form follows ISO 8601 / RFC 6350 reduced and truncated dates:
/// `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, `--MM-DD`, `--MM`, `---DD`.
public struct PartialDate: Hashable, Sendable, Comparable {
    /// Year (e.g. 1984), if known.
    public var year: Int?
    /// Month 1–12, if known.
    public var month: Int?
    /// Day of month 1–31, if known.
    public var day: Int?

    /// Makes a date; parts out of range are rejected (returns nil), as is a
    /// date with no part at all or a day with a year but no month.
    public init?(year: Int? = nil, month: Int? = nil, day: Int? = nil) {
        if year == nil && month == nil && day == nil { return nil }
        if let year, !(0...9999).contains(year) { return nil }
        if let month, !(1...12).contains(month) { return nil }
        if let day {
            guard (1...31).contains(day) else { return nil }
            if let month, day > PartialDate.maxDay(month: month, year: year) { return nil }
            if month == nil && year != nil { return nil }
        }
        self.year = year
        self.month = month
        self.day = day
    }

    static func maxDay(month: Int, year: Int?) -> Int {
        switch month {
        case 2:
            guard let y = year else { return 29 }
            return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The ISO 8601 text form (`1984-03-14`, `--03-14`, `1984`).
    public var isoString: String {
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        switch (year, month, day) {
        case let (y?, m?, d?): return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
        case let (y?, m?, nil): return "\(pad(y, 4))-\(pad(m, 2))"
        case let (y?, nil, _): return pad(y, 4)
        case let (nil, m?, d?): return "--\(pad(m, 2))-\(pad(d, 2))"
        case let (nil, m?, nil): return "--\(pad(m, 2))"
        case let (nil, nil, d?): return "---\(pad(d, 2))"
        case (nil, nil, nil): return ""
        }
    }

    /// Parses the ISO 8601 forms listed on the type, with or without hyphens
    /// (`19840314`, `--0314`). Trailing time parts (`T…`) are ignored.
    public init?(iso text: some StringProtocol) {
        var bytes = Array(text.utf8)
        if let t = bytes.firstIndex(of: UInt8(ascii: "T")) { bytes = Array(bytes[..<t]) }
        func number(_ slice: ArraySlice<UInt8>) -> Int? {
            guard !slice.isEmpty else { return nil }
            var v = 0
            for b in slice {
                guard b >= 48 && b <= 57 else { return nil }
                v = v * 10 + Int(b - 48)
            }
            return v
        }
        if bytes.starts(with: Array("---".utf8)) {
            guard bytes.count == 5, let d = number(bytes[3...]) else { return nil }
            self.init(day: d)
            return
        }
        if bytes.starts(with: Array("--".utf8)) {
            let rest = bytes[2...].filter { $0 != UInt8(ascii: "-") }
            switch rest.count {
            case 2:
                guard let m = number(rest[...]) else { return nil }
                self.init(month: m)
            case 4:
                guard let m = number(rest[0..<2]), let d = number(rest[2..<4]) else { return nil }
                self.init(month: m, day: d)
            default: return nil
            }
            return
        }
        let parts = bytes.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        if parts.count == 1 {
            let p = parts[0]
            switch p.count {
            case 4:
                guard let y = number(p) else { return nil }
                self.init(year: y)
            case 6:
                guard let y = number(p.prefix(4)), let m = number(p.suffix(2)) else { return nil }
                self.init(year: y, month: m)
            case 8:
                let s = p.startIndex
                guard let y = number(p[s..<s + 4]), let m = number(p[s + 4..<s + 6]), let d = number(p[s + 6..<s + 8])
                else { return nil }
                self.init(year: y, month: m, day: d)
            default: return nil
            }
            return
        }
        guard parts[0].count == 4, let y = number(parts[0]) else { return nil }
        if parts.count == 2 {
            guard parts[1].count == 2, let m = number(parts[1]) else { return nil }
            self.init(year: y, month: m)
        } else if parts.count == 3 {
            guard parts[1].count == 2, parts[2].count == 2, let m = number(parts[1]), let d = number(parts[2])
            else { return nil }
            self.init(year: y, month: m, day: d)
        } else {
            return nil
        }
    }

    public static func < (lhs: PartialDate, rhs: PartialDate) -> Bool {
        (lhs.year ?? -1, lhs.month ?? 0, lhs.day ?? 0) < (rhs.year ?? -1, rhs.month ?? 0, rhs.day ?? 0)
    }
}

extension PartialDate: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let d = PartialDate(iso: text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an ISO 8601 partial date")
        }
        self = d
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(isoString)
    }
}

extension PartialDate: CustomStringConvertible {
    public var description: String { isoString }
}
