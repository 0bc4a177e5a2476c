import KithModel
import Testing

@testable import KithMail

@Suite("contact book")
struct ContactBookTests {
    private func loc(_ r: Int) -> Locator { Locator(line: r * 10, record: r) }

    @Test func hashIndexAnswersAsADictionary() {
        // Keys chosen to collide in the low bits and to include 0; values
        // overwritten; the table grows many times.
        var index = HashIndex()
        var dict: [UInt64: Int] = [:]
        var keys: [UInt64] = [0, 1, UInt64.max]
        for k in 0..<3000 { keys.append(UInt64(k) << 40) }
        for k in 0..<3000 { keys.append(UInt64(k) &* 0x9E37_79B9_7F4A_7C15) }
        for (v, k) in keys.enumerated() {
            index[k] = v
            dict[k] = v
        }
        for (v, k) in keys.enumerated() where v % 3 == 0 {
            index[k] = v + 1
            dict[k] = v + 1
        }
        #expect(index.count == dict.count)
        for k in keys { #expect(index[k] == dict[k], "key \(k)") }
        for k: UInt64 in [2, 3 << 40 | 1, 12345] { #expect(index[k] == nil) }
    }

    @Test func namesAreRankedByUseThenFirstSeen() {
        var book = ContactBook()
        let a = "Anna.Vogt@Example.org"
        book.add(address: a, name: "A. Vogt", at: loc(1), asSender: true, role: nil)
        book.add(address: "anna.vogt@example.org", name: "Anna Vogt", at: loc(2), asSender: false, role: nil)
        book.add(address: a, name: "Anna Vogt", at: loc(3), asSender: true, role: nil)
        book.add(address: a, name: "A. Vogt", at: loc(3), asSender: false, role: nil)  // same message: counted once
        book.add(address: a, name: "Anna Vogt", at: loc(4), asSender: false, role: nil)
        book.add(address: a, name: "anna.vogt@example.org", at: loc(5), asSender: false, role: nil)  // an address, not a name
        book.add(address: a, name: nil, at: loc(6), asSender: false, role: nil)
        book.add(address: "bob@example.com", name: "Bob", at: loc(6), asSender: false, role: nil)
        let contacts = book.contacts(plugin: "mail", file: "x.mbox")
        #expect(contacts.count == 2)
        let anna = contacts[0]
        #expect(anna.name.formatted == "Anna Vogt")  // used 3 times against 2
        #expect(anna.alternateNames.map(\.formatted) == ["A. Vogt"])
        #expect(anna.emails.map(\.address) == [a])  // as first written
        #expect(anna.extensions["mail:messages"] == ["6"])
        #expect(anna.extensions["mail:sent"] == ["2"])
        #expect(anna.sources.first?.locator.record == 1)
        #expect(contacts[1].name.formatted == "Bob")
        #expect(contacts[1].extensions["mail:sent"] == nil)

        // A tie keeps the first seen first.
        var tie = ContactBook()
        tie.add(address: a, name: "Second", at: loc(1), asSender: false, role: nil)
        tie.add(address: a, name: "First", at: loc(2), asSender: false, role: nil)
        #expect(tie.contacts(plugin: "mail", file: "x").first?.name.formatted == "Second")
    }

    @Test func rolesListsAndOwner() {
        var book = ContactBook()
        book.add(address: "noreply@shop.example", name: "Shop", at: loc(1), asSender: true, role: nil)
        book.add(address: "info@shop.example", name: nil, at: loc(1), asSender: false, role: nil)
        book.add(address: "news@lists.example", name: "News", at: loc(2), asSender: true, role: .machine)
        book.addList(id: "news.lists.example", name: "The News", postAddress: "News@Lists.example", at: loc(2))
        book.add(address: "news@lists.example", name: nil, at: loc(3), asSender: true, role: .machine)  // stays a list
        book.addList(id: "other.example", name: nil, postAddress: nil, at: loc(4))
        book.add(address: "me@home.example", name: "Me", at: loc(5), asSender: true, role: nil)
        book.markOwner("ME@home.example")
        let c = book.contacts(plugin: "mail", file: "x")
        #expect(c.map(\.type) == [.organization, .organization, .group, .group, .individual])
        #expect(c[0].extensions["kith:role"] == ["machine"])
        #expect(c[1].extensions["kith:role"] == ["role"])
        #expect(c[2].extensions["kith:role"] == ["mailing-list"])
        #expect(c[2].handles.map(\.value) == ["news.lists.example"])
        #expect(c[2].extensions["mail:messages"] == ["2"])
        #expect(c[3].name.formatted == nil && c[3].emails.isEmpty && c[3].handles.map(\.value) == ["other.example"])
        #expect(c[4].extensions["kith:owner"] == ["true"])
        #expect(c[0].extensions["kith:owner"] == nil)
    }
}
