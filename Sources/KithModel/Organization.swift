/// An organisation a contact belongs to, with the contact's position there.
public struct Organization: Hashable, Codable, Sendable {
    /// Organisation (company) name.
    public var name: String?
    /// Department or unit; several levels joined with ", ".
    public var department: String?
    /// Job title ("Head of Sales").
    public var title: String?
    /// Role or function ("Programmer"), vCard's ROLE.
    public var role: String?
    /// Indexes into the owning record's `sources`; empty means all of them.
    public var sourceRefs: [Int]

    public init(name: String? = nil, department: String? = nil, title: String? = nil, role: String? = nil, sourceRefs: [Int] = []) {
        self.name = name
        self.department = department
        self.title = title
        self.role = role
        self.sourceRefs = sourceRefs
    }

    /// True when no component holds a value.
    public var isEmpty: Bool {
        (name ?? "").isEmpty && (department ?? "").isEmpty && (title ?? "").isEmpty && (role ?? "").isEmpty
    }
}

extension Organization {
    /// Lenient decoding: absent arrays decode as empty, absent flags as false,
    /// so that JSON written by other tools (which may omit empty keys) reads.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        department = try c.decodeIfPresent(String.self, forKey: .department)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        role = try c.decodeIfPresent(String.self, forKey: .role)
        sourceRefs = try c.decodeIfPresent([Int].self, forKey: .sourceRefs) ?? []
    }
}
