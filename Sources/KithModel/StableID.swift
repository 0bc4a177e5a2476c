/// Deterministic identifiers: the same input gives the same ids on every run.
public enum StableID {
    /// 64-bit FNV-1a over the UTF-8 bytes of the parts (separated by a 0x1F
    /// unit separator), as 16 lower-case hex digits. Not cryptographic: it
    /// names records, it does not protect them.
    public static func hash(_ parts: String...) -> String { hash(parts) }

    /// See ``hash(_:)-(String...)``.
    public static func hash(_ parts: [String]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for (i, part) in parts.enumerated() {
            if i > 0 {
                h ^= 0x1F
                h &*= 0x100_0000_01b3
            }
            for b in part.utf8 {
                h ^= UInt64(b)
                h &*= 0x100_0000_01b3
            }
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// An id for a record read by `plugin` from `file` at `locator`:
    /// `"<plugin>:<hash>"`. Prefer the input's own record id where it is unique.
    public static func record(plugin: String, file: String, locator: Locator, recordId: String? = nil) -> String {
        if let recordId, !recordId.isEmpty {
            return "\(plugin):\(hash(file, recordId))"
        }
        return "\(plugin):\(hash(file, locator.path ?? "", String(locator.line ?? 0), String(locator.record ?? 0)))"
    }
}
