import Foundation
public import KithXML

/// A microformat (mf2, or classic microformats read through the mf2
/// backward-compatibility rules): its types, properties and children.
public struct MF2Item: Hashable {
    /// The root class names, `h-` prefixed and sorted ("h-entry").
    public var types: [String]
    /// Property values by name ("name", "url", "author"), in the order the
    /// properties were first found.
    public var properties: [(name: String, values: [MF2Value])] = []
    /// Microformats nested without being a property.
    public var children: [MF2Item] = []
    /// For an item that is a property value: the plain value the property
    /// would have had (the name for p-, the URL for u-).
    public var value: String?
    /// For an item that is an e- property value: its HTML.
    public var html: String?
    /// The root element's `id` attribute, when it has one.
    public var id: String?
    /// The 1-based source line of the root element (not compared).
    public var line: Int = 0

    /// An item of the given types with no properties yet.
    public init(types: [String]) { self.types = types }

    /// The values of one property.
    public subscript(_ name: String) -> [MF2Value] {
        properties.first { $0.name == name }?.values ?? []
    }

    /// The first plain text of a property (an item's value, an e- value's
    /// text, an image's URL).
    public func text(_ name: String) -> String? {
        for v in self[name] {
            if let t = v.text, !t.isEmpty { return t }
        }
        return nil
    }

    mutating func add(_ name: String, _ value: MF2Value) {
        if let i = properties.firstIndex(where: { $0.name == name }) {
            properties[i].values.append(value)
        } else {
            properties.append((name, [value]))
        }
    }

    func has(_ name: String) -> Bool { properties.contains { $0.name == name } }

    public static func == (a: MF2Item, b: MF2Item) -> Bool {
        a.types == b.types && a.children == b.children && a.value == b.value && a.html == b.html && a.id == b.id
            && a.properties.count == b.properties.count
            && zip(a.properties, b.properties).allSatisfy { $0.name == $1.name && $0.values == $1.values }
    }

    public func hash(into h: inout Hasher) {
        h.combine(types)
        for p in properties {
            h.combine(p.name)
            h.combine(p.values)
        }
    }
}

/// One property value.
public indirect enum MF2Value: Hashable {
    /// Text, a URL or a date.
    case string(String)
    /// An image URL with its alternative text.
    case image(url: String, alt: String)
    /// An e- property: HTML and its text.
    case embedded(html: String, value: String)
    /// A nested microformat.
    case item(MF2Item)

    /// The plain text: the string, the image URL, the embedded text, or the
    /// item's value.
    public var text: String? {
        switch self {
        case .string(let s): s
        case .image(let url, _): url
        case .embedded(_, let v): v
        case .item(let i): i.value ?? i.text("name")
        }
    }

    /// The nested item, if the value is one.
    public var item: MF2Item? {
        if case .item(let i) = self { return i }
        return nil
    }
}

/// A microformats2 parser over an `HTMLDocument`, following the mf2
/// parsing rules: property classes (`p-`, `u-`, `dt-`, `e-`), nested
/// microformats, implied name/photo/url, the value-class pattern, and the
/// classic vocabularies (hCard, hEntry, hFeed, hAdr, geo, hEvent, hReview,
/// hProduct) through the backward-compatibility mapping.
public struct MF2Parser {
    let base: String?
    /// How deep microformats may nest before the rest is ignored (hostile
    /// pages cannot exhaust the stack).
    static let maxNesting = 48

    /// A parser resolving relative URLs against `baseURL` (a `<base href>`
    /// in the page takes precedence).
    public init(document: HTMLDocument, baseURL: String?) {
        if let b = document.first("base[href]")?.attribute("href") {
            base = BlogText.resolve(b, against: baseURL)
        } else {
            base = baseURL
        }
    }

    /// The top-level microformats of the page, in document order.
    public func items(in document: HTMLDocument) -> [MF2Item] {
        guard let root = document.root else { return [] }
        var out: [MF2Item] = []
        if let r = rootInfo(root) {
            out.append(parseItem(root, info: r, depth: 0))
            return out
        }
        root.walk { n in
            guard n.isElement, n.name != "template" else { return false }
            if let r = rootInfo(n) {
                out.append(parseItem(n, info: r, depth: 0))
                return false
            }
            return true
        }
        return out
    }

    // MARK: - Roots and classes

    struct RootInfo {
        var types: [String]
        var legacy: Bool
    }

    static let legacyRoots: [String: String] = [
        "vcard": "h-card", "hentry": "h-entry", "hfeed": "h-feed", "adr": "h-adr", "geo": "h-geo", "vevent": "h-event",
        "hreview": "h-review", "hproduct": "h-product", "hrecipe": "h-recipe", "hresume": "h-resume", "hnews": "h-news",
        "hreview-aggregate": "h-review-aggregate", "vcalendar": "h-calendar",
    ]

    /// `[vendor-]name(-name)*`: an optional prefix of lower-case letters and
    /// digits, then words of lower-case letters only.
    static func isMF2Name(_ rest: Substring) -> Bool {
        let words = rest.split(separator: "-", omittingEmptySubsequences: false)
        guard !words.isEmpty, words.allSatisfy({ !$0.isEmpty }) else { return false }
        func letters(_ w: Substring) -> Bool { w.allSatisfy { $0 >= "a" && $0 <= "z" } }
        func alnum(_ w: Substring) -> Bool { w.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") } }
        if words.count > 1 && alnum(words[0]) && words.dropFirst().allSatisfy(letters) { return true }
        return words.allSatisfy(letters)
    }

    func rootInfo(_ n: HTMLNode) -> RootInfo? {
        let classes = n.classes
        var types = Set<String>()
        for c in classes where c.hasPrefix("h-") && MF2Parser.isMF2Name(c.dropFirst(2)) { types.insert(c) }
        if !types.isEmpty { return RootInfo(types: types.sorted(), legacy: false) }
        for c in classes { if let t = MF2Parser.legacyRoots[c] { types.insert(t) } }
        if !types.isEmpty { return RootInfo(types: types.sorted(), legacy: true) }
        return nil
    }

    enum Kind { case p, u, dt, e }

    /// mf2 property classes of an element.
    func mf2Properties(_ n: HTMLNode) -> [(Kind, String)] {
        var out: [(Kind, String)] = []
        for c in n.classes {
            let k: Kind
            let rest: Substring
            if c.hasPrefix("p-") { k = .p; rest = c.dropFirst(2) }
            else if c.hasPrefix("u-") { k = .u; rest = c.dropFirst(2) }
            else if c.hasPrefix("dt-") { k = .dt; rest = c.dropFirst(3) }
            else if c.hasPrefix("e-") { k = .e; rest = c.dropFirst(2) }
            else { continue }
            guard MF2Parser.isMF2Name(rest) else { continue }
            if !out.contains(where: { $0.0 == k && $0.1 == rest }) { out.append((k, String(rest))) }
        }
        return out
    }

    /// Classic property classes for the vocabulary of `rootTypes`.
    func legacyProperties(_ n: HTMLNode, rootTypes: [String]) -> [(Kind, String)] {
        var out: [(Kind, String)] = []
        let classes = n.classes
        for t in rootTypes {
            guard let map = MF2Parser.legacyProps[t] else { continue }
            for c in classes {
                if let (k, name) = map[c], !out.contains(where: { $0.0 == k && $0.1 == name }) { out.append((k, name)) }
            }
        }
        // rel=tag → category, rel=bookmark → url (hEntry and friends).
        if let rel = n.attribute("rel")?.lowercased().split(separator: " ") {
            if rel.contains("tag"), rootTypes.contains(where: { ["h-entry", "h-feed", "h-review", "h-recipe", "h-product", "h-event", "h-card"].contains($0) }) {
                if !out.contains(where: { $0.1 == "category" }) { out.append((.p, "category#tag")) }
            }
            if rel.contains("bookmark"), rootTypes.contains(where: { ["h-entry", "h-review", "h-feed"].contains($0) }) {
                if !out.contains(where: { $0.1 == "url" }) { out.append((.u, "url")) }
            }
        }
        return out
    }

    static let legacyProps: [String: [String: (Kind, String)]] = {
        let card: [String: (Kind, String)] = [
            "fn": (.p, "name"), "honorific-prefix": (.p, "honorific-prefix"), "given-name": (.p, "given-name"),
            "additional-name": (.p, "additional-name"), "family-name": (.p, "family-name"),
            "honorific-suffix": (.p, "honorific-suffix"), "nickname": (.p, "nickname"), "email": (.u, "email"),
            "logo": (.u, "logo"), "photo": (.u, "photo"), "url": (.u, "url"), "uid": (.u, "uid"),
            "category": (.p, "category"), "adr": (.p, "adr"), "extended-address": (.p, "extended-address"),
            "street-address": (.p, "street-address"), "locality": (.p, "locality"), "region": (.p, "region"),
            "postal-code": (.p, "postal-code"), "country-name": (.p, "country-name"), "label": (.p, "label"),
            "geo": (.p, "geo"), "latitude": (.p, "latitude"), "longitude": (.p, "longitude"), "tel": (.p, "tel"),
            "note": (.p, "note"), "bday": (.dt, "bday"), "key": (.u, "key"), "org": (.p, "org"),
            "organization-name": (.p, "organization-name"), "organization-unit": (.p, "organization-unit"),
            "title": (.p, "job-title"), "role": (.p, "role"), "tz": (.p, "tz"), "rev": (.dt, "rev"),
            "sort-string": (.p, "sort-string"), "sound": (.u, "sound"), "agent": (.p, "agent"), "class": (.p, "class"),
        ]
        return [
            "h-card": card,
            "h-entry": [
                "entry-title": (.p, "name"), "entry-summary": (.p, "summary"), "entry-content": (.e, "content"),
                "published": (.dt, "published"), "updated": (.dt, "updated"), "author": (.p, "author"),
                "category": (.p, "category"), "geo": (.p, "geo"), "latitude": (.p, "latitude"),
                "longitude": (.p, "longitude"),
            ],
            "h-feed": ["site-title": (.p, "name"), "category": (.p, "category"), "author": (.p, "author"), "photo": (.u, "photo")],
            "h-adr": [
                "post-office-box": (.p, "post-office-box"), "extended-address": (.p, "extended-address"),
                "street-address": (.p, "street-address"), "locality": (.p, "locality"), "region": (.p, "region"),
                "postal-code": (.p, "postal-code"), "country-name": (.p, "country-name"),
            ],
            "h-geo": ["latitude": (.p, "latitude"), "longitude": (.p, "longitude")],
            "h-event": [
                "summary": (.p, "name"), "dtstart": (.dt, "start"), "dtend": (.dt, "end"), "duration": (.dt, "duration"),
                "description": (.p, "description"), "url": (.u, "url"), "category": (.p, "category"),
                "location": (.p, "location"), "geo": (.p, "location"), "attendee": (.p, "attendee"),
                "contact": (.p, "contact"), "organizer": (.p, "organizer"),
            ],
            "h-review": [
                "summary": (.p, "name"), "fn": (.p, "name"), "item": (.p, "item"), "reviewer": (.p, "author"),
                "dtreviewed": (.dt, "published"), "rating": (.p, "rating"), "best": (.p, "best"), "worst": (.p, "worst"),
                "description": (.e, "content"), "photo": (.u, "photo"), "url": (.u, "url"),
            ],
            "h-review-aggregate": [
                "summary": (.p, "name"), "item": (.p, "item"), "rating": (.p, "rating"), "average": (.p, "average"),
                "best": (.p, "best"), "worst": (.p, "worst"), "count": (.p, "count"), "votes": (.p, "votes"),
            ],
            "h-product": [
                "fn": (.p, "name"), "photo": (.u, "photo"), "brand": (.p, "brand"), "category": (.p, "category"),
                "description": (.p, "description"), "identifier": (.u, "identifier"), "url": (.u, "url"),
                "review": (.p, "review"), "price": (.p, "price"),
            ],
            "h-recipe": [
                "fn": (.p, "name"), "ingredient": (.p, "ingredient"), "yield": (.p, "yield"),
                "instructions": (.e, "instructions"), "duration": (.dt, "duration"), "photo": (.u, "photo"),
                "summary": (.p, "summary"), "author": (.p, "author"), "nutrition": (.p, "nutrition"),
                "category": (.p, "category"),
            ],
            "h-resume": [
                "summary": (.p, "summary"), "contact": (.p, "contact"), "education": (.p, "education"),
                "experience": (.p, "experience"), "skill": (.p, "skill"), "affiliation": (.p, "affiliation"),
            ],
            "h-news": [
                "entry": (.p, "entry"), "source-org": (.p, "source-org"), "dateline": (.p, "dateline"),
                "geo": (.p, "geo"),
            ],
        ]
    }()

    // MARK: - Items

    func parseItem(_ root: HTMLNode, info: RootInfo, depth: Int) -> MF2Item {
        var item = MF2Item(types: info.types)
        item.line = root.line
        item.id = root.id.flatMap { $0.isEmpty ? nil : $0 }
        var sawP = false, sawE = false, sawU = false, sawNested = false
        // Iterative walk over the root's descendants; a nested root is parsed
        // on its own and its subtree skipped.
        root.walk { n in
            guard n.isElement, n.name != "template" else { return false }
            let props = info.legacy ? legacyProperties(n, rootTypes: info.types) : mf2Properties(n)
            if let nested = rootInfo(n), depth < MF2Parser.maxNesting {
                // In a classic root, mf2 roots and properties are not read.
                if info.legacy && !nested.legacy && props.isEmpty { return false }
                sawNested = true
                var child = parseItem(n, info: nested, depth: depth + 1)
                if props.isEmpty {
                    item.children.append(child)
                } else {
                    for (kind, rawName) in props {
                        let name = rawName.hasSuffix("#tag") ? String(rawName.dropLast(4)) : rawName
                        var c = child
                        switch kind {
                        case .p: c.value = c.text("name") ?? textValue(n)
                        case .u: c.value = c.text("url") ?? urlValue(n).text
                        case .dt: c.value = dateValue(n)
                        case .e:
                            c.html = innerHTML(n)
                            c.value = plainText(n)
                        }
                        child = c
                        item.add(name, .item(c))
                        if kind == .p { sawP = true }
                        if kind == .e { sawE = true }
                        if kind == .u { sawU = true }
                    }
                }
                return false
            }
            for (kind, rawName) in props {
                switch kind {
                case .p:
                    if rawName.hasSuffix("#tag") {
                        let href = n.attribute("href") ?? ""
                        let seg = href.split(separator: "/").last.map { String($0) } ?? ""
                        item.add(String(rawName.dropLast(4)), .string(seg.removingPercentEncoding ?? seg))
                    } else {
                        item.add(rawName, .string(textValue(n)))
                    }
                    sawP = true
                case .u:
                    var v = urlValue(n)
                    // Classic microformats have no alt-text form.
                    if info.legacy, case .image(let url, _) = v { v = .string(url) }
                    item.add(rawName, v)
                    sawU = true
                case .dt:
                    item.add(rawName, .string(dateValue(n)))
                case .e:
                    item.add(rawName, .embedded(html: innerHTML(n), value: plainText(n)))
                    sawE = true
                }
            }
            return true
        }
        guard !info.legacy else {
            impliedDates(&item)
            return item
        }
        // Implied properties.
        if !item.has("name") && !sawP && !sawE && !sawNested {
            item.add("name", .string(impliedName(root)))
        }
        if !item.has("photo") && !sawU && !sawNested, let photo = impliedPhoto(root) {
            item.add("photo", photo)
        }
        if !item.has("url") && !sawU && !sawNested, let url = impliedURL(root) {
            item.add("url", .string(url))
        }
        impliedDates(&item)
        return item
    }

    /// dt-end given as a time only takes its date from dt-start.
    func impliedDates(_ item: inout MF2Item) {
        guard let start = item.text("start"), start.count >= 10, let i = item.properties.firstIndex(where: { $0.name == "end" }) else { return }
        let date = String(start.prefix(10))
        item.properties[i].values = item.properties[i].values.map { v in
            if case .string(let s) = v, !s.isEmpty, s.count <= 8 || (s.first.map { $0.isNumber } == true && s.dropFirst(2).first == ":") {
                return .string(date + " " + s)
            }
            return v
        }
    }

    // MARK: - Values

    /// Elements carrying `value` or `value-title` below `n` (not inside
    /// nested microformats or properties).
    func valueParts(_ n: HTMLNode, forDate: Bool = false) -> [String]? {
        var parts: [String] = []
        var found = false
        n.walk { c in
            guard c.isElement else { return false }
            if rootInfo(c) != nil { return false }
            let classes = c.classes
            if classes.contains("value-title") {
                found = true
                parts.append(c.attribute("title") ?? "")
                return false
            }
            if classes.contains("value") {
                found = true
                switch c.name {
                case "img", "area": parts.append(c.attribute("alt") ?? "")
                case "data": parts.append(c.attribute("value") ?? plainText(c))
                case "abbr": parts.append(c.attribute("title") ?? plainText(c))
                case "del", "ins", "time": parts.append(forDate ? (c.attribute("datetime") ?? plainText(c)) : plainText(c))
                default: parts.append(plainText(c))
                }
                return false
            }
            return true
        }
        return found ? parts : nil
    }

    func textValue(_ n: HTMLNode) -> String {
        if let parts = valueParts(n) { return parts.joined() }
        switch n.name {
        case "abbr", "link": if let t = n.attribute("title") { return t }
        case "data", "input": if let v = n.attribute("value") { return v }
        case "img", "area": if let a = n.attribute("alt") { return a }
        default: break
        }
        return plainText(n, imageText: true)
    }

    func urlValue(_ n: HTMLNode) -> MF2Value {
        switch n.name {
        case "a", "area", "link":
            if let h = n.attribute("href") { return .string(resolve(h)) }
        case "img":
            if let s = n.attribute("src") {
                if let alt = n.attribute("alt") { return .image(url: resolve(s), alt: alt) }
                return .string(resolve(s))
            }
        case "audio", "video", "source", "iframe":
            if let s = n.attribute("src") { return .string(resolve(s)) }
            if n.name == "video", let p = n.attribute("poster") { return .string(resolve(p)) }
        case "object":
            if let d = n.attribute("data") { return .string(resolve(d)) }
        default: break
        }
        // Text values of u- properties are URLs too: resolve them.
        func resolved(_ s: String) -> MF2Value { .string(s.isEmpty ? s : resolve(s)) }
        if let parts = valueParts(n) { return resolved(parts.joined()) }
        switch n.name {
        case "abbr": if let t = n.attribute("title") { return resolved(t) }
        case "data", "input": if let v = n.attribute("value") { return resolved(v) }
        default: break
        }
        return resolved(plainText(n))
    }

    func dateValue(_ n: HTMLNode) -> String {
        if let parts = valueParts(n, forDate: true) { return MF2Parser.joinDateParts(parts) }
        switch n.name {
        case "time", "ins", "del": if let d = n.attribute("datetime") { return d }
        case "abbr": if let t = n.attribute("title") { return t }
        case "data", "input": if let v = n.attribute("value") { return v }
        default: break
        }
        return plainText(n)
    }

    /// The value-class pattern for dates: a date, a time and a zone given
    /// in separate elements become "YYYY-MM-DD HH:MM[:SS][zone]".
    static func joinDateParts(_ parts: [String]) -> String {
        var date: String?, time: String?, zone: String?
        for raw in parts {
            let p = raw.trimmingSpaces
            if p.isEmpty { continue }
            let b = Array(p.utf8)
            if date == nil, b.count >= 8, b[4] == 45 { date = p; continue }
            if zone == nil, p == "Z" || ((b.first == 43 || b.first == 45) && b.count >= 3) { zone = p; continue }
            if time == nil, let t = normaliseTime(p) { time = t; continue }
            if date == nil && time == nil { date = p }
        }
        var out = date ?? ""
        if let time {
            out += out.isEmpty ? time : " " + time
            if let zone { out += zone.replacingColon() }
        }
        return out
    }

    /// "5pm" → "17:00", "5:30 p.m." → "17:30", "17:30:05" kept.
    static func normaliseTime(_ s: String) -> String? {
        var t = s.lowercased().replacingOccurrences(of: ".", with: "").replacingOccurrences(of: " ", with: "")
        var pm: Bool?
        if t.hasSuffix("pm") { pm = true; t.removeLast(2) } else if t.hasSuffix("am") { pm = false; t.removeLast(2) }
        let parts = t.split(separator: ":")
        guard !parts.isEmpty, parts.count <= 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }), var h = Int(parts[0]) else { return nil }
        if let pm {
            if pm && h < 12 { h += 12 }
            if !pm && h == 12 { h = 0 }
        } else if parts.count == 1 {
            return nil
        }
        let hh = h < 10 ? "0\(h)" : "\(h)"
        var out = hh + ":" + (parts.count > 1 ? String(parts[1]) : "00")
        if parts.count > 2 { out += ":" + parts[2] }
        return out
    }

    /// Text of an element for p- properties: script and style dropped,
    /// images replaced by their alt text when `imageText`, trimmed.
    func plainText(_ n: HTMLNode, imageText: Bool = false) -> String {
        if n.kind == .text { return n.textContent.trimmingSpaces }
        var out = ""
        n.walk { c in
            switch c.kind {
            case .text:
                out += c.textContent
                return false
            case .element:
                let name = c.name
                if name == "script" || name == "style" || name == "template" { return false }
                if imageText, name == "img" {
                    if let alt = c.attribute("alt") {
                        out += alt
                    } else if let src = c.attribute("src") {
                        out += " " + resolve(src) + " "
                    }
                }
                return true
            default: return false
            }
        }
        return out.trimmingSpaces
    }

    func innerHTML(_ n: HTMLNode) -> String { n.innerHTML.trimmingSpaces }

    func resolve(_ url: String) -> String { BlogText.resolve(url, against: base) }

    // MARK: - Implied properties

    private func only(_ n: HTMLNode, _ names: Set<String>) -> HTMLNode? {
        let kids = n.childElements
        let matching = kids.filter { names.contains($0.name) }
        guard matching.count == 1, rootInfo(matching[0]) == nil else { return nil }
        return matching[0]
    }

    private func onlyChild(_ n: HTMLNode) -> HTMLNode? {
        let kids = n.childElements
        guard kids.count == 1, rootInfo(kids[0]) == nil else { return nil }
        return kids[0]
    }

    func impliedName(_ root: HTMLNode) -> String {
        func direct(_ n: HTMLNode) -> String? {
            switch n.name {
            case "img", "area": return n.attribute("alt")
            case "abbr": return n.attribute("title")
            default: return nil
            }
        }
        if let v = direct(root) { return v }
        if let c = onlyChild(root) {
            if let v = direct(c), (c.name != "img" && c.name != "area") || !(c.attribute("alt") ?? "").isEmpty { return v }
            if let g = onlyChild(c), let v = direct(g), (g.name != "img" && g.name != "area") || !(g.attribute("alt") ?? "").isEmpty {
                return v
            }
        }
        return plainText(root, imageText: true)
    }

    func impliedPhoto(_ root: HTMLNode) -> MF2Value? {
        func direct(_ n: HTMLNode) -> MF2Value? {
            if n.name == "img", let s = n.attribute("src") {
                if let alt = n.attribute("alt") { return .image(url: resolve(s), alt: alt) }
                return .string(resolve(s))
            }
            if n.name == "object", let d = n.attribute("data") { return .string(resolve(d)) }
            return nil
        }
        if let v = direct(root) { return v }
        if let c = only(root, ["img"]), let v = direct(c) { return v }
        if let c = only(root, ["object"]), let v = direct(c) { return v }
        if let c = onlyChild(root) {
            if let g = only(c, ["img"]), let v = direct(g) { return v }
            if let g = only(c, ["object"]), let v = direct(g) { return v }
        }
        return nil
    }

    func impliedURL(_ root: HTMLNode) -> String? {
        func direct(_ n: HTMLNode) -> String? {
            guard n.name == "a" || n.name == "area", let h = n.attribute("href") else { return nil }
            return resolve(h)
        }
        if let v = direct(root) { return v }
        if let c = only(root, ["a"]), let v = direct(c) { return v }
        if let c = only(root, ["area"]), let v = direct(c) { return v }
        if let c = onlyChild(root) {
            if let g = only(c, ["a"]), let v = direct(g) { return v }
            if let g = only(c, ["area"]), let v = direct(g) { return v }
        }
        return nil
    }
}

extension String {
    fileprivate func replacingColon() -> String {
        // "-08:00" and "-0800" are both written as given.
        self
    }
}
