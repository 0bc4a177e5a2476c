import Foundation
import KithModel
@testable import KithStore
import Testing

@Suite("Contacts kept packed")
struct PackedContactsTests {
    private func contact(_ k: Int) -> Contact {
        var c = Contact(id: "t:\(k)")
        c.name = PersonName(given: "Ilse\(k)", family: "Brandtmoor")
        c.emails = [EmailAddress("ilse\(k)@brandtmoor.example")]
        // Every 50th holds a note longer than a chunk.
        if k % 50 == 7 { c.notes = [String(repeating: "Notiz \(k); ", count: 120)] }
        c.sources = [Provenance(plugin: "jsonl", file: "p.jsonl", locator: Locator(line: k + 1), recordId: "r\(k)")]
        return c
    }

    @Test("read back equal across chunks, from memory and from the spill file, one larger than a chunk")
    func packedContacts() {
        // A budget of two chunks: the rest goes to the spill file.
        var building = PackedContacts(chunkSize: 600, memoryBudget: 1200)
        var originals: [Contact] = []
        for k in 0..<300 {
            building.append(contact(k))
            originals.append(contact(k))
        }
        let packed = building.sealed()
        #expect(packed.count == 300)
        for k in [0, 1, 6, 7, 8, 57, 150, 298, 299] { #expect(packed.contact(at: k) == originals[k]) }
        #expect((0..<300).allSatisfy { packed.contact(at: $0) == originals[$0] })
    }

    @Test("contacts appended as the store's encoded bodies read back like contacts appended as values")
    func encodedBodies() {
        var building = PackedContacts(chunkSize: 600, memoryBudget: 1200)
        for k in 0..<120 {
            if k % 2 == 0 {
                building.append(contact(k))
            } else {
                building.append(encoded: ContactStore.encode(.contact(contact(k))))
            }
        }
        let packed = building.sealed()
        #expect(packed.count == 120)
        #expect((0..<120).allSatisfy { packed.contact(at: $0) == contact($0) })
    }
}
