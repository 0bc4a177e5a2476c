import Foundation

/// A character set that a file, a message or a single value may declare,
/// found by any of its usual labels, with one decoder per charset.
///
/// One table for every plugin, so that "ISO-8859-1" means the same in a
/// vCard `CHARSET=` parameter, a mail header and `-O encoding=` of a CSV
/// file. Where a label names a charset that senders routinely exceed, it
/// decodes as the superset they really wrote, as browsers do (the WHATWG
/// Encoding Standard's mapping): ISO-8859-1, Latin-1 and ASCII-with-8-bit
/// bytes as Windows-1252, ISO-8859-9 as Windows-1254, ISO-8859-11 and
/// TIS-620 as Windows-874, EUC-KR and KS C 5601 as Windows-949, GB2312 and
/// GBK as GB18030. Also ISO-8859-8 as Windows-1255: its letters are the same,
/// and Windows-1255 adds the vowel points and the sheqel sign Hebrew text
/// from Windows carries (a strict ISO-8859-8 decoder rejects the whole
/// value over one vowel point). US-ASCII reads as UTF-8, its superset in
/// practice.
///
/// Decoders: UTF-8, UTF-16, UTF-7 and Windows-1252 by hand (the last never
/// fails, mapping its five unassigned bytes to the C1 controls as browsers
/// do); EUC-JP by rewriting each JIS X 0208 pair as its Shift_JIS pair
/// (Foundation on Linux decodes Shift_JIS but not EUC-JP); the rest through
/// Foundation's converters, by CoreFoundation encoding number where
/// `String.Encoding` has no constant (Mac OS Roman included: the Linux
/// constant `.macOSRoman` decodes 0x80 as U+00A0, not "Ä").
public enum TextCharset: Hashable, Sendable {
    case utf8
    /// UTF-16 with a byte-order mark deciding the order (big-endian without one, RFC 2781).
    case utf16
    case utf16LE
    case utf16BE
    /// RFC 2152 (seen in old Outlook headers and vCards).
    case utf7
    case windows1252
    case eucJP
    /// Any other: an NSStringEncoding raw value.
    case foundation(UInt)

    /// The charset a label names (case, `-`, `_`, spaces and quotes do not
    /// matter; an RFC 2231 language suffix after `*` is dropped); nil for a
    /// label nobody knows.
    public static func named(_ label: some StringProtocol) -> TextCharset? {
        var label = String(label)
        return label.withUTF8 { named(bytes: $0) }
    }

    /// See ``named(_:)``; the label as bytes. The commonest labels (UTF-8,
    /// US-ASCII, ISO-8859-1, Windows-1252) are matched in place, without the
    /// key array and hash a table lookup costs: a mail archive names a
    /// charset in nearly every message.
    public static func named(bytes: UnsafeBufferPointer<UInt8>) -> TextCharset? {
        if matches(bytes, "utf8") || matches(bytes, "usascii") { return .utf8 }
        if matches(bytes, "iso88591") || matches(bytes, "windows1252") { return .windows1252 }
        var key: [UInt8] = []
        key.reserveCapacity(bytes.count)
        for c in bytes {
            if c == 0x2A { break }
            if let k = keyByte(c) { key.append(k) }
        }
        return byKey[key]
    }

    /// True when `label`, reduced like a table key, is `key`.
    @inline(__always) private static func matches(_ label: UnsafeBufferPointer<UInt8>, _ key: StaticString) -> Bool {
        let k = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        var j = 0
        for c in label {
            if c == 0x2A { break }
            guard let x = keyByte(c) else { continue }
            guard j < k.count, k[j] == x else { return false }
            j += 1
        }
        return j == k.count
    }

    /// Letters lower-cased, digits kept, everything else dropped.
    @inline(__always) private static func keyByte(_ c: UInt8) -> UInt8? {
        if c >= 0x61 && c <= 0x7A || c >= 0x30 && c <= 0x39 { return c }
        if c >= 0x41 && c <= 0x5A { return c | 0x20 }
        return nil
    }

    /// The name shown to users (and accepted back by ``named(_:)``).
    public var name: String {
        switch self {
        case .utf8: return "UTF-8"
        case .utf16: return "UTF-16"
        case .utf16LE: return "UTF-16LE"
        case .utf16BE: return "UTF-16BE"
        case .utf7: return "UTF-7"
        case .windows1252: return "Windows-1252"
        case .eucJP: return "EUC-JP"
        case .foundation(let raw): return Self.names[raw] ?? "charset \(raw)"
        }
    }

    /// True for charsets that are not a Unicode encoding.
    public var isLegacy: Bool {
        switch self {
        case .utf8, .utf16, .utf16LE, .utf16BE, .utf7: return false
        case .windows1252, .eucJP, .foundation: return true
        }
    }

    // MARK: - Decoding

    /// `bytes` as text in this charset; nil when they are not valid in it.
    public func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        switch self {
        case .utf8: return Self.validUTF8(bytes)
        case .utf16, .utf16LE, .utf16BE:
            var little = self == .utf16LE
            var body = bytes[...]
            if self == .utf16, bytes.count >= 2 {
                if bytes[0] == 0xFF && bytes[1] == 0xFE {
                    little = true
                    body = bytes[2...]
                } else if bytes[0] == 0xFE && bytes[1] == 0xFF {
                    body = bytes[2...]
                }
            }
            var transcoder = UTF16Transcoder(bigEndian: !little)
            var out: [UInt8] = []
            transcoder.transcode(body, into: &out)
            transcoder.finish(into: &out)
            return transcoder.replacedInvalid ? nil : String(decoding: out, as: UTF8.self)
        case .utf7: return Self.decodeUTF7(bytes)
        case .windows1252: return Self.decode1252(bytes)
        case .eucJP: return Self.decodeEUCJP(bytes)
        case .foundation(let raw):
            return String(bytes: bytes, encoding: String.Encoding(rawValue: raw))
        }
    }

    /// See ``decode(_:)-(UnsafeBufferPointer<UInt8>)``.
    public func decode(_ bytes: some Collection<UInt8>) -> String? {
        if let s = bytes.withContiguousStorageIfAvailable({ decode($0) }) { return s }
        return Array(bytes).withUnsafeBufferPointer { decode($0) }
    }

    /// `bytes` as text when they are valid UTF-8, else nil.
    ///
    /// `String(validating:as:)` takes a generic path here (metadata look-ups,
    /// about 1,600 instructions a call in the mail reader); decoding with
    /// repair is the fast path, and what it makes is byte for byte the input
    /// exactly when nothing needed repair.
    public static func validUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var s = String(decoding: bytes, as: UTF8.self)
        let same = s.withUTF8 { out in
            out.count == bytes.count && (out.isEmpty || memcmp(out.baseAddress!, bytes.baseAddress!, out.count) == 0)
        }
        return same ? s : nil
    }

    /// Windows-1252: Latin-1 with printable characters in 0x80–0x9F (the five
    /// holes map to the C1 controls, as browsers do). Never fails.
    public static func decode1252(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var high = false
        for b in bytes where b >= 0x80 {
            high = true
            break
        }
        if !high { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            if b < 0x80 {
                out.append(b)
                continue
            }
            let v = b >= 0xA0 ? UInt32(b) : cp1252High[Int(b) - 0x80]
            if v < 0x800 {
                out.append(UInt8(0xC0 | v >> 6))
                out.append(UInt8(0x80 | v & 0x3F))
            } else {
                out.append(UInt8(0xE0 | v >> 12))
                out.append(UInt8(0x80 | (v >> 6) & 0x3F))
                out.append(UInt8(0x80 | v & 0x3F))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let cp1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D,
        0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,
        0x017E, 0x0178,
    ]

    /// UTF-7: `+` opens modified base64 of UTF-16BE, `-` (or any non-base64
    /// byte) closes it, `+-` is a plus sign. nil on 8-bit input.
    public static func decodeUTF7(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
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
                // The standard alphabet only: `-` ends the run here.
                let d = bytes[i]
                guard d != 0x2D && d != 0x5F, let v = TransferCodec.base64Value(d) else { break }
                acc = (acc << 6) | UInt32(v)
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

    /// EUC-JP (JIS X 0208 and half-width katakana) through Shift_JIS: both
    /// encode the same 94×94 JIS grid, so each pair is rewritten
    /// arithmetically. JIS X 0212 (three-byte, 0x8F-led) has no Shift_JIS
    /// form and makes the value invalid.
    static func decodeEUCJP(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var sjis: [UInt8] = []
        sjis.reserveCapacity(bytes.count)
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                sjis.append(b)
                i += 1
                continue
            }
            guard i + 1 < n else { return nil }
            let t = bytes[i + 1]
            if b == 0x8E {
                // Half-width katakana: the same byte in Shift_JIS.
                guard t >= 0xA1 && t <= 0xDF else { return nil }
                sjis.append(t)
                i += 2
                continue
            }
            guard b >= 0xA1 && b <= 0xFE && t >= 0xA1 && t <= 0xFE else { return nil }
            let row = Int(b) - 0xA0  // 1...94
            let cell = Int(t) - 0xA0  // 1...94
            let lead = (row + 1) / 2 + (row <= 62 ? 0x80 : 0xC0)
            let trail: Int
            if row % 2 == 1 {
                trail = cell + 0x3F + (cell >= 64 ? 1 : 0)
            } else {
                trail = cell + 0x9E
            }
            sjis.append(UInt8(lead))
            sjis.append(UInt8(trail))
            i += 2
        }
        return String(bytes: sjis, encoding: .shiftJIS)
    }

    // MARK: - The table

    private static let cf: UInt = 0x8000_0000

    /// Display names of the Foundation-decoded charsets.
    private static let names: [UInt: String] = {
        var m: [UInt: String] = [:]
        for (_, charset, name) in table {
            if case .foundation(let raw) = charset, m[raw] == nil { m[raw] = name }
        }
        return m
    }()

    /// Labels (any spelling: they are reduced to lower-case letters and
    /// digits), the charset, and the name shown for it.
    private static let table: [([String], TextCharset, String)] = [
        (["utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "us", "iso646-us"], .utf8, "UTF-8"),
        (["utf-16", "unicode", "ucs-2", "iso-10646-ucs-2"], .utf16, "UTF-16"),
        (["utf-16le", "unicodefffe"], .utf16LE, "UTF-16LE"),
        (["utf-16be", "unicodefeff"], .utf16BE, "UTF-16BE"),
        (["utf-7", "unicode-1-1-utf-7", "x-unicode-2-0-utf-7"], .utf7, "UTF-7"),
        (
            [
                "windows-1252", "cp1252", "x-cp1252", "ansi", "iso-8859-1", "iso8859-1", "iso_8859-1:1987", "latin1", "latin-1",
                "l1", "iso-ir-100", "cp819", "ibm819", "csisolatin1",
            ], .windows1252, "Windows-1252"
        ),
        (["iso-8859-2", "latin2", "l2", "iso-ir-101", "csisolatin2"], .foundation(String.Encoding.isoLatin2.rawValue), "ISO-8859-2"),
        (["iso-8859-3", "latin3", "l3"], .foundation(cf | 0x0203), "ISO-8859-3"),
        (["iso-8859-4", "latin4", "l4"], .foundation(cf | 0x0204), "ISO-8859-4"),
        (["iso-8859-5", "cyrillic", "csisolatincyrillic"], .foundation(cf | 0x0205), "ISO-8859-5"),
        (["iso-8859-6", "iso-8859-6-i", "iso-8859-6-e", "arabic"], .foundation(cf | 0x0206), "ISO-8859-6"),
        (["iso-8859-7", "greek", "greek8", "elot_928"], .foundation(cf | 0x0207), "ISO-8859-7"),
        (["windows-1255", "cp1255", "x-cp1255", "iso-8859-8", "iso-8859-8-i", "iso-8859-8-e", "hebrew", "visual", "logical"], .foundation(cf | 0x0505), "Windows-1255"),
        (["windows-1254", "cp1254", "x-cp1254", "iso-8859-9", "latin5", "l5"], .foundation(String.Encoding.windowsCP1254.rawValue), "Windows-1254"),
        (["iso-8859-10", "latin6", "l6"], .foundation(cf | 0x020A), "ISO-8859-10"),
        (["windows-874", "cp874", "iso-8859-11", "tis-620", "dos-874"], .foundation(cf | 0x041D), "Windows-874"),
        (["iso-8859-13", "latin7"], .foundation(cf | 0x020D), "ISO-8859-13"),
        (["iso-8859-14", "latin8"], .foundation(cf | 0x020E), "ISO-8859-14"),
        (["iso-8859-15", "latin9", "latin-9", "l9"], .foundation(cf | 0x020F), "ISO-8859-15"),
        (["iso-8859-16", "latin10"], .foundation(cf | 0x0210), "ISO-8859-16"),
        (["windows-1250", "cp1250", "x-cp1250"], .foundation(String.Encoding.windowsCP1250.rawValue), "Windows-1250"),
        (["windows-1251", "cp1251", "x-cp1251"], .foundation(String.Encoding.windowsCP1251.rawValue), "Windows-1251"),
        (["windows-1253", "cp1253", "x-cp1253"], .foundation(String.Encoding.windowsCP1253.rawValue), "Windows-1253"),
        (["windows-1256", "cp1256", "x-cp1256"], .foundation(cf | 0x0506), "Windows-1256"),
        (["windows-1257", "cp1257", "x-cp1257"], .foundation(cf | 0x0507), "Windows-1257"),
        (["windows-1258", "cp1258", "x-cp1258"], .foundation(cf | 0x0508), "Windows-1258"),
        (["koi8-r", "koi8", "cskoi8r"], .foundation(cf | 0x0A02), "KOI8-R"),
        (["koi8-u", "koi8-ru"], .foundation(cf | 0x0A08), "KOI8-U"),
        (["ibm866", "cp866", "866"], .foundation(cf | 0x0413), "IBM866"),
        (["ibm850", "cp850", "850"], .foundation(cf | 0x0410), "IBM850"),
        (["ibm437", "cp437", "437"], .foundation(cf | 0x0400), "IBM437"),
        (["macintosh", "mac", "macroman", "x-mac-roman", "csmacintosh"], .foundation(cf | 0), "Macintosh"),
        (
            ["shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "ms-kanji", "windows-31j", "cp932", "ms932", "csshiftjis"],
            .foundation(String.Encoding.shiftJIS.rawValue), "Shift_JIS"
        ),
        (["euc-jp", "x-euc-jp", "cseucpkdfmtjapanese"], .eucJP, "EUC-JP"),
        (["iso-2022-jp", "csiso2022jp"], .foundation(String.Encoding.iso2022JP.rawValue), "ISO-2022-JP"),
        (
            ["gb18030", "gb2312", "gbk", "x-gbk", "cp936", "euc-cn", "x-euc-cn", "chinese", "csgb2312", "iso-ir-58"],
            .foundation(cf | 0x0632), "GB18030"
        ),
        (["big5", "x-x-big5", "cn-big5", "csbig5"], .foundation(cf | 0x0A03), "Big5"),
        (["big5-hkscs"], .foundation(cf | 0x0A06), "Big5-HKSCS"),
        (
            ["euc-kr", "ks_c_5601-1987", "ks_c_5601", "ksc5601", "ksc_5601", "cp949", "windows-949", "korean", "cseuckr", "iso-ir-149"],
            .foundation(cf | 0x0422), "EUC-KR"
        ),
    ]

    private static let byKey: [[UInt8]: TextCharset] = {
        var m: [[UInt8]: TextCharset] = [:]
        for (labels, charset, _) in table {
            for label in labels {
                let key = label.utf8.compactMap(keyByte)
                precondition(m[key] == nil || m[key] == charset, "TextCharset: label \(label) listed twice")
                m[key] = charset
            }
        }
        return m
    }()
}
