import Foundation
import KithModel

/// A deterministic invented population: people with made-up names, some of
/// them recorded twice with the variations real exports show. Matching needs
/// a population to estimate its model from; the scenarios of each test are
/// added on top.
enum Population {
    static let given = [
        "Anna", "Bernd", "Clara", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kira", "Lukas",
        "Mila", "Nils", "Olga", "Pavel", "Rosa", "Sven", "Tilda", "Ugo", "Vera", "Wim", "Yara", "Zeno",
        "Alice", "Bruno", "Cecile", "Dario", "Edith", "Felix", "Gina", "Henrik", "Ida", "Jasper",
    ]
    static let syllables = ["kel", "ver", "brand", "mor", "tal", "wen", "dor", "ski", "lund", "ham", "rick", "bel", "stro", "nar", "gui", "fen"]
    static let cities = ["Berlin", "Hamburg", "Leipzig", "Dresden", "Bremen", "Kassel", "Ulm", "Jena"]

    struct Generator {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    /// `people` invented people; about a third recorded twice.
    static func make(people: Int = 400, seed: UInt64 = 7) -> [Contact] {
        var g = Generator(state: seed)
        var out: [Contact] = []
        for p in 0..<people {
            let first = given[g.next(given.count)]
            let family = (0..<3).map { _ in syllables[g.next(syllables.count)] }.joined().capitalized
            let city = cities[g.next(cities.count)]
            let phone = "+49 \(30 + g.next(60)) \(1_000_000 + g.next(8_999_999))"
            let email = "\(first.lowercased()).\(family.lowercased())\(g.next(100))@example.org"
            var c = Contact(id: "pop:\(p)")
            c.name = PersonName(formatted: "\(first) \(family)", given: first, family: family)
            c.emails = [EmailAddress(email)]
            c.phones = g.next(3) > 0 ? [PhoneNumber(raw: phone)] : []
            c.addresses = [PostalAddress(locality: city, country: "DE")]
            if g.next(5) < 2 { c.birthday = PartialDate(year: 1940 + g.next(60), month: 1 + g.next(12), day: 1 + g.next(28)) }
            c.sources = [Provenance(plugin: "test", file: "population.csv", locator: Locator(line: p + 2), recordId: "p\(p)")]
            out.append(c)
            if g.next(3) == 0 {
                var d = c
                d.id = "pop:\(p)b"
                d.name = PersonName(formatted: "\(family), \(first)")
                d.emails = [EmailAddress(email.uppercased())]
                d.phones = c.phones.map { PhoneNumber(raw: $0.raw.replacing(" ", with: "-")) }
                d.addresses = g.next(2) == 0 ? [] : c.addresses
                d.sources = [Provenance(plugin: "test", file: "other.vcf", locator: Locator(line: p * 10), recordId: "p\(p)b")]
                out.append(d)
            }
        }
        return out
    }

    /// A contact from one invented source record.
    static func person(
        _ id: String, given: String? = nil, family: String? = nil, formatted: String? = nil, emails: [String] = [],
        phones: [String] = [], org: String? = nil, city: String? = nil, birthday: PartialDate? = nil
    ) -> Contact {
        var c = Contact(id: "t:\(id)")
        c.name = PersonName(formatted: formatted, given: given, family: family)
        c.emails = emails.map { EmailAddress($0) }
        c.phones = phones.map { PhoneNumber(raw: $0) }
        if let org { c.organizations = [Organization(name: org)] }
        if let city { c.addresses = [PostalAddress(locality: city, country: "DE")] }
        c.birthday = birthday
        c.sources = [Provenance(plugin: "test", file: "scenario.csv", locator: Locator(line: 1), recordId: id)]
        return c
    }
}
