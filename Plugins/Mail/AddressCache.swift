/// Remembers parsed mailboxes, because an archive repeats them: the same
/// correspondents write `Anna-Lena Vogt <anna.vogt@example.org>` in message
/// after message.
///
/// A lookup hashes the raw bytes and compares them with the stored copy, so
/// a hit gives exactly what `AddressParser.parse` would. A field is cached
/// item by item when its commas can only separate mailboxes (no quotes,
/// comments, groups or escapes outside encoded words, and every item holds
/// an `@`), else as a whole. Bounded: the table is cleared when full. One
/// cache per parsing thread; not `Sendable`.
final class AddressCache {
    private var table: [UInt64: (raw: [UInt8], result: [MailAddress])] = [:]
    private let limit: Int

    init(limit: Int = 8192) {
        self.limit = limit
        table.reserveCapacity(limit)
    }

    /// The mailboxes of an unfolded (or LF-folded) field value.
    func parse(_ v: UnsafeBufferPointer<UInt8>, messageCharset: Charset?) -> [MailAddress] {
        guard let items = Self.simpleItems(v) else { return lookup(v, messageCharset) }
        if items.count == 1 { return lookup(UnsafeBufferPointer(rebasing: v[items[0]]), messageCharset) }
        var out: [MailAddress] = []
        out.reserveCapacity(items.count)
        for r in items { out += lookup(UnsafeBufferPointer(rebasing: v[r]), messageCharset) }
        return out
    }

    private func lookup(_ v: UnsafeBufferPointer<UInt8>, _ cs: Charset?) -> [MailAddress] {
        var key = fnv1a(v)
        switch cs {
        case nil: break
        case .utf8: key ^= 0x1
        case .windows1252: key ^= 0x2
        case .utf7: key ^= 0x3
        case .foundation(let raw): key ^= UInt64(raw) &* 0x9E37_79B9_7F4A_7C15
        }
        if let hit = table[key], hit.raw.elementsEqual(v) { return hit.result }
        let result = AddressParser.parse(v, messageCharset: cs)
        if table.count >= limit { table.removeAll(keepingCapacity: true) }
        table[key] = (Array(v), result)
        return result
    }

    /// The comma-separated items of a field whose commas all separate
    /// mailboxes; nil when the field needs the whole parser's view.
    static func simpleItems(_ b: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        var items: [Range<Int>] = []
        var start = 0
        var inAngle = false
        var sawAt = false
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            switch c {
            case 0x22, 0x28, 0x29, 0x3A, 0x3B, 0x5C, 0x5B: return nil
            case 0x3C: inAngle = true
            case 0x3E: inAngle = false
            case 0x40: sawAt = true
            case 0x2C where !inAngle:
                guard sawAt else { return nil }
                items.append(start..<i)
                start = i + 1
                sawAt = false
            case 0x3D where i + 1 < n && b[i + 1] == 0x3F:
                if let e = AddressParser.encodedWordEnd(b, i) {
                    i = e
                    continue
                }
            default: break
            }
            i += 1
        }
        guard sawAt, !inAngle else { return nil }
        items.append(start..<n)
        return items
    }
}
