/// Byte-level decoders for the transfer encodings importers meet: base64
/// (MIME bodies and encoded words, vCard PHOTO/KEY) and quoted-printable
/// (MIME bodies, vCard 2.1 values). One copy for every plugin; each decoder
/// forgives what real exports get wrong, as documented per function.
public enum TransferCodec {
    /// The value of an ASCII hex digit (either case), nil otherwise.
    @inlinable
    public static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    /// The 6-bit value of a base64 character, from the standard alphabet or
    /// the URL-safe one (`-`, `_`), both seen in the wild; nil otherwise.
    @inlinable
    public static func base64Value(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x41...0x5A: UInt32(c - 0x41)
        case 0x61...0x7A: UInt32(c - 0x61 + 26)
        case 0x30...0x39: UInt32(c - 0x30 + 52)
        case 0x2B, 0x2D: 62
        case 0x2F, 0x5F: 63
        default: nil
        }
    }

    /// Appends the bytes of base64 `text` to `out`. Padding (`=`) ends a
    /// group, so padded chunks run together still decode (some mailers
    /// concatenate them); a trailing partial sextet is dropped. Other
    /// characters outside the alphabet are skipped when `skippingInvalid`,
    /// else decoding stops there and returns false.
    @discardableResult
    public static func appendBase64(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], skippingInvalid: Bool) -> Bool {
        var acc: UInt32 = 0
        var bits = 0
        for c in text {
            guard let v = base64Value(c) else {
                if c == 0x3D {
                    acc = 0
                    bits = 0
                } else if !skippingInvalid {
                    return false
                }
                continue
            }
            acc = (acc << 6) | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
                acc &= (1 << UInt32(bits)) - 1
            }
        }
        return true
    }

    /// Appends the bytes of quoted-printable `text` to `out`: `=XX` is a
    /// byte, `=` before a line break (LF or CRLF) or at the very end is a
    /// soft break. Any other `=` is kept as it is; returns true when there
    /// was such a malformed one.
    @discardableResult
    public static func appendQuotedPrintable(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        var malformed = false
        var i = 0
        let n = text.count
        while i < n {
            let c = text[i]
            if c == 0x3D {
                if i + 2 < n, let h = hexValue(text[i + 1]), let l = hexValue(text[i + 2]) {
                    out.append(h << 4 | l)
                    i += 3
                    continue
                }
                if i + 1 == n { break }  // soft break at the end
                if text[i + 1] == 0x0A {
                    i += 2
                    continue
                }
                if text[i + 1] == 0x0D, i + 2 < n, text[i + 2] == 0x0A {
                    i += 3
                    continue
                }
                malformed = true
            }
            out.append(c)
            i += 1
        }
        return malformed
    }
}
