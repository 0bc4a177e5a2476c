/// What kind of interaction a record is. Open: plugins may add their own.
public struct InteractionType: RawRepresentable, Hashable, Codable, Sendable, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static let email: InteractionType = "email"
    public static let comment: InteractionType = "comment"
    public static let post: InteractionType = "post"
    public static let page: InteractionType = "page"
    public static let pingback: InteractionType = "pingback"
    public static let trackback: InteractionType = "trackback"
    public static let message: InteractionType = "message"
    public static let call: InteractionType = "call"
    public static let meeting: InteractionType = "meeting"

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// The part a participant played in an interaction. Open like `InteractionType`.
public struct ParticipantRole: RawRepresentable, Hashable, Codable, Sendable, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static let from: ParticipantRole = "from"
    public static let sender: ParticipantRole = "sender"
    public static let to: ParticipantRole = "to"
    public static let cc: ParticipantRole = "cc"
    public static let bcc: ParticipantRole = "bcc"
    public static let replyTo: ParticipantRole = "replyTo"
    public static let author: ParticipantRole = "author"
    public static let inReplyTo: ParticipantRole = "inReplyTo"
    public static let mentioned: ParticipantRole = "mentioned"

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// Someone who took part in an interaction, known by an identity (an e-mail
/// address, a URL, a name) until the pipeline resolves it to a contact.
public struct Participant: Hashable, Codable, Sendable {
    /// The part played: from, to, cc, author, …
    public var role: ParticipantRole
    /// Display name as the source gave it.
    public var name: String?
    /// E-mail address, if known.
    public var email: String?
    /// Web address (a commenter's site, a profile URL), if known.
    public var url: String?
    /// The merged contact this participant resolved to, once known.
    public var contactId: String?

    public init(role: ParticipantRole, name: String? = nil, email: String? = nil, url: String? = nil, contactId: String? = nil) {
        self.role = role
        self.name = name
        self.email = email
        self.url = url
        self.contactId = contactId
    }
}

/// One exchange between people: a mail, a comment, a post, a call.
public struct Interaction: Hashable, Codable, Sendable {
    /// A stable identifier, unique within one output.
    public var id: String
    /// What kind of interaction this is.
    public var type: InteractionType
    /// When it happened, in UTC.
    public var timestamp: Timestamp?
    /// The UTC offset the source wrote the time in, in minutes (+60 for
    /// "+01:00"); nil when the source gave no zone.
    public var utcOffsetMinutes: Int?
    /// Everyone involved, with their roles.
    public var participants: [Participant]
    /// Subject line or title.
    public var subject: String?
    /// A short excerpt of the content.
    public var snippet: String?
    /// The source's message id (RFC 5322 Message-ID without brackets).
    public var messageId: String?
    /// The thread it belongs to.
    public var threadId: String?
    /// The interaction it answers (a parent comment, the replied-to mail).
    public var parentId: String?
    /// Where it can be seen (a post's or comment's URL).
    public var url: String?
    /// State in the source: "approved", "spam", "trash", "draft", "publish"…
    public var status: String?
    /// Fields the model has no slot for, keyed by the source's field name.
    public var extensions: [String: [String]]
    /// Where it came from.
    public var sources: [Provenance]

    public init(
        id: String, type: InteractionType, timestamp: Timestamp? = nil, utcOffsetMinutes: Int? = nil,
        participants: [Participant] = [], subject: String? = nil, snippet: String? = nil, messageId: String? = nil,
        threadId: String? = nil, parentId: String? = nil, url: String? = nil, status: String? = nil,
        extensions: [String: [String]] = [:], sources: [Provenance] = []
    ) {
        self.id = id
        self.type = type
        self.timestamp = timestamp
        self.utcOffsetMinutes = utcOffsetMinutes
        self.participants = participants
        self.subject = subject
        self.snippet = snippet
        self.messageId = messageId
        self.threadId = threadId
        self.parentId = parentId
        self.url = url
        self.status = status
        self.extensions = extensions
        self.sources = sources
    }
}

extension Interaction {
    /// Lenient decoding: absent arrays decode as empty, absent flags as false,
    /// so that JSON written by other tools (which may omit empty keys) reads.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        type = try c.decode(InteractionType.self, forKey: .type)
        timestamp = try c.decodeIfPresent(Timestamp.self, forKey: .timestamp)
        utcOffsetMinutes = try c.decodeIfPresent(Int.self, forKey: .utcOffsetMinutes)
        participants = try c.decodeIfPresent([Participant].self, forKey: .participants) ?? []
        subject = try c.decodeIfPresent(String.self, forKey: .subject)
        snippet = try c.decodeIfPresent(String.self, forKey: .snippet)
        messageId = try c.decodeIfPresent(String.self, forKey: .messageId)
        threadId = try c.decodeIfPresent(String.self, forKey: .threadId)
        parentId = try c.decodeIfPresent(String.self, forKey: .parentId)
        url = try c.decodeIfPresent(String.self, forKey: .url)
        status = try c.decodeIfPresent(String.self, forKey: .status)
        extensions = try c.decodeIfPresent([String: [String]].self, forKey: .extensions) ?? [:]
        sources = try c.decodeIfPresent([Provenance].self, forKey: .sources) ?? []
    }
}
