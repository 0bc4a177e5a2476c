internal import CPhoneNumber
internal import Foundation

/// A phone number in comparison form.
public struct NormalizedPhone: Hashable, Sendable {
    /// E.164 ("+4930123456"), when the number could be parsed.
    public var e164: String?
    /// Extension digits, kept apart from the number ("" when none).
    public var extensionDigits: String
    /// True when libphonenumber considers the number valid for its region.
    public var isValid: Bool
    /// The last (up to) nine digits of the number without its extension:
    /// what survives when one source writes a national form and another an
    /// international one that the region hints could not reconcile.
    public var tail: UInt64
}

/// Parses phone numbers to E.164 with Google's libphonenumber.
///
/// Region choice, in order: the record's region hints (its address
/// country, the regions of its other numbers, its e-mail domains' country
/// codes), then the default region. The first region under which the number
/// is valid wins; when none makes it valid, the default region's reading is
/// kept (marked not valid). The raw text is never changed.
///
/// A number already written in international form (`+`, digits, spaces,
/// dots, dashes, brackets, an optional `(0)` trunk marker, an optional
/// extension) is formatted without a full parse: its digits are its E.164
/// form, and the country code is checked against libphonenumber's table.
/// libphonenumber's parser serialises on an internal lock, so this keeps the
/// common case fast and parallel; everything else goes through the parser.
public enum PhoneNormalizer {
    /// Parses `raw` with the given default region and hints.
    public static func normalize(_ raw: String, defaultRegion: String, hints: [String] = []) -> NormalizedPhone {
        if let quick = international(raw) { return quick }
        var firstReading: (String, String, Bool)?
        var tried = Set<String>()
        // A number written with its country code needs no region.
        let international = raw.utf8.first(where: { $0 != 32 && $0 != 9 && $0 != 40 }) == UInt8(ascii: "+")
        let regions = international ? [defaultRegion] : hints + [defaultRegion]
        for region in regions where !region.isEmpty && tried.insert(region).inserted {
            guard let (e164, ext, status) = parse(raw, region: region) else { continue }
            if status == KITH_PHONE_VALID {
                return NormalizedPhone(e164: e164, extensionDigits: ext, isValid: true, tail: tailDigits(e164))
            }
            if firstReading == nil || region == defaultRegion { firstReading = (e164, ext, false) }
        }
        if let (e164, ext, _) = firstReading {
            return NormalizedPhone(e164: e164, extensionDigits: ext, isValid: false, tail: tailDigits(e164))
        }
        // Not parseable at all: keep the digits for the tail comparison.
        return NormalizedPhone(e164: nil, extensionDigits: "", isValid: false, tail: tailDigits(stripExtension(raw)))
    }

    /// The fast path for numbers in international form; nil when the text
    /// needs the full parser.
    static func international(_ raw: String) -> NormalizedPhone? {
        var digits: [UInt8] = []
        digits.reserveCapacity(20)
        var ext: [UInt8] = []
        var seenPlus = false
        var bytes = Array(raw.utf8)
        // Split off an extension: "x12", "ext. 12", "ext=12", ";ext=12", "#12".
        var body = bytes.count
        if let marker = extensionStart(bytes) {
            body = marker.start
            for b in bytes[marker.digits...] where b >= 48 && b <= 57 { ext.append(b) }
        }
        var i = 0
        while i < body {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "+"):
                guard !seenPlus, digits.isEmpty else { return nil }
                seenPlus = true
            case 48...57:
                guard seenPlus else { return nil }
                digits.append(b)
            case UInt8(ascii: "("):
                // "(0)" after the country code is a trunk marker to drop.
                if i + 2 < body, bytes[i + 1] == 48, bytes[i + 2] == UInt8(ascii: ")") {
                    i += 3
                    continue
                }
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ")"), UInt8(ascii: "/"), 9:
                break
            default:
                return nil
            }
            i += 1
        }
        bytes = []
        guard seenPlus, (8...15).contains(digits.count) else { return nil }
        // The country code: the shortest assigned prefix of one to three digits.
        var region: String?
        var cc = 0
        for len in 1...3 {
            cc = cc * 10 + Int(digits[len - 1] - 48)
            if let r = regionForCountryCode(cc) {
                region = r
                break
            }
        }
        guard region != nil else { return nil }
        let e164 = "+" + String(decoding: digits, as: UTF8.self)
        return NormalizedPhone(
            e164: e164, extensionDigits: String(decoding: ext, as: UTF8.self), isValid: true, tail: tailDigits(e164))
    }

    private static func extensionStart(_ b: [UInt8]) -> (start: Int, digits: Int)? {
        let lower = b.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        for (k, c) in lower.enumerated() {
            if c == UInt8(ascii: "#") || c == UInt8(ascii: ";") { return (k, k + 1) }
            if c == UInt8(ascii: "x") { return (k, k + 1) }
            if c == UInt8(ascii: "e"), k + 2 < lower.count, lower[k + 1] == UInt8(ascii: "x"), lower[k + 2] == UInt8(ascii: "t") {
                return (k, k + 3)
            }
        }
        return nil
    }

    private static let countryCodeRegions: [String?] = (0..<1000).map { cc in
        var buf = [CChar](repeating: 0, count: 8)
        guard kith_phone_region_for_country_code(Int32(cc), &buf, Int32(buf.count)) != 0 else { return nil }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The main region of a country calling code (49 → "DE").
    public static func regionForCountryCode(_ cc: Int) -> String? {
        cc >= 0 && cc < countryCodeRegions.count ? countryCodeRegions[cc] : nil
    }

    /// The ISO 3166 region that owns an E.164 number ("+44…" → "GB").
    public static func region(ofE164 e164: String) -> String? {
        var buf = [CChar](repeating: 0, count: 8)
        let ok = e164.withCString { kith_phone_region_of($0, &buf, Int32(buf.count)) }
        guard ok != 0 else { return nil }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func parse(_ raw: String, region: String) -> (String, String, kith_phone_status)? {
        var e164 = [CChar](repeating: 0, count: 40)
        var ext = [CChar](repeating: 0, count: 40)
        let status = raw.withCString { r in
            region.withCString { kith_phone_parse(r, $0, &e164, Int32(e164.count), &ext, Int32(ext.count)) }
        }
        guard status != KITH_PHONE_UNPARSEABLE else { return nil }
        func str(_ b: [CChar]) -> String { String(decoding: b.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return (str(e164), str(ext), status)
    }

    private static func stripExtension(_ raw: String) -> String {
        let lower = raw.lowercased()
        for marker in ["ext", "x", "#", ";"] {
            if let r = lower.range(of: marker) { return String(lower[..<r.lowerBound]) }
        }
        return lower
    }

    /// The last nine digits as a number (0 when fewer than six digits).
    static func tailDigits(_ s: String) -> UInt64 {
        var digits: [UInt8] = []
        for b in s.utf8 where b >= 48 && b <= 57 { digits.append(b - 48) }
        guard digits.count >= 6 else { return 0 }
        var v: UInt64 = 1  // a leading marker keeps leading zeros significant
        for d in digits.suffix(9) { v = v * 10 + UInt64(d) }
        return v
    }
}
