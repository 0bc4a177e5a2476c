import Foundation
import KithModel

/// Turns header and body bytes into text.
///
/// Mail text arrives in every charset ever labelled, often mislabelled. The
/// hot cases (ASCII, UTF-8, Latin-1/Windows-1252) are decoded here by hand on
/// bytes; the rest go to Foundation's converters, which are slower but rare.
/// Decoding never fails: the last resort is Windows-1252, which maps every
/// byte to some character.
enum Charset: Hashable, Sendable {
    case utf8
    case windows1252
    /// RFC 2152 (seen in old Outlook headers; Foundation on Linux lacks it).
    case utf7
    case foundation(UInt)

    /// The charset a label names, after the usual repairs: RFC 2231
    /// language suffixes dropped, ISO-8859-1 and US-ASCII read as
    /// Windows-1252/UTF-8 (what senders really meant, as browsers do), GB2312
    /// read as its superset GB18030. nil for a label nobody knows.
    static func named(_ label: some StringProtocol) -> Charset? {
        let bytes = Array(label.utf8)
        return bytes.withUnsafeBufferPointer { named(bytes: $0) }
    }

    /// See ``named(_:)``; the label as bytes (the hot path: no String work
    /// for the common labels).
    static func named(bytes raw: UnsafeBufferPointer<UInt8>) -> Charset? {
        var s = 0
        var e = raw.count
        while s < e, raw[s] == 0x22 || raw[s] == 0x27 || raw[s] == 0x20 || raw[s] == 0x09 { s += 1 }
        while e > s, raw[e - 1] == 0x22 || raw[e - 1] == 0x27 || raw[e - 1] == 0x20 || raw[e - 1] == 0x09 { e -= 1 }
        @inline(__always) func isLabel(_ l: [UInt8]) -> Bool {
            guard e - s == l.count else { return false }
            for k in 0..<l.count {
                var c = raw[s + k]
                if c >= 0x41 && c <= 0x5A { c |= 0x20 }
                if c == 0x5F { c = 0x2D }
                if c != l[k] { return false }
            }
            return true
        }
        if isLabel(utf8Label) || isLabel(asciiLabel) || isLabel(utf8Short) { return .utf8 }
        if isLabel(latin1Label) || isLabel(cp1252Label) { return .windows1252 }
        var lower = [UInt8]()
        lower.reserveCapacity(e - s)
        for i in s..<e {
            let c = raw[i]
            if c == 0x2A { break }  // RFC 2231 language suffix
            lower.append(c >= 0x41 && c <= 0x5A ? c | 0x20 : (c == 0x5F ? 0x2D : c))
        }
        if let known = byLabel[lower] { return known }
        return slowNamed(String(decoding: lower, as: UTF8.self))
    }

    /// Every label `slowNamed` knows by name, as bytes, so that the common
    /// legacy labels need no String work.
    private static let byLabel: [[UInt8]: Charset] = {
        var m: [[UInt8]: Charset] = [:]
        for name in foundationEncodings.keys {
            if let c = slowNamed(name) { m[Array(name.utf8)] = c }
        }
        return m
    }()

    private static let utf8Label = Array("utf-8".utf8)
    private static let utf8Short = Array("utf8".utf8)
    private static let asciiLabel = Array("us-ascii".utf8)
    private static let latin1Label = Array("iso-8859-1".utf8)
    private static let cp1252Label = Array("windows-1252".utf8)

    private static func slowNamed(_ label: String) -> Charset? {
        let name = label
        switch name {
        case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8", "us-ascii", "ascii", "ansi-x3.4-1968", "us", "7bit", "":
            return .utf8
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "windows-1252", "cp1252", "x-cp1252", "iso-ir-100", "cp819",
            "ibm819", "iso-8859-1:1987":
            return .windows1252
        default: break
        }
        if name == "utf-7" || name == "unicode-1-1-utf-7" || name == "x-unicode-2-0-utf-7" { return .utf7 }
        if let raw = foundationEncodings[name] { return .foundation(raw) }
        // "iso8859-2" and "iso_8859-2" spellings.
        if name.hasPrefix("iso8859-") { return slowNamed("iso-8859-" + name.dropFirst(8)) }
        if name.hasPrefix("cp125"), let d = name.last, d.isNumber { return slowNamed("windows-125\(d)") }
        return nil
    }

    // NSStringEncoding values: Foundation's own constants, or a CoreFoundation
    // encoding number with the high bit set (how Foundation names the rest).
    private static let cf: UInt = 0x8000_0000
    private static let foundationEncodings: [String: UInt] = {
        var m: [String: UInt] = [
            "iso-8859-2": String.Encoding.isoLatin2.rawValue, "latin2": String.Encoding.isoLatin2.rawValue,
            "windows-1250": String.Encoding.windowsCP1250.rawValue, "windows-1251": String.Encoding.windowsCP1251.rawValue,
            "windows-1253": String.Encoding.windowsCP1253.rawValue, "windows-1254": String.Encoding.windowsCP1254.rawValue,
            "iso-2022-jp": String.Encoding.iso2022JP.rawValue, "csiso2022jp": String.Encoding.iso2022JP.rawValue,
            "shift-jis": String.Encoding.shiftJIS.rawValue, "shift_jis": String.Encoding.shiftJIS.rawValue,
            "sjis": String.Encoding.shiftJIS.rawValue, "x-sjis": String.Encoding.shiftJIS.rawValue,
            "ms-kanji": String.Encoding.shiftJIS.rawValue, "windows-31j": String.Encoding.shiftJIS.rawValue,
            "utf-16": String.Encoding.utf16.rawValue, "utf-16le": String.Encoding.utf16LittleEndian.rawValue,
            "utf-16be": String.Encoding.utf16BigEndian.rawValue,
        ]
        let table: [(String, UInt)] = [
            ("koi8-r", 0x0A02), ("koi8-u", 0x0A08), ("koi8-ru", 0x0A08),
            ("gb18030", 0x0632), ("gb2312", 0x0632), ("gbk", 0x0632), ("x-gbk", 0x0632), ("cp936", 0x0632),
            ("euc-cn", 0x0632), ("x-euc-cn", 0x0632), ("chinese", 0x0632),
            ("euc-kr", 0x0422), ("ks-c-5601-1987", 0x0422), ("ks-c-5601", 0x0422), ("cp949", 0x0422),
            ("ksc5601", 0x0422), ("korean", 0x0422),
            ("big5", 0x0A03), ("big5-hkscs", 0x0A06), ("x-x-big5", 0x0A03), ("cn-big5", 0x0A03),
            ("iso-8859-3", 0x0203), ("iso-8859-4", 0x0204), ("iso-8859-5", 0x0205), ("iso-8859-6", 0x0206),
            ("iso-8859-6-i", 0x0206), ("iso-8859-7", 0x0207), ("iso-8859-8", 0x0505), ("iso-8859-8-i", 0x0505),
            ("iso-8859-9", 0x0209), ("iso-8859-10", 0x020A), ("iso-8859-11", 0x020B), ("iso-8859-13", 0x020D),
            ("iso-8859-14", 0x020E), ("iso-8859-15", 0x020F), ("latin-9", 0x020F), ("latin9", 0x020F),
            ("iso-8859-16", 0x0210), ("windows-1255", 0x0505), ("windows-1256", 0x0506),
            ("windows-1257", 0x0507), ("windows-1258", 0x0508), ("windows-874", 0x041D),
            ("tis-620", 0x041D), ("macintosh", 0), ("x-mac-roman", 0), ("mac", 0), ("ibm866", 0x0413), ("cp866", 0x0413),
            ("cp850", 0x0410), ("ibm850", 0x0410), ("ibm437", 0x0400), ("cp437", 0x0400),
        ]
        for (k, v) in table { m[k] = cf | v }
        return m
    }()

    /// Decodes `bytes` in this charset; nil when they are not valid in it.
    func decodeStrict(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        switch self {
        case .utf8: return Charset.validUTF8(bytes)
        case .windows1252: return Charset.decode1252(bytes)
        case .utf7: return Charset.decodeUTF7(bytes)
        case .foundation(let raw):
            return DecodeMemo.foundation.value(bytes, tag: raw) {
                String(data: Data(buffer: $0), encoding: String.Encoding(rawValue: raw))
            }
        }
    }

    /// Decodes `bytes` declared as this charset, falling back to UTF-8 and
    /// then Windows-1252 when the declaration was wrong. Never fails.
    func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        // 7-bit charsets (ISO-2022-JP, UTF-7, HZ) look like ASCII.
        switch self {
        case .foundation, .utf7:
            if bytes.contains(where: { $0 == 0x1B || $0 == 0x2B || $0 == 0x7E }), let s = decodeStrict(bytes) { return s }
        default: break
        }
        if let s = Charset.asciiFast(bytes) { return s }
        if let s = decodeStrict(bytes) { return s }
        if self != .utf8, let s = Charset.validUTF8(bytes) { return s }
        return Charset.decode1252(bytes)
    }

    /// See ``decode(_:)-(UnsafeBufferPointer<UInt8>)``.
    func decode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { decode($0) }
    }

    /// Header text: UTF-8 first (RFC 6532), then the message's charset, then
    /// Windows-1252.
    static func headerText(_ bytes: UnsafeBufferPointer<UInt8>, messageCharset: Charset?) -> String {
        if let s = asciiFast(bytes) { return s }
        if let s = validUTF8(bytes) { return s }
        if let m = messageCharset, m != .utf8, let s = m.decodeStrict(bytes) { return s }
        return decode1252(bytes)
    }

    /// See ``headerText(_:messageCharset:)-(UnsafeBufferPointer<UInt8>,_)``.
    static func headerText(_ bytes: [UInt8], messageCharset: Charset?) -> String {
        bytes.withUnsafeBufferPointer { headerText($0, messageCharset: messageCharset) }
    }

    static func headerText(_ bytes: ArraySlice<UInt8>, messageCharset: Charset?) -> String {
        bytes.withUnsafeBufferPointer { headerText($0, messageCharset: messageCharset) }
    }

    static func asciiFast(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        for b in bytes where b >= 0x80 { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func validUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        // `String(validating:as:)` takes a generic path here (metadata
        // look-ups, about 1,600 instructions a call); decoding with repair
        // is the fast path, and what it makes is byte for byte the input
        // exactly when nothing needed repair.
        let s = String(decoding: bytes, as: UTF8.self)
        let same = s.withBytes { out in
            out.count == bytes.count && (out.isEmpty || memcmp(out.baseAddress!, bytes.baseAddress!, out.count) == 0)
        }
        return same ? s : nil
    }

    /// Windows-1252: Latin-1 with printable characters in 0x80–0x9F (the five
    /// holes map to the C1 controls, as browsers do).
    static func decode1252(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for b in bytes {
            if b < 0x80 || b >= 0xA0 {
                scalars.append(Unicode.Scalar(b))
            } else {
                scalars.append(Unicode.Scalar(cp1252High[Int(b) - 0x80]) ?? Unicode.Scalar(b))
            }
        }
        return String(scalars)
    }

    /// UTF-7: `+` opens modified base64 of UTF-16BE, `-` (or any non-base64
    /// byte) closes it, `+-` is a plus sign. nil on 8-bit input.
    static func decodeUTF7(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var units: [UInt16] = []
        var i = 0
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            if c >= 0x80 { return nil }
            if c != 0x2B {
                units.append(UInt16(c))
                i += 1
                continue
            }
            i += 1
            if i < n, bytes[i] == 0x2D {
                units.append(0x2B)
                i += 1
                continue
            }
            var acc: UInt32 = 0
            var bits = 0
            while i < n {
                let d = bytes[i]
                let v: UInt32
                switch d {
                case 0x41...0x5A: v = UInt32(d - 0x41)
                case 0x61...0x7A: v = UInt32(d - 0x61 + 26)
                case 0x30...0x39: v = UInt32(d - 0x30 + 52)
                case 0x2B: v = 62
                case 0x2F: v = 63
                default: v = 0xFF
                }
                if v == 0xFF { break }
                acc = (acc << 6) | v
                bits += 6
                if bits >= 16 {
                    bits -= 16
                    units.append(UInt16(truncatingIfNeeded: acc >> UInt32(bits)))
                    acc &= (1 << UInt32(bits)) - 1
                }
                i += 1
            }
            if i < n, bytes[i] == 0x2D { i += 1 }
        }
        return String(decoding: units, as: UTF16.self)
    }

    private static let cp1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D,
        0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,
        0x017E, 0x0178,
    ]
}

/// Decodings remembered: a bounded, lock-guarded table from input bytes
/// (plus a tag, e.g. the charset) to the decoded text, shared by the
/// parsing threads.
///
/// For pure decoders that cost microseconds a call: Foundation's converters
/// (a converter is set up each call, twenty times a hand decoder) and RFC
/// 2047 display names. The same correspondents' names recur across an
/// archive, so most calls are hits. Hand-written rather than a
/// `Dictionary<[UInt8], String>`: a lookup there needs a key array (an
/// allocation) and hashes it a byte at a time, which cost most of what a
/// hit saved. Here the input is hashed once (FNV-1a) and compared in place;
/// each hash has two slots, and a new entry replaces an old one, so memory
/// stays bounded. Sixteen locks, each for a sixteenth of the slots (so two
/// parsing threads rarely wait for each other), held for the lookup and the
/// insertion only, never while decoding.
final class DecodeMemo: @unchecked Sendable {
    /// Foundation charset conversions (tag: the NSStringEncoding).
    static let foundation = DecodeMemo(slots: 4096)
    /// Display names with encoded words or 8-bit bytes, decoded and cleaned
    /// (tag: `tag(for:)` of the message charset).
    static let names = DecodeMemo(slots: 16384)

    private struct Slot {
        var used = false
        var hash: UInt64 = 0
        var tag: UInt = 0
        var bytes: [UInt8] = []
        var value: String?
    }

    private let locks = (0..<16).map { _ in NSLock() }
    /// Fixed storage, never moved: each slot is read and written under its
    /// own stripe's lock only. (A Swift array here was a data race: a
    /// thread reading one slot could hold a reference to the array's buffer
    /// while another, under another lock, wrote a slot, found the buffer
    /// shared and replaced the whole array, in particular in debug builds,
    /// where reads retain the buffer.)
    private let slots: UnsafeMutablePointer<Slot>
    private let count: Int
    private let mask: Int
    private let maxLength: Int

    /// A table of `slots` entries (a power of two) for inputs of at most
    /// `maxLength` bytes.
    init(slots: Int, maxLength: Int = 256) {
        precondition(slots >= 2 && slots & (slots - 1) == 0, "DecodeMemo: slots must be a power of two")
        self.slots = .allocate(capacity: slots)
        self.slots.initialize(repeating: Slot(), count: slots)
        count = slots
        mask = slots - 1
        self.maxLength = maxLength
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    /// `decode`'s result for `bytes` and `tag`, from the table when known.
    func value(
        _ bytes: UnsafeBufferPointer<UInt8>, tag: UInt, _ decode: (UnsafeBufferPointer<UInt8>) -> String?
    ) -> String? {
        guard bytes.count <= maxLength, bytes.count > 0 else { return decode(bytes) }
        let h = fnv1a(bytes, FNV1a().value ^ UInt64(tag) &* 0x9E37_79B9_7F4A_7C15)
        let home = Int(truncatingIfNeeded: h) & mask
        // Both slots of a hash (home, home ^ 1) are under one lock.
        let lock = locks[(home >> 1) & 15]
        lock.lock()
        var i = home
        for _ in 0..<2 {
            if slots[i].used && slots[i].hash == h && slots[i].tag == tag {
                let same = slots[i].bytes.withUnsafeBufferPointer { stored in
                    stored.count == bytes.count && memcmp(stored.baseAddress!, bytes.baseAddress!, bytes.count) == 0
                }
                if same {
                    let v = slots[i].value
                    lock.unlock()
                    return v
                }
            }
            i ^= 1
        }
        lock.unlock()
        let v = decode(bytes)
        lock.lock()
        i = home
        if slots[home].used {
            // The other slot if free, else one picked by the hash.
            i = slots[home ^ 1].used ? home ^ Int((h >> 40) & 1) : home ^ 1
        }
        slots[i] = Slot(used: true, hash: h, tag: tag, bytes: Array(bytes), value: v)
        lock.unlock()
        return v
    }

    /// A tag telling message charsets apart (nil too).
    static func tag(for charset: Charset?) -> UInt {
        switch charset {
        case nil: return 0
        case .utf8: return 1
        case .windows1252: return 2
        case .utf7: return 3
        case .foundation(let raw): return 4 | raw << 4
        }
    }
}
