/// One record of the canonical stream: what importers produce, exporters
/// consume, and the JSON Lines format holds one of per line.
public enum CanonicalRecord: Hashable, Sendable {
    case contact(Contact)
    case interaction(Interaction)
    case diagnostic(Diagnostic)

    /// The `kind` key of the record's JSON form.
    public var kind: String {
        switch self {
        case .contact: "contact"
        case .interaction: "interaction"
        case .diagnostic: "diagnostic"
        }
    }
}

extension CanonicalRecord: Codable {
    private enum KindKey: String, CodingKey { case kind }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: KindKey.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "contact": self = .contact(try Contact(from: decoder))
        case "interaction": self = .interaction(try Interaction(from: decoder))
        case "diagnostic": self = .diagnostic(try Diagnostic(from: decoder))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown record kind \(other)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: KindKey.self)
        try c.encode(kind, forKey: .kind)
        switch self {
        case .contact(let v): try v.encode(to: encoder)
        case .interaction(let v): try v.encode(to: encoder)
        case .diagnostic(let v): try v.encode(to: encoder)
        }
    }
}
