/// A postal address, structured as vCard's ADR (RFC 6350 §6.3.1).
public struct PostalAddress: Hashable, Codable, Sendable {
    /// Post office box.
    public var poBox: String?
    /// Extended address (apartment, suite, c/o).
    public var extended: String?
    /// Street address; may hold several lines separated by "\n".
    public var street: String?
    /// City or locality.
    public var locality: String?
    /// State, province or region.
    public var region: String?
    /// Postal code.
    public var postalCode: String?
    /// Country name or code as written.
    public var country: String?
    /// The full address as one label text, when the source gave one.
    public var formatted: String?
    /// Labels such as "home" or "work".
    public var labels: [String]
    /// True when the source marked it as preferred.
    public var preferred: Bool
    /// Indexes into the owning record's `sources`; empty means all of them.
    public var sourceRefs: [Int]

    public init(
        poBox: String? = nil, extended: String? = nil, street: String? = nil, locality: String? = nil,
        region: String? = nil, postalCode: String? = nil, country: String? = nil, formatted: String? = nil,
        labels: [String] = [], preferred: Bool = false, sourceRefs: [Int] = []
    ) {
        self.poBox = poBox
        self.extended = extended
        self.street = street
        self.locality = locality
        self.region = region
        self.postalCode = postalCode
        self.country = country
        self.formatted = formatted
        self.labels = labels
        self.preferred = preferred
        self.sourceRefs = sourceRefs
    }

    /// True when no component holds a value.
    public var isEmpty: Bool {
        // Component by component: the array literal allocated on every call.
        (poBox ?? "").isEmpty && (extended ?? "").isEmpty && (street ?? "").isEmpty && (locality ?? "").isEmpty
            && (region ?? "").isEmpty && (postalCode ?? "").isEmpty && (country ?? "").isEmpty
            && (formatted ?? "").isEmpty
    }
}

extension PostalAddress {
    /// Lenient decoding: absent arrays decode as empty, absent flags as false,
    /// so that JSON written by other tools (which may omit empty keys) reads.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        poBox = try c.decodeIfPresent(String.self, forKey: .poBox)
        extended = try c.decodeIfPresent(String.self, forKey: .extended)
        street = try c.decodeIfPresent(String.self, forKey: .street)
        locality = try c.decodeIfPresent(String.self, forKey: .locality)
        region = try c.decodeIfPresent(String.self, forKey: .region)
        postalCode = try c.decodeIfPresent(String.self, forKey: .postalCode)
        country = try c.decodeIfPresent(String.self, forKey: .country)
        formatted = try c.decodeIfPresent(String.self, forKey: .formatted)
        labels = try c.decodeIfPresent([String].self, forKey: .labels) ?? []
        preferred = try c.decodeIfPresent(Bool.self, forKey: .preferred) ?? false
        sourceRefs = try c.decodeIfPresent([Int].self, forKey: .sourceRefs) ?? []
    }
}
