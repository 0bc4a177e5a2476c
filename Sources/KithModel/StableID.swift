/// Deterministic identifiers: the same input gives the same ids on every run.
public enum StableID {
    /// 64-bit FNV-1a over the UTF-8 bytes of the parts (separated by a 0x1F
    /// unit separator), as 16 lower-case hex digits. Not cryptographic: it
    /// names records, it does not protect them.
    public static func hash(_ parts: String...) -> String { hash(parts) }

    /// See ``hash(_:)-(String...)``.
    public static func hash(_ parts: [String]) -> String {
        var h = offsetBasis
        for (i, part) in parts.enumerated() {
            if i > 0 { mixByte(&h, 0x1F) }
            mix(&h, part)
        }
        return hex(h, prefix: nil)
    }

    /// An id for a record read by `plugin` from `file` at `locator`:
    /// `"<plugin>:<hash>"`. Prefer the input's own record id where it is unique.
    ///
    /// Hashes in place and writes the id in one allocation: importers call
    /// this once per record, and the version built on `hash(_:)`, string
    /// interpolation and `String(_:radix:)` cost about 3,800 instructions a
    /// call (callgrind, vCard benchmark); the ids are unchanged.
    public static func record(plugin: String, file: String, locator: Locator, recordId: String? = nil) -> String {
        var h = offsetBasis
        mix(&h, file)
        if let recordId, !recordId.isEmpty {
            mixByte(&h, 0x1F)
            mix(&h, recordId)
        } else {
            mixByte(&h, 0x1F)
            mix(&h, locator.path ?? "")
            mixByte(&h, 0x1F)
            mixDecimal(&h, locator.line ?? 0)
            mixByte(&h, 0x1F)
            mixDecimal(&h, locator.record ?? 0)
        }
        return hex(h, prefix: plugin)
    }

    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    private static func mixByte(_ h: inout UInt64, _ b: UInt8) {
        h ^= UInt64(b)
        h &*= 0x100_0000_01b3
    }

    @inline(__always)
    private static func mix(_ h: inout UInt64, _ s: String) {
        var s = s
        s.withUTF8 { for b in $0 { mixByte(&h, b) } }
    }

    /// The decimal digits of `n`, as `String(n)` writes them.
    private static func mixDecimal(_ h: inout UInt64, _ n: Int) {
        if n < 0 { mixByte(&h, 0x2D) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            var m = n.magnitude
            var k = 20
            repeat {
                k -= 1
                buf[k] = UInt8(truncatingIfNeeded: m % 10) + 0x30
                m /= 10
            } while m > 0
            for i in k..<20 { mixByte(&h, buf[i]) }
        }
    }

    /// `prefix:` (when a prefix is given, even an empty one) and 16 lower-case hex digits.
    private static func hex(_ h: UInt64, prefix: String?) -> String {
        let hasPrefix = prefix != nil
        var prefix = prefix ?? ""
        return prefix.withUTF8 { p in
            let head = hasPrefix ? p.count + 1 : 0
            return String(unsafeUninitializedCapacity: head + 16) { buf in
                if head > 0 {
                    for i in 0..<p.count { buf[i] = p[i] }
                    buf[p.count] = 0x3A  // :
                }
                let digits: StaticString = "0123456789abcdef"
                for i in 0..<16 {
                    buf[head + i] = digits.utf8Start[Int((h >> UInt64(60 - 4 * i)) & 0xF)]
                }
                return head + 16
            }
        }
    }
}
