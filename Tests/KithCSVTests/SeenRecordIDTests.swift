import KithModel
import KithTestSupport
import Testing

@testable import KithCSV

@Suite("CSV record ids: duplicates found however the ids are shaped")
struct SeenRecordIDTests {
    /// Inserts every id into `SeenRecordIDs` and into a `Set<String>`; both
    /// must agree on which ids are new.
    private func agree(_ ids: [String]) {
        var seen = SeenRecordIDs()
        var reference = Set<String>()
        for (k, id) in ids.enumerated() {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in id.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            #expect(seen.insert(id, hash: h) == reference.insert(id).inserted, "id \(k): \(id)")
        }
    }

    @Test func sequentialWithGapsAndRepeats() {
        agree((0..<500).map { "r\(String(1000 + $0))" } + ["r1000", "r1499", "r1500", "r1250"])
        agree(["r0001", "r0003", "r0002", "r0002", "r0003", "r0004", "r0001", "r0005", "r0004"])
    }

    @Test func mixedShapes() {
        agree(["17", "18", "c-1", "c-1", "018", "18", "x", "x", "19", "c-2", "17", "r99", "r099", "r099", "r100", "r99"])
        agree(["a1", "b1", "a1", "b1", "a2", "a3", "b2", "a2", "1234567890123456789", "1234567890123456789", "", "9", "8", "9"])
    }

    @Test func randomOrder() {
        var seed: UInt64 = 7
        let ids = (0..<2000).map { _ -> String in
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let n = Int((seed >> 33) % 700)
            return seed >> 60 == 0 ? "id-\(n)" : "p\(String(n + 10000))"
        }
        agree(ids)
    }

    @Test func duplicateIdGetsPositionalIdAndWarning() {
        let o = importCSV("id,name\nr1,Ann\nr2,Bo\nr1,Cy\n")
        let ids = o.contacts.map(\.id)
        #expect(Set(ids).count == 3)
        #expect(o.problems.map(\.code) == ["csv.duplicate-id"])
        #expect(o.problems.first?.locator.line == 4)
    }
}
