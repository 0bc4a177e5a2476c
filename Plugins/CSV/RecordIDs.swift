import KithModel

/// Makes contact ids exactly as `StableID.record` does, without re-hashing
/// the file name for every row, and keeps them unique within the file.
struct RecordIDs {
    private static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x100_0000_01b3
    private let plugin: String
    /// FNV-1a state after the file name and the separator.
    private let afterFile: UInt64
    private final class Seen { var ids = Set<UInt64>() }
    private let seen = Seen()

    init(plugin: String, file: String) {
        self.plugin = plugin
        var h = Self.offset
        for b in file.utf8 {
            h ^= UInt64(b)
            h &*= Self.prime
        }
        h ^= 0x1F
        h &*= Self.prime
        afterFile = h
    }

    private static func feed(_ h: inout UInt64, _ s: String) {
        for b in s.utf8 {
            h ^= UInt64(b)
            h &*= prime
        }
    }

    private func render(_ h: UInt64) -> String {
        var out = [UInt8](repeating: 0, count: plugin.utf8.count + 1 + 16)
        var k = 0
        for b in plugin.utf8 {
            out[k] = b
            k += 1
        }
        out[k] = 0x3A
        k += 1
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        for shift in stride(from: 60, through: 0, by: -4) {
            out[k] = digits[Int((h >> UInt64(shift)) & 0xF)]
            k += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The id for a row: from its record id when it has one not seen before
    /// in this file, else from its position.
    func id(recordId: String?, locator: Locator, warnings: inout [RowAssembler.Warning]) -> String {
        if let recordId, !recordId.isEmpty {
            var h = afterFile
            Self.feed(&h, recordId)
            if seen.ids.insert(h).inserted { return render(h) }
            warnings.append(
                RowAssembler.Warning(
                    message: "record id already used by an earlier row; this contact's id comes from its position",
                    code: "csv.duplicate-id"))
        }
        var h = afterFile
        Self.feed(&h, locator.path ?? "")
        h ^= 0x1F
        h &*= Self.prime
        Self.feed(&h, String(locator.line ?? 0))
        h ^= 0x1F
        h &*= Self.prime
        Self.feed(&h, String(locator.record ?? 0))
        return render(h)
    }
}
