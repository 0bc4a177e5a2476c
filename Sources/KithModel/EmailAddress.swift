/// One e-mail address of a contact, as the source wrote it.
public struct EmailAddress: Hashable, Codable, Sendable {
    /// The address as given (case and dots preserved; the pipeline derives
    /// the comparison form).
    public var address: String
    /// Labels such as "home", "work" or a custom text.
    public var labels: [String]
    /// True when the source marked it as the preferred address.
    public var preferred: Bool
    /// Indexes into the owning record's `sources` naming where this value came
    /// from; empty means "all of them" (a record from one source).
    public var sourceRefs: [Int]

    public init(_ address: String, labels: [String] = [], preferred: Bool = false, sourceRefs: [Int] = []) {
        self.address = address
        self.labels = labels
        self.preferred = preferred
        self.sourceRefs = sourceRefs
    }
}

extension EmailAddress {
    /// Lenient decoding: absent arrays decode as empty, absent flags as false,
    /// so that JSON written by other tools (which may omit empty keys) reads.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        address = try c.decode(String.self, forKey: .address)
        labels = try c.decodeIfPresent([String].self, forKey: .labels) ?? []
        preferred = try c.decodeIfPresent(Bool.self, forKey: .preferred) ?? false
        sourceRefs = try c.decodeIfPresent([Int].self, forKey: .sourceRefs) ?? []
    }
}
