import Foundation
import KithModel

/// Turns one CSV row into a `Contact` following a `ColumnPlan`.
///
/// Reuses its per-row scratch space, so reading a row allocates little more
/// than the values it produces. A value type on purpose: its per-row state
/// is mutated in place without the runtime exclusivity checks a class's
/// stored properties cost on every access.
struct RowAssembler {
    struct ValueSlot {
        /// The values of the cell(s), split at " ::: " (and ";" where lists use it).
        var values: [String] = []
        var label: String?
        var service: String?
        var labels: [String] = []
        var preferred = false
        var used = false

        mutating func reset() {
            // Not `removeAll(keepingCapacity:)`: that goes through the generic
            // `swift_arrayDestroy`, about 250 instructions for two strings.
            while values.popLast() != nil {}
            label = nil
            service = nil
            if !labels.isEmpty { labels = [] }
            preferred = false
            used = false
        }
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
    /// The plan's fields and slots as flat arrays (trivial to read per cell).
    private let fields: [FieldSpec.Field]
    private let slots: [Int]
    private var ids: RecordIDs
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
    private let blank = Contact(id: "")
    /// Recent rows' extension dictionaries when they held one column's value,
    /// shared by later rows with the same value (see `cachedExtensions`).
    private var extensionCache: [(column: Int, value: String, dict: [String: [String]])] = []
    private var extensionCacheNext = 0
    private var extensionCacheHits = 0
    private var extensionCacheLookups = 0
    private var extensionCacheOn = true
    private let splitsSemicolon: Bool
    /// When set, a row's id is made from its record id without checking for
    /// an earlier row with the same one; see `lastIDHash`.
    var defersDuplicateIDs = false
    /// With `defersDuplicateIDs`: the record-id hash of the last row (nil
    /// when its id is positional), to be claimed in file order.
    private(set) var lastIDHash: UInt64?
    /// With `defersDuplicateIDs`: the last row's record id.
    private(set) var lastRecordID: String?
    /// With `defersDuplicateIDs`: where in the last row's warnings the
    /// duplicate-id warning belongs.
    private(set) var lastIDWarningIndex = 0
    private let categoriesSplitSemicolon: Bool

    init(plan: ColumnPlan, file: String) {
        self.plan = plan
        self.file = file
        fields = plan.columns.map(\.spec.field)
        slots = plan.columns.map(\.slot)
        ids = RecordIDs(plugin: "csv", file: file)
        func makeSlots(_ k: FieldSpec.Kind) -> [ValueSlot] {
            Array(repeating: ValueSlot(), count: plan.slotCounts[k] ?? 0)
        }
        emails = makeSlots(.email)
        phones = makeSlots(.phone)
        urls = makeSlots(.url)
        handles = makeSlots(.handle)
        related = makeSlots(.related)
        events = makeSlots(.event)
        customs = makeSlots(.custom)
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
        let family = plan.layout.family
        splitsSemicolon = !(family == .googleCurrent || family == .googleLegacy || family == .kith)
        categoriesSplitSemicolon = family != .kith
    }

    private mutating func resetSlots() {
        for i in emails.indices where emails[i].used { emails[i].reset() }
        for i in phones.indices where phones[i].used { phones[i].reset() }
        for i in urls.indices where urls[i].used { urls[i].reset() }
        for i in handles.indices where handles[i].used { handles[i].reset() }
        for i in related.indices where related[i].used { related[i].reset() }
        for i in events.indices where events[i].used { events[i].reset() }
        for i in customs.indices where customs[i].used { customs[i].reset() }
        for i in addresses.indices where addresses[i].used {
            for k in 0..<10 where addresses[i].parts[k] != nil { addresses[i].parts[k] = nil }
            addresses[i].label = nil
            if !addresses[i].labels.isEmpty { addresses[i].labels = [] }
            addresses[i].preferred = false
            addresses[i].used = false
        }
        for i in orgs.indices where orgs[i].used { orgs[i] = OrgSlot() }
    }

    /// Builds the contact for the row; appends value-level problems to `warnings`.
    mutating func assemble(_ r: RecordView, line: Int, index: Int, warnings: inout [Warning]) -> Contact {
        // Copying a blank template is about half the cost of `Contact.init`
        // (which takes and releases every one of its ~20 fields). The work is
        // in `fill`, on an inout: with it inline, the optimiser copied the
        // finished contact into the return slot and destroyed the local
        // (about 1,300 instructions per row in callgrind).
        var c = blank
        fill(&c, r, line: line, index: index, warnings: &warnings)
        return c
    }

    private mutating func fill(_ c: inout Contact, _ r: RecordView, line: Int, index: Int, warnings: inout [Warning]) {
        resetSlots()
        var recordId: String?
        var invalidText = false
        var birthYear: Int?
        var birthMonth: Int?
        var birthDay: Int?
        let columnCount = fields.count
        let n = min(r.count, columnCount)
        for i in 0..<n {
            var bytes = r.trimmed(i)
            if bytes.isEmpty { continue }
            if unneutralise, bytes.count > 1, bytes[0] == 0x27 {
                let b = bytes[1]
                if b == 0x3D || b == 0x2B || b == 0x2D || b == 0x40 || b == 0x09 || b == 0x0D {
                    bytes = UnsafeBufferPointer(rebasing: bytes[1...])
                }
            }
            let field = fields[i]
            let slot = slots[i]
            // Multi-valued cells are split on the bytes, before any String exists.
            switch field {
            case .email:
                Self.fill(&emails[slot], bytes, plan.columns[i].spec, semicolon: splitsSemicolon, invalid: &invalidText)
                continue
            case .phone:
                Self.fill(&phones[slot], bytes, plan.columns[i].spec, semicolon: splitsSemicolon, invalid: &invalidText)
                continue
            case .url:
                Self.fill(&urls[slot], bytes, plan.columns[i].spec, semicolon: false, invalid: &invalidText)
                continue
            case .handle:
                Self.fill(&handles[slot], bytes, plan.columns[i].spec, semicolon: false, invalid: &invalidText)
                continue
            case .related:
                Self.fill(&related[slot], bytes, plan.columns[i].spec, semicolon: false, invalid: &invalidText)
                continue
            case .event:
                Self.fill(&events[slot], bytes, plan.columns[i].spec, semicolon: false, invalid: &invalidText)
                continue
            case .nickname:
                Self.split(bytes, semicolon: false, into: &c.nicknames, invalid: &invalidText)
                continue
            case .categories:
                let before = c.categories.count
                Self.split(bytes, semicolon: categoriesSplitSemicolon, into: &c.categories, invalid: &invalidText)
                for k in before..<c.categories.count where c.categories[k].hasPrefix("* ") {
                    c.categories[k] = String(c.categories[k].dropFirst(2))
                }
                continue
            default: break
            }
            let value = Self.string(bytes, invalid: &invalidText)
            if let ignored = ignoredValues[i], value == ignored { continue }
            switch field {
            case .ignore: break
            case .recordID: recordId = value
            case .extensionField:
                if c.extensions.isEmpty && extensionCacheOn {
                    c.extensions = cachedExtensions(column: i, value: value)
                } else {
                    c.extensions[plan.columns[i].spec.key ?? plan.columns[i].header, default: []].append(value)
                }
            case .name(let part): Self.setName(&c.name, part, value)
            case .nickname, .email, .phone, .url, .handle, .related, .event, .categories: break
            case .customValue:
                customs[slot].values.append(value)
                customs[slot].used = true
            case .label:
                switch plan.columns[i].spec.kind {
                case .email: emails[slot].setLabel(value)
                case .phone: phones[slot].setLabel(value)
                case .url: urls[slot].setLabel(value)
                case .handle: handles[slot].setLabel(value)
                case .related: related[slot].setLabel(value)
                case .event: events[slot].setLabel(value)
                case .custom: customs[slot].setLabel(value)
                case .address:
                    addresses[slot].label = value
                    addresses[slot].used = true
                case .organization, .none: c.extensions[plan.columns[i].header, default: []].append(value)
                }
            case .service:
                handles[slot].service = value
                handles[slot].used = true
            case .address(let part):
                let k = Self.addressIndex(part)
                addresses[slot].used = true
                if addresses[slot].labels.isEmpty { addresses[slot].labels = plan.columns[i].spec.labels }
                if plan.columns[i].spec.preferred { addresses[slot].preferred = true }
                if let old = addresses[slot].parts[k] {
                    addresses[slot].parts[k] = old + " " + value
                } else {
                    addresses[slot].parts[k] = value
                }
            case .organization(let part):
                orgs[slot].used = true
                switch part {
                case .name: orgs[slot].name = Self.join(orgs[slot].name, value)
                case .title: orgs[slot].title = Self.join(orgs[slot].title, value)
                case .department: orgs[slot].department = Self.join(orgs[slot].department, value)
                case .role: orgs[slot].role = Self.join(orgs[slot].role, value)
                }
            case .birthday:
                switch CSVDate.parse(value, dayFirst: dayFirst) {
                case .date(let d): c.birthday = d
                case .empty: break
                case .invalid:
                    c.extensions[plan.columns[i].header, default: []].append(value)
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
                    c.extensions[plan.columns[i].header, default: []].append(value)
                    warnings.append(Warning(message: "column \(i + 1): not a date; kept as an extension field", code: "csv.date"))
                }
            case .dateExtension:
                switch CSVDate.parse(value, dayFirst: dayFirst) {
                case .date(let d): c.extensions[plan.columns[i].spec.key ?? plan.columns[i].header, default: []].append(d.isoString)
                case .empty: break
                case .invalid:
                    c.extensions[plan.columns[i].spec.key ?? plan.columns[i].header, default: []].append(value)
                    warnings.append(Warning(message: "column \(i + 1): not a date; kept as written", code: "csv.date"))
                }
            case .gender: c.gender = value
            case .photo: c.photo = value
            case .notes: c.notes.append(value)
            }
        }
        // Cells beyond the header.
        if r.count > columnCount {
            var extra = 0
            for i in columnCount..<r.count {
                let bytes = r.trimmed(i)
                if bytes.isEmpty { continue }
                extra += 1
                c.extensions["Column \(i + 1)", default: []].append(String(decoding: bytes, as: UTF8.self))
            }
            if extra > 0 {
                warnings.append(
                    Warning(
                        message: "row has \(extra) non-empty cell\(extra == 1 ? "" : "s") beyond the header's \(columnCount) columns; kept as extension fields",
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
        // A row naming only an organisation (a company, a role mailbox) is one.
        if c.name.given == nil && c.name.family == nil && c.name.middle == nil, let org = c.organizations.first?.name,
            c.name.formatted == nil || c.name.formatted == org
        {
            c.type = .organization
        }

        let locator = Locator(line: line, record: index)
        if defersDuplicateIDs {
            // Parallel reading: the row's worker cannot know the earlier
            // rows' ids; the in-order stage claims `lastIDHash` and fixes the
            // id (and inserts the warning at `lastIDWarningIndex`) if taken.
            if let recordId, !recordId.isEmpty {
                let h = ids.hash(recordId: recordId)
                lastIDHash = h
                c.id = ids.id(hash: h)
            } else {
                lastIDHash = nil
                c.id = ids.positional(locator)
            }
            lastRecordID = recordId
            lastIDWarningIndex = warnings.count
        } else {
            c.id = ids.id(recordId: recordId, locator: locator, warnings: &warnings)
        }
        c.sources = [Provenance(plugin: "csv", file: file, locator: locator, recordId: recordId)]
    }

    /// The extension dictionary `[key of column: [value]]`, shared with an
    /// earlier row that had the same value in that column when there was one.
    ///
    /// Unknown columns in real exports mostly hold a few distinct values
    /// ("source", "Priority", "Sensitivity"…); a fresh one-entry dictionary
    /// costs a hash of the key, two allocations and two frees per row (about
    /// 1,500 instructions per row in callgrind, 20k rows of c1m.csv). A hit
    /// costs a few string comparisons and one retain. Value semantics keep
    /// this invisible: a later insertion copies the shared storage. Turned
    /// off for the rest of the file when fewer than half the lookups hit.
    private mutating func cachedExtensions(column i: Int, value: String) -> [String: [String]] {
        extensionCacheLookups += 1
        for k in extensionCache.indices where extensionCache[k].column == i && extensionCache[k].value == value {
            extensionCacheHits += 1
            return extensionCache[k].dict
        }
        if extensionCacheLookups >= 4096 && extensionCacheHits * 2 < extensionCacheLookups {
            extensionCacheOn = false
            extensionCache = []
        }
        let dict = [plan.columns[i].spec.key ?? plan.columns[i].header: [value]]
        if extensionCacheOn {
            if extensionCache.count < 16 {
                extensionCache.append((i, value, dict))
            } else {
                extensionCache[extensionCacheNext] = (i, value, dict)
                extensionCacheNext = (extensionCacheNext + 1) & 15
            }
        }
        return dict
    }

    private static func join(_ old: String?, _ v: String) -> String {
        guard let old else { return v }
        return old + " " + v
    }

    private static func setName(_ name: inout PersonName, _ part: FieldSpec.NamePart, _ v: String) {
        switch part {
        case .formatted: name.formatted = Self.join(name.formatted, v)
        case .given: name.given = Self.join(name.given, v)
        case .middle: name.middle = Self.join(name.middle, v)
        case .family: name.family = Self.join(name.family, v)
        case .prefix: name.prefix = Self.join(name.prefix, v)
        case .suffix: name.suffix = Self.join(name.suffix, v)
        case .phoneticGiven: name.phoneticGiven = Self.join(name.phoneticGiven, v)
        case .phoneticFamily: name.phoneticFamily = Self.join(name.phoneticFamily, v)
        }
    }

    private static func fill(
        _ slot: inout ValueSlot, _ bytes: UnsafeBufferPointer<UInt8>, _ spec: FieldSpec, semicolon: Bool, invalid: inout Bool
    ) {
        slot.used = true
        Self.split(bytes, semicolon: semicolon, into: &slot.values, invalid: &invalid)
        if slot.labels.isEmpty && !spec.labels.isEmpty { slot.labels = spec.labels }
        if spec.preferred { slot.preferred = true }
    }

    /// A cell's text; invalid UTF-8 is repaired (U+FFFD) and reported.
    @inline(__always)
    static func string(_ b: UnsafeBufferPointer<UInt8>, invalid: inout Bool) -> String {
        var high: UInt8 = 0
        for x in b { high |= x }
        if high < 0x80 && b.count <= 15 {
            // Short ASCII: a small (inline) string, filled directly, with no
            // second validation pass. `String(decoding:)` (validation, then
            // the general small-string builder) cost about 50 instructions
            // more per short cell: 4.3M of 313M for the 20k-row import in
            // callgrind.
            return String(unsafeUninitializedCapacity: b.count) { out in
                for k in 0..<b.count { out[k] = b[k] }
                return b.count
            }
        }
        if high >= 0x80 && !isValidUTF8(b) { invalid = true }
        return String(decoding: b, as: UTF8.self)
    }

    static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            let x = b[i]
            if x < 0x80 {
                i += 1
                continue
            }
            let len: Int
            if x & 0xE0 == 0xC0 && x >= 0xC2 {
                len = 2
            } else if x & 0xF0 == 0xE0 {
                len = 3
            } else if x & 0xF8 == 0xF0 && x <= 0xF4 {
                len = 4
            } else {
                return false
            }
            if i + len > n { return false }
            for k in 1..<len where b[i + k] & 0xC0 != 0x80 { return false }
            i += len
        }
        return true
    }

    /// Splits a cell on Google's " ::: " (and on ";" where `semicolon`),
    /// trimming each part and dropping empty ones, straight from the bytes.
    static func split(_ b: UnsafeBufferPointer<UInt8>, semicolon: Bool, into out: inout [String], invalid: inout Bool) {
        let n = b.count
        var start = 0
        var i = 0
        func emit(_ s: Int, _ e: Int) {
            var s = s
            var e = e
            while s < e, b[s] == 0x20 || b[s] == 0x09 { s += 1 }
            while e > s, b[e - 1] == 0x20 || b[e - 1] == 0x09 { e -= 1 }
            if s < e { out.append(string(UnsafeBufferPointer(rebasing: b[s..<e]), invalid: &invalid)) }
        }
        while i < n {
            let x = b[i]
            if semicolon && x == 0x3B {
                emit(start, i)
                i += 1
                start = i
            } else if x == 0x3A && i >= 1 && i + 3 < n && b[i - 1] == 0x20 && b[i + 1] == 0x3A && b[i + 2] == 0x3A
                && b[i + 3] == 0x20
            {
                emit(start, i - 1)
                i += 4
                start = i
            } else {
                i += 1
            }
        }
        emit(start, n)
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

    /// Calls `body` with each value of a slot, its labels and preferred flag.
    @inline(__always)
    private static func forEachValue(_ slot: ValueSlot, _ body: (String, [String], Bool) -> Void) {
        let parts = slot.values
        guard let l = slot.label else {
            for (k, p) in parts.enumerated() { body(p, slot.labels, slot.preferred && k == 0) }
            return
        }
        let labelParts = l.components(separatedBy: " ::: ")
        if labelParts.count > 1 && labelParts.count == parts.count {
            var preferred = slot.preferred
            for (k, p) in parts.enumerated() {
                let (ls, pref) = parseLabel(labelParts[k])
                if pref && k == 0 { preferred = true }
                body(p, ls, preferred && k == 0)
            }
            return
        }
        let (ls, pref) = parseLabel(l)
        for (k, p) in parts.enumerated() { body(p, ls, (slot.preferred || pref) && k == 0) }
    }

    private func buildMulti(_ c: inout Contact, warnings: inout [Warning]) {
        var emailCount = 0
        for k in emails.indices where emails[k].used { emailCount += emails[k].values.count }
        if emailCount > 1 { c.emails.reserveCapacity(emailCount) }
        var phoneCount = 0
        for k in phones.indices where phones[k].used { phoneCount += phones[k].values.count }
        if phoneCount > 1 { c.phones.reserveCapacity(phoneCount) }
        for k in emails.indices where emails[k].used && !emails[k].values.isEmpty {
            if emails[k].label == nil {
                // The common case without a label cell, without `forEachValue`
                // (which took a copy of the whole slot): about 235 instructions
                // per row less in callgrind on c1m.csv.
                let labels = emails[k].labels
                let preferred = emails[k].preferred
                for (j, v) in emails[k].values.enumerated() { c.emails.append(EmailAddress(v, labels: labels, preferred: preferred && j == 0)) }
                continue
            }
            Self.forEachValue(emails[k]) { v, l, p in c.emails.append(EmailAddress(v, labels: l, preferred: p)) }
        }
        for k in phones.indices where phones[k].used && !phones[k].values.isEmpty {
            if phones[k].label == nil {
                let labels = phones[k].labels
                let preferred = phones[k].preferred
                for (j, v) in phones[k].values.enumerated() { c.phones.append(PhoneNumber(raw: v, labels: labels, preferred: preferred && j == 0)) }
                continue
            }
            Self.forEachValue(phones[k]) { v, l, p in c.phones.append(PhoneNumber(raw: v, labels: l, preferred: p)) }
        }
        for s in addresses where s.used {
            let p = s.parts
            if p.allSatisfy({ $0 == nil }) { continue }
            let street: String?
            if p[1] == nil && p[2] == nil {
                street = p[0]
            } else {
                street = [p[0], p[1], p[2]].compactMap { $0 }.joined(separator: "\n")
            }
            var labels = s.labels
            var preferred = s.preferred
            if let l = s.label {
                let parsed = Self.parseLabel(l)
                labels = parsed.labels
                preferred = preferred || parsed.preferred
            }
            c.addresses.append(
                PostalAddress(
                    poBox: p[4], extended: p[3], street: street, locality: p[5],
                    region: p[6], postalCode: p[7], country: p[8], formatted: p[9], labels: labels, preferred: preferred))
        }
        for o in orgs where o.used {
            c.organizations.append(Organization(name: o.name, department: o.department, title: o.title, role: o.role))
        }
        for k in urls.indices where urls[k].used && !urls[k].values.isEmpty {
            Self.forEachValue(urls[k]) { v, l, p in c.urls.append(LabeledValue(v, labels: l, preferred: p)) }
        }
        for s in handles where s.used && !s.values.isEmpty {
            Self.forEachValue(s) { v, l, p in
                var labels = l
                if let svc = s.service?.trimmingASCIISpaces(), !svc.isEmpty {
                    labels = [svc.lowercased()] + labels.filter { $0 != svc.lowercased() }
                }
                c.handles.append(LabeledValue(v, labels: labels, preferred: p))
            }
        }
        for k in related.indices where related[k].used && !related[k].values.isEmpty {
            Self.forEachValue(related[k]) { v, l, p in c.related.append(LabeledValue(v, labels: l, preferred: p)) }
        }
        for s in events where s.used && !s.values.isEmpty {
            Self.forEachValue(s) { v, l, _ in
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
        for s in customs where s.used && !s.values.isEmpty {
            let key = s.label?.trimmingASCIISpaces() ?? ""
            c.extensions[key.isEmpty ? "Custom Field" : key, default: []].append(contentsOf: s.values)
        }
    }
}

extension RowAssembler.ValueSlot {
    /// Sets the label cell's text (a label cell alone still marks the slot used).
    mutating func setLabel(_ text: String) {
        label = text
        used = true
    }
}
