internal import KithPlugin

/// Byte-level value helpers: quoted-printable, base64, vCard text escapes.
enum ValueCodec {
    /// Decodes quoted-printable (soft breaks already joined by the line
    /// reader; see `TransferEncoding`). A malformed `=` is kept as it is;
    /// returns whether any was.
    static func decodeQuotedPrintable(_ b: ArraySlice<UInt8>) -> (bytes: [UInt8], malformed: Bool) {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        let malformed = b.withUnsafeBufferPointer { TransferCodec.appendQuotedPrintable($0, to: &out) }
        return (out, malformed)
    }

    static let base64Alphabet: [Bool] = {
        var t = [Bool](repeating: false, count: 256)
        for c in UInt8(ascii: "A")...UInt8(ascii: "Z") { t[Int(c)] = true }
        for c in UInt8(ascii: "a")...UInt8(ascii: "z") { t[Int(c)] = true }
        for c in UInt8(ascii: "0")...UInt8(ascii: "9") { t[Int(c)] = true }
        t[Int(UInt8(ascii: "+"))] = true
        t[Int(UInt8(ascii: "/"))] = true
        t[Int(UInt8(ascii: "-"))] = true  // URL-safe alphabet, seen in the wild
        t[Int(UInt8(ascii: "_"))] = true
        return t
    }()

    /// What repairing base64 text found.
    enum Base64Condition { case clean, repaired, broken }

    /// Strips whitespace and fixes padding. `.broken` when characters outside
    /// the alphabet occur or the length cannot be padded to whole bytes; the
    /// text is then returned stripped but otherwise raw.
    static func cleanBase64(_ b: ArraySlice<UInt8>) -> (text: [UInt8], condition: Base64Condition) {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var bad = false
        var padding = 0
        for c in b {
            if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A { continue }
            if c == 0x3D {
                padding += 1
                continue
            }
            if !base64Alphabet[Int(c)] || padding > 0 { bad = true }
            out.append(c)
        }
        if bad { return (Array(b).filter { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A) }, .broken) }
        let rem = out.count % 4
        if rem == 1 { return (Array(b).filter { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A) }, .broken) }
        let need = rem == 0 ? 0 : 4 - rem
        for _ in 0..<need { out.append(0x3D) }
        return (out, need == padding ? .clean : .repaired)
    }

    /// Decodes clean base64 text (see `cleanBase64`); nil when malformed.
    static func decodeBase64(_ b: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(b.count / 4 * 3)
        let ok = b.withUnsafeBufferPointer { TransferCodec.appendBase64($0, to: &out, skippingInvalid: false) }
        return ok ? out : nil
    }

    /// Unescapes vCard text: `\n` `\N` → line break, `\\` `\,` `\;` `\:` →
    /// the character; other backslashes are kept. vCard 2.1 only knows `\;`.
    @inline(__always)
    static func unescape(_ b: ArraySlice<UInt8>, v21: Bool) -> String {
        if !b.contains(0x5C) { return String(decoding: b, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = b.startIndex
        while i < b.endIndex {
            let c = b[i]
            if c == 0x5C && i + 1 < b.endIndex {
                let n = b[i + 1]
                if v21 {
                    if n == 0x3B {
                        out.append(n)
                        i += 2
                        continue
                    }
                } else {
                    switch n {
                    case 0x6E, 0x4E: out.append(0x0A); i += 2; continue
                    case 0x5C, 0x2C, 0x3B, 0x3A: out.append(n); i += 2; continue
                    default: break
                    }
                }
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Calls `body` with each part between unescaped `separator`s (a
    /// backslash escapes the next byte); no intermediate array of parts.
    @inline(__always)
    static func forEachPart(_ b: ArraySlice<UInt8>, separator: UInt8, _ body: (ArraySlice<UInt8>) -> Void) {
        var start = b.startIndex
        var i = b.startIndex
        let end = b.endIndex
        while i < end {
            let c = b[i]
            if c == 0x5C {
                i += 2
                continue
            }
            if c == separator {
                body(b[start..<i])
                start = i + 1
            }
            i += 1
        }
        body(b[min(start, end)..<end])
    }

    /// True when `b` equals the lower-case ASCII literal `lit`, ignoring the
    /// case of ASCII letters in `b`.
    @inline(__always)
    static func equalsLower(_ b: UnsafeBufferPointer<UInt8>, _ lit: StaticString) -> Bool {
        let n = lit.utf8CodeUnitCount
        guard b.count == n else { return false }
        let p = lit.utf8Start
        for k in 0..<n {
            let c = b[k]
            let l = c >= 0x41 && c <= 0x5A ? c | 0x20 : c
            if l != p[k] { return false }
        }
        return true
    }
}
