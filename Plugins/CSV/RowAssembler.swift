import Foundation
import KithModel

/// Turns one CSV row into a `Contact` following a `ColumnPlan`.
///
/// Reuses its per-row scratch space, so reading a row allocates little more
/// than the values it produces. Not `Sendable`; one per import.
final class RowAssembler {
    struct ValueSlot {
        var value: String?
        var label: String?
        var service: String?
        var labels: [String] = []
        var preferred = false
    }

    struct AddressSlot {
        var parts: [String?] = Array(repeating: nil, count: 10)
        var label: String?
        var labels: [String] = []
        var preferred = false
        var used = false
    }

    struct OrgSlot {
        var name: String?
        var title: String?
        var department: String?
        var role: String?
        var used = false
    }

    /// A problem with one value of the row (the row is kept).
    struct Warning {
        var message: String
        var code: String
    }

    let plan: ColumnPlan
    let file: String
    private let ids: RecordIDs
    private var emails: [ValueSlot]
    private var phones: [ValueSlot]
    private var urls: [ValueSlot]
    private var handles: [ValueSlot]
    private var related: [ValueSlot]
    private var events: [ValueSlot]
    private var customs: [ValueSlot]
    private var addresses: [AddressSlot]
    private var orgs: [OrgSlot]
    private let dayFirst: Bool
    private let unneutralise: Bool
    private let ignoredValues: [String?]
    private let splitsSemicolon: Bool

    init(plan: ColumnPlan, file: String) {
        self.plan = plan
        self.file = file
        ids = RecordIDs(plugin: "csv", file: file)
        func slots(_ k: FieldSpec.Kind) -> [ValueSlot] {
            Array(repeating: ValueSlot(), count: plan.slotCounts[k] ?? 0)
        }
        emails = slots(.email)
        phones = slots(.phone)
        urls = slots(.url)
        handles = slots(.handle)
        related = slots(.related)
        events = slots(.event)
        customs = slots(.custom)
        addresses = Array(repeating: AddressSlot(), count: plan.slotCounts[.address] ?? 0)
        orgs = Array(repeating: OrgSlot(), count: plan.slotCounts[.organization] ?? 0)
        // Numeric dates are day-first except in English-header exports.
        dayFirst = plan.layout.language != "en"
        unneutralise = plan.layout.isSpreadsheetExport
        // Outlook writes these defaults into every row; they carry nothing.
        let outlookish = plan.layout.vocabularyFamily == "ol"
        ignoredValues = plan.columns.map { c in
            guard outlookish else { return nil }
            switch HeaderVocabulary.normalize(c.header) {
            case "priority", "sensitivity": return "Normal"
            case "private": return "False"
            case "gender": return "Unspecified"
            default: return nil
            }
        }
        splitsSemicolon = !(plan.layout.family == .googleCurrent || plan.layout.family == .googleLegacy)
    }

    private func resetSlots() {
        for i in emails.indices { emails[i] = ValueSlot() }
        for i in phones.indices { phones[i] = ValueSlot() }
        for i in urls.indices { urls[i] = ValueSlot() }
        for i in handles.indices { handles[i] = ValueSlot() }
        for i in related.indices { related[i] = ValueSlot() }
        for i in events.indices { events[i] = ValueSlot() }
        for i in customs.indices { customs[i] = ValueSlot() }
        for i in addresses.indices where addresses[i].used { addresses[i] = AddressSlot() }
        for i in orgs.indices where orgs[i].used { orgs[i] = OrgSlot() }
    }

    /// Builds the contact for the row; appends value-level problems to `warnings`.
    func assemble(_ r: RecordView, line: Int, index: Int, warnings: inout [Warning]) -> Contact {
        resetSlots()
        var c = Contact(id: "")
        var recordId: String?
        var invalidText = false
        var birthYear: Int?
        var birthMonth: Int?
        var birthDay: Int?
        let columns = plan.columns
        let n = min(r.count, columns.count)
        for i in 0..<n {
            var bytes = r.trimmed(i)
            if bytes.isEmpty { continue }
            if unneutralise, bytes.count > 1, bytes[0] == 0x27 {
                let b = bytes[1]
                if b == 0x3D || b == 0x2B || b == 0x2D || b == 0x40 || b == 0x09 || b == 0x0D {
                    bytes = UnsafeBufferPointer(rebasing: bytes[1...])
                }
            }
            let value: String
            if let v = String(validating: bytes, as: UTF8.self) {
                value = v
            } else {
                value = String(decoding: bytes, as: UTF8.self)
                invalidText = true
            }
            let col = columns[i]
            if let ignored = ignoredValues[i], value == ignored { continue }
            switch col.spec.field {
            case .ignore: break
            case .recordID: recordId = value
            case .extensionField: c.extensions[col.spec.key ?? col.header, default: []].append(value)
            case .name(let part): setName(&c.name, part, value)
            case .nickname: c.nicknames.append(contentsOf: splitMulti(value, semicolon: false))
            case .email: fill(&emails[col.slot], value, col.spec)
            case .phone: fill(&phones[col.slot], value, col.spec)
            case .url: fill(&urls[col.slot], value, col.spec)
            case .handle: fill(&handles[col.slot], value, col.spec)
            case .related: fill(&related[col.slot], value, col.spec)
            case .event: fill(&events[col.slot], value, col.spec)
            case .customValue: fill(&customs[col.slot], value, col.spec)
            case .label:
                switch col.spec.kind {
                case .email: emails[col.slot].label = value
                case .phone: phones[col.slot].label = value
                case .url: urls[col.slot].label = value
                case .handle: handles[col.slot].label = value
                case .related: related[col.slot].label = value
                case .event: events[col.slot].label = value
                case .custom: customs[col.slot].label = value
                case .address:
                    addresses[col.slot].label = value
                    addresses[col.slot].used = true
                case .organization, .none: c.extensions[col.header, default: []].append(value)
                }
            case .service: handles[col.slot].service = value
            case .address(let part):
                let k = Self.addressIndex(part)
                addresses[col.slot].used = true
                if addresses[col.slot].labels.isEmpty { addresses[col.slot].labels = col.spec.labels }
                if col.spec.preferred { addresses[col.slot].preferred = true }
                if let old = addresses[col.slot].parts[k] {
                    addresses[col.slot].parts[k] = old + " " + value
                } else {
                    addresses[col.slot].parts[k] = value
                }
            case .organization(let part):
                orgs[col.slot].used = true
                switch part {
                case .name: orgs[col.slot].name = join(orgs[col.slot].name, value)
                case .title: orgs[col.slot].title = join(orgs[col.slot].title, value)
                case .department: orgs[col.slot].department = join(orgs[col.slot].department, value)
                case .role: orgs[col.slot].role = join(orgs[col.slot].role, value)
                }
            case .birthday:
                switch CSVDate.parse(value, dayFirst: dayFirst) {
                case .date(let d): c.birthday = d
                case .empty: break
                case .invalid:
                    c.extensions[col.header, default: []].append(value)
                    warnings.append(Warning(message: "column \(i + 1): not a date; kept as an extension field", code: "csv.date"))
                }
            case .birthYear: birthYear = Int(value)
            case .birthMonth: birthMonth = Int(value)
            case .birthDayOfMonth: birthDay = Int(value)
            case .anniversary:
                switch CSVDate.parse(value, dayFirst: dayFirst) {
                case .date(let d): c.anniversaries.append(d)
                case .empty: break
                case .invalid:
                    c.extensions[col.header, default: []].append(value)
                    warnings.append(Warning(message: "column \(i + 1): not a date; kept as an extension field", code: "csv.date"))
                }
            case .dateExtension:
                switch CSVDate.parse(value, dayFirst: dayFirst) {
                case .date(let d): c.extensions[col.spec.key ?? col.header, default: []].append(d.isoString)
                case .empty: break
                case .invalid:
                    c.extensions[col.spec.key ?? col.header, default: []].append(value)
                    warnings.append(Warning(message: "column \(i + 1): not a date; kept as written", code: "csv.date"))
                }
            case .gender: c.gender = value
            case .photo: c.photo = value
            case .notes: c.notes.append(value)
            case .categories:
                for part in splitMulti(value, semicolon: true) {
                    c.categories.append(part.hasPrefix("* ") ? String(part.dropFirst(2)) : part)
                }
            }
        }
        // Cells beyond the header.
        if r.count > columns.count {
            var extra = 0
            for i in columns.count..<r.count {
                let bytes = r.trimmed(i)
                if bytes.isEmpty { continue }
                extra += 1
                c.extensions["Column \(i + 1)", default: []].append(String(decoding: bytes, as: UTF8.self))
            }
            if extra > 0 {
                warnings.append(
                    Warning(
                        message: "row has \(extra) non-empty cell\(extra == 1 ? "" : "s") beyond the header's \(columns.count) columns; kept as extension fields",
                        code: "csv.ragged"))
            }
        }
        if invalidText {
            warnings.append(Warning(message: "invalid UTF-8 replaced with U+FFFD (set -O encoding=NAME if the file is not UTF-8)", code: "csv.encoding"))
        }
        if birthYear != nil || birthMonth != nil || birthDay != nil {
            if let d = PartialDate(year: birthYear.flatMap { $0 > 0 ? $0 : nil }, month: birthMonth.flatMap { $0 > 0 ? $0 : nil },
                day: birthDay.flatMap { $0 > 0 ? $0 : nil })
            {
                c.birthday = d
            } else if (birthYear ?? 0) + (birthMonth ?? 0) + (birthDay ?? 0) > 0 {
                warnings.append(Warning(message: "birth year, month and day do not make a date; dropped", code: "csv.date"))
            }
        }
        buildMulti(&c, warnings: &warnings)

        let locator = Locator(line: line, record: index)
        c.id = ids.id(recordId: recordId, locator: locator, warnings: &warnings)
        c.sources = [Provenance(plugin: "csv", file: file, locator: locator, recordId: recordId)]
        return c
    }

    private func join(_ old: String?, _ v: String) -> String {
        guard let old else { return v }
        return old + " " + v
    }

    private func setName(_ name: inout PersonName, _ part: FieldSpec.NamePart, _ v: String) {
        switch part {
        case .formatted: name.formatted = join(name.formatted, v)
        case .given: name.given = join(name.given, v)
        case .middle: name.middle = join(name.middle, v)
        case .family: name.family = join(name.family, v)
        case .prefix: name.prefix = join(name.prefix, v)
        case .suffix: name.suffix = join(name.suffix, v)
        case .phoneticGiven: name.phoneticGiven = join(name.phoneticGiven, v)
        case .phoneticFamily: name.phoneticFamily = join(name.phoneticFamily, v)
        }
    }

    private func fill(_ slot: inout ValueSlot, _ value: String, _ spec: FieldSpec) {
        if let old = slot.value {
            slot.value = old + " ::: " + value
        } else {
            slot.value = value
        }
        if slot.labels.isEmpty { slot.labels = spec.labels }
        if spec.preferred { slot.preferred = true }
    }

    static func addressIndex(_ p: FieldSpec.AddressPart) -> Int {
        switch p {
        case .street: 0
        case .street2: 1
        case .street3: 2
        case .extended: 3
        case .poBox: 4
        case .locality: 5
        case .region: 6
        case .postalCode: 7
        case .country: 8
        case .formatted: 9
        }
    }

    /// Splits Google's " ::: " multi-values (and, where `semicolon`, a ";"
    /// list), trimming each part and dropping empty ones.
    private func splitMulti(_ s: String, semicolon: Bool) -> [String] {
        var hasSep = false
        for b in s.utf8 where b == 0x3A || (semicolon && b == 0x3B) {
            hasSep = true
            break
        }
        if !hasSep { return [s] }
        var parts: [String] = []
        for piece in s.components(separatedBy: " ::: ") {
            if semicolon && piece.utf8.contains(0x3B) {
                for p in piece.split(separator: ";") {
                    let t = String(p).trimmingASCIISpaces()
                    if !t.isEmpty { parts.append(t) }
                }
            } else {
                let t = piece.trimmingASCIISpaces()
                if !t.isEmpty { parts.append(t) }
            }
        }
        return parts
    }

    /// Reads a label cell: "* Work" → (["work"], preferred); "Work Fax" →
    /// ["work", "fax"]; custom text is kept as written.
    static func parseLabel(_ raw: String) -> (labels: [String], preferred: Bool) {
        var s = raw.trimmingASCIISpaces()
        var preferred = false
        if s.hasPrefix("*") {
            preferred = true
            s = String(s.dropFirst()).trimmingASCIISpaces()
        }
        if s.isEmpty { return ([], preferred) }
        if s.contains(", ") {
            var all: [String] = []
            for piece in s.components(separatedBy: ", ") where !piece.isEmpty {
                for l in parseLabel(piece).labels where !all.contains(l) { all.append(l) }
            }
            return (all, preferred)
        }
        let lower = s.lowercased()
        let known: [String: [String]] = [
            "home": ["home"], "work": ["work"], "business": ["work"], "office": ["work"], "personal": ["home"],
            "private": ["home"], "other": ["other"], "mobile": ["mobile"], "cell": ["mobile"], "main": ["main"],
            "pager": ["pager"], "fax": ["fax"], "home fax": ["home", "fax"], "work fax": ["work", "fax"],
            "other fax": ["other", "fax"], "blog": ["blog"], "profile": ["profile"], "homepage": ["homepage"],
            "home page": ["homepage"], "spouse": ["spouse"], "child": ["child"], "mother": ["mother"],
            "father": ["father"], "parent": ["parent"], "brother": ["brother"], "sister": ["sister"],
            "friend": ["friend"], "relative": ["relative"], "manager": ["manager"], "assistant": ["assistant"],
            "partner": ["partner"], "anniversary": ["anniversary"], "birthday": ["birthday"],
        ]
        if let k = known[lower] { return (k, preferred) }
        return ([s], preferred)
    }

    private func values(_ slot: ValueSlot, semicolon: Bool) -> [(String, [String], Bool)] {
        guard let v = slot.value else { return [] }
        let parts = splitMulti(v, semicolon: semicolon)
        var labels = slot.labels
        var preferred = slot.preferred
        var perValue: [[String]]?
        if let l = slot.label {
            let labelParts = l.components(separatedBy: " ::: ")
            if labelParts.count > 1 && labelParts.count == parts.count {
                perValue = []
                for (k, lp) in labelParts.enumerated() {
                    let (ls, pref) = Self.parseLabel(lp)
                    perValue!.append(ls)
                    if pref && k == 0 { preferred = true }
                }
            } else {
                let (ls, pref) = Self.parseLabel(l)
                labels = ls
                if pref { preferred = true }
            }
        }
        return parts.enumerated().map { k, p in (p, perValue?[k] ?? labels, preferred && k == 0) }
    }

    private func buildMulti(_ c: inout Contact, warnings: inout [Warning]) {
        for s in emails where s.value != nil {
            for (v, l, p) in values(s, semicolon: splitsSemicolon) { c.emails.append(EmailAddress(v, labels: l, preferred: p)) }
        }
        for s in phones where s.value != nil {
            for (v, l, p) in values(s, semicolon: splitsSemicolon) { c.phones.append(PhoneNumber(raw: v, labels: l, preferred: p)) }
        }
        for s in addresses where s.used {
            let p = s.parts
            if p.allSatisfy({ $0 == nil }) { continue }
            let street = [p[0], p[1], p[2]].compactMap { $0 }
            var labels = s.labels
            var preferred = s.preferred
            if let l = s.label {
                let parsed = Self.parseLabel(l)
                labels = parsed.labels
                preferred = preferred || parsed.preferred
            }
            c.addresses.append(
                PostalAddress(
                    poBox: p[4], extended: p[3], street: street.isEmpty ? nil : street.joined(separator: "\n"), locality: p[5],
                    region: p[6], postalCode: p[7], country: p[8], formatted: p[9], labels: labels, preferred: preferred))
        }
        for o in orgs where o.used {
            c.organizations.append(Organization(name: o.name, department: o.department, title: o.title, role: o.role))
        }
        for s in urls where s.value != nil {
            for (v, l, p) in values(s, semicolon: false) { c.urls.append(LabeledValue(v, labels: l, preferred: p)) }
        }
        for s in handles where s.value != nil {
            for (v, l, p) in values(s, semicolon: false) {
                var labels = l
                if let svc = s.service?.trimmingASCIISpaces(), !svc.isEmpty {
                    labels = [svc.lowercased()] + labels.filter { $0 != svc.lowercased() }
                }
                c.handles.append(LabeledValue(v, labels: labels, preferred: p))
            }
        }
        for s in related where s.value != nil {
            for (v, l, p) in values(s, semicolon: false) { c.related.append(LabeledValue(v, labels: l, preferred: p)) }
        }
        for s in events where s.value != nil {
            for (v, l, _) in values(s, semicolon: false) {
                switch CSVDate.parse(v, dayFirst: dayFirst) {
                case .date(let d):
                    if l == ["birthday"] && c.birthday == nil { c.birthday = d } else { c.anniversaries.append(d) }
                case .empty: break
                case .invalid:
                    c.extensions["Event" + (l.first.map { " (\($0))" } ?? ""), default: []].append(v)
                    warnings.append(Warning(message: "an event is not a date; kept as an extension field", code: "csv.date"))
                }
            }
        }
        for s in customs where s.value != nil {
            let key = s.label?.trimmingASCIISpaces() ?? ""
            c.extensions[key.isEmpty ? "Custom Field" : key, default: []].append(s.value!)
        }
    }
}
