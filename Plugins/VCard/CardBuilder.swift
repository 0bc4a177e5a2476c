internal import KithModel
internal import KithPlugin

/// Turns the buffered properties of one card into a `Contact`, collecting
/// warnings. One builder per card.
struct CardBuilder {
    let file: String
    let fallbackCharset: String?
    var properties: [VCardProperty] = []
    /// The card's logical lines, back to back; properties point into it.
    var bytes: [UInt8] = []
    /// The parameters of all properties; properties index into it.
    var paramRefs: [VCardParamRef] = []
    var diagnostics: [Diagnostic] = []
    /// Related values to add for nested AGENT cards (name or id).
    var agents: [String] = []

    private var version: Version = .v30
    /// Handed from card to card by the import session (see `keep`).
    var extensionCache = ExtensionCache()
    private var cardCharset: String?

    enum Version { case v21, v30, v40 }

    init(file: String, fallbackCharset: String?) {
        self.file = file
        self.fallbackCharset = fallbackCharset
    }

    private mutating func warn(_ line: Int, _ message: String, _ code: String) {
        diagnostics.append(Diagnostic(severity: .warning, file: file, locator: Locator(line: line), message: message, code: code))
    }

    private mutating func note(_ line: Int, _ message: String, _ code: String) {
        diagnostics.append(Diagnostic(severity: .note, file: file, locator: Locator(line: line), message: message, code: code))
    }

    // MARK: - Value decoding

    /// The value as UTF-8 bytes: transfer encoding undone, then the charset
    /// decoded (declared, else UTF-8, else the card's declared charset, the
    /// `charset` option or a guess, with a warning).
    private mutating func text(_ p: VCardProperty) -> ArraySlice<UInt8> {
        var bytes = value(p)
        switch p.encoding {
        case .quotedPrintable:
            let r = ValueCodec.decodeQuotedPrintable(bytes)
            if r.malformed { warn(p.line, "\(name(p)): malformed quoted-printable sequence kept as written", "vcard.qp") }
            bytes = r.bytes[...]
        case .base64:
            let c = ValueCodec.cleanBase64(bytes)
            if c.condition != .broken, let d = ValueCodec.decodeBase64(c.text) {
                bytes = d[...]
            } else {
                warn(p.line, "\(name(p)): broken base64 text value kept as written", "vcard.base64")
            }
        case .none: break
        }
        if p.encoding != .none && bytes.contains(0x0D) {
            // Decoded line breaks (=0D=0A) become plain LF, as escaped ones do.
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var k = bytes.startIndex
            while k < bytes.endIndex {
                if bytes[k] == 0x0D {
                    out.append(0x0A)
                    if k + 1 < bytes.endIndex && bytes[k + 1] == 0x0A { k += 1 }
                } else {
                    out.append(bytes[k])
                }
                k += 1
            }
            bytes = out[...]
        }
        var ascii = true
        for b in bytes where b >= 0x80 {
            ascii = false
            break
        }
        if ascii { return bytes }
        if let cs = param(p, "CHARSET"), !cs.isEmpty {
            let lower = cs.lowercased()
            if lower == "utf-8" || lower == "utf8" {
                if bytes.withUnsafeBufferPointer({ TextCharset.validUTF8($0) }) != nil { return bytes }
                // Declared UTF-8 but broken (a cut value): repair rather than guess.
                warn(p.line, "\(name(p)): invalid UTF-8 bytes replaced", "vcard.charset")
                return Array(String(decoding: bytes, as: UTF8.self).utf8)[...]
            } else if let s = Charsets.decode(Array(bytes), charset: cs) {
                return Array(s.utf8)[...]
            } else {
                warn(p.line, "\(name(p)): unknown or wrong charset declared; decoding by guess", "vcard.charset")
            }
        } else if bytes.withUnsafeBufferPointer({ TextCharset.validUTF8($0) }) != nil {
            return bytes
        }
        let first = cardCharset ?? fallbackCharset ?? Charsets.guess(Array(bytes))
        // Windows-1252 decodes any bytes, so the loop always returns.
        for guess in [first, "windows-1252"] {
            if let s = Charsets.decode(Array(bytes), charset: guess) {
                warn(p.line, "\(name(p)): 8-bit text is not UTF-8; decoded as \(guess) (set -O charset=NAME to choose)", "vcard.charset")
                return Array(s.utf8)[...]
            }
        }
        warn(p.line, "\(name(p)): text is in no known charset; invalid bytes replaced", "vcard.charset")
        return Array(String(decoding: bytes, as: UTF8.self).utf8)[...]
    }

    private var v21: Bool { version == .v21 }

    // MARK: - Property parts (decoded on demand from `bytes`)

    /// The raw value bytes (a slice of `bytes`, no copy).
    @inline(__always)
    func value(_ p: VCardProperty) -> ArraySlice<UInt8> { bytes[p.valueStart..<p.valueEnd] }

    /// The name upper-cased (`X-FOO`).
    func name(_ p: VCardProperty) -> String {
        String(decoding: bytes[p.nameStart..<p.nameEnd].map(PropertyKind.upper), as: UTF8.self)
    }

    /// The name as written (`X-Foo`).
    func writtenName(_ p: VCardProperty) -> String {
        String(decoding: bytes[p.nameStart..<p.nameEnd], as: UTF8.self)
    }

    /// The group (`item1`), as written.
    func group(_ p: VCardProperty) -> String? {
        p.hasGroup ? String(decoding: bytes[p.groupStart..<p.groupEnd], as: UTF8.self) : nil
    }

    /// The parameters, decoded (slow paths).
    func params(_ p: VCardProperty) -> [VCardParameter] {
        guard p.paramEnd > p.paramStart else { return [] }
        return bytes.withUnsafeBufferPointer { b in
            paramRefs[p.paramStart..<p.paramEnd].map { ContentLineParser.parameter(b, $0) }
        }
    }

    /// The first value of the parameter `name` (upper case).
    func param(_ p: VCardProperty, _ name: StaticString) -> String? {
        guard p.paramEnd > p.paramStart else { return nil }
        return bytes.withUnsafeBufferPointer { b -> String? in
            for i in p.paramStart..<p.paramEnd where ContentLineParser.nameIs(b, paramRefs[i], name) {
                let r = paramRefs[i]
                if ContentLineParser.nameIs(b, r, "TYPE") {
                    var first: String?
                    ParamValues.forEachItem(b, r) { v in if first == nil { first = v.string } }
                    return first ?? ""
                }
                return ParamValues.whole(b, r).string
            }
            return nil
        }
    }

    /// True when the parameter `name` (upper case) is present.
    func has(_ p: VCardProperty, _ name: StaticString) -> Bool {
        guard p.paramEnd > p.paramStart else { return false }
        return bytes.withUnsafeBufferPointer { b in
            paramRefs[p.paramStart..<p.paramEnd].contains { ContentLineParser.nameIs(b, $0, name) }
        }
    }

    /// The TYPE values, bare parameters included.
    func typeValues(_ p: VCardProperty) -> [String] {
        var out: [String] = []
        for prm in params(p) where prm.name == "TYPE" || prm.name.isEmpty {
            for v in prm.values { out.append(v) }
        }
        return out
    }

    /// Calls `body` with the value's bytes when they need no decoding at
    /// all (no transfer encoding, only ASCII, no backslash, so neither the
    /// charset nor unescaping changes them), without surrounding spaces and
    /// tabs when `trim`; nil otherwise.
    ///
    /// The fast path for most values: one pass over the bytes, then the
    /// String. The general path (`text`, then `unescape`) took an
    /// `ArraySlice` through several generic passes, about 1,200
    /// instructions a card in the benchmark (callgrind).
    @inline(__always)
    private func plainValue<R>(_ p: VCardProperty, trim: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard p.encoding == .none else { return nil }
        return bytes.withUnsafeBufferPointer { b -> R? in
            var a = p.valueStart, e = p.valueEnd
            if trim {
                while a < e && (b[a] == 0x20 || b[a] == 0x09) { a += 1 }
                while e > a && (b[e - 1] == 0x20 || b[e - 1] == 0x09) { e -= 1 }
            }
            var k = a
            while k < e {
                let c = b[k]
                if c >= 0x80 || c == 0x5C { return nil }
                k += 1
            }
            return body(UnsafeBufferPointer(rebasing: b[a..<e]))
        }
    }

    /// A single text value, unescaped (and trimmed of spaces and tabs when `trim`).
    private mutating func single(_ p: VCardProperty, trim: Bool = false) -> String {
        if let s = plainValue(p, trim: trim, { String(decoding: $0, as: UTF8.self) }) { return s }
        let s = ValueCodec.unescape(text(p), v21: v21)
        return trim ? s.trimmingSpaces : s
    }

    /// Calls `body` with each `;`-separated component (index, unescaped
    /// value, nil when empty), without building an array of them.
    private mutating func forEachComponent(_ p: VCardProperty, _ body: (Int, String?) -> Void) {
        let plain = plainValue(p, trim: false) { v -> Bool in
            var i = 0
            var start = 0
            for k in 0...v.count where k == v.count || v[k] == 0x3B {
                body(i, k > start ? String(decoding: UnsafeBufferPointer(rebasing: v[start..<k]), as: UTF8.self) : nil)
                i += 1
                start = k + 1
            }
            return true
        }
        if plain != nil { return }
        let t = text(p)
        var i = 0
        ValueCodec.forEachPart(t, separator: 0x3B) { part in
            body(i, part.isEmpty ? nil : ValueCodec.unescape(part, v21: v21))
            i += 1
        }
    }

    private mutating func components(_ p: VCardProperty) -> [String?] {
        var out: [String?] = []
        forEachComponent(p) { _, s in out.append(s) }
        return out
    }

    private mutating func list(_ p: VCardProperty) -> [String] {
        let t = text(p)
        var out: [String] = []
        ValueCodec.forEachPart(t, separator: 0x2C) { part in
            var s = part
            while let f = s.first, f == 0x20 { s = s.dropFirst() }
            if !s.isEmpty { out.append(ValueCodec.unescape(s, v21: v21)) }
        }
        return out
    }

    // MARK: - Labels

    /// Labels from TYPE (and bare 2.1) parameters plus the group's X-ABLabel,
    /// and whether the value is preferred (`PREF`, `TYPE=pref`, `PREF=n`).
    ///
    /// Reads the parameter bytes directly: plain ASCII values are matched
    /// without building a String, and the common labels come from literals.
    /// Building `VCardParameter`s and lower-casing each value as a String
    /// cost about 2,000 instructions a card in the benchmark.
    private func labels(_ p: VCardProperty, groupLabels: [String: [String]]) -> ([String], Bool) {
        // The labels are gathered by a static function with `inout`
        // arguments: a nested function capturing `out` and `pref` made the
        // compiler box them and check exclusivity at run time
        // (`swift_beginAccess`, about 600 instructions a card, callgrind).
        var (out, pref) = bytes.withUnsafeBufferPointer { b -> ([String], Bool) in
            var out: [String] = []
            var pref = false
            for i in p.paramStart..<p.paramEnd {
                let r = paramRefs[i]
                if r.isBare {
                    Self.addLabel(ParamValues.whole(b, r), bare: true, &out, &pref)
                } else if ContentLineParser.nameIs(b, r, "PREF") {
                    pref = true
                } else if ContentLineParser.nameIs(b, r, "TYPE") {
                    let vb = UnsafeBufferPointer(rebasing: b[r.valueStart..<r.valueEnd])
                    var k = 0
                    var start = 0
                    // TYPE items: comma-separated; a quoted value is a list too (TYPE="voice,cell").
                    while k <= vb.count {
                        if k == vb.count || vb[k] == 0x2C {
                            var a = start, e = k
                            while a < e && (vb[a] == 0x22 || vb[a] == 0x20) { a += 1 }
                            while e > a && (vb[e - 1] == 0x22 || vb[e - 1] == 0x20) { e -= 1 }
                            let item = ParamValues.value(UnsafeBufferPointer(rebasing: vb[a..<e]))
                            if !item.isEmpty { Self.addLabel(item, bare: false, &out, &pref) }
                            start = k + 1
                        }
                        k += 1
                    }
                }
            }
            return (out, pref)
        }
        if !groupLabels.isEmpty, let g = group(p), let extra = groupLabels[g.lowercased()] { out += extra }
        return (out, pref)
    }

    /// Adds one TYPE value (or bare 2.1 parameter) as a label, or sets `pref`.
    /// Plain ASCII values are matched without building a String; the common
    /// single labels share one array each (a retain, where appending to an
    /// empty array allocated).
    private static func addLabel(_ v: ParamValues.Value, bare: Bool, _ out: inout [String], _ pref: inout Bool) {
        if v.isPlainASCII {
            let t = v.bytes
            if t.isEmpty { return }
            @inline(__always) func eq(_ lit: StaticString) -> Bool { ValueCodec.equalsLower(t, lit) }
            switch t.count {
            case 1: if eq("b") { return }
            case 4:
                if eq("pref") { pref = true; return }
                if eq("cell") { if out.isEmpty { out = mobileOnly } else { out.append(Label.mobile) }; return }
                if eq("home") { if out.isEmpty { out = homeOnly } else { out.append(Label.home) }; return }
                if eq("work") { if out.isEmpty { out = workOnly } else { out.append(Label.work) }; return }
                if eq("8bit") || eq("7bit") { return }
            case 5: if eq("voice") { if out.isEmpty { out = voiceOnly } else { out.append("voice") }; return }
            case 6: if eq("base64") { return }
            case 8: if eq("internet") { return }
            case 16: if eq("quoted-printable") { return }
            default: break
            }
            if bare && t.count >= 7 && ValueCodec.equalsLower(UnsafeBufferPointer(rebasing: t[..<7]), "charset") { return }
            out.append(String(decoding: t, as: UTF8.self).asciiLowercased)
            return
        }
        let l = v.string.asciiLowercased
        switch l {
        case "pref": pref = true
        case "internet", "quoted-printable", "base64", "b", "8bit", "7bit", "": return
        case "cell": out.append(Label.mobile)
        default:
            if bare && l.hasPrefix("charset") { return }
            out.append(l)
        }
    }

    static let mobileOnly = [Label.mobile]
    static let homeOnly = [Label.home]
    static let workOnly = [Label.work]
    static let voiceOnly = ["voice"]

    /// Apple's `_$!<Mobile>!$_` constants as plain labels; custom labels verbatim.
    static func appleLabel(_ s: String) -> [String] {
        guard s.hasPrefix("_$!<"), s.hasSuffix(">!$_"), s.count > 8 else { return s.isEmpty ? [] : [s] }
        let inner = String(s.dropFirst(4).dropLast(4))
        switch inner.lowercased() {
        case "homefax": return [Label.home, Label.fax]
        case "workfax": return [Label.work, Label.fax]
        case "otherfax": return [Label.other, Label.fax]
        case "assistantphone": return ["assistant"]
        case "companymain": return [Label.work, Label.main]
        case "homepage": return ["homepage"]
        default: return [inner.lowercased()]
        }
    }

    // MARK: - Building

    /// Builds the contact; `nil` fields are left for the caller (id, sources).
    ///
    /// Fills `c`, which the caller starts as `CardBuilder.emptyContact`:
    /// returning a new contact cost a copy of it and the destruction of the
    /// local (retaining and releasing every field, about 2,000 instructions
    /// a card in the benchmark, callgrind).
    mutating func build(into c: inout Contact) {
        // Pass 1: version, group labels, charset hint.
        var groupLabels: [String: [String]] = [:]
        for p in properties {
            switch p.kind {
            case .version:
                // The first byte after blanks decides (was a trimmed String
                // and two `hasPrefix`, about 450 instructions a card).
                var k = p.valueStart
                while k < p.valueEnd && (bytes[k] == 0x20 || bytes[k] == 0x09) { k += 1 }
                let first: UInt8 = k < p.valueEnd ? bytes[k] : 0
                version = first == 0x32 ? .v21 : first == 0x34 ? .v40 : .v30
            case .abLabel:
                if let g = group(p) {
                    let l = ValueCodec.unescape(value(p), v21: false)
                    groupLabels[g.lowercased(), default: []] += Self.appleLabel(l)
                }
            default:
                if cardCharset == nil, let cs = param(p, "CHARSET"), !cs.isEmpty, Charsets.isKnown(cs) {
                    let l = cs.lowercased()
                    if l != "utf-8" && l != "utf8" && l != "us-ascii" { cardCharset = cs }
                }
            }
        }
        var orgParts: [(group: String?, kind: Int, org: Organization)] = []  // kind 0 ORG, 1 TITLE, 2 ROLE
        var adrGroups: [String: Int] = [:]
        var labelsToPlace: [(VCardProperty, String)] = []
        var sawFN = false
        var showAsCompany = false

        for p in properties {
            switch p.kind {
            case .begin, .end, .version, .prodid, .abLabel: continue
            case .fn:
                let v = single(p)
                guard !v.isEmpty else { continue }
                if !sawFN {
                    c.name.formatted = v
                    sawFN = true
                } else if v != c.name.formatted {
                    c.alternateNames.append(PersonName(formatted: v))
                }
            case .n:
                // Set in place: a copy of the name, assigned back, cost a
                // PersonName copy and destruction (about 750 instructions a card).
                forEachComponent(p) { i, s in
                    guard let s else { return }
                    switch i {
                    case 0: c.name.family = s
                    case 1: c.name.given = s
                    case 2: c.name.middle = s
                    case 3: c.name.prefix = s
                    case 4: c.name.suffix = s
                    default: break
                    }
                }
            case .phoneticGiven:
                let v = single(p)
                if !v.isEmpty { c.name.phoneticGiven = v }
            case .phoneticFamily:
                let v = single(p)
                if !v.isEmpty { c.name.phoneticFamily = v }
            case .sound where has(p, "X-IRMC-N") || params(p).contains { $0.name.isEmpty && $0.values.first?.uppercased() == "X-IRMC-N" }:
                let parts = components(p)
                if let f = parts.first, let f { c.name.phoneticFamily = f }
                if parts.count > 1, let g = parts[1] { c.name.phoneticGiven = g }
            case .nickname:
                c.nicknames += list(p)
            case .email:
                let v = single(p, trim: true)
                guard !v.isEmpty else { continue }
                let (l, pref) = labels(p, groupLabels: groupLabels)
                c.emails.append(EmailAddress(v, labels: l, preferred: pref))
            case .tel:
                var v = single(p)
                if Self.hasTelScheme(v) { v = String(v.dropFirst(4)) }
                guard !v.isEmpty else { continue }
                let (l, pref) = labels(p, groupLabels: groupLabels)
                c.phones.append(PhoneNumber(raw: v, labels: l, preferred: pref))
            case .adr:
                var f: (String?, String?, String?, String?, String?, String?) = (nil, nil, nil, nil, nil, nil)
                var country: String?
                var tail: [String] = []  // components from the 7th on, when there are more than 7
                var count = 0
                forEachComponent(p) { i, s in
                    count = i + 1
                    switch i {
                    case 0: f.0 = s
                    case 1: f.1 = s
                    case 2: f.2 = s
                    case 3: f.3 = s
                    case 4: f.4 = s
                    case 5: f.5 = s
                    case 6:
                        country = s
                        if let s { tail.append(s) }
                    default: if let s { tail.append(s) }
                    }
                }
                if count > 7 {
                    // Extra components: keep them with the country rather than lose them.
                    country = tail.joined(separator: ";")
                }
                let (l, pref) = labels(p, groupLabels: groupLabels)
                var a = PostalAddress(
                    poBox: f.0, extended: f.1, street: f.2, locality: f.3, region: f.4, postalCode: f.5,
                    country: country, labels: l, preferred: pref)
                if let label = param(p, "LABEL"), !label.isEmpty { a.formatted = label }
                guard !a.isEmpty else { continue }
                if let g = group(p) { adrGroups[g.lowercased()] = c.addresses.count }
                c.addresses.append(a)
            case .label:
                let v = single(p)
                if !v.isEmpty { labelsToPlace.append((p, v)) }
            case .org:
                let parts = components(p)
                let name = parts.first ?? nil
                let dept = parts.dropFirst().compactMap { $0 }.joined(separator: ", ")
                let o = Organization(name: name, department: dept.isEmpty ? nil : dept)
                if !o.isEmpty { orgParts.append((group(p)?.lowercased(), 0, o)) }
            case .title:
                let v = single(p)
                if !v.isEmpty { orgParts.append((group(p)?.lowercased(), 1, Organization(title: v))) }
            case .role:
                let v = single(p)
                if !v.isEmpty { orgParts.append((group(p)?.lowercased(), 2, Organization(role: v))) }
            case .url:
                let v = uri(p)
                guard !v.isEmpty else { continue }
                let (l, pref) = labels(p, groupLabels: groupLabels)
                c.urls.append(LabeledValue(v, labels: l, preferred: pref))
            case .impp:
                var v = uri(p)
                guard !v.isEmpty else { continue }
                var (l, pref) = labels(p, groupLabels: groupLabels)
                if let colon = v.firstIndex(of: ":") {
                    let scheme = v[..<colon].lowercased()
                    if let service = Self.imSchemes[scheme] {
                        v = String(v[v.index(after: colon)...])
                        if !l.contains(service) { l.insert(service, at: 0) }
                    }
                }
                if let st = param(p, "X-SERVICE-TYPE")?.lowercased(), !st.isEmpty, !l.contains(st) { l.insert(st, at: 0) }
                c.handles.append(LabeledValue(v, labels: l, preferred: pref))
            case .vendorIM:
                let v = single(p)
                guard !v.isEmpty else { continue }
                var (l, pref) = labels(p, groupLabels: groupLabels)
                l.insert(Self.imProperties[name(p)]!, at: 0)
                c.handles.append(LabeledValue(v, labels: l, preferred: pref))
            case .related:
                let isText = name(p) == "X-ABRELATEDNAMES" || param(p, "VALUE")?.lowercased() == "text"
                let v = isText ? single(p) : uri(p)
                guard !v.isEmpty else { continue }
                let (l, pref) = labels(p, groupLabels: groupLabels)
                c.related.append(LabeledValue(v, labels: l, preferred: pref))
            case .vendorRelated:
                let v = single(p)
                guard !v.isEmpty else { continue }
                c.related.append(LabeledValue(v, labels: [Self.relatedProperties[name(p)]!]))
            case .bday:
                if c.birthday == nil, let d = date(p) {
                    c.birthday = d
                } else {
                    keep(p, in: &c)
                }
            case .anniversary:
                if let d = date(p) { c.anniversaries.append(d) } else { keep(p, in: &c) }
            case .gender:
                let v = single(p)
                if c.gender == nil, !v.isEmpty { c.gender = v } else if !v.isEmpty { keep(p, in: &c) }
            case .photo:
                if c.photo == nil, let v = photo(p) {
                    c.photo = v
                } else if !value(p).allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    keep(p, in: &c)
                }
            case .note:
                let v = single(p)
                if !v.isEmpty { c.notes.append(v) }
            case .categories:
                for v in list(p) where !c.categories.contains(v) { c.categories.append(v) }
            case .member:
                let v = uri(p)
                if !v.isEmpty { c.members.append(v) }
            case .kind:
                switch single(p, trim: true).lowercased() {
                case "org", "organization": c.type = .organization
                case "group": c.type = .group
                case "location": c.type = .location
                case "individual", "": c.type = .individual
                default: keep(p, in: &c)
                }
            case .showAs:
                if single(p, trim: true).uppercased() == "COMPANY" { showAsCompany = true } else { keep(p, in: &c) }
            case .uid:
                let v = single(p, trim: true)
                if !v.isEmpty { uid = uid ?? v }
            case .agent where value(p).isEmpty:
                continue  // the nested card follows; linked by the importer
            default:
                keep(p, in: &c)
            }
        }
        // A comma, not `&&`: the autoclosure of `&&` captured `c`, which kept
        // it in memory and cost a whole Contact copy on return (callgrind).
        if showAsCompany, c.type == .individual { c.type = .organization }

        // Organisations: grouped ORG/TITLE/ROLE belong together; ungrouped
        // ones pair up by position (the second TITLE goes with the second
        // ORG), in order of first appearance.
        var byGroup: [String: Int] = [:]
        var slots: [Int] = []
        var counters = [0, 0, 0]
        for (g, kind, part) in orgParts {
            let index: Int
            if let g {
                if let i = byGroup[g] {
                    index = i
                } else {
                    index = c.organizations.count
                    byGroup[g] = index
                    c.organizations.append(Organization())
                }
            } else {
                let k = counters[kind]
                counters[kind] += 1
                if k < slots.count {
                    index = slots[k]
                } else {
                    index = c.organizations.count
                    slots.append(index)
                    c.organizations.append(Organization())
                }
            }
            switch kind {
            case 0:
                c.organizations[index].name = part.name
                c.organizations[index].department = part.department
            case 1: c.organizations[index].title = part.title
            default: c.organizations[index].role = part.role
            }
        }

        // Address labels (2.1/3.0 LABEL): same group, else an address with the same labels.
        for (p, v) in labelsToPlace {
            let (l, pref) = labels(p, groupLabels: groupLabels)
            if let g = group(p)?.lowercased(), let i = adrGroups[g], c.addresses[i].formatted == nil {
                c.addresses[i].formatted = v
            } else if let i = c.addresses.firstIndex(where: { $0.formatted == nil && Set($0.labels) == Set(l) }) {
                c.addresses[i].formatted = v
            } else {
                c.addresses.append(PostalAddress(formatted: v, labels: l, preferred: pref))
            }
        }
        for a in agents { c.related.append(LabeledValue(a, labels: ["agent"])) }
    }

    /// True when `v` starts with `tel:` in any case (was `lowercased().hasPrefix`,
    /// a new String for every phone number).
    static func hasTelScheme(_ v: String) -> Bool {
        var u = v.utf8.makeIterator()
        for c in "tel:".utf8 {
            guard let b = u.next() else { return false }
            if (b >= 0x41 && b <= 0x5A ? b | 0x20 : b) != c { return false }
        }
        return true
    }

    /// Copying an empty contact is cheaper than calling the 21-argument
    /// initialiser with its defaults (about 1,500 instructions a card).
    static let emptyContact = Contact(id: "")

    /// The UID, once built.
    private(set) var uid: String?

    /// URI-valued properties: `data:` URIs kept whole, escapes removed otherwise.
    private mutating func uri(_ p: VCardProperty) -> String {
        if let s = plainValue(p, trim: false, { String(decoding: $0, as: UTF8.self) }) { return s }
        let t = text(p)
        if t.count >= 5 && t.starts(with: "data:".utf8) { return String(decoding: t, as: UTF8.self) }
        return ValueCodec.unescape(t, v21: v21)
    }

    private mutating func date(_ p: VCardProperty) -> PartialDate? {
        if param(p, "VALUE")?.lowercased() == "text" { return nil }
        var s = single(p, trim: true)
        guard !s.isEmpty else { return nil }
        var d = PartialDate(iso: s)
        if d == nil {
            // Other separators (1984/03/14, 1984.03.14) and day-first 14.03.1984.
            let parts = s.split(whereSeparator: { $0 == "." || $0 == "/" })
            if parts.count == 3 {
                if parts[0].count == 4 {
                    s = parts.joined(separator: "-")
                    d = PartialDate(iso: s)
                } else if parts[2].count == 4, let day = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]) {
                    d = PartialDate(year: y, month: m, day: day)
                }
            }
        }
        guard var date = d else {
            warn(p.line, "\(name(p)): not a recognised date; kept as an extension", "vcard.date")
            return nil
        }
        if let omit = param(p, "X-APPLE-OMIT-YEAR"), let y = Int(omit), date.year == y {
            date = PartialDate(month: date.month, day: date.day) ?? date
        }
        return date
    }

    private static let mediaTypes: [String: String] = [
        "JPEG": "image/jpeg", "JPG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "BMP": "image/bmp",
        "WEBP": "image/webp", "TIFF": "image/tiff", "HEIC": "image/heic",
    ]

    private mutating func photo(_ p: VCardProperty) -> String? {
        if p.encoding == .base64 || param(p, "ENCODING")?.uppercased() == "BASE64" {
            let c = ValueCodec.cleanBase64(value(p))
            switch c.condition {
            case .clean: break
            case .repaired: note(p.line, "PHOTO: base64 padding repaired", "vcard.base64")
            case .broken:
                warn(p.line, "PHOTO: broken base64 kept raw as an extension", "vcard.base64")
                return nil
            }
            var media: String?
            if let mt = param(p, "MEDIATYPE") { media = mt }
            for t in typeValues(p) where !["BASE64", "B"].contains(t.uppercased()) {
                if let m = Self.mediaTypes[t.uppercased()] {
                    media = m
                } else if t.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x2F && $0 < 0x7F }) {
                    media = "image/" + t.lowercased()
                }
            }
            if media == nil {
                let head = c.text.prefix(8)
                if head.starts(with: Array("/9j/".utf8)) { media = "image/jpeg" }
                else if head.starts(with: Array("iVBOR".utf8)) { media = "image/png" }
                else if head.starts(with: Array("R0lG".utf8)) { media = "image/gif" }
                else if head.starts(with: Array("UklGR".utf8)) { media = "image/webp" }
                else if head.starts(with: Array("Qk".utf8)) { media = "image/bmp" }
            }
            return "data:\(media ?? "application/octet-stream");base64," + String(decoding: c.text, as: UTF8.self)
        }
        let v = uri(p).trimmingSpaces
        return v.isEmpty ? nil : v
    }

    /// Keeps a property the model has no slot for, under its name and
    /// parameters as written (transfer encoding and charset dropped, since the
    /// value is kept decoded), so that writing vCard again restores it.
    private mutating func keep(_ p: VCardProperty, in c: inout Contact) {
        if c.extensions.isEmpty && p.paramEnd == p.paramStart && p.encoding == .none && p.valueStart == p.nameEnd + 1 {
            // `NAME:VALUE` in ASCII: looked up in the cache by its bytes, so a
            // repeated extension makes no Strings at all.
            let shared = bytes.withUnsafeBufferPointer { b -> [String: [String]]? in
                let line = UnsafeBufferPointer(rebasing: b[p.nameStart..<p.valueEnd])
                for x in line where x >= 0x80 { return nil }
                return extensionCache.dictionary(line: line, nameCount: p.nameEnd - p.nameStart)
            }
            if let shared {
                c.extensions = shared
                return
            }
        }
        var key = writtenName(p)
        let binary = p.encoding == .base64
        for prm in params(p) {
            if prm.name == "CHARSET" { continue }
            if !binary && (prm.name == "ENCODING" || (prm.name.isEmpty && ["QUOTED-PRINTABLE", "QP", "8BIT", "7BIT"].contains(prm.values.first?.uppercased() ?? ""))) {
                continue
            }
            key += ";" + prm.raw
        }
        let value: String
        if binary {
            value = String(decoding: ValueCodec.cleanBase64(self.value(p)).text, as: UTF8.self)
        } else {
            value = String(decoding: text(p), as: UTF8.self)
        }
        if c.extensions.isEmpty {
            // The usual case: one extension, often the same in many cards of
            // an export (see `ExtensionCache`).
            c.extensions = extensionCache.dictionary(key: key, value: value)
        } else {
            c.extensions[key, default: []].append(value)
        }
    }

    /// IMPP URI schemes and the service label they stand for.
    static let imSchemes: [String: String] = [
        "skype": "skype", "xmpp": "xmpp", "aim": "aim", "ymsgr": "yahoo", "msnim": "msn", "icq": "icq",
        "irc": "irc", "sip": "sip", "gtalk": "gtalk", "qq": "qq", "gg": "gadugadu", "im": "im",
    ]

    /// Vendor instant-messaging properties and their service label.
    static let imProperties: [String: String] = [
        "X-AIM": "aim", "X-ICQ": "icq", "X-JABBER": "xmpp", "X-MSN": "msn", "X-YAHOO": "yahoo", "X-SKYPE": "skype",
        "X-SKYPE-USERNAME": "skype", "X-GTALK": "gtalk", "X-GOOGLE-TALK": "gtalk", "X-QQ": "qq", "X-TWITTER": "twitter",
        "X-GADUGADU": "gadugadu", "X-SIP": "sip", "X-NETMEETING": "netmeeting", "X-GROUPWISE": "groupwise",
        "X-MS-IMADDRESS": "im", "X-EVOLUTION-JABBER": "xmpp", "X-KADDRESSBOOK-X-IMADDRESS": "im", "X-WECHAT": "wechat",
        "X-LINE": "line",
    ]

    /// Vendor properties naming a related person.
    static let relatedProperties: [String: String] = [
        "X-SPOUSE": "spouse", "X-EVOLUTION-SPOUSE": "spouse", "X-MS-SPOUSE": "spouse", "X-KADDRESSBOOK-X-SPOUSENAME": "spouse",
        "X-MANAGER": "manager", "X-EVOLUTION-MANAGER": "manager", "X-MS-MANAGER": "manager",
        "X-KADDRESSBOOK-X-MANAGERSNAME": "manager", "X-ASSISTANT": "assistant", "X-EVOLUTION-ASSISTANT": "assistant",
        "X-MS-ASSISTANT": "assistant", "X-KADDRESSBOOK-X-ASSISTANTSNAME": "assistant", "X-MS-CHILD": "child",
    ]
}

extension String {
    /// Lower case for ASCII letters (fast); other text through `lowercased()`.
    var asciiLowercased: String {
        var ascii = true
        var hasUpper = false
        for b in utf8 {
            if b >= 0x80 { ascii = false; break }
            if b >= 0x41 && b <= 0x5A { hasUpper = true }
        }
        if !ascii { return lowercased() }
        if !hasUpper { return self }
        return String(decoding: utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let u = utf8
        guard let f = u.first, let l = u.last else { return self }
        if f != 0x20 && f != 0x09 && l != 0x20 && l != 0x09 { return self }
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s.count == count ? self : String(s)
    }
}

/// The one-entry extension dictionaries built lately, so that cards with
/// the same single extension share one dictionary (copy on write).
///
/// Exports repeat a few vendor values card after card (`X-ABShowAs:COMPANY`,
/// an import-source tag with a handful of values): sharing costs a retain
/// and a few comparisons, where building costs a hash and two allocations
/// (about 1,000 instructions a card in the benchmark, callgrind; the
/// subscript `extensions[key, default: []]` on an empty dictionary cost
/// more still: two hashes and a resize). Holds at most `size` entries,
/// replaced in turn.
struct ExtensionCache {
    static let size = 8
    private var keys: [String] = []
    private var values: [String] = []
    private var dictionaries: [[String: [String]]] = []
    private var next = 0

    /// The `NAME:VALUE` bytes of entries made by `dictionary(line:nameCount:)`
    /// (empty for the others).
    private var lines: [[UInt8]] = []

    /// `[key: [value]]`, shared with an earlier card when one had the same.
    mutating func dictionary(key: String, value: String) -> [String: [String]] {
        for i in 0..<keys.count where keys[i] == key && values[i] == value { return dictionaries[i] }
        return insert(key, value, line: [])
    }

    /// `[name: [value]]` for the ASCII content line `NAME:VALUE` (no
    /// parameters; the name is the first `nameCount` bytes), found by its
    /// bytes so that a hit makes no Strings.
    mutating func dictionary(line: UnsafeBufferPointer<UInt8>, nameCount: Int) -> [String: [String]] {
        for i in 0..<lines.count where lines[i].count == line.count {
            let same = lines[i].withUnsafeBufferPointer { e in
                var k = 0
                while k < e.count && e[k] == line[k] { k += 1 }
                return k == e.count
            }
            if same { return dictionaries[i] }
        }
        let key = String(decoding: UnsafeBufferPointer(rebasing: line[..<nameCount]), as: UTF8.self)
        let value = String(decoding: UnsafeBufferPointer(rebasing: line[(nameCount + 1)...]), as: UTF8.self)
        for i in 0..<keys.count where keys[i] == key && values[i] == value { return dictionaries[i] }
        return insert(key, value, line: Array(line))
    }

    private mutating func insert(_ key: String, _ value: String, line: [UInt8]) -> [String: [String]] {
        let d = [key: [value]]
        if keys.count < Self.size {
            keys.append(key)
            values.append(value)
            dictionaries.append(d)
            lines.append(line)
        } else {
            keys[next] = key
            values[next] = value
            dictionaries[next] = d
            lines[next] = line
            next = (next + 1) % Self.size
        }
        return d
    }
}
