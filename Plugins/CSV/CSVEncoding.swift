import Foundation
import KithPlugin

/// A text encoding the CSV importer can read, and how it was chosen.
struct CSVEncoding: Equatable {
    enum Kind: Equatable {
        case utf8
        case utf16LE
        case utf16BE
        /// A legacy code page (decoded a line-aligned piece at a time).
        case legacy(TextCharset)
    }

    var kind: Kind
    /// The name users see and can type (`-O encoding=NAME`).
    var name: String
    /// Bytes of byte-order mark to skip.
    var bomLength: Int = 0

    static let utf8 = CSVEncoding(kind: .utf8, name: "UTF-8")

    /// True for encodings that are not Unicode (the import warns).
    var isLegacy: Bool {
        if case .legacy = kind { return true }
        return false
    }

    /// The encoding a name given with `-O encoding=` stands for, by
    /// KithPlugin's one table of charset labels (`TextCharset`). "UTF-16"
    /// and "Unicode" without a byte-order mark mean little-endian here, as
    /// Excel and Thunderbird write it.
    static func named(_ raw: String) -> CSVEncoding? {
        guard let charset = TextCharset.named(raw) else { return nil }
        switch charset {
        case .utf8: return .utf8
        case .utf16, .utf16LE: return CSVEncoding(kind: .utf16LE, name: "UTF-16LE")
        case .utf16BE: return CSVEncoding(kind: .utf16BE, name: "UTF-16BE")
        default: return CSVEncoding(kind: .legacy(charset), name: charset.name)
        }
    }

    /// Guesses the encoding from the first bytes: a BOM, the NUL pattern of
    /// UTF-16, valid UTF-8, else Shift_JIS when the high bytes pair up like
    /// Japanese text, else Windows-1252.
    static func sniff(_ head: [UInt8], complete: Bool) -> CSVEncoding {
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return CSVEncoding(kind: .utf8, name: "UTF-8", bomLength: 3) }
        if head.starts(with: [0xFF, 0xFE]) { return CSVEncoding(kind: .utf16LE, name: "UTF-16LE", bomLength: 2) }
        if head.starts(with: [0xFE, 0xFF]) { return CSVEncoding(kind: .utf16BE, name: "UTF-16BE", bomLength: 2) }
        if let e = TextSniffer.utf16Endianness(head) {
            return e == .little ? CSVEncoding(kind: .utf16LE, name: "UTF-16LE") : CSVEncoding(kind: .utf16BE, name: "UTF-16BE")
        }
        if isValidUTF8(head, allowTruncatedEnd: !complete) { return .utf8 }
        if looksLikeShiftJIS(head) { return named("Shift_JIS")! }
        return CSVEncoding(kind: .legacy(.windows1252), name: "Windows-1252")
    }

    static func isValidUTF8(_ bytes: [UInt8], allowTruncatedEnd: Bool) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let len: Int
            if b & 0xE0 == 0xC0 && b >= 0xC2 {
                len = 2
            } else if b & 0xF0 == 0xE0 {
                len = 3
            } else if b & 0xF8 == 0xF0 && b <= 0xF4 {
                len = 4
            } else {
                return false
            }
            if i + len > n { return allowTruncatedEnd }
            for k in 1..<len where bytes[i + k] & 0xC0 != 0x80 { return false }
            i += len
        }
        return true
    }

    /// Shift_JIS text is all lead+trail pairs (lead 0x81–0x9F/0xE0–0xFC), and
    /// in Japanese text most leads are 0x81–0x9F (kana and common kanji);
    /// Windows-1252 text has isolated high bytes, mostly accented letters
    /// 0xC0–0xFF, where 0x81–0x9F are rare punctuation.
    static func looksLikeShiftJIS(_ bytes: [UInt8]) -> Bool {
        var i = 0
        var pairs = 0
        var lowLead = 0
        var katakana = 0
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                continue
            }
            if (0xA1...0xDF).contains(b) {
                katakana += 1
                i += 1
                continue
            }
            guard (0x81...0x9F).contains(b) || (0xE0...0xFC).contains(b) else { return false }
            guard i + 1 < bytes.count else { break }
            let t = bytes[i + 1]
            guard (0x40...0x7E).contains(t) || (0x80...0xFC).contains(t) else { return false }
            pairs += 1
            if b <= 0x9F { lowLead += 1 }
            i += 2
        }
        return pairs > 0 && lowLead * 2 >= pairs && katakana <= pairs
    }
}

/// Turns the raw chunks of a `ByteStream` into UTF-8 chunks.
///
/// UTF-8 passes through. UTF-16 goes through KithPlugin's streaming
/// `UTF16Transcoder`. Legacy code pages are
/// decoded by Foundation a line-aligned piece at a time: no supported
/// multi-byte code page uses LF as a trail byte, so cutting after an LF never
/// splits a character.
final class UTF8Transcoder {
    /// The raw chunks: the stream's, or those of `readFrom(_:)`.
    private var read: () -> [UInt8]?
    private let encoding: CSVEncoding
    private var carry: [UInt8] = []
    private var utf16: UTF16Transcoder
    private var done = false
    private var legacyInvalid = false
    /// True once a byte sequence could not be decoded and was replaced.
    var hadInvalidBytes: Bool { legacyInvalid || utf16.replacedInvalid }

    init(stream: ByteStream, encoding: CSVEncoding, chunkSize: Int = 256 * 1024) {
        read = { stream.read(maxCount: chunkSize) }
        self.encoding = encoding
        utf16 = UTF16Transcoder(bigEndian: encoding.kind == .utf16BE)
        if encoding.bomLength > 0 { stream.skip(encoding.bomLength) }
    }

    /// Takes the raw bytes from `source` from now on: the stream's bytes not
    /// yet read, handed over by whoever reads the stream (decoding state,
    /// such as half a UTF-16 pair, carries over).
    func readFrom(_ source: @escaping () -> [UInt8]?) {
        read = source
    }

    /// The next UTF-8 chunk; nil at the end.
    func next() -> [UInt8]? {
        while !done {
            let raw = read()
            if raw == nil { done = true }
            switch encoding.kind {
            case .utf8:
                if let raw { return raw }
            case .utf16LE, .utf16BE:
                let out = transcodeUTF16(raw ?? [], final: raw == nil)
                if !out.isEmpty { return out }
            case .legacy(let e):
                let out = decodeLegacy(raw ?? [], final: raw == nil, encoding: e)
                if !out.isEmpty { return out }
            }
        }
        return nil
    }

    private func transcodeUTF16(_ raw: [UInt8], final: Bool) -> [UInt8] {
        var out: [UInt8] = []
        utf16.transcode(raw, into: &out)
        if final { utf16.finish(into: &out) }
        return out
    }

    private func decodeLegacy(_ raw: [UInt8], final: Bool, encoding e: TextCharset) -> [UInt8] {
        var bytes = carry
        bytes.append(contentsOf: raw)
        carry = []
        var cut = bytes.count
        if !final {
            guard let lastLF = bytes.lastIndex(of: 0x0A) else {
                carry = bytes
                return []
            }
            cut = lastLF + 1
            carry = Array(bytes[cut...])
        }
        return decodePiece(bytes[..<cut], e)
    }

    private func decodePiece(_ piece: ArraySlice<UInt8>, _ e: TextCharset) -> [UInt8] {
        if piece.isEmpty { return [] }
        if let s = e.decode(piece) { return Array(s.utf8) }
        // Some line holds bytes the code page cannot decode: go line by line,
        // replacing what fails with U+FFFD.
        legacyInvalid = true
        var out: [UInt8] = []
        for line in piece.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            if line.offset > 0 { out.append(0x0A) }
            if let s = e.decode(line.element) {
                out.append(contentsOf: s.utf8)
            } else {
                for b in line.element { if b < 0x80 { out.append(b) } else { out.append(contentsOf: [0xEF, 0xBF, 0xBD]) } }
            }
        }
        return out
    }
}
