import Foundation
import KithModel
import KithPlugin

/// The column layouts the CSV exporter writes.
enum CSVWriteLayout: Equatable {
    /// One column per field, numbered for multi-values; reads back losslessly
    /// for everything a CSV row can hold.
    case generic
    /// Google Contacts' import layout (the current export's columns).
    case google
    /// Outlook's CSV import/export layout (English headers).
    case outlook
}

/// Writes contacts as CSV. The numbered columns depend on the largest
/// number of values any contact has, so no row can be written before every
/// contact was seen: a caller that can go over the records twice (`kith`
/// replays them from a packed copy) uses the `TwoPassRecordWriter` face and
/// the writer holds no contacts; otherwise `write` buffers them until
/// `finish()`. Interactions and diagnostics have no place in a contact CSV
/// and are skipped.
final class CSVRecordWriter: TwoPassRecordWriter {
    private let sink: ByteSink
    private let layout: CSVWriteLayout
    private let bom: Bool
    private var plan: CSVLayoutPlan
    /// Contacts written before any planning (one-pass use).
    private var buffered: [Contact] = []
    /// The header and its column index, once planning ended.
    private var columns: CSVColumns?
    private var out: [UInt8] = []

    init(sink: ByteSink, layout: CSVWriteLayout, bom: Bool) {
        self.sink = sink
        self.layout = layout
        self.bom = bom
        switch layout {
        case .generic: plan = .generic(GenericLayoutWriter())
        case .google: plan = .google(GoogleLayoutWriter())
        case .outlook: plan = .outlook
        }
    }

    func plan(_ record: CanonicalRecord) -> Bool {
        guard case .contact(let c) = record else { return false }
        plan.observe(c)
        return true
    }

    func planned() throws {
        guard columns == nil else { return }
        let header = plan.header()
        columns = CSVColumns(header)
        out.reserveCapacity(256 * 1024)
        if bom { out += [0xEF, 0xBB, 0xBF] }
        CSVTable.appendRow(header, to: &out, neutralise: false)
    }

    func write(_ record: CanonicalRecord) throws {
        guard case .contact(let c) = record else { return }
        guard let columns else {
            buffered.append(c)
            return
        }
        CSVTable.appendRow(plan.row(c, columns), to: &out, neutralise: layout != .generic)
        if out.count >= 256 * 1024 {
            try sink.write(out)
            out.removeAll(keepingCapacity: true)
        }
    }

    func finish() throws {
        if columns == nil {
            for c in buffered { plan.observe(c) }
            try planned()
            let contacts = buffered
            buffered = []
            for c in contacts { try write(.contact(c)) }
        }
        try sink.write(out)
        out = []
        try sink.flush()
    }
}

/// What a layout needs to know of all contacts before its header (the
/// largest counts, the parts any contact uses), then how it fills a row.
enum CSVLayoutPlan {
    case generic(GenericLayoutWriter)
    case google(GoogleLayoutWriter)
    case outlook

    mutating func observe(_ c: Contact) {
        switch self {
        case .generic(var g):
            g.observe(c)
            self = .generic(g)
        case .google(var g):
            g.observe(c)
            self = .google(g)
        case .outlook: break
        }
    }

    /// The header, once every contact was observed.
    mutating func header() -> [String] {
        switch self {
        case .generic(var g):
            let h = g.header()
            self = .generic(g)
            return h
        case .google(let g): return g.header()
        case .outlook: return OutlookLayoutWriter.header
        }
    }

    func row(_ c: Contact, _ columns: CSVColumns) -> [String] {
        var r = RowBuilder(columns)
        switch self {
        case .generic(let g): g.fill(&r, c)
        case .google: GoogleLayoutWriter.fill(&r, c)
        case .outlook: OutlookLayoutWriter.fill(&r, c)
        }
        return r.cells
    }
}

/// A header and where each column name first appears (built once per file,
/// not per row).
struct CSVColumns {
    let header: [String]
    let index: [String: Int]

    init(_ header: [String]) {
        self.header = header
        var index: [String: Int] = [:]
        for (i, h) in header.enumerated() where index[h] == nil { index[h] = i }
        self.index = index
    }
}

/// Writing rows of cells.
enum CSVTable {
    /// Appends one CRLF-terminated row, quoting cells that need it (RFC 4180).
    static func appendRow(_ cells: [String], to out: inout [UInt8], neutralise: Bool) {
        for (i, cell) in cells.enumerated() {
            if i > 0 { out.append(0x2C) }
            var text = cell
            if neutralise { text = neutralised(text) }
            let u = text.utf8
            var needsQuotes = false
            for b in u where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D {
                needsQuotes = true
                break
            }
            if let f = u.first, f == 0x20 || f == 0x09 { needsQuotes = true }
            if let l = u.last, l == 0x20 || l == 0x09 { needsQuotes = true }
            if needsQuotes {
                out.append(0x22)
                for b in u {
                    if b == 0x22 { out.append(0x22) }
                    out.append(b)
                }
                out.append(0x22)
            } else {
                out.append(contentsOf: u)
            }
        }
        out += [0x0D, 0x0A]
    }

    /// A cell a spreadsheet would run as a formula (starting with = + - @,
    /// tab or CR) gets a leading apostrophe, unless it is plainly a phone
    /// number or a negative number ("+49 30 1234567", "-3").
    static func neutralised(_ s: String) -> String {
        guard let f = s.utf8.first, f == 0x3D || f == 0x2B || f == 0x2D || f == 0x40 || f == 0x09 || f == 0x0D else {
            return s
        }
        if f == 0x2B || f == 0x2D {
            var digits = 0
            var plain = true
            for b in s.utf8.dropFirst() {
                if b >= 0x30 && b <= 0x39 {
                    digits += 1
                } else if !(b == 0x20 || b == 0x28 || b == 0x29 || b == 0x2D || b == 0x2E || b == 0x2F) {
                    plain = false
                    break
                }
            }
            if plain && digits >= 1 { return s }
        }
        return "'" + s
    }
}

/// Column-building helpers shared by the layouts.
struct RowBuilder {
    let columns: CSVColumns
    var cells: [String]

    init(_ columns: CSVColumns) {
        self.columns = columns
        cells = Array(repeating: "", count: columns.header.count)
    }

    mutating func set(_ column: String, _ value: String?) {
        guard let value, !value.isEmpty, let i = columns.index[column] else { return }
        cells[i] = value
    }

    func isEmpty(_ column: String) -> Bool {
        guard let i = columns.index[column] else { return false }
        return cells[i].isEmpty
    }

    /// First, Middle and Last Name (Google's and Outlook's columns); a name
    /// without parts goes whole into First Name.
    mutating func setFirstMiddleLast(_ n: PersonName) {
        if n.given == nil && n.family == nil && n.middle == nil {
            set("First Name", n.formatted)
        } else {
            set("First Name", n.given)
            set("Middle Name", n.middle)
            set("Last Name", n.family)
        }
    }

    /// Values and their labels into the columns "`name` n" and "`name` n
    /// Label", n from 1.
    mutating func setNumbered(_ name: String, _ values: [(value: String, label: String)]) {
        for (n, v) in values.enumerated() {
            set("\(name) \(n + 1)", v.value)
            set("\(name) \(n + 1) Label", v.label)
        }
    }

    /// An address into the columns `prefix` + Label, Street, PO Box, City,
    /// Region, Postal Code, Country, Formatted and `extended` (the generic
    /// and Google layouts differ only in that name).
    mutating func setAddress(_ a: PostalAddress, prefix p: String, label: String, extended: String) {
        set(p + "Label", label)
        set(p + "Street", a.street)
        set(p + extended, a.extended)
        set(p + "PO Box", a.poBox)
        set(p + "City", a.locality)
        set(p + "Region", a.region)
        set(p + "Postal Code", a.postalCode)
        set(p + "Country", a.country)
        set(p + "Formatted", a.formatted)
    }
}

/// Labels as one cell: "* " marks the preferred value, several labels are
/// joined with ", ".
func labelCell(_ labels: [String], preferred: Bool) -> String {
    (preferred ? "* " : "") + labels.joined(separator: ", ")
}

/// The generic layout: a column per field, numbered for multi-values;
/// optional columns only where some contact has a value.
struct GenericLayoutWriter {
    private static let nameColumns: [(String, @Sendable (PersonName) -> String?)] = [
        ("Name", \.formatted), ("Name Prefix", \.prefix), ("Given Name", \.given), ("Middle Name", \.middle),
        ("Family Name", \.family), ("Name Suffix", \.suffix), ("Phonetic Given Name", \.phoneticGiven),
        ("Phonetic Family Name", \.phoneticFamily),
    ]
    private static let addressPartValues: [(String, @Sendable (PostalAddress) -> String?)] = [
        ("Label", { $0.labels.isEmpty && !$0.preferred ? nil : "x" }), ("Street", \.street), ("Extended", \.extended),
        ("PO Box", \.poBox), ("City", \.locality), ("Region", \.region), ("Postal Code", \.postalCode),
        ("Country", \.country), ("Formatted", \.formatted),
    ]
    private static let orgPartValues: [(String, @Sendable (Organization) -> String?)] = [
        ("Name", \.name), ("Department", \.department), ("Title", \.title), ("Role", \.role),
    ]

    // What the contacts seen so far use.
    private var recordIDs = false
    private var names = [Bool](repeating: false, count: 8)
    private var nicks = 0, emails = 0, phones = 0, addresses = 0, orgs = 0
    private var addressParts = [Bool](repeating: false, count: 9)
    private var orgParts = [Bool](repeating: false, count: 4)
    private var urls = 0, handles = 0, related = 0, anniversaries = 0, notes = 0
    private var birthday = false, gender = false, photo = false, categories = false
    private var extWidth: [String: Int] = [:]
    /// Set by `header()`: where each extension key's columns start.
    private var extStart = 0
    private var extOffset: [String: Int] = [:]

    mutating func observe(_ c: Contact) {
        if c.sources.first?.recordId != nil { recordIDs = true }
        for (k, (_, f)) in Self.nameColumns.enumerated() where !names[k] && f(c.name) != nil { names[k] = true }
        nicks = max(nicks, c.nicknames.count)
        emails = max(emails, c.emails.count)
        phones = max(phones, c.phones.count)
        addresses = max(addresses, c.addresses.count)
        for a in c.addresses {
            for (k, (_, f)) in Self.addressPartValues.enumerated() where !addressParts[k] && f(a) != nil { addressParts[k] = true }
        }
        orgs = max(orgs, c.organizations.count)
        for o in c.organizations {
            for (k, (_, f)) in Self.orgPartValues.enumerated() where !orgParts[k] && f(o) != nil { orgParts[k] = true }
        }
        urls = max(urls, c.urls.count)
        handles = max(handles, c.handles.count)
        related = max(related, c.related.count)
        if c.birthday != nil { birthday = true }
        anniversaries = max(anniversaries, c.anniversaries.count)
        if c.gender != nil { gender = true }
        if c.photo != nil { photo = true }
        notes = max(notes, c.notes.count)
        if !c.categories.isEmpty { categories = true }
        for (k, v) in c.extensions { extWidth[k] = max(extWidth[k] ?? 0, v.count) }
    }

    mutating func header() -> [String] {
        var header: [String] = []
        if recordIDs { header.append("ID") }
        for (k, (h, _)) in Self.nameColumns.enumerated() where names[k] { header.append(h) }
        for n in 0..<nicks { header.append("Nickname \(n + 1)") }
        for n in 0..<emails { header += ["Email \(n + 1)", "Email \(n + 1) Label"] }
        for n in 0..<phones { header += ["Phone \(n + 1)", "Phone \(n + 1) Label"] }
        let aParts = Self.addressPartValues.enumerated().filter { addressParts[$0.offset] }.map(\.element.0)
        for n in 0..<addresses { header += aParts.map { "Address \(n + 1) \($0)" } }
        let oParts = Self.orgPartValues.enumerated().filter { orgParts[$0.offset] }.map(\.element.0)
        for n in 0..<orgs { header += oParts.map { "Organization \(n + 1) \($0)" } }
        for n in 0..<urls { header += ["URL \(n + 1)", "URL \(n + 1) Label"] }
        for n in 0..<handles { header += ["Handle \(n + 1)", "Handle \(n + 1) Label"] }
        for n in 0..<related { header += ["Related \(n + 1)", "Related \(n + 1) Label"] }
        if birthday { header.append("Birthday") }
        for n in 0..<anniversaries { header.append("Anniversary \(n + 1)") }
        if gender { header.append("Gender") }
        if photo { header.append("Photo") }
        for n in 0..<notes { header.append("Note \(n + 1)") }
        if categories { header.append("Categories") }
        // Extensions: one column per key, repeated for several values.
        extStart = header.count
        extOffset = [:]
        for k in extWidth.keys.sorted() {
            extOffset[k] = header.count
            header += Array(repeating: k, count: extWidth[k]!)
        }
        return header
    }

    /// Fills `r` (whose columns come from `header()`) with `c`'s values.
    func fill(_ r: inout RowBuilder, _ c: Contact) {
        r.set("ID", c.sources.first?.recordId)
        for (h, f) in Self.nameColumns { r.set(h, f(c.name)) }
        for (n, v) in c.nicknames.enumerated() { r.set("Nickname \(n + 1)", v) }
        r.setNumbered("Email", c.emails.map { ($0.address, labelCell($0.labels, preferred: $0.preferred)) })
        r.setNumbered("Phone", c.phones.map { ($0.raw, labelCell($0.labels, preferred: $0.preferred)) })
        for (n, a) in c.addresses.enumerated() {
            r.setAddress(a, prefix: "Address \(n + 1) ", label: labelCell(a.labels, preferred: a.preferred), extended: "Extended")
        }
        for (n, o) in c.organizations.enumerated() {
            let p = "Organization \(n + 1) "
            r.set(p + "Name", o.name)
            r.set(p + "Department", o.department)
            r.set(p + "Title", o.title)
            r.set(p + "Role", o.role)
        }
        for (name, values) in [("URL", c.urls), ("Handle", c.handles), ("Related", c.related)] {
            r.setNumbered(name, values.map { ($0.value, labelCell($0.labels, preferred: $0.preferred)) })
        }
        r.set("Birthday", c.birthday?.isoString)
        for (n, d) in c.anniversaries.enumerated() { r.set("Anniversary \(n + 1)", d.isoString) }
        r.set("Gender", c.gender)
        r.set("Photo", c.photo)
        for (n, v) in c.notes.enumerated() { r.set("Note \(n + 1)", v) }
        r.set("Categories", c.categories.isEmpty ? nil : c.categories.joined(separator: " ::: "))
        // Extension columns by position: a key may also be a standard
        // column's name ("Birthday" kept from another export).
        for (k, values) in c.extensions {
            guard let off = extOffset[k] else { continue }
            for (j, v) in values.enumerated() where !v.isEmpty { r.cells[off + j] = v }
        }
    }
}

/// Google labels: "* " marks the primary value; known labels capitalised.
private func googleLabel(_ labels: [String], preferred: Bool) -> String {
    let known: [String: String] = [
        "home": "Home", "work": "Work", "other": "Other", "mobile": "Mobile", "main": "Main", "pager": "Pager",
        "fax": "Fax", "blog": "Blog", "profile": "Profile", "homepage": "Home Page",
    ]
    var text = labels.map { known[$0] ?? $0 }.joined(separator: " ")
    if labels == ["fax"] { text = "Other Fax" }
    return (preferred ? "* " : "") + text
}

/// Google Contacts' import layout.
struct GoogleLayoutWriter {
    private var emails = 1, phones = 1, addresses = 1, urls = 1
    private var related = 0, events = 0, ims = 0, customs = 0

    mutating func observe(_ c: Contact) {
        emails = max(emails, c.emails.count)
        phones = max(phones, c.phones.count)
        addresses = max(addresses, c.addresses.count)
        related = max(related, c.related.count)
        urls = max(urls, c.urls.count)
        events = max(events, c.anniversaries.count)
        ims = max(ims, c.handles.count)
        customs = max(customs, c.extensions.values.reduce(0) { $0 + $1.count })
    }

    func header() -> [String] {
        var header = [
            "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name", "Phonetic Last Name",
            "Name Prefix", "Name Suffix", "Nickname", "File As", "Organization Name", "Organization Title",
            "Organization Department", "Birthday", "Notes", "Photo", "Labels",
        ]
        for n in 1...emails { header += ["E-mail \(n) - Label", "E-mail \(n) - Value"] }
        for n in 1...phones { header += ["Phone \(n) - Label", "Phone \(n) - Value"] }
        let addressParts = ["Label", "Formatted", "Street", "City", "PO Box", "Region", "Postal Code", "Country", "Extended Address"]
        for n in 1...addresses { header += addressParts.map { "Address \(n) - \($0)" } }
        for n in stride(from: 1, through: related, by: 1) { header += ["Relation \(n) - Label", "Relation \(n) - Value"] }
        for n in 1...urls { header += ["Website \(n) - Label", "Website \(n) - Value"] }
        for n in stride(from: 1, through: events, by: 1) { header += ["Event \(n) - Label", "Event \(n) - Value"] }
        for n in stride(from: 1, through: ims, by: 1) { header += ["IM \(n) - Label", "IM \(n) - Service", "IM \(n) - Value"] }
        for n in stride(from: 1, through: customs, by: 1) { header += ["Custom Field \(n) - Label", "Custom Field \(n) - Value"] }
        return header
    }

    static func fill(_ r: inout RowBuilder, _ c: Contact) {
        let n = c.name
        r.setFirstMiddleLast(n)
        r.set("Phonetic First Name", n.phoneticGiven)
        r.set("Phonetic Last Name", n.phoneticFamily)
        r.set("Name Prefix", n.prefix)
        r.set("Name Suffix", n.suffix)
        r.set("Nickname", c.nicknames.isEmpty ? nil : c.nicknames.joined(separator: " ::: "))
        if let o = c.organizations.first {
            r.set("Organization Name", o.name)
            r.set("Organization Title", o.title)
            r.set("Organization Department", o.department)
        }
        r.set("Birthday", c.birthday?.isoString)
        r.set("Notes", c.notes.isEmpty ? nil : c.notes.joined(separator: "\n\n"))
        r.set("Photo", c.photo)
        r.set("Labels", c.categories.isEmpty ? nil : c.categories.joined(separator: " ::: "))
        for (k, e) in c.emails.enumerated() {
            r.set("E-mail \(k + 1) - Label", googleLabel(e.labels, preferred: e.preferred))
            r.set("E-mail \(k + 1) - Value", e.address)
        }
        for (k, p) in c.phones.enumerated() {
            r.set("Phone \(k + 1) - Label", googleLabel(p.labels, preferred: p.preferred))
            r.set("Phone \(k + 1) - Value", p.raw)
        }
        for (k, a) in c.addresses.enumerated() {
            r.setAddress(a, prefix: "Address \(k + 1) - ", label: googleLabel(a.labels, preferred: a.preferred), extended: "Extended Address")
        }
        for (k, v) in c.related.enumerated() {
            r.set("Relation \(k + 1) - Label", googleLabel(v.labels, preferred: false))
            r.set("Relation \(k + 1) - Value", v.value)
        }
        for (k, u) in c.urls.enumerated() {
            r.set("Website \(k + 1) - Label", googleLabel(u.labels, preferred: u.preferred))
            r.set("Website \(k + 1) - Value", u.value)
        }
        for (k, d) in c.anniversaries.enumerated() {
            r.set("Event \(k + 1) - Label", "Anniversary")
            r.set("Event \(k + 1) - Value", d.isoString)
        }
        for (k, h) in c.handles.enumerated() {
            r.set("IM \(k + 1) - Label", googleLabel(Array(h.labels.dropFirst()), preferred: h.preferred))
            r.set("IM \(k + 1) - Service", h.labels.first)
            r.set("IM \(k + 1) - Value", h.value)
        }
        var k = 1
        for key in c.extensions.keys.sorted() {
            for v in c.extensions[key]! {
                r.set("Custom Field \(k) - Label", key)
                r.set("Custom Field \(k) - Value", v)
                k += 1
            }
        }
    }
}

enum OutlookLayoutWriter {
    /// Outlook's English CSV export columns.
    static let header = [
        "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department", "Job Title",
        "Business Street", "Business Street 2", "Business Street 3", "Business City", "Business State",
        "Business Postal Code", "Business Country/Region", "Home Street", "Home Street 2", "Home Street 3", "Home City",
        "Home State", "Home Postal Code", "Home Country/Region", "Other Street", "Other Street 2", "Other Street 3",
        "Other City", "Other State", "Other Postal Code", "Other Country/Region", "Assistant's Phone", "Business Fax",
        "Business Phone", "Business Phone 2", "Callback", "Car Phone", "Company Main Phone", "Home Fax", "Home Phone",
        "Home Phone 2", "ISDN", "Mobile Phone", "Other Fax", "Other Phone", "Pager", "Primary Phone", "Radio Phone",
        "TTY/TDD Phone", "Telex", "Account", "Anniversary", "Assistant's Name", "Billing Information", "Birthday",
        "Business Address PO Box", "Categories", "Children", "Directory Server", "E-mail Address", "E-mail Type",
        "E-mail Display Name", "E-mail 2 Address", "E-mail 2 Type", "E-mail 2 Display Name", "E-mail 3 Address",
        "E-mail 3 Type", "E-mail 3 Display Name", "Gender", "Government ID Number", "Hobby", "Home Address PO Box",
        "Initials", "Internet Free Busy", "Keywords", "Language", "Location", "Manager's Name", "Mileage", "Notes",
        "Office Location", "Organizational ID Number", "Other Address PO Box", "Priority", "Private", "Profession",
        "Referred By", "Sensitivity", "Spouse", "User 1", "User 2", "User 3", "User 4", "Web Page",
    ]

    static func date(_ d: PartialDate?) -> String? {
        guard let d, let y = d.year, let m = d.month, let day = d.day else { return nil }
        return "\(m)/\(day)/\(y)"
    }

    static func fill(_ r: inout RowBuilder, _ c: Contact) {
        let n = c.name
        r.set("Title", n.prefix)
        r.setFirstMiddleLast(n)
        r.set("Suffix", n.suffix)
        if let o = c.organizations.first {
            r.set("Company", o.name)
            r.set("Department", o.department)
            r.set("Job Title", o.title)
            r.set("Profession", o.role)
        }
        var usedAddress = Set<String>()
        for a in c.addresses {
            let kind = a.labels.contains("work") ? "Business" : a.labels.contains("home") ? "Home" : "Other"
            let target = usedAddress.contains(kind) ? (usedAddress.contains("Other") ? nil : "Other") : kind
            guard let t = target else { continue }
            usedAddress.insert(t)
            let lines = (a.street ?? "").split(separator: "\n", maxSplits: 2).map(String.init)
            r.set("\(t) Street", lines.first ?? a.formatted)
            if lines.count > 1 { r.set("\(t) Street 2", lines[1]) }
            if lines.count > 2 { r.set("\(t) Street 3", lines[2]) }
            r.set("\(t) City", a.locality)
            r.set("\(t) State", a.region)
            r.set("\(t) Postal Code", a.postalCode)
            r.set("\(t) Country/Region", a.country)
            r.set(t == "Business" ? "Business Address PO Box" : "\(t) Address PO Box", a.poBox)
        }
        for p in c.phones {
            let l = Set(p.labels)
            var candidates: [String]
            if l.contains("fax") {
                candidates = l.contains("work") ? ["Business Fax"] : l.contains("home") ? ["Home Fax"] : ["Other Fax"]
            } else if l.contains("mobile") || l.contains("cell") || l.contains("iphone") {
                candidates = ["Mobile Phone"]
            } else if l.contains("pager") {
                candidates = ["Pager"]
            } else if l.contains("main") && l.contains("work") {
                candidates = ["Company Main Phone"]
            } else if l.contains("work") {
                candidates = ["Business Phone", "Business Phone 2"]
            } else if l.contains("home") {
                candidates = ["Home Phone", "Home Phone 2"]
            } else if l.contains("car") {
                candidates = ["Car Phone"]
            } else if l.contains("assistant") {
                candidates = ["Assistant's Phone"]
            } else if l.contains("main") || p.preferred {
                candidates = ["Primary Phone"]
            } else {
                candidates = []
            }
            candidates += ["Other Phone", "Callback", "Radio Phone"]
            if let free = candidates.first(where: { r.isEmpty($0) }) { r.set(free, p.raw) }
        }
        let displayName = n.displayName
        for (k, e) in c.emails.prefix(3).enumerated() {
            let p = k == 0 ? "E-mail" : "E-mail \(k + 1)"
            r.set("\(p) Address", e.address)
            r.set("\(p) Type", "SMTP")
            r.set("\(p) Display Name", displayName.map { "\($0) (\(e.address))" } ?? e.address)
        }
        r.set("Birthday", date(c.birthday))
        r.set("Anniversary", date(c.anniversaries.first))
        r.set("Categories", c.categories.isEmpty ? nil : c.categories.joined(separator: ";"))
        r.set("Notes", c.notes.isEmpty ? nil : c.notes.joined(separator: "\n\n"))
        r.set("Web Page", c.urls.first?.value)
        for rel in c.related {
            let l = Set(rel.labels)
            let column = l.contains("spouse") ? "Spouse" : l.contains("child") ? "Children" : l.contains("manager")
                ? "Manager's Name" : l.contains("assistant") ? "Assistant's Name" : l.contains("referred-by") ? "Referred By" : nil
            if let column, r.isEmpty(column) { r.set(column, rel.value) }
        }
        switch c.gender?.lowercased() {
        case "m", "male": r.set("Gender", "Male")
        case "f", "female": r.set("Gender", "Female")
        default: break
        }
        // Extension fields named like an Outlook column go back into it.
        for (key, values) in c.extensions {
            if let column = header.first(where: { $0 == key }), r.isEmpty(column), let v = values.first { r.set(column, v) }
        }
    }
}
