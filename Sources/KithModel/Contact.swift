/// One person, organisation or group, with every value a source held.
///
/// A contact read from one input record carries one entry in `sources`; after
/// merging it carries one per record that went into it, and every multi-valued
/// field's values point back at theirs through `sourceRefs`.
public struct Contact: Hashable, Codable, Sendable {
    /// What a contact stands for.
    public enum ContactType: String, Hashable, Codable, Sendable {
        case individual, organization, group, location
    }

    /// A stable identifier, unique within one output.
    public var id: String
    /// Person, organisation, group or location (JSON key `type`).
    public var type: ContactType
    /// The primary name.
    public var name: PersonName
    /// Other names the same contact was known by (kept when merging).
    public var alternateNames: [PersonName]
    /// Nicknames.
    public var nicknames: [String]
    /// E-mail addresses.
    public var emails: [EmailAddress]
    /// Telephone numbers.
    public var phones: [PhoneNumber]
    /// Postal addresses.
    public var addresses: [PostalAddress]
    /// Organisations with title, department and role.
    public var organizations: [Organization]
    /// Web pages (home page, blog, profile); labels say which.
    public var urls: [LabeledValue]
    /// Instant messaging and social handles; labels name the service
    /// ("skype", "xmpp", "twitter").
    public var handles: [LabeledValue]
    /// Related people by name or URI; labels give the relation ("spouse").
    public var related: [LabeledValue]
    /// Birthday; the year may be unknown.
    public var birthday: PartialDate?
    /// Anniversaries and other dates; labels say which, where known.
    public var anniversaries: [PartialDate]
    /// Gender as the source gave it (vCard 4 GENDER), free text.
    public var gender: String?
    /// Photo as a URI (`https:`, or `data:` for inline images).
    public var photo: String?
    /// Free-text notes.
    public var notes: [String]
    /// Categories, tags or group names.
    public var categories: [String]
    /// For a group: the ids or URIs of its members.
    public var members: [String]
    /// Everything the model has no slot for, keyed by the source's own field
    /// name, so that writing back to the same format loses nothing.
    public var extensions: [String: [String]]
    /// Where the contact came from.
    public var sources: [Provenance]

    public init(
        id: String, type: ContactType = .individual, name: PersonName = PersonName(), alternateNames: [PersonName] = [],
        nicknames: [String] = [], emails: [EmailAddress] = [], phones: [PhoneNumber] = [],
        addresses: [PostalAddress] = [], organizations: [Organization] = [], urls: [LabeledValue] = [],
        handles: [LabeledValue] = [], related: [LabeledValue] = [], birthday: PartialDate? = nil,
        anniversaries: [PartialDate] = [], gender: String? = nil, photo: String? = nil, notes: [String] = [],
        categories: [String] = [], members: [String] = [], extensions: [String: [String]] = [:],
        sources: [Provenance] = []
    ) {
        self.id = id
        self.type = type
        self.name = name
        self.alternateNames = alternateNames
        self.nicknames = nicknames
        self.emails = emails
        self.phones = phones
        self.addresses = addresses
        self.organizations = organizations
        self.urls = urls
        self.handles = handles
        self.related = related
        self.birthday = birthday
        self.anniversaries = anniversaries
        self.gender = gender
        self.photo = photo
        self.notes = notes
        self.categories = categories
        self.members = members
        self.extensions = extensions
        self.sources = sources
    }

    /// True when the contact holds no identifying value at all (no name,
    /// e-mail, phone, address, organisation, URL or handle).
    public var hasIdentity: Bool {
        !name.isEmpty || !nicknames.isEmpty || !emails.isEmpty || !phones.isEmpty
            || addresses.contains { !$0.isEmpty } || organizations.contains { !$0.isEmpty } || !urls.isEmpty
            || !handles.isEmpty
    }
}

extension Contact {
    /// Lenient decoding: absent arrays decode as empty, absent flags as false,
    /// so that JSON written by other tools (which may omit empty keys) reads.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        type = try c.decodeIfPresent(ContactType.self, forKey: .type) ?? .individual
        name = try c.decodeIfPresent(PersonName.self, forKey: .name) ?? PersonName()
        alternateNames = try c.decodeIfPresent([PersonName].self, forKey: .alternateNames) ?? []
        nicknames = try c.decodeIfPresent([String].self, forKey: .nicknames) ?? []
        emails = try c.decodeIfPresent([EmailAddress].self, forKey: .emails) ?? []
        phones = try c.decodeIfPresent([PhoneNumber].self, forKey: .phones) ?? []
        addresses = try c.decodeIfPresent([PostalAddress].self, forKey: .addresses) ?? []
        organizations = try c.decodeIfPresent([Organization].self, forKey: .organizations) ?? []
        urls = try c.decodeIfPresent([LabeledValue].self, forKey: .urls) ?? []
        handles = try c.decodeIfPresent([LabeledValue].self, forKey: .handles) ?? []
        related = try c.decodeIfPresent([LabeledValue].self, forKey: .related) ?? []
        birthday = try c.decodeIfPresent(PartialDate.self, forKey: .birthday)
        anniversaries = try c.decodeIfPresent([PartialDate].self, forKey: .anniversaries) ?? []
        gender = try c.decodeIfPresent(String.self, forKey: .gender)
        photo = try c.decodeIfPresent(String.self, forKey: .photo)
        notes = try c.decodeIfPresent([String].self, forKey: .notes) ?? []
        categories = try c.decodeIfPresent([String].self, forKey: .categories) ?? []
        members = try c.decodeIfPresent([String].self, forKey: .members) ?? []
        extensions = try c.decodeIfPresent([String: [String]].self, forKey: .extensions) ?? [:]
        sources = try c.decodeIfPresent([Provenance].self, forKey: .sources) ?? []
    }
}
