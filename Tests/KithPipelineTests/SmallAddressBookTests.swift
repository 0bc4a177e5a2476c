import KithModel
import KithPipeline
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
}
