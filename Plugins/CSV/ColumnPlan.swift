import Foundation

/// One column of the header, resolved.
struct PlannedColumn {
    var spec: FieldSpec
    /// Index of the value this column fills among its kind's values; -1 for
    /// single-valued fields.
    var slot: Int
    /// The column name (the extension key for unknown columns).
    var header: String
}

/// What each column of a file means, worked out once from the header, so
/// that reading a row is a loop over a table.
struct ColumnPlan {
    var columns: [PlannedColumn]
    var layout: CSVLayout
    /// Number of slots per kind.
    var slotCounts: [FieldSpec.Kind: Int]
    /// Index of the record id column, if any.
    var idColumn: Int?
    /// True when a column was resolved through the user's mapping.
    var usesMapping: Bool

    /// Resolves every column name.
    static func build(headers: [String], layout: CSVLayout, mapping: CSVMapping?) -> ColumnPlan {
        var resolver = Resolver(layout: layout)
        var columns: [PlannedColumn] = []
        var usesMapping = false
        for (i, header) in headers.enumerated() {
            if let m = mapping?.column(named: header, position: i) {
                usesMapping = true
                let key = m.group.map { "m|\($0)" } ?? resolver.defaultKey(for: m.spec, index: i, number: nil)
                columns.append(resolver.place(m.spec, key: key, header: header))
                continue
            }
            if header.trimmingCharacters(in: .whitespaces).isEmpty {
                columns.append(PlannedColumn(spec: FieldSpec(.extensionField, key: "Column \(i + 1)"), slot: -1, header: header))
                continue
            }
            if layout.family == .kith && !CSVLayout.isKithColumn(header) {
                columns.append(PlannedColumn(spec: FieldSpec(.extensionField), slot: -1, header: header))
                continue
            }
            let (spec, key) = resolver.resolve(header, index: i)
            columns.append(resolver.place(spec, key: key, header: header))
        }
        // Thunderbird's "Birth Day" is the day of month when year and month
        // columns sit beside it (it normalises to the same key as "Birthday").
        let hasParts = columns.contains { $0.spec.field == .birthYear || $0.spec.field == .birthMonth }
        if hasParts {
            for i in columns.indices where columns[i].spec.field == .birthday && mapping?.column(named: columns[i].header, position: i) == nil {
                columns[i].spec.field = .birthDayOfMonth
            }
        }
        let id = columns.firstIndex { $0.spec.field == .recordID }
        // Only the first id column is the record id; later ones are kept.
        if let id {
            for i in columns.indices where i != id && columns[i].spec.field == .recordID {
                columns[i].spec = FieldSpec(.extensionField)
            }
        }
        return ColumnPlan(
            columns: columns, layout: layout, slotCounts: resolver.slotCounts, idColumn: id, usesMapping: usesMapping)
    }

    /// True when the header names at least one column the importer knows
    /// (used to tell a header row from data).
    static func recognisedCount(_ cells: [String], mapping: CSVMapping?) -> Int {
        var n = 0
        for c in cells {
            let t = c.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            if let mapping, mapping.names(t) {
                n += 1
                continue
            }
            var r = Resolver(layout: CSVLayout(family: .generic, language: "en"))
            let (spec, _) = r.resolve(t, index: 0)
            if spec.field != .extensionField { n += 1 }
        }
        return n
    }
}

/// Turns column names into field specs and slot keys.
private struct Resolver {
    let layout: CSVLayout
    var slotKeys: [FieldSpec.Kind: [String: Int]] = [:]
    var slotCounts: [FieldSpec.Kind: Int] = [:]

    init(layout: CSVLayout) { self.layout = layout }

    mutating func place(_ spec: FieldSpec, key: String?, header: String) -> PlannedColumn {
        let kind = spec.groupKind
        guard kind != .none, let key else { return PlannedColumn(spec: spec, slot: -1, header: header) }
        if let s = slotKeys[kind]?[key] { return PlannedColumn(spec: spec, slot: s, header: header) }
        let s = slotCounts[kind, default: 0]
        slotCounts[kind] = s + 1
        slotKeys[kind, default: [:]][key] = s
        return PlannedColumn(spec: spec, slot: s, header: header)
    }

    func defaultKey(for spec: FieldSpec, index: Int, number: Int?) -> String? {
        switch spec.groupKind {
        case .none: return nil
        case .address: return "adr|\(spec.labels.joined(separator: ","))|\(number ?? 0)"
        case .organization: return "org|\(number ?? 0)"
        default: return "col\(index)"
        }
    }

    /// The meaning a normalised name has for this layout.
    func vocabulary(_ key: String) -> FieldSpec? {
        let entries = HeaderVocabulary.lookup(key)
        guard !entries.isEmpty else { return nil }
        // Layout-specific readings first.
        if layout.titleIsPrefix && (key == "title") { return FieldSpec(.name(.prefix)) }
        if layout.family == .googleOutlook {
            switch key {
            case "homeaddress": return FieldSpec(.address(.formatted), labels: ["home"])
            case "businessaddress": return FieldSpec(.address(.formatted), labels: ["work"])
            case "otheraddress": return FieldSpec(.address(.formatted), labels: ["other"])
            default: break
            }
        }
        if layout.family == .linkedIn && key == "url" { return FieldSpec(.url, labels: ["linkedin"]) }
        let fam = layout.vocabularyFamily
        if let e = entries.first(where: { $0.family == fam && $0.languages.contains(layout.language) }) { return e.spec }
        if let e = entries.first(where: { $0.languages.contains(layout.language) }) { return e.spec }
        if let e = entries.first(where: { $0.family == fam }) { return e.spec }
        return entries[0].spec
    }

    mutating func resolve(_ header: String, index: Int) -> (FieldSpec, String?) {
        let key = HeaderVocabulary.normalize(header)
        if let spec = vocabulary(key) {
            return (spec, defaultKey(for: spec, index: index, number: nil))
        }
        if let g = group(header) { return g }
        // One number in the name: "Email 7", "Home Phone 2", "Web Page 3".
        let digitRuns = key.split(whereSeparator: { !$0.isNumber })
        if digitRuns.count == 1, let n = Int(digitRuns[0]), n < 10_000 {
            let base = key.filter { !$0.isNumber }
            if let spec = vocabulary(base), spec.groupKind != .none || spec.field == .nickname || spec.field == .notes {
                var spec = spec
                if case .address(let p) = spec.field, n >= 2, n <= 3, p == .street {
                    spec.field = .address(n == 2 ? .street2 : .street3)
                    return (spec, defaultKey(for: spec, index: index, number: nil))
                }
                return (spec, defaultKey(for: spec, index: index, number: n))
            }
        }
        return (FieldSpec(.extensionField), nil)
    }

    /// Numbered groups: Google's "E-mail 1 - Value", "Address 2 - City",
    /// Kith's generic "Email 1 Label", "Address 1 Street".
    mutating func group(_ header: String) -> (FieldSpec, String?)? {
        let chars = Array(header)
        guard let firstDigit = chars.firstIndex(where: { $0.isNumber }), firstDigit > 0 else { return nil }
        var end = firstDigit
        while end < chars.count, chars[end].isNumber { end += 1 }
        guard let n = Int(String(chars[firstDigit..<end])) else { return nil }
        let kindText = String(chars[..<firstDigit])
        var partText = String(chars[end...]).trimmingCharacters(in: .whitespaces)
        if partText.hasPrefix("-") { partText = String(partText.dropFirst()).trimmingCharacters(in: .whitespaces) }
        let part = HeaderVocabulary.normalize(partText)
        let gkey = "g\(n)"
        if HeaderVocabulary.normalize(kindText) == "nickname" && part.isEmpty { return (FieldSpec(.nickname), nil) }
        if HeaderVocabulary.normalize(kindText) == "note" && part.isEmpty { return (FieldSpec(.notes), nil) }
        if HeaderVocabulary.normalize(kindText) == "anniversary" && part.isEmpty { return (FieldSpec(.anniversary), nil) }
        guard let kind = FieldSpec.Kind.named(kindText) else { return nil }
        // Outlook's "E-mail 2 Type" is the transport ("SMTP"), not a label.
        if layout.vocabularyFamily == "ol" && kind == .email && part != "address" && !part.isEmpty {
            return (FieldSpec(.extensionField), nil)
        }
        if part == "type" || part == "label" || part == "labels" { return (FieldSpec(.label, kind: kind), gkey) }
        if part == "preferred" { return (FieldSpec(.label, kind: kind), gkey) }
        switch kind {
        case .email, .phone, .url, .handle, .related, .event, .custom:
            let valueField: FieldSpec.Field
            switch kind {
            case .email: valueField = .email
            case .phone: valueField = .phone
            case .url: valueField = .url
            case .handle: valueField = .handle
            case .related: valueField = .related
            case .event: valueField = .event
            default: valueField = .customValue
            }
            if part.isEmpty || part == "value" || part == "address" || part == "number" {
                return (FieldSpec(valueField), gkey)
            }
            if kind == .handle && (part == "service" || part == "protocol") { return (FieldSpec(.service, kind: .handle), gkey) }
            return (FieldSpec(.extensionField), nil)
        case .address:
            let p: FieldSpec.AddressPart
            switch part {
            case "formatted", "label": p = .formatted
            case "street", "streetaddress": p = .street
            case "city", "locality": p = .locality
            case "pobox": p = .poBox
            case "region", "state": p = .region
            case "postalcode", "zip", "postcode": p = .postalCode
            case "country": p = .country
            case "extendedaddress", "extended": p = .extended
            default: return (FieldSpec(.extensionField), nil)
            }
            return (FieldSpec(.address(p)), gkey)
        case .organization:
            switch part {
            case "name", "": return (FieldSpec(.organization(.name)), gkey)
            case "title": return (FieldSpec(.organization(.title)), gkey)
            case "department": return (FieldSpec(.organization(.department)), gkey)
            case "role": return (FieldSpec(.organization(.role)), gkey)
            default: return (FieldSpec(.extensionField), nil)
            }
        case .none:
            return nil
        }
    }
}
