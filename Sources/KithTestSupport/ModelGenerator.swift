public import KithModel

/// A small, fast, seeded random generator (SplitMix64), so generated test data
/// is the same on every run and machine.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Generates random but well-formed model values for round-trip tests:
/// mixed scripts, quotes, backslashes, control characters, emoji, empty
/// strings, and every optional both present and absent.
public struct ModelGenerator {
    public var rng: SplitMix64

    public init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    private static let pieces = [
        "Anna", "Ólafur", "Zoë", "李", "Дмитрий", "O'Brien", "van der Berg", "\"quoted\"", "back\\slash", "tab\there",
        "line\nbreak", "😀", "comma, inside", "semi;colon", "a:b", "", " ", "\u{0001}", "é", "ß", "ﬁ", "\u{2028}",
        "Müller-Lüdenscheidt", "São Paulo", "+49 (0)30 1234-56", "x@example.org", "ünïcødé",
    ]

    public mutating func string() -> String {
        let n = Int(rng.next() % 3) + 1
        return (0..<n).map { _ in Self.pieces[Int(rng.next() % UInt64(Self.pieces.count))] }.joined(separator: " ")
    }

    public mutating func maybe() -> String? { rng.next() % 3 == 0 ? nil : string() }
    public mutating func bool() -> Bool { rng.next() % 2 == 0 }
    public mutating func count(_ max: UInt64) -> Int { Int(rng.next() % (max + 1)) }
    public mutating func strings(_ max: UInt64 = 3) -> [String] { (0..<count(max)).map { _ in string() } }
    public mutating func labels() -> [String] {
        let all = ["home", "work", "mobile", "fax", "Custom Label", "other"]
        return (0..<count(2)).map { _ in all[Int(rng.next() % UInt64(all.count))] }
    }
    public mutating func refs() -> [Int] { (0..<count(2)).map { _ in count(5) } }

    public mutating func name() -> PersonName {
        PersonName(
            formatted: maybe(), given: maybe(), family: maybe(), middle: maybe(), prefix: maybe(), suffix: maybe(),
            phoneticGiven: maybe(), phoneticFamily: maybe())
    }

    public mutating func partialDate() -> PartialDate? {
        let y: Int? = bool() ? 1900 + count(120) : nil
        let m = 1 + count(11)
        let d = 1 + count(27)
        return PartialDate(year: y, month: m, day: bool() || y == nil ? d : nil)
    }

    public mutating func locator() -> Locator {
        Locator(line: bool() ? count(100_000) : nil, record: bool() ? count(1000) : nil, path: maybe())
    }

    public mutating func provenance() -> Provenance {
        Provenance(plugin: ["vcard", "csv", "mail"][count(2)], file: string(), locator: locator(), recordId: maybe())
    }

    public mutating func contact(index: Int) -> Contact {
        var ext: [String: [String]] = [:]
        for _ in 0..<count(2) { ext["X-" + string()] = strings() }
        return Contact(
            id: "c\(index)-\(string())", type: [.individual, .organization, .group, .location][count(3)], name: name(),
            alternateNames: (0..<count(1)).map { _ in name() }, nicknames: strings(),
            emails: (0..<count(3)).map { _ in EmailAddress(string(), labels: labels(), preferred: bool(), sourceRefs: refs()) },
            phones: (0..<count(3)).map { _ in
                PhoneNumber(raw: string(), e164: maybe(), labels: labels(), preferred: bool(), sourceRefs: refs())
            },
            addresses: (0..<count(2)).map { _ in
                PostalAddress(
                    poBox: maybe(), extended: maybe(), street: maybe(), locality: maybe(), region: maybe(),
                    postalCode: maybe(), country: maybe(), formatted: maybe(), labels: labels(), preferred: bool(),
                    sourceRefs: refs())
            },
            organizations: (0..<count(2)).map { _ in
                Organization(name: maybe(), department: maybe(), title: maybe(), role: maybe(), sourceRefs: refs())
            },
            urls: (0..<count(2)).map { _ in LabeledValue(string(), labels: labels(), preferred: bool(), sourceRefs: refs()) },
            handles: (0..<count(2)).map { _ in LabeledValue(string(), labels: labels()) },
            related: (0..<count(1)).map { _ in LabeledValue(string(), labels: labels()) },
            birthday: bool() ? partialDate() : nil, anniversaries: (0..<count(1)).compactMap { _ in partialDate() },
            gender: maybe(), photo: maybe(), notes: strings(), categories: strings(), members: strings(1),
            extensions: ext, sources: (0..<(1 + count(2))).map { _ in provenance() })
    }

    public mutating func interaction(index: Int) -> Interaction {
        let roles: [ParticipantRole] = [.from, .to, .cc, .bcc, .replyTo, .author, .mentioned]
        var ext: [String: [String]] = [:]
        for _ in 0..<count(1) { ext["X-" + string()] = strings() }
        return Interaction(
            id: "i\(index)", type: [.email, .comment, .post, .pingback, "chat"][count(4)],
            timestamp: bool() ? Timestamp(secondsSince1970: Int64(rng.next() % 4_000_000_000) - 500_000_000) : nil,
            utcOffsetMinutes: bool() ? count(1500) - 750 : nil,
            participants: (0..<count(4)).map { _ in
                Participant(role: roles[count(UInt64(roles.count - 1))], name: maybe(), email: maybe(), url: maybe(), contactId: maybe())
            },
            subject: maybe(), snippet: maybe(), messageId: maybe(), threadId: maybe(), parentId: maybe(), url: maybe(),
            status: maybe(), extensions: ext, sources: [provenance()])
    }

    public mutating func diagnostic() -> Diagnostic {
        Diagnostic(severity: [.note, .warning, .error][count(2)], file: string(), locator: locator(), message: string(), code: maybe())
    }

    /// A mixed list of `count` records.
    public mutating func records(_ n: Int) -> [CanonicalRecord] {
        (0..<n).map { i in
            switch rng.next() % 10 {
            case 0...5: .contact(contact(index: i))
            case 6...8: .interaction(interaction(index: i))
            default: .diagnostic(diagnostic())
            }
        }
    }
}
