import Foundation
import KithModel
import Testing

/// `Contact` keeps its rarely filled fields in a shared copy-on-write box;
/// none of that may show through its value semantics.
@Suite("Contact storage")
struct ContactStorageTests {
    @Test func copiesAreIndependent() {
        var a = Contact(id: "a", nicknames: ["Lena"], notes: ["first"])
        let b = a
        a.nicknames.append("Leni")
        a.notes[0] = "changed"
        a.gender = "f"
        #expect(b.nicknames == ["Lena"])
        #expect(b.notes == ["first"])
        #expect(b.gender == nil)
        #expect(a.nicknames == ["Lena", "Leni"])
        #expect(a.notes == ["changed"])
    }

    @Test func emptyRareFieldsEqualAbsentOnes() {
        var a = Contact(id: "a")
        a.categories = ["x"]
        a.categories.removeAll()
        let b = Contact(id: "a")
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        var c = Contact(id: "a")
        c.photo = "https://example.org/p.jpg"
        #expect(c != b)
        c.photo = nil
        #expect(c == b)
    }

    @Test func inPlaceMutationOfAnAbsentFieldKeepsTheValue() {
        var a = Contact(id: "a")
        a.related.append(LabeledValue("Ada", labels: ["spouse"]))
        a.anniversaries.append(PartialDate(year: 2012, month: 9, day: 1)!)
        a.birthday = PartialDate(month: 4, day: 12)
        #expect(a.related.map(\.value) == ["Ada"])
        #expect(a.anniversaries.count == 1)
        #expect(a.birthday?.month == 4)
        var empty = Contact(id: "b")
        empty.members.removeAll()
        #expect(empty == Contact(id: "b"))
    }

    @Test func everyFieldTakesPartInEquality() {
        let base = Contact(id: "a")
        let variants: [Contact] = [
            Contact(id: "a", alternateNames: [PersonName(formatted: "x")]), Contact(id: "a", nicknames: ["x"]),
            Contact(id: "a", urls: [LabeledValue("x")]), Contact(id: "a", handles: [LabeledValue("x")]),
            Contact(id: "a", related: [LabeledValue("x")]), Contact(id: "a", birthday: PartialDate(year: 2000)),
            Contact(id: "a", anniversaries: [PartialDate(year: 2000)!]), Contact(id: "a", gender: "x"),
            Contact(id: "a", photo: "x"), Contact(id: "a", notes: ["x"]), Contact(id: "a", categories: ["x"]),
            Contact(id: "a", members: ["x"]), Contact(id: "a", extensions: ["k": ["x"]]),
        ]
        for v in variants { #expect(v != base) }
        #expect(Set(variants + [base]).count == variants.count + 1)
    }

    @Test func jsonHasEveryKeyAndOmitsAbsentOptionals() throws {
        let c = Contact(id: "a", nicknames: ["n"], gender: "x")
        let text = String(decoding: try JSONEncoder().encode(c), as: UTF8.self)
        let keys = ["\"id\"", "\"type\"", "\"name\"", "\"alternateNames\"", "\"nicknames\"", "\"emails\"", "\"phones\"", "\"addresses\"",
            "\"organizations\"", "\"urls\"", "\"handles\"", "\"related\"", "\"anniversaries\"", "\"gender\"", "\"notes\"",
            "\"categories\"", "\"members\"", "\"extensions\"", "\"sources\""]
        for k in keys { #expect(text.contains(k), "\(k)") }
        #expect(!text.contains("\"birthday\"") && !text.contains("\"photo\""))
        #expect(try JSONDecoder().decode(Contact.self, from: Data(text.utf8)) == c)
    }
}
