import KithModel
import Testing

/// The straightforward definition the fast `StableID` must match.
private enum ReferenceID {
    static func hash(_ parts: [String]) -> String {
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

    static func record(plugin: String, file: String, locator: Locator, recordId: String?) -> String {
        if let recordId, !recordId.isEmpty {
            return "\(plugin):\(hash([file, recordId]))"
        }
        return "\(plugin):\(hash([file, locator.path ?? "", String(locator.line ?? 0), String(locator.record ?? 0)]))"
    }
}

@Suite("StableID")
struct StableIDTests {
    @Test("ids match the reference definition", arguments: [
        ("vcard", "a.vcf", Locator(line: 1, record: 1), nil as String?),
        ("vcard", "/tmp/Adressbuch – Jürgen.vcf", Locator(line: 123_456, record: 9_999), "uid-1"),
        ("", "", Locator(), ""),
        ("csv", "x.csv", Locator(line: -5, record: Int.min, path: "sheet/1"), nil),
        ("jcard", "日本.json", Locator(line: Int.max), "urn:uuid:0F3A"),
    ])
    func matchesReference(_ plugin: String, _ file: String, _ locator: Locator, _ recordId: String?) {
        #expect(
            StableID.record(plugin: plugin, file: file, locator: locator, recordId: recordId)
                == ReferenceID.record(plugin: plugin, file: file, locator: locator, recordId: recordId))
    }

    @Test("hash matches the reference definition")
    func hashMatches() {
        for parts in [[], [""], ["a"], ["a", "b"], ["", "", ""], ["Müller", "☃︎", "x\u{0}y"]] {
            #expect(StableID.hash(parts) == ReferenceID.hash(parts))
        }
        #expect(StableID.hash("0", "1") == ReferenceID.hash(["0", "1"]))
    }
}
