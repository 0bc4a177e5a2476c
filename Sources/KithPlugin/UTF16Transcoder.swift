/// Streaming UTF-16 to UTF-8, for readers of UTF-16 exports (Excel "Unicode
/// text", Thunderbird, Outlook vCards).
///
/// Feed chunks split anywhere — an odd byte or half a surrogate pair waits
/// for the next chunk. Unpaired surrogates and a dangling byte at the end
/// become U+FFFD, and `replacedInvalid` says so.
public struct UTF16Transcoder: Sendable {
    /// Byte order of the input.
    public var bigEndian: Bool
    /// True once any invalid input was replaced by U+FFFD.
    public private(set) var replacedInvalid = false
    private var carry: UInt8?
    private var highSurrogate: UInt16?

    public init(bigEndian: Bool) { self.bigEndian = bigEndian }

    /// Transcodes `bytes`, appending UTF-8 to `out`.
    public mutating func transcode(_ bytes: some Collection<UInt8>, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + bytes.count)
        var pending = carry
        carry = nil
        for b in bytes {
            guard let first = pending else {
                pending = b
                continue
            }
            pending = nil
            unit(bigEndian ? UInt16(first) << 8 | UInt16(b) : UInt16(b) << 8 | UInt16(first), into: &out)
        }
        carry = pending
    }

    /// Ends the input: what is left over becomes U+FFFD.
    public mutating func finish(into out: inout [UInt8]) {
        if carry != nil || highSurrogate != nil { replace(into: &out) }
        carry = nil
        highSurrogate = nil
    }

    private mutating func unit(_ u: UInt16, into out: inout [UInt8]) {
        if let high = highSurrogate {
            highSurrogate = nil
            if (0xDC00...0xDFFF).contains(u) {
                let scalar = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(u) - 0xDC00)
                out.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
                return
            }
            replace(into: &out)
        }
        if (0xD800...0xDBFF).contains(u) {
            highSurrogate = u
        } else if let scalar = Unicode.Scalar(u) {
            out.append(contentsOf: UTF8.encode(scalar)!)
        } else {
            replace(into: &out)
        }
    }

    private mutating func replace(into out: inout [UInt8]) {
        replacedInvalid = true
        out.append(contentsOf: [0xEF, 0xBF, 0xBD])
    }
}
