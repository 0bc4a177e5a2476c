/// A person's name: the formatted display form plus its structured parts.
///
/// Every part is optional; sources often hold only one of them (a CSV with a
/// single "Name" column gives `formatted` only). Display values are kept as
/// the source wrote them; comparison forms are computed by the pipeline.
public struct PersonName: Hashable, Codable, Sendable {
    /// The name as it is displayed ("Dr. Anna-Lena Vogt").
    public var formatted: String?
    /// Given (first) name or names.
    public var given: String?
    /// Family name (surname).
    public var family: String?
    /// Middle names or initials.
    public var middle: String?
    /// Honorific prefixes ("Dr.", "Ms.").
    public var prefix: String?
    /// Honorific suffixes ("Jr.", "PhD").
    public var suffix: String?
    /// Phonetic given name, where the source carries one (Apple, Google).
    public var phoneticGiven: String?
    /// Phonetic family name, where the source carries one.
    public var phoneticFamily: String?

    public init(
        formatted: String? = nil, given: String? = nil, family: String? = nil,
        middle: String? = nil, prefix: String? = nil, suffix: String? = nil,
        phoneticGiven: String? = nil, phoneticFamily: String? = nil
    ) {
        self.formatted = formatted
        self.given = given
        self.family = family
        self.middle = middle
        self.prefix = prefix
        self.suffix = suffix
        self.phoneticGiven = phoneticGiven
        self.phoneticFamily = phoneticFamily
    }

    /// True when no part holds a value.
    public var isEmpty: Bool {
        formatted == nil && given == nil && family == nil && middle == nil && prefix == nil
            && suffix == nil && phoneticGiven == nil && phoneticFamily == nil
    }

    /// The formatted name, or one composed from the parts when the source gave
    /// none ("prefix given middle family suffix", skipping what is missing).
    public var displayName: String? {
        if let formatted, !formatted.isEmpty { return formatted }
        let parts = [prefix, given, middle, family, suffix].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }
}
