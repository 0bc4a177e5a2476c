/// Deterministic identifiers: the same input gives the same ids on every run.
public enum StableID {
    /// 64-bit FNV-1a over the UTF-8 bytes of the parts (separated by a 0x1F
    /// unit separator), as 16 lower-case hex digits. Not cryptographic: it
    /// names records, it does not protect them.
    public static func hash(_ parts: String...) -> String { hash(parts) }

    /// See ``hash(_:)-(String...)``.
    public static func hash(_ parts: [String]) -> String {
        var h = FNV1a()
        for (i, part) in parts.enumerated() {
            if i > 0 { h.add(0x1F) }
            h.add(part)
        }
        return hex(h.value, prefix: nil)
    }

    /// An id for a record read by `plugin` from `file` at `locator`:
    /// `"<plugin>:<hash>"`. Prefer the input's own record id where it is unique.
    ///
    /// Hashes in place and writes the id in one allocation: importers call
    /// this once per record, and the version built on `hash(_:)`, string
    /// interpolation and `String(_:radix:)` cost about 3,800 instructions a
    /// call (callgrind, vCard benchmark); the ids are unchanged.
    public static func record(plugin: String, file: String, locator: Locator, recordId: String? = nil) -> String {
        let f = FileHasher(plugin: plugin, file: file)
        if let recordId, !recordId.isEmpty { return f.id(recordId: recordId) }
        return f.id(locator: locator)
    }

    /// The part of ``record(plugin:file:locator:recordId:)`` shared by every
    /// record of one file, hashed once: importers make an id per record, and
    /// re-hashing the file name each time was a visible share of their cost.
    /// Gives exactly the ids `record` gives.
    public struct FileHasher: Sendable {
        /// The plugin id that prefixes every id.
        public let plugin: String
        /// The hash after the file name and the separator: extend it with a
        /// record id's bytes and pass the result to ``format(_:)``.
        public let afterFile: FNV1a

        public init(plugin: String, file: String) {
            self.plugin = plugin
            var h = FNV1a()
            h.add(file)
            h.add(0x1F)
            afterFile = h
        }

        /// The id of a record with its own (non-empty) id.
        public func id(recordId: String) -> String {
            var h = afterFile
            h.add(recordId)
            return format(h.value)
        }

        /// The id of a record known by its position.
        public func id(locator: Locator) -> String {
            var h = afterFile
            h.add(locator.path ?? "")
            h.add(0x1F)
            StableID.mixDecimal(&h, locator.line ?? 0)
            h.add(0x1F)
            StableID.mixDecimal(&h, locator.record ?? 0)
            return format(h.value)
        }

        /// `"<plugin>:"` and the 16 lower-case hex digits of `hash`.
        public func format(_ hash: UInt64) -> String { StableID.hex(hash, prefix: plugin) }
    }

    /// The decimal digits of `n`, as `String(n)` writes them.
    private static func mixDecimal(_ h: inout FNV1a, _ n: Int) {
        if n < 0 { h.add(0x2D) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            var m = n.magnitude
            var k = 20
            repeat {
                k -= 1
                buf[k] = UInt8(truncatingIfNeeded: m % 10) + 0x30
                m /= 10
            } while m > 0
            for i in k..<20 { h.add(buf[i]) }
        }
    }

    /// `prefix:` (when a prefix is given, even an empty one) and 16 lower-case hex digits.
    ///
    /// Written into a stack buffer and made a String in one
    /// `String(decoding:as:)`: with `String(unsafeUninitializedCapacity:)`
    /// and a closure an id cost about 560 instructions, this about 200
    /// (callgrind, CSV benchmark), most of it the allocation.
    private static func hex(_ h: UInt64, prefix: String?) -> String {
        let hasPrefix = prefix != nil
        var prefix = prefix ?? ""
        return prefix.withUTF8 { p in
            let head = hasPrefix ? p.count + 1 : 0
            var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
            return withUnsafeMutableBytes(of: &buffer) { raw -> String in
                guard head + 16 <= raw.count else {
                    let digits = String(h, radix: 16)
                    return (hasPrefix ? String(decoding: p, as: UTF8.self) + ":" : "")
                        + String(repeating: "0", count: 16 - digits.count) + digits
                }
                let out = raw.bindMemory(to: UInt8.self)
                if head > 0 {
                    for i in 0..<p.count { out[i] = p[i] }
                    out[p.count] = 0x3A  // :
                }
                var v = h
                for i in stride(from: head + 15, through: head, by: -1) {
                    let d = UInt8(truncatingIfNeeded: v & 0xF)
                    out[i] = d < 10 ? 0x30 + d : 0x57 + d
                    v >>= 4
                }
                return String(decoding: UnsafeBufferPointer(rebasing: out[0..<(head + 16)]), as: UTF8.self)
            }
        }
    }
}

/// 64-bit FNV-1a: the hash behind every ``StableID``, and a cheap one for
/// hashing keys (e-mail addresses, names, UIDs) inside importers and the
/// matcher. Not cryptographic.
public struct FNV1a: Sendable, Hashable {
    /// The hash of what was added so far.
    public var value: UInt64

    /// The empty hash (the FNV offset basis).
    @inlinable public init() { value = 0xcbf2_9ce4_8422_2325 }

    /// A hash that continues from `value` (a seed, or an earlier state).
    @inlinable public init(value: UInt64) { self.value = value }

    @inlinable public mutating func add(_ byte: UInt8) {
        value ^= UInt64(byte)
        value &*= 0x100_0000_01b3
    }

    @inlinable public mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        for b in bytes { add(b) }
    }

    /// Adds a string's UTF-8 bytes (over its contiguous storage).
    @inlinable public mutating func add(_ s: String) {
        var s = s
        s.withUTF8 { add($0) }
    }

    /// The hash of `bytes`.
    @inlinable public static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = FNV1a()
        h.add(bytes)
        return h.value
    }

    /// The hash of a string's UTF-8 bytes.
    @inlinable public static func hash(_ s: String) -> UInt64 {
        var h = FNV1a()
        h.add(s)
        return h.value
    }
}
