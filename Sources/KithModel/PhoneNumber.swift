/// One telephone number of a contact.
///
/// `raw` always keeps the text the source held; `e164` is filled in by the
/// normaliser (or by a source that already stores E.164).
public struct PhoneNumber: Hashable, Codable, Sendable {
    /// The number exactly as the source wrote it ("(0)30 1234-567 ext. 12").
    public var raw: String
    /// The number in E.164 form ("+49301234567"), when known.
    public var e164: String?
    /// Labels such as "mobile", "work", "fax" or a custom text.
    public var labels: [String]
    /// True when the source marked it as preferred.
    public var preferred: Bool
    /// Indexes into the owning record's `sources`; empty means all of them.
    public var sourceRefs: [Int]

    public init(raw: String, e164: String? = nil, labels: [String] = [], preferred: Bool = false, sourceRefs: [Int] = []) {
        self.raw = raw
        self.e164 = e164
        self.labels = labels
        self.preferred = preferred
        self.sourceRefs = sourceRefs
    }
}

extension PhoneNumber {
    /// Lenient decoding: absent arrays decode as empty, absent flags as false,
    /// so that JSON written by other tools (which may omit empty keys) reads.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        raw = try c.decode(String.self, forKey: .raw)
        e164 = try c.decodeIfPresent(String.self, forKey: .e164)
        labels = try c.decodeIfPresent([String].self, forKey: .labels) ?? []
        preferred = try c.decodeIfPresent(Bool.self, forKey: .preferred) ?? false
        sourceRefs = try c.decodeIfPresent([Int].self, forKey: .sourceRefs) ?? []
    }
}
