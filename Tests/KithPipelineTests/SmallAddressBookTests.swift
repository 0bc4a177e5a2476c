import KithModel
@testable import KithPipeline
import Testing

/// A personal address book is small: the model must still merge the obvious.
@Suite("Small address books")
struct SmallAddressBookTests {
    func contact(_ id: String, _ name: String, email: String? = nil, phone: String? = nil) -> Contact {
        Contact(
            id: id, name: PersonName(formatted: name), emails: email.map { [EmailAddress($0)] } ?? [],
            phones: phone.map { [PhoneNumber(raw: $0)] } ?? [],
            sources: [Provenance(plugin: "test", file: "book", locator: Locator(record: 1), recordId: id)])
    }

    @Test func aCompoundGivenNameAndItsPartWithTheSameAddressMerge() {
        let book = [
            contact("a", "Anna-Lena Vogt", email: "anna.vogt@example.org"),
            contact("b", "Lena Vogt", email: "anna.vogt@example.org"),
            contact("c", "Robert Fischer-Okafor", email: "bob.okafor@example.com"),
            contact("d", "María José García López", email: "mjgarcia@example.es"),
        ]
        let result = Matcher(options: MatchOptions(defaultRegion: "DE")).match(book)
        #expect(result.clusterOf[0] == result.clusterOf[1])
        #expect(result.clusterOf[0] != result.clusterOf[2])
        #expect(result.clusters.count == 3)
    }

    @Test func sameNameAndSameAddressMergeEvenInATinyBook() {
        let book = [
            contact("a", "Søren Kierkegaard-Hansen", email: "soren@example.dk"),
            contact("b", "Søren Kierkegaard-Hansen", email: "soren@example.dk"),
            contact("c", "Aiko Tanaka", email: "aiko.tanaka@example.jp"),
        ]
        let result = Matcher(options: MatchOptions(defaultRegion: "DK")).match(book)
        #expect(result.clusterOf[0] == result.clusterOf[1])
        #expect(result.clusterOf[2] != result.clusterOf[0])
    }

    @Test func differentPeopleSharingAFamilyNameStayApart() {
        let book = [
            contact("a", "Anna Vogt", email: "anna.vogt@example.org"),
            contact("b", "Markus Vogt", email: "markus@vogt.example"),
            contact("c", "Jean-Baptiste Lefèvre", email: "jb.lefevre@example.fr"),
        ]
        let result = Matcher(options: MatchOptions(defaultRegion: "DE")).match(book)
        #expect(Set(result.clusterOf).count == 3)
    }

    @Test("initials of a compound given name, and a two-given-name display name, with the same address merge")
    func initialsAndDisplayNamesOfCompoundGivenNames() {
        let book = [
            contact("a", "Jean-Baptiste Lefèvre", email: "jb.lefevre@example.fr"),
            contact("b", "JB Lefèvre", email: "jb.lefevre@example.fr"),
            contact("c", "María José García López", email: "mjgarcia@example.es"),
            contact("d", "María José", email: "mjgarcia@example.es"),
            contact("e", "Anna Vogt", email: "anna.vogt@example.org"),
            contact("f", "Jonas Berg", email: "jonas.berg@example.se"),
        ]
        let result = Matcher(options: MatchOptions(defaultRegion: "FR")).match(book)
        #expect(result.clusterOf[0] == result.clusterOf[1])
        #expect(result.clusterOf[2] == result.clusterOf[3])
        #expect(Set(result.clusterOf).count == 4)
    }

    @Test("initials must spell every part; a short given name that is not initials stays a different name")
    func initialsRule() {
        #expect(FeatureStore.isInitials(Array("jb".utf8), of: Array("jean-baptiste".utf8)))
        #expect(FeatureStore.isInitials(Array("mj".utf8), of: Array("maria jose".utf8)))
        #expect(!FeatureStore.isInitials(Array("jb".utf8), of: Array("jean".utf8)))
        #expect(!FeatureStore.isInitials(Array("jp".utf8), of: Array("jean-baptiste".utf8)))
        #expect(!FeatureStore.isInitials(Array("jbl".utf8), of: Array("jean-baptiste".utf8)))
        #expect(!FeatureStore.isInitials(Array("j".utf8), of: Array("jean".utf8)))
    }

    @Test("one person recurring under one address does not make a shared address look common among strangers")
    func recurringPersonKeepsTheAddressWeight() {
        var book: [Contact] = []
        for (k, name) in ["Anna-Lena Vogt", "Lena Vogt", "Vogt, Anna-Lena", "Anna-Lena Vogt", "Lena Vogt"].enumerated() {
            book.append(contact("v\(k)", name, email: "anna.vogt@example.org"))
        }
        let others = ["Jonas Berg", "Ines Kovač", "Farid Haddad", "Greta Lindqvist", "Hugo Marchetti", "Kira Novak",
            "Lukas Brandt", "Clara Mendes", "Dmitri Orlov", "Elena Rossi", "Bernd Talheim", "Aiko Tanaka"]
        for (k, name) in others.enumerated() {
            book.append(contact("o\(k)", name, email: name.lowercased().split(separator: " ").joined(separator: ".") + "@example.net"))
        }
        // A family address two different people use: evidence that strangers can share one.
        book.append(contact("f1", "Markus Weber", email: "weber.family@example.de"))
        book.append(contact("f2", "Sabine Weber", email: "weber.family@example.de"))
        let result = Matcher(options: MatchOptions(defaultRegion: "DE")).match(book)
        #expect(result.model.weight(.email, 1) > 8, "\(result.model.weight(.email, 1))")
        #expect(Set(result.clusterOf[0..<5]).count == 1, "\(result.clusterOf[0..<5])")
        #expect(result.clusterOf[book.count - 1] != result.clusterOf[book.count - 2])
    }
}

