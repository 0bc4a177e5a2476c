import Foundation
import GRDB
import KithModel
import KithStore
import Testing

func tempStorePath() -> String {
    NSTemporaryDirectory() + "kith-store-\(UUID().uuidString)/store.sqlite"
}

func person(_ id: String, _ name: String, email: String? = nil, phone: String? = nil, file: String = "a.vcf", line: Int, recordId: String? = nil) -> Contact {
    Contact(
        id: id, name: PersonName(formatted: name), emails: email.map { [EmailAddress($0)] } ?? [],
        phones: phone.map { [PhoneNumber(raw: $0)] } ?? [],
        sources: [Provenance(plugin: "vcard", file: file, locator: Locator(line: line, record: line), recordId: recordId)])
}

/// Imports `contacts` as the content of `file` (hash = what changed).
@discardableResult
func importFile(_ store: ContactStore, _ file: String, _ contacts: [Contact], hash: String) throws -> ContactStore.ImportReport {
    try store.importTransaction { w in
        if try store.isUnchanged(path: file, hash: hash) {
            w.skipUnchangedSource()
            return
        }
        try w.beginSource(path: file, plugin: "vcard", contentHash: hash, size: 100)
        for c in contacts { try w.add(.contact(c)) }
    }
}

func people(_ store: ContactStore) throws -> [String: [String]] {
    var out: [String: [String]] = [:]
    try store.exportAll { r in
        if case .contact(let c) = r { out[c.id] = c.emails.map(\.address).sorted() }
    }
    return out
}

@Suite("Contact store")
struct ContactStoreTests {
    static let anna = person("v:1", "Anna-Lena Vogt", email: "anna.vogt@example.org", phone: "+49 30 1234567", line: 1, recordId: "UID-anna")
    static let lena = person("c:7", "Vogt, Anna-Lena", email: "anna.vogt@example.org", file: "b.csv", line: 2)
    static let bob = person("v:2", "Robert Fischer-Okafor", email: "bob.okafor@example.com", line: 9, recordId: "UID-bob")

    @Test func createsTheStoreAndItsSchemaOnFirstUse() throws {
        let path = tempStorePath()
        let store = try ContactStore(path: path)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try store.appliedMigrations() == ["v1", "v2-record-kind-index", "v3-match-model"])
        #expect(try store.statistics() == ContactStore.Statistics())
    }

    @Test func reimportingTheSameFileChangesNothing() throws {
        let store = try ContactStore(path: tempStorePath())
        let first = try importFile(store, "a.vcf", [Self.anna, Self.bob], hash: "h1")
        #expect(first.recordsAdded == 2)
        let before = try people(store)
        let again = try importFile(store, "a.vcf", [Self.anna, Self.bob], hash: "h1")
        #expect(again.sourcesUnchanged == 1 && again.recordsAdded == 0 && again.recordsUpdated == 0)
        // Same content under a new hash (touched file): records are recognised as unchanged.
        let touched = try importFile(store, "a.vcf", [Self.anna, Self.bob], hash: "h2")
        #expect(touched.recordsUnchanged == 2 && touched.recordsAdded == 0 && touched.recordsVanished == 0)
        #expect(try people(store) == before)
    }

    @Test func updatedExportKeepsPersonIdsAddsAndMarksVanished() throws {
        let store = try ContactStore(path: tempStorePath())
        try importFile(store, "a.vcf", [Self.anna, Self.bob], hash: "h1")
        let idsBefore = try people(store)
        var anna2 = Self.anna
        anna2.phones = [PhoneNumber(raw: "+49 30 7654321")]
        let carol = person("v:3", "Carol Nguyen", email: "carol@example.net", line: 20, recordId: "UID-carol")
        let r = try importFile(store, "a.vcf", [anna2, carol], hash: "h2")
        #expect(r.recordsUpdated == 1)
        #expect(r.recordsAdded == 1)
        #expect(r.recordsVanished == 1, "Bob is no longer in the export")
        let after = try people(store)
        let annaPerson = try #require(idsBefore.first { $0.value == ["anna.vogt@example.org"] }?.key)
        #expect(after[annaPerson] == ["anna.vogt@example.org"], "Anna keeps her person id")
        #expect(!after.values.contains(["bob.okafor@example.com"]))
        #expect(try store.statistics().vanishedRecords == 1)
        #expect(try store.statistics().people == 2, "Anna and Carol; Bob's only record vanished")
        #expect(try store.statistics().contactRecords == 2)
    }

    @Test func aRecordWithoutAnIdKeepsItsKeyWhenLinesShift() throws {
        let store = try ContactStore(path: tempStorePath())
        let x = person("c:1", "Søren Kierkegaard-Hansen", email: "soren@example.dk", file: "b.csv", line: 2)
        try importFile(store, "b.csv", [x], hash: "h1")
        var shifted = x
        shifted.sources[0].locator = Locator(line: 3, record: 2)
        shifted.id = "c:2"
        let newcomer = person("c:9", "Aiko Tanaka", email: "aiko.tanaka@example.jp", file: "b.csv", line: 2)
        let r = try importFile(store, "b.csv", [newcomer, shifted], hash: "h2")
        #expect(r.recordsUnchanged == 1 && r.recordsAdded == 1 && r.recordsVanished == 0)
    }

    @Test func newRecordsJoinTheMatchingPerson() throws {
        let store = try ContactStore(path: tempStorePath())
        try importFile(store, "a.vcf", [Self.anna, Self.bob], hash: "h1")
        let r = try importFile(store, "b.csv", [Self.lena], hash: "x1")
        #expect(r.contactsMatched == 1)
        let all = try people(store)
        #expect(all.count == 2, "Lena Vogt with Anna's address is Anna: \(all)")
    }

    @Test func aRecordKnownByItsPhoneInAnotherFormatJoinsThePerson() throws {
        let store = try ContactStore(path: tempStorePath())
        try importFile(store, "a.vcf", [Self.anna, Self.bob], hash: "h1")
        // Only the phone (written another way) and the name link her.
        let call = person("p:4", "Anna-Lena Vogt", phone: "+49 (30) 123-4567", file: "calls.csv", line: 2)
        let r = try importFile(store, "calls.csv", [call], hash: "c1")
        #expect(r.contactsMatched == 1)
        #expect(try people(store).count == 2, "the caller is Anna")
        #expect(ContactStore.digits("+49 (30) 123-4567") == "49301234567")
        #expect(ContactStore.digits("\u{661}\u{662}-\u{663}") == "\u{661}\u{662}\u{663}")
    }

    @Test func aLargeImportKeepsItsModelForLaterSmallOnes() throws {
        let store = try ContactStore(path: tempStorePath())
        // 2,200 invented people; every tenth also appears as "Last, First".
        let given = ["Anneliese", "Bartholomew", "Cordula", "Dragan", "Emilia", "Florentin", "Gesine", "Hartmut", "Irmela", "Joost"]
        let syllables = ["wen", "dor", "lund", "ham", "kel", "ver", "mor", "tal", "brand", "ski", "stro", "fen"]
        var contacts: [Contact] = []
        for k in 0..<2_200 {
            let first = given[k % given.count]
            let family = (syllables[k % 12] + syllables[(k / 12) % 12] + syllables[(k / 144) % 12]).capitalized
            let email = "\(first.lowercased()).\(family.lowercased())\(k)@example.org"
            contacts.append(person("b:\(k)", "\(first) \(family)", email: email, file: "big.vcf", line: k + 1, recordId: "B\(k)"))
            if k % 10 == 0 {
                contacts.append(person("b:\(k)x", "\(family), \(first)", email: email.uppercased(), file: "big.vcf", line: k + 1, recordId: "B\(k)x"))
            }
        }
        let big = try importFile(store, "big.vcf", contacts, hash: "h1")
        #expect(!big.usedStoredModel)
        #expect(try people(store).count == 2_200)
        // One new record of a known person: matched with the kept model.
        let k = 1_234
        let first = given[k % given.count]
        let family = (syllables[k % 12] + syllables[(k / 12) % 12] + syllables[(k / 144) % 12]).capitalized
        let newcomer = person("n:1", "\(first) \(family)", email: "\(first.lowercased()).\(family.lowercased())\(k)@example.org",
            file: "new.vcf", line: 1, recordId: "N1")
        let small = try importFile(store, "new.vcf", [newcomer], hash: "n1")
        #expect(small.usedStoredModel)
        #expect(small.contactsMatched == 1)
        #expect(try people(store).count == 2_200, "the newcomer joined the person with their address")
    }

    @Test func rulesSurviveReimportAndSplitIsRemembered() throws {
        let store = try ContactStore(path: tempStorePath())
        try importFile(store, "a.vcf", [Self.anna, Self.bob], hash: "h1")
        try importFile(store, "b.csv", [Self.lena], hash: "x1")
        #expect(try people(store).count == 2)
        // Undo the merge.
        let annaPerson = try #require(try store.people(matching: "anna.vogt@example.org").first)
        #expect(annaPerson.recordUids.count == 2)
        #expect(try store.split(annaPerson.id) == 2)
        #expect(try people(store).count == 3)
        // A changed re-export of b.csv must not merge them again.
        var lena2 = Self.lena
        lena2.phones = [PhoneNumber(raw: "+49 30 1234567")]
        try importFile(store, "b.csv", [lena2], hash: "x2")
        #expect(try people(store).count == 3, "the split is remembered")
        // Link Bob with Lena by hand: remembered too.
        try store.link("v:2", "c:7")
        #expect(try people(store).count == 2)
        try importFile(store, "a.vcf", [Self.anna, Self.bob], hash: "h9")
        #expect(try people(store).count == 2)
        #expect(try store.statistics().rules >= 2)
        #expect(throws: StoreError.self) { try store.link("v:2", "nope") }
        #expect(throws: StoreError.self) { try store.split("p-missing") }
    }

    @Test func unlinkMovesTheRecordOut() throws {
        let store = try ContactStore(path: tempStorePath())
        try importFile(store, "a.vcf", [Self.anna], hash: "h1")
        try importFile(store, "b.csv", [Self.lena], hash: "x1")
        #expect(try people(store).count == 1)
        try store.unlink("v:1", "c:7")
        #expect(try people(store).count == 2)
    }

    @Test func aStoreFromANewerKithIsRefused() throws {
        let path = tempStorePath()
        _ = try ContactStore(path: path)
        let q = try DatabaseQueue(path: path)
        try q.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        #expect {
            _ = try ContactStore(path: path)
        } throws: { error in
            (error as? StoreError)?.code == .newerSchema
        }
    }

    @Test func aFailedImportLeavesTheStoreAsItWas() throws {
        let store = try ContactStore(path: tempStorePath())
        try importFile(store, "a.vcf", [Self.anna], hash: "h1")
        let before = try store.statistics()
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.importTransaction { w in
                try w.beginSource(path: "c.vcf", plugin: "vcard", contentHash: "c1", size: 1)
                try w.add(.contact(Self.bob))
                throw Boom()
            }
        }
        #expect(try store.statistics() == before)
    }

    @Test func showFindsPeopleByNameEmailOrPhoneWithTheirSources() throws {
        let store = try ContactStore(path: tempStorePath())
        try importFile(store, "a.vcf", [Self.anna, Self.bob], hash: "h1")
        try importFile(store, "b.csv", [Self.lena], hash: "x1")
        let found = try store.people(matching: "vogt")
        #expect(found.count == 1)
        let p = try #require(found.first)
        #expect(Set(p.contact.sources.map(\.file)) == ["a.vcf", "b.csv"])
        #expect(try store.people(matching: "1234567").count == 1)
        #expect(try store.people(matching: "nobody-here").isEmpty)
        // Through the key index: the address as another spelling, the
        // number in another format, the name in full.
        #expect(try store.people(matching: "Anna.Vogt@Example.org").first?.contact.id == p.contact.id)
        #expect(try store.people(matching: "030 1234567").first?.contact.id == p.contact.id)
        #expect(try store.people(matching: "+49 (30) 123-4567").first?.contact.id == p.contact.id)
        #expect(try store.people(matching: "Anna-Lena Vogt").first?.contact.id == p.contact.id)
        #expect(try store.people(matching: "Robert Fischer-Okafor").first?.contact.emails.map(\.address) == ["bob.okafor@example.com"])
        #expect(try store.people(matching: "Anna Okafor").isEmpty, "a family key alone is not a match")
        #expect(try store.people(matching: "Fischer-Okafor").map(\.contact.emails.first?.address) == ["bob.okafor@example.com"])
        #expect(try store.people(matching: "Anna-Lena").first?.contact.id == p.contact.id, "a given name: found by the text search")
    }
}
