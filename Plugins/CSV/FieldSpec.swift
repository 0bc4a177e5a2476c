import Foundation

/// What one column holds, before slots are assigned.
struct FieldSpec: Hashable {
    enum Field: Hashable {
        case ignore
        case recordID
        /// Kept as an extension field keyed by the column name (or `key`).
        case extensionField
        case name(NamePart)
        case nickname
        case email, phone, url, handle, related
        /// The label (type) cell of a numbered group ("E-mail 1 - Label").
        case label
        /// The service cell of an IM group ("IM 1 - Service").
        case service
        case address(AddressPart)
        case organization(OrgPart)
        case birthday, birthYear, birthMonth, birthDayOfMonth, anniversary
        /// A Google "Event n - Value": a birthday or anniversary by its label.
        case event
        /// A Google "Custom Field n - Value"; its label cell names the key.
        case customValue
        case gender, photo, notes, categories
        /// An extension field whose value is a date, stored in ISO form.
        case dateExtension
    }

    enum NamePart: Hashable { case formatted, given, middle, family, prefix, suffix, phoneticGiven, phoneticFamily }
    enum AddressPart: Hashable { case street, street2, street3, extended, poBox, locality, region, postalCode, country, formatted }
    enum OrgPart: Hashable { case name, title, department, role }

    /// Which kind of multi-valued group a label or value cell belongs to.
    enum Kind: Hashable {
        case email, phone, url, handle, related, address, organization, event, custom, none

        /// The kind a group name stands for ("E-mail", "Phone", "Website", …), normalised.
        static func named(_ raw: String) -> Kind? {
            switch HeaderVocabulary.normalize(raw) {
            case "email", "mail", "emails": .email
            case "phone", "telephone", "tel", "phones": .phone
            case "url", "website", "web", "webpage", "urls": .url
            case "im", "handle", "handles", "chat": .handle
            case "relation", "related", "relative": .related
            case "address", "adr", "addresses": .address
            case "organization", "organisation", "org", "company": .organization
            case "event", "date": .event
            case "customfield": .custom
            default: nil
            }
        }
    }

    var field: Field
    var labels: [String] = []
    var preferred = false
    /// The extension key, for `extensionField` / `dateExtension` when not the header.
    var key: String?
    /// For `label`/`service` cells: the group's kind.
    var kind: Kind = .none

    init(_ field: Field, labels: [String] = [], preferred: Bool = false, key: String? = nil, kind: Kind = .none) {
        self.field = field
        self.labels = labels
        self.preferred = preferred
        self.key = key
        self.kind = kind
    }

    /// The kind of group a value field belongs to.
    var groupKind: Kind {
        switch field {
        case .email: .email
        case .phone: .phone
        case .url: .url
        case .handle: .handle
        case .related: .related
        case .address: .address
        case .organization: .organization
        case .event: .event
        case .customValue: .custom
        case .label, .service: kind
        default: .none
        }
    }

    /// Parses the compact target notation of the vocabulary and of user
    /// mappings: `given`, `email:work`, `phone:work,fax`, `phone:main!`,
    /// `adr:home:city`, `org:title`, … Also accepts the mapping names
    /// documented in docs/csv-mapping.md (`name.given`, `address.locality`).
    static func parse(_ raw: String) -> FieldSpec? {
        var text = raw.trimmingCharacters(in: .whitespaces)
        var preferred = false
        if text.hasSuffix("!") {
            preferred = true
            text.removeLast()
        }
        var parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        // Dotted mapping names: "name.given", "address.locality", "organization.title".
        if parts.count >= 1, parts[0].contains(".") {
            let dotted = parts[0].split(separator: ".", maxSplits: 1).map(String.init)
            let head = dotted[0].lowercased(), tail = dotted.count > 1 ? dotted[1] : ""
            switch head {
            case "name": parts[0] = tail
            case "address", "adr":
                let labels = parts.count > 1 ? parts[1] : "-"
                parts = ["adr", labels, tail]
            case "organization", "org": parts = ["org", tail]
            default: break
            }
        }
        let head = parts[0]
        let arg = parts.count > 1 ? parts[1] : ""
        let labels = arg.isEmpty || arg == "-" ? [] : arg.split(separator: ",").map { String($0) }
        func name(_ p: NamePart) -> FieldSpec { FieldSpec(.name(p)) }
        switch head.lowercased() {
        case "ignore", "skip": return FieldSpec(.ignore)
        case "id", "recordid", "record_id": return FieldSpec(.recordID)
        case "ext", "extension": return FieldSpec(.extensionField, key: arg.isEmpty ? nil : arg)
        case "date": return FieldSpec(.dateExtension, key: arg.isEmpty ? nil : arg)
        case "fn", "formatted", "fullname", "full": return name(.formatted)
        case "given", "first": return name(.given)
        case "middle", "additional": return name(.middle)
        case "family", "last", "surname": return name(.family)
        case "prefix": return name(.prefix)
        case "suffix": return name(.suffix)
        case "pgiven", "phoneticgiven": return name(.phoneticGiven)
        case "pfamily", "phoneticfamily": return name(.phoneticFamily)
        case "nick", "nickname": return FieldSpec(.nickname)
        case "email": return FieldSpec(.email, labels: labels, preferred: preferred)
        case "phone", "tel": return FieldSpec(.phone, labels: labels, preferred: preferred)
        case "url", "website": return FieldSpec(.url, labels: labels, preferred: preferred)
        case "im", "handle": return FieldSpec(.handle, labels: labels, preferred: preferred)
        case "rel", "related": return FieldSpec(.related, labels: labels)
        case "bday", "birthday": return FieldSpec(.birthday)
        case "byear", "birthyear": return FieldSpec(.birthYear)
        case "bmonth", "birthmonth": return FieldSpec(.birthMonth)
        case "bdom", "birthdayofmonth", "birthdom": return FieldSpec(.birthDayOfMonth)
        case "anniv", "anniversary": return FieldSpec(.anniversary)
        case "label", "type":
            guard let k = Kind.named(arg) else { return nil }
            return FieldSpec(.label, kind: k)
        case "service": return FieldSpec(.service, kind: .handle)
        case "event": return FieldSpec(.event)
        case "custom": return FieldSpec(.customValue)
        case "gender": return FieldSpec(.gender)
        case "photo": return FieldSpec(.photo)
        case "note", "notes": return FieldSpec(.notes)
        case "cat", "categories", "category": return FieldSpec(.categories)
        case "org":
            switch arg.lowercased() {
            case "name", "": return FieldSpec(.organization(.name))
            case "title": return FieldSpec(.organization(.title))
            case "dept", "department": return FieldSpec(.organization(.department))
            case "role": return FieldSpec(.organization(.role))
            default: return nil
            }
        case "adr":
            let part = parts.count > 2 ? parts[2].lowercased() : "street"
            let p: AddressPart
            switch part {
            case "street", "street1": p = .street
            case "street2": p = .street2
            case "street3": p = .street3
            case "ext", "extended": p = .extended
            case "pobox": p = .poBox
            case "city", "locality": p = .locality
            case "region", "state": p = .region
            case "zip", "postalcode", "postcode": p = .postalCode
            case "country": p = .country
            case "formatted", "label": p = .formatted
            default: return nil
            }
            return FieldSpec(.address(p), labels: labels, preferred: preferred)
        default: return nil
        }
    }
}
