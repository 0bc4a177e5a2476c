/// One person, organisation or group, with every value a source held.
///
/// A contact read from one input record carries one entry in `sources`; after
/// merging it carries one per record that went into it, and every multi-valued
/// field's values point back at theirs through `sourceRefs`.
///
/// Storage: the fields every importer fills (id, type, name, e-mails, phones,
/// addresses, organisations, extensions, sources) are stored inline; the
/// twelve that most records leave empty (alternate names, nicknames, URLs,
/// handles, related, birthday, anniversaries, gender, photo, notes,
/// categories, members) live together in one copy-on-write box that is nil
/// while all of them are empty. Why: every stored reference is retained and
/// released whenever a contact is copied or destroyed; with 21 inline fields
/// that was about a third of the cost of building and dropping one contact
/// from a CSV row (`kith-bench csv --floor`, callgrind). The properties,
/// initialiser, equality, hashing and coding are the same as with plain
/// stored properties.
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
    /// E-mail addresses.
    public var emails: [EmailAddress]
    /// Telephone numbers.
    public var phones: [PhoneNumber]
    /// Postal addresses.
    public var addresses: [PostalAddress]
    /// Organisations with title, department and role.
    public var organizations: [Organization]
    /// Everything the model has no slot for, keyed by the source's own field
    /// name, so that writing back to the same format loses nothing.
    public var extensions: [String: [String]]
    /// Where the contact came from.
    public var sources: [Provenance]
    /// The rarely filled fields; nil while all of them are empty.
    @usableFromInline var rare: RareFields?

    /// Other names the same contact was known by (kept when merging).
    public var alternateNames: [PersonName] {
        @inlinable get { rare?.alternateNames ?? [] }
        set {
            if rare == nil && newValue .isEmpty { return }
            uniqueRare().alternateNames = newValue
        }
        _modify {
            if rare == nil {
                var value: [PersonName] = []
                defer { if !(value .isEmpty) { uniqueRare().alternateNames = value } }
                yield &value
            } else {
                yield &uniqueRare().alternateNames
            }
        }
    }

    /// Nicknames.
    public var nicknames: [String] {
        @inlinable get { rare?.nicknames ?? [] }
        set {
            if rare == nil && newValue .isEmpty { return }
            uniqueRare().nicknames = newValue
        }
        _modify {
            if rare == nil {
                var value: [String] = []
                defer { if !(value .isEmpty) { uniqueRare().nicknames = value } }
                yield &value
            } else {
                yield &uniqueRare().nicknames
            }
        }
    }

    /// Web pages (home page, blog, profile); labels say which.
    public var urls: [LabeledValue] {
        @inlinable get { rare?.urls ?? [] }
        set {
            if rare == nil && newValue .isEmpty { return }
            uniqueRare().urls = newValue
        }
        _modify {
            if rare == nil {
                var value: [LabeledValue] = []
                defer { if !(value .isEmpty) { uniqueRare().urls = value } }
                yield &value
            } else {
                yield &uniqueRare().urls
            }
        }
    }

    /// Instant messaging and social handles; labels name the service
    /// ("skype", "xmpp", "twitter").
    public var handles: [LabeledValue] {
        @inlinable get { rare?.handles ?? [] }
        set {
            if rare == nil && newValue .isEmpty { return }
            uniqueRare().handles = newValue
        }
        _modify {
            if rare == nil {
                var value: [LabeledValue] = []
                defer { if !(value .isEmpty) { uniqueRare().handles = value } }
                yield &value
            } else {
                yield &uniqueRare().handles
            }
        }
    }

    /// Related people by name or URI; labels give the relation ("spouse").
    public var related: [LabeledValue] {
        @inlinable get { rare?.related ?? [] }
        set {
            if rare == nil && newValue .isEmpty { return }
            uniqueRare().related = newValue
        }
        _modify {
            if rare == nil {
                var value: [LabeledValue] = []
                defer { if !(value .isEmpty) { uniqueRare().related = value } }
                yield &value
            } else {
                yield &uniqueRare().related
            }
        }
    }

    /// Birthday; the year may be unknown.
    public var birthday: PartialDate? {
        @inlinable get { rare?.birthday ?? nil }
        set {
            if rare == nil && newValue == nil { return }
            uniqueRare().birthday = newValue
        }
        _modify {
            if rare == nil {
                var value: PartialDate? = nil
                defer { if !(value == nil) { uniqueRare().birthday = value } }
                yield &value
            } else {
                yield &uniqueRare().birthday
            }
        }
    }

    /// Anniversaries and other dates; labels say which, where known.
    public var anniversaries: [PartialDate] {
        @inlinable get { rare?.anniversaries ?? [] }
        set {
            if rare == nil && newValue .isEmpty { return }
            uniqueRare().anniversaries = newValue
        }
        _modify {
            if rare == nil {
                var value: [PartialDate] = []
                defer { if !(value .isEmpty) { uniqueRare().anniversaries = value } }
                yield &value
            } else {
                yield &uniqueRare().anniversaries
            }
        }
    }

    /// Gender as the source gave it (vCard 4 GENDER), free text.
    public var gender: String? {
        @inlinable get { rare?.gender ?? nil }
        set {
            if rare == nil && newValue == nil { return }
            uniqueRare().gender = newValue
        }
        _modify {
            if rare == nil {
                var value: String? = nil
                defer { if !(value == nil) { uniqueRare().gender = value } }
                yield &value
            } else {
                yield &uniqueRare().gender
            }
        }
    }

    /// Photo as a URI (`https:`, or `data:` for inline images).
    public var photo: String? {
        @inlinable get { rare?.photo ?? nil }
        set {
            if rare == nil && newValue == nil { return }
            uniqueRare().photo = newValue
        }
        _modify {
            if rare == nil {
                var value: String? = nil
                defer { if !(value == nil) { uniqueRare().photo = value } }
                yield &value
            } else {
                yield &uniqueRare().photo
            }
        }
    }

    /// Free-text notes.
    public var notes: [String] {
        @inlinable get { rare?.notes ?? [] }
        set {
            if rare == nil && newValue .isEmpty { return }
            uniqueRare().notes = newValue
        }
        _modify {
            if rare == nil {
                var value: [String] = []
                defer { if !(value .isEmpty) { uniqueRare().notes = value } }
                yield &value
            } else {
                yield &uniqueRare().notes
            }
        }
    }

    /// Categories, tags or group names.
    public var categories: [String] {
        @inlinable get { rare?.categories ?? [] }
        set {
            if rare == nil && newValue .isEmpty { return }
            uniqueRare().categories = newValue
        }
        _modify {
            if rare == nil {
                var value: [String] = []
                defer { if !(value .isEmpty) { uniqueRare().categories = value } }
                yield &value
            } else {
                yield &uniqueRare().categories
            }
        }
    }

    /// For a group: the ids or URIs of its members.
    public var members: [String] {
        @inlinable get { rare?.members ?? [] }
        set {
            if rare == nil && newValue .isEmpty { return }
            uniqueRare().members = newValue
        }
        _modify {
            if rare == nil {
                var value: [String] = []
                defer { if !(value .isEmpty) { uniqueRare().members = value } }
                yield &value
            } else {
                yield &uniqueRare().members
            }
        }
    }

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
        self.emails = emails
        self.phones = phones
        self.addresses = addresses
        self.organizations = organizations
        self.extensions = extensions
        self.sources = sources
        self.rare = nil
        self.alternateNames = alternateNames
        self.nicknames = nicknames
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
    }

    /// True when the contact holds no identifying value at all (no name,
    /// e-mail, phone, address, organisation, URL or handle).
    public var hasIdentity: Bool {
        !name.isEmpty || !nicknames.isEmpty || !emails.isEmpty || !phones.isEmpty
            || addresses.contains { !$0.isEmpty } || organizations.contains { !$0.isEmpty } || !urls.isEmpty
            || !handles.isEmpty
    }

    /// The box, created or copied so that this contact holds the only reference.
    @inline(__always)
    private mutating func uniqueRare() -> RareFields {
        if rare == nil {
            rare = RareFields()
        } else if !isKnownUniquelyReferenced(&rare) {
            rare = rare!.copy()
        }
        return rare!
    }
}

/// The rarely filled fields of a `Contact`, copied on write.
///
/// `@unchecked Sendable`: an instance is only mutated through `Contact`'s
/// setters after `isKnownUniquelyReferenced`, so a box reachable from more
/// than one contact (or thread) is never written. `@usableFromInline` so
/// that the getters inline into writers in other modules (the JSON Lines
/// writer lost about 13% with a call per field).
@usableFromInline final class RareFields: @unchecked Sendable {
    @usableFromInline var alternateNames: [PersonName] = []
    @usableFromInline var nicknames: [String] = []
    @usableFromInline var urls: [LabeledValue] = []
    @usableFromInline var handles: [LabeledValue] = []
    @usableFromInline var related: [LabeledValue] = []
    @usableFromInline var birthday: PartialDate? = nil
    @usableFromInline var anniversaries: [PartialDate] = []
    @usableFromInline var gender: String? = nil
    @usableFromInline var photo: String? = nil
    @usableFromInline var notes: [String] = []
    @usableFromInline var categories: [String] = []
    @usableFromInline var members: [String] = []

    @usableFromInline init() {}

    func copy() -> RareFields {
        let r = RareFields()
        r.alternateNames = alternateNames
        r.nicknames = nicknames
        r.urls = urls
        r.handles = handles
        r.related = related
        r.birthday = birthday
        r.anniversaries = anniversaries
        r.gender = gender
        r.photo = photo
        r.notes = notes
        r.categories = categories
        r.members = members
        return r
    }
}

extension Contact {
    /// Equal when every field is equal (as for synthesised equality); an
    /// absent box equals one whose fields are all empty.
    public static func == (a: Contact, b: Contact) -> Bool {
        guard a.id == b.id && a.type == b.type && a.name == b.name && a.emails == b.emails && a.phones == b.phones
            && a.addresses == b.addresses && a.organizations == b.organizations && a.extensions == b.extensions
            && a.sources == b.sources
        else { return false }
        if a.rare === b.rare { return true }
        guard a.alternateNames == b.alternateNames else { return false }
        guard a.nicknames == b.nicknames else { return false }
        guard a.urls == b.urls else { return false }
        guard a.handles == b.handles else { return false }
        guard a.related == b.related else { return false }
        guard a.birthday == b.birthday else { return false }
        guard a.anniversaries == b.anniversaries else { return false }
        guard a.gender == b.gender else { return false }
        guard a.photo == b.photo else { return false }
        guard a.notes == b.notes else { return false }
        guard a.categories == b.categories else { return false }
        guard a.members == b.members else { return false }
        return true
    }

    /// Hashes every field in declaration order, as synthesised hashing did.
    public func hash(into h: inout Hasher) {
        h.combine(id)
        h.combine(type)
        h.combine(name)
        h.combine(alternateNames)
        h.combine(nicknames)
        h.combine(emails)
        h.combine(phones)
        h.combine(addresses)
        h.combine(organizations)
        h.combine(urls)
        h.combine(handles)
        h.combine(related)
        h.combine(birthday)
        h.combine(anniversaries)
        h.combine(gender)
        h.combine(photo)
        h.combine(notes)
        h.combine(categories)
        h.combine(members)
        h.combine(extensions)
        h.combine(sources)
    }

    enum CodingKeys: String, CodingKey {
        case id, type, name, alternateNames, nicknames, emails, phones, addresses, organizations, urls, handles, related, birthday, anniversaries, gender, photo, notes, categories, members, extensions, sources
    }

    /// Encodes like synthesised coding: every key in declaration order,
    /// absent optionals left out.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(type, forKey: .type)
        try c.encode(name, forKey: .name)
        try c.encode(alternateNames, forKey: .alternateNames)
        try c.encode(nicknames, forKey: .nicknames)
        try c.encode(emails, forKey: .emails)
        try c.encode(phones, forKey: .phones)
        try c.encode(addresses, forKey: .addresses)
        try c.encode(organizations, forKey: .organizations)
        try c.encode(urls, forKey: .urls)
        try c.encode(handles, forKey: .handles)
        try c.encode(related, forKey: .related)
        try c.encodeIfPresent(birthday, forKey: .birthday)
        try c.encode(anniversaries, forKey: .anniversaries)
        try c.encodeIfPresent(gender, forKey: .gender)
        try c.encodeIfPresent(photo, forKey: .photo)
        try c.encode(notes, forKey: .notes)
        try c.encode(categories, forKey: .categories)
        try c.encode(members, forKey: .members)
        try c.encode(extensions, forKey: .extensions)
        try c.encode(sources, forKey: .sources)
    }

    /// Lenient decoding: absent arrays decode as empty, absent flags as false,
    /// so that JSON written by other tools (which may omit empty keys) reads.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id),
            type: try c.decodeIfPresent(ContactType.self, forKey: .type) ?? .individual,
            name: try c.decodeIfPresent(PersonName.self, forKey: .name) ?? PersonName(),
            alternateNames: try c.decodeIfPresent([PersonName].self, forKey: .alternateNames) ?? [],
            nicknames: try c.decodeIfPresent([String].self, forKey: .nicknames) ?? [],
            emails: try c.decodeIfPresent([EmailAddress].self, forKey: .emails) ?? [],
            phones: try c.decodeIfPresent([PhoneNumber].self, forKey: .phones) ?? [],
            addresses: try c.decodeIfPresent([PostalAddress].self, forKey: .addresses) ?? [],
            organizations: try c.decodeIfPresent([Organization].self, forKey: .organizations) ?? [],
            urls: try c.decodeIfPresent([LabeledValue].self, forKey: .urls) ?? [],
            handles: try c.decodeIfPresent([LabeledValue].self, forKey: .handles) ?? [],
            related: try c.decodeIfPresent([LabeledValue].self, forKey: .related) ?? [],
            birthday: try c.decodeIfPresent(PartialDate.self, forKey: .birthday),
            anniversaries: try c.decodeIfPresent([PartialDate].self, forKey: .anniversaries) ?? [],
            gender: try c.decodeIfPresent(String.self, forKey: .gender),
            photo: try c.decodeIfPresent(String.self, forKey: .photo),
            notes: try c.decodeIfPresent([String].self, forKey: .notes) ?? [],
            categories: try c.decodeIfPresent([String].self, forKey: .categories) ?? [],
            members: try c.decodeIfPresent([String].self, forKey: .members) ?? [],
            extensions: try c.decodeIfPresent([String: [String]].self, forKey: .extensions) ?? [:],
            sources: try c.decodeIfPresent([Provenance].self, forKey: .sources) ?? [])
    }
}
