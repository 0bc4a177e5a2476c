import KithPlugin

/// RFC 2047 encoded words (`=?charset?B|Q?text?=`) and RFC 2231 parameter
/// values, decoded leniently.
///
/// Hand-written because what mailers send is not what the RFCs say: words
/// split in the middle of a UTF-8 character, base64 without its padding,
/// encoded words glued to text or put inside quoted strings, raw 8-bit bytes
/// next to them. Adjacent encoded words (separated by whitespace only) are
/// joined at the byte level before their charset is applied, which mends the
/// split characters; the whitespace between them is dropped, as RFC 2047 says.
enum EncodedWords {
    /// Decodes every encoded word in `bytes`; the text around them is header
    /// text (UTF-8, else `messageCharset`, else Windows-1252).
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, messageCharset: Charset?) -> String {
        guard let first = firstEncodedWordStart(bytes) else {
            return Charset.headerText(bytes, messageCharset: messageCharset)
        }
        // First assume that every UTF-8 part is valid and copy bytes through,
        // checking the whole once at the end (the common case); else decode
        // part by part with every fallback.
        if let fast = decode(bytes, first: first, messageCharset: messageCharset, trustUTF8: true) { return fast }
        return decode(bytes, first: first, messageCharset: messageCharset, trustUTF8: false) ?? ""
    }

    private static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, first: Int, messageCharset: Charset?, trustUTF8: Bool
    ) -> String? {
        // Output is gathered as UTF-8 bytes and made a String once.
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 2)
        var encLabel: Range<Int>?
        var encBytes: [UInt8] = []
        encBytes.reserveCapacity(bytes.count)
        var wordStarts: [Int] = []
        wordStarts.reserveCapacity(4)
        var litStart = 0  // literal text is always the contiguous run bytes[litStart..<i]
        var afterWord = false
        var i = first
        let n = bytes.count

        func appendText(_ s: String) { out.append(contentsOf: s.utf8) }
        func flushEnc() {
            guard let label = encLabel else { return }
            let cs = Charset.named(bytes: UnsafeBufferPointer(rebasing: bytes[label])) ?? .utf8
            if cs == .utf8, trustUTF8 || !encBytes.contains(where: { $0 >= 0x80 }) {
                out += encBytes
            } else if wordStarts.count > 1, encBytes.withUnsafeBufferPointer({ cs.decodeStrict($0) }) == nil {
                // Some decoders (ISO-2022-JP) refuse words that are each
                // valid but not joined: decode them one by one.
                for (k, s) in wordStarts.enumerated() {
                    let e = k + 1 < wordStarts.count ? wordStarts[k + 1] : encBytes.count
                    appendText(cs.decodeLeniently(Array(encBytes[s..<e])))
                }
            } else {
                appendText(cs.decodeLeniently(encBytes))
            }
            encBytes.removeAll(keepingCapacity: true)
            wordStarts.removeAll(keepingCapacity: true)
            encLabel = nil
        }
        func flushLit(_ end: Int) {
            guard end > litStart else { return }
            let run = UnsafeBufferPointer(rebasing: bytes[litStart..<end])
            if !trustUTF8, run.contains(where: { $0 >= 0x80 }) {
                appendText(Charset.headerText(run, messageCharset: messageCharset))
            } else {
                out.append(contentsOf: run)
            }
            litStart = end
        }
        func sameLabel(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
            guard a.count == b.count else { return false }
            var x = a.lowerBound
            var y = b.lowerBound
            while x < a.upperBound {
                if bytes[x] | 0x20 != bytes[y] | 0x20 { return false }
                x += 1
                y += 1
            }
            return true
        }

        while i < n {
            if bytes[i] == 0x3D, i + 1 < n, bytes[i + 1] == 0x3F, let w = parseWord(bytes, at: i) {
                var onlySpace = afterWord
                if onlySpace {
                    for k in litStart..<i where !(bytes[k] == 0x20 || bytes[k] == 0x09 || bytes[k] == 0x0A || bytes[k] == 0x0D) {
                        onlySpace = false
                        break
                    }
                }
                if !onlySpace {
                    flushEnc()
                    flushLit(i)
                }
                if let l = encLabel, !sameLabel(l, w.charset) { flushEnc() }
                encLabel = w.charset
                wordStarts.append(encBytes.count)
                let text = UnsafeBufferPointer(rebasing: bytes[w.text])
                if w.base64 { TransferCodec.appendBase64(text, to: &encBytes, skippingInvalid: true) } else { appendQ(text, to: &encBytes) }
                afterWord = true
                i = w.end
                litStart = i
                continue
            }
            let b = bytes[i]
            if afterWord && !(b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D) {
                flushEnc()
                afterWord = false
            }
            i += 1
        }
        flushEnc()
        flushLit(n)
        if trustUTF8 { return out.withUnsafeBufferPointer { Charset.validUTF8($0) } }
        return String(decoding: out, as: UTF8.self)
    }

    /// See ``decode(_:messageCharset:)-(UnsafeBufferPointer<UInt8>,_)``.
    static func decode(_ bytes: [UInt8], messageCharset: Charset?) -> String {
        bytes.withUnsafeBufferPointer { decode($0, messageCharset: messageCharset) }
    }

    static func decode(_ bytes: ArraySlice<UInt8>, messageCharset: Charset?) -> String {
        bytes.withUnsafeBufferPointer { decode($0, messageCharset: messageCharset) }
    }

    private static func firstEncodedWordStart(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard b.count >= 8 else { return nil }
        var i = 0
        while i + 1 < b.count {
            if b[i] == 0x3D && b[i + 1] == 0x3F { return i }
            i += 1
        }
        return nil
    }


    private struct Word {
        var charset: Range<Int>
        var base64: Bool
        var text: Range<Int>
        var end: Int
    }

    /// Parses `=?cs?E?text?=` at `start`; text may not hold a line break and
    /// is at most 2,000 bytes (an encoded word is at most 75 by the RFC).
    private static func parseWord(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> Word? {
        let n = b.count
        var i = start + 2
        let csStart = i
        while i < n, b[i] != 0x3F {
            let c = b[i]
            if c <= 0x20 || c >= 0x7F || i - csStart > 64 { return nil }
            i += 1
        }
        guard i < n, i > csStart, i + 3 < n else { return nil }
        let csEnd = i
        let e = b[i + 1] | 0x20
        guard e == 0x62 || e == 0x71, b[i + 2] == 0x3F else { return nil }
        i += 3
        let textStart = i
        while i + 1 < n {
            if b[i] == 0x3F && b[i + 1] == 0x3D {
                return Word(charset: csStart..<csEnd, base64: e == 0x62, text: textStart..<i, end: i + 2)
            }
            if b[i] == 0x0A || b[i] == 0x0D || i - textStart > 2000 { return nil }
            i += 1
        }
        return nil
    }

    /// Q encoding: `_` is a space, `=XX` a byte; anything else (including
    /// raw 8-bit bytes and a broken `=`) is kept as it is.
    static func appendQ(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var i = 0
        let n = text.count
        while i < n {
            let c = text[i]
            if c == 0x5F {
                out.append(0x20)
            } else if c == 0x3D, i + 2 < n, let h = TransferCodec.hexValue(text[i + 1]), let l = TransferCodec.hexValue(text[i + 2]) {
                out.append(h << 4 | l)
                i += 2
            } else {
                out.append(c)
            }
            i += 1
        }
    }
}

/// A MIME header value with parameters (`Content-Type`,
/// `Content-Disposition`), RFC 2045 with RFC 2231's extended and continued
/// parameters (`name*0*=utf-8''%E2%82%AC; name*1=.pdf`).
struct MIMEValue {
    /// The value before the first `;`, lower-cased and trimmed ("text/plain").
    var value: String
    /// Parameters by lower-cased name, decoded.
    var parameters: [String: String]

    init(_ bytes: UnsafeBufferPointer<UInt8>, messageCharset: Charset? = nil) {
        var i = 0
        let n = bytes.count
        func skipSpace() {
            while i < n {
                let c = bytes[i]
                if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
                    i += 1
                } else if c == 0x28 {
                    var depth = 0
                    while i < n {
                        if bytes[i] == 0x5C { i += 2; continue }
                        if bytes[i] == 0x28 { depth += 1 }
                        if bytes[i] == 0x29 { depth -= 1; if depth == 0 { i += 1; break } }
                        i += 1
                    }
                } else {
                    break
                }
            }
        }
        skipSpace()
        let vStart = i
        while i < n, bytes[i] != 0x3B { i += 1 }
        var vEnd = i
        while vEnd > vStart, bytes[vEnd - 1] <= 0x20 { vEnd -= 1 }
        value = String(decoding: bytes[vStart..<vEnd], as: UTF8.self).lowercased()

        // name -> [(section, extended, raw value)]
        var parts: [String: [(Int, Bool, [UInt8])]] = [:]
        var order: [String] = []
        while i < n {
            // at ';'
            i += 1
            skipSpace()
            let nStart = i
            while i < n, bytes[i] != 0x3D, bytes[i] != 0x3B, bytes[i] > 0x20 { i += 1 }
            let rawName = String(decoding: bytes[nStart..<i], as: UTF8.self).lowercased()
            skipSpace()
            guard i < n, bytes[i] == 0x3D, !rawName.isEmpty else {
                while i < n, bytes[i] != 0x3B { i += 1 }
                continue
            }
            i += 1
            skipSpace()
            var raw: [UInt8] = []
            if i < n, bytes[i] == 0x22 {
                i += 1
                while i < n, bytes[i] != 0x22 {
                    if bytes[i] == 0x5C, i + 1 < n { i += 1 }
                    raw.append(bytes[i])
                    i += 1
                }
                i += 1
                while i < n, bytes[i] != 0x3B { i += 1 }
            } else {
                let s = i
                while i < n, bytes[i] != 0x3B { i += 1 }
                var e = i
                while e > s, bytes[e - 1] <= 0x20 { e -= 1 }
                raw = Array(bytes[s..<e])
            }
            // Split "name*0*" into base, section, extended.
            var base = Substring(rawName)
            var extended = false
            var section = 0
            if base.hasSuffix("*") {
                extended = true
                base = base.dropLast()
            }
            if let star = base.lastIndex(of: "*"), let k = Int(base[base.index(after: star)...]) {
                section = k
                base = base[..<star]
            }
            let key = String(base)
            if parts[key] == nil { order.append(key) }
            parts[key, default: []].append((section, extended, raw))
        }
        var params: [String: String] = [:]
        for key in order {
            guard let segs = parts[key]?.sorted(by: { $0.0 < $1.0 }) else { continue }
            var charset: Charset?
            var out: [UInt8] = []
            var anyExtended = false
            for (idx, seg) in segs.enumerated() {
                var raw = seg.2[...]
                if seg.1 {
                    anyExtended = true
                    if idx == 0, let q1 = raw.firstIndex(of: 0x27) {
                        let label = String(decoding: raw[..<q1], as: UTF8.self)
                        charset = Charset.named(label)
                        let rest = raw[raw.index(after: q1)...]
                        if let q2 = rest.firstIndex(of: 0x27) { raw = rest[rest.index(after: q2)...] } else { raw = rest }
                    }
                    var j = raw.startIndex
                    while j < raw.endIndex {
                        if raw[j] == 0x25, j + 2 < raw.endIndex, let h = TransferCodec.hexValue(raw[j + 1]),
                            let l = TransferCodec.hexValue(raw[j + 2])
                        {
                            out.append(h << 4 | l)
                            j += 3
                        } else {
                            out.append(raw[j])
                            j += 1
                        }
                    }
                } else {
                    out += raw
                }
            }
            if anyExtended {
                params[key] = (charset ?? .utf8).decodeLeniently(out)
            } else {
                params[key] = EncodedWords.decode(out, messageCharset: messageCharset)
            }
        }
        parameters = params
    }

    /// Just the `charset` parameter of a Content-Type, read without building
    /// the parameter table (the per-message hot path).
    static func charset(in bytes: some Collection<UInt8>) -> Charset? {
        // In place when the bytes are contiguous (the header slice always is).
        if let r = bytes.withContiguousStorageIfAvailable({ charset(inBuffer: $0) }) { return r }
        return Array(bytes).withUnsafeBufferPointer { charset(inBuffer: $0) }
    }

    private static func charset(inBuffer b: UnsafeBufferPointer<UInt8>) -> Charset? {
        let n = b.count
        var i = 0
        while i + 8 < n {
            if b[i] | 0x20 == 0x63, b[i + 1] | 0x20 == 0x68, b[i + 2] | 0x20 == 0x61, b[i + 3] | 0x20 == 0x72,
                b[i + 4] | 0x20 == 0x73, b[i + 5] | 0x20 == 0x65, b[i + 6] | 0x20 == 0x74,
                i == 0 || b[i - 1] == 0x3B || b[i - 1] == 0x20 || b[i - 1] == 0x09
            {
                var j = i + 7
                if j < n, b[j] == 0x2A { return MIMEValue(b).parameters["charset"].flatMap { Charset.named($0) } }
                while j < n, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
                guard j < n, b[j] == 0x3D else { i += 1; continue }
                j += 1
                while j < n, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
                let s = j
                if j < n, b[j] == 0x22 {
                    j += 1
                    while j < n, b[j] != 0x22 { j += 1 }
                    return Charset.named(bytes: UnsafeBufferPointer(rebasing: b[(s + 1)..<j]))
                }
                while j < n, b[j] != 0x3B, b[j] > 0x20 { j += 1 }
                return Charset.named(bytes: UnsafeBufferPointer(rebasing: b[s..<j]))
            }
            i += 1
        }
        return nil
    }

    init(_ bytes: [UInt8], messageCharset: Charset? = nil) {
        self = bytes.withUnsafeBufferPointer { MIMEValue($0, messageCharset: messageCharset) }
    }

    init(_ bytes: ArraySlice<UInt8>, messageCharset: Charset? = nil) {
        self = bytes.withUnsafeBufferPointer { MIMEValue($0, messageCharset: messageCharset) }
    }
}
