/// A labelled text value: a URL, an instant-messaging handle, a related
/// person's name. The meaning comes from the field that holds it.
public struct LabeledValue: Hashable, Codable, Sendable {
    /// The value as the source wrote it.
    public var value: String
    /// Labels such as "work", "homepage", "skype" or a custom text.
    public var labels: [String]
    /// True when the source marked it as preferred.
    public var preferred: Bool
    /// Indexes into the owning record's `sources`; empty means all of them.
    public var sourceRefs: [Int]

    public init(_ value: String, labels: [String] = [], preferred: Bool = false, sourceRefs: [Int] = []) {
        self.value = value
        self.labels = labels
        self.preferred = preferred
        self.sourceRefs = sourceRefs
    }
}

extension LabeledValue {
    /// Lenient decoding: absent arrays decode as empty, absent flags as false,
    /// so that JSON written by other tools (which may omit empty keys) reads.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        value = try c.decode(String.self, forKey: .value)
        labels = try c.decodeIfPresent([String].self, forKey: .labels) ?? []
        preferred = try c.decodeIfPresent(Bool.self, forKey: .preferred) ?? false
        sourceRefs = try c.decodeIfPresent([Int].self, forKey: .sourceRefs) ?? []
    }
}
