public import KithModel
internal import OrderedCollections

/// Merges the contacts of one cluster into one, keeping every distinct value
/// and where it came from.
///
/// Survivorship rules:
/// - `sources` is every member's sources, in input order; each value's
///   `sourceRefs` point into it (a member value with empty refs gets all of
///   that member's sources).
/// - E-mails (distinct by lower-case address), phones (by E.164 and
///   extension, else by digits), addresses, organisations, URLs, handles,
///   related people, nicknames, notes, categories, anniversaries and
///   extension values are all kept; duplicates are joined, uniting labels and
///   sources; `preferred` holds if any source said so.
/// - The primary name is the most complete one (most of given, family,
///   middle, prefix, suffix present), then the most often seen, then the one
///   from the latest source; every other distinct name is kept in
///   `alternateNames`.
/// - Single-valued fields (birthday, gender, photo, type) take the most often
///   given value, ties to the earliest source. When members disagree, every
///   distinct value is also kept in `extensions["kith.conflict.FIELD"]`, so
///   the conflict stays visible.
/// - Phones get their E.164 form filled in where the normaliser found one.
/// - The merged id is `kith:` + a hash of the member ids (a single record
///   keeps its own id), so the same input gives the same ids.
public struct Merger: Sendable {
    /// The standard survivorship rules.
    public init() {}

    /// Merges `members` (in input order). `e164` gives, per member, the E.164
    /// form of each of its phones (nil where unknown); may be empty.
    public func merge(_ members: [Contact], e164: [[String?]] = []) -> Contact {
        precondition(!members.isEmpty)
        if members.count == 1 {
            var c = members[0]
            fillE164(&c, e164.first ?? [])
            return c
        }
        var out = Contact(id: "kith:" + StableID.hash(members.map(\.id)))
        var offsets: [Int] = []
        for m in members {
            offsets.append(out.sources.count)
            out.sources += m.sources.isEmpty ? [Provenance(plugin: "unknown", file: "", recordId: m.id)] : m.sources
        }
        func refs(_ k: Int, _ own: [Int]) -> [Int] {
            let n = max(1, members[k].sources.count)
            let local = own.isEmpty ? Array(0..<n) : own.filter { $0 >= 0 && $0 < n }
            return local.map { $0 + offsets[k] }
        }
        func union(_ a: [Int], _ b: [Int]) -> [Int] { Array(Set(a + b)).sorted() }
        func unionLabels(_ a: [String], _ b: [String]) -> [String] { Array(OrderedSet(a + b)) }

        // E-mails.
        var emails = OrderedDictionary<String, EmailAddress>()
        for (k, m) in members.enumerated() {
            for e in m.emails {
                let key = e.address.lowercased()
                let r = refs(k, e.sourceRefs)
                if var have = emails[key] {
                    have.labels = unionLabels(have.labels, e.labels)
                    have.preferred = have.preferred || e.preferred
                    have.sourceRefs = union(have.sourceRefs, r)
                    emails[key] = have
                } else {
                    var e2 = e
                    e2.sourceRefs = r
                    emails[key] = e2
                }
            }
        }
        out.emails = Array(emails.values)
        // Phones.
        var phones = OrderedDictionary<String, PhoneNumber>()
        for (k, m) in members.enumerated() {
            for (pi, p) in m.phones.enumerated() {
                var p2 = p
                if p2.e164 == nil, k < e164.count, pi < e164[k].count { p2.e164 = e164[k][pi] }
                let digits = String(decoding: p.raw.utf8.filter { $0 >= 48 && $0 <= 57 }, as: UTF8.self)
                let key = p2.e164.map { $0 + "|" + Self.extensionOf(p.raw) } ?? digits
                let r = refs(k, p.sourceRefs)
                if var have = phones[key] {
                    have.labels = unionLabels(have.labels, p.labels)
                    have.preferred = have.preferred || p.preferred
                    have.sourceRefs = union(have.sourceRefs, r)
                    phones[key] = have
                } else {
                    p2.sourceRefs = r
                    phones[key] = p2
                }
            }
        }
        out.phones = Array(phones.values)
        // Addresses, organisations, labelled values.
        out.addresses = collect(members, \.addresses, refs: refs) { a in
            [a.poBox, a.extended, a.street, a.locality, a.region, a.postalCode, a.country, a.formatted]
                .map { TextFolding.fold($0 ?? "") }.joined(separator: "|")
        } combine: { have, new, r in
            have.labels = unionLabels(have.labels, new.labels)
            have.preferred = have.preferred || new.preferred
            have.sourceRefs = union(have.sourceRefs, r)
        } set: { $0.sourceRefs = $1 }
        out.organizations = collect(members, \.organizations, refs: refs) { o in
            [o.name, o.department, o.title, o.role].map { TextFolding.fold($0 ?? "") }.joined(separator: "|")
        } combine: { have, _, r in
            have.sourceRefs = union(have.sourceRefs, r)
        } set: { $0.sourceRefs = $1 }
        for path in [\Contact.urls, \Contact.handles, \Contact.related] {
            out[keyPath: path] = collect(members, path, refs: refs) { v in
                v.labels.sorted().joined(separator: ",") + "|" + v.value.lowercased()
            } combine: { have, new, r in
                have.labels = unionLabels(have.labels, new.labels)
                have.preferred = have.preferred || new.preferred
                have.sourceRefs = union(have.sourceRefs, r)
            } set: { $0.sourceRefs = $1 }
        }
        // Names.
        var names: [(name: PersonName, key: String, index: Int)] = []
        for (k, m) in members.enumerated() {
            for n in [m.name] + m.alternateNames where !n.isEmpty {
                names.append((n, TextFolding.fold(n.displayName ?? ""), k))
            }
        }
        var freq: [String: Int] = [:]
        for n in names { freq[n.key, default: 0] += 1 }
        func completeness(_ n: PersonName) -> Int {
            [n.given, n.family, n.middle, n.prefix, n.suffix].count { !($0 ?? "").isEmpty } * 2
                + ((n.formatted ?? "").isEmpty ? 0 : 1)
        }
        if let best = names.max(by: { a, b in
            (completeness(a.name), freq[a.key] ?? 0, a.index) < (completeness(b.name), freq[b.key] ?? 0, b.index)
        }) {
            out.name = best.name
            var seen: Set<PersonName> = [best.name]
            for n in names where seen.insert(n.name).inserted { out.alternateNames.append(n.name) }
        }
        out.nicknames = Array(OrderedSet(members.flatMap(\.nicknames)))
        out.notes = Array(OrderedSet(members.flatMap(\.notes)))
        out.categories = Array(OrderedSet(members.flatMap(\.categories)))
        out.members = Array(OrderedSet(members.flatMap(\.members)))
        out.anniversaries = Array(OrderedSet(members.flatMap(\.anniversaries)))
        var ext: [String: [String]] = [:]
        for m in members {
            for (k, v) in m.extensions { ext[k] = Array(OrderedSet((ext[k] ?? []) + v)) }
        }
        // Single-valued fields.
        func pick<T: Hashable>(_ field: String, _ values: [T?], text: (T) -> String) -> T? {
            let present = values.compactMap { $0 }
            guard !present.isEmpty else { return nil }
            var counts: [T: Int] = [:]
            for v in present { counts[v, default: 0] += 1 }
            let distinct = Array(OrderedSet(present))
            if distinct.count > 1 { ext["kith.conflict.\(field)"] = distinct.map(text) }
            return distinct.max { (counts[$0]!, -distinct.firstIndex(of: $0)!) < (counts[$1]!, -distinct.firstIndex(of: $1)!) }
        }
        out.birthday = pick("birthday", members.map(\.birthday)) { $0.isoString }
        out.gender = pick("gender", members.map(\.gender)) { $0 }
        out.photo = pick("photo", members.map(\.photo)) { $0 }
        out.type = pick("type", members.map(\.type)) { $0.rawValue } ?? .individual
        out.extensions = ext
        return out
    }

    private func fillE164(_ c: inout Contact, _ e164: [String?]) {
        for i in c.phones.indices where c.phones[i].e164 == nil && i < e164.count { c.phones[i].e164 = e164[i] }
    }

    /// The digits after an extension marker ("x", "ext", "#", ";ext=").
    static func extensionOf(_ raw: String) -> String {
        let b = Array(raw.utf8)
        var i = 0
        while i < b.count {
            let c = b[i] | 0x20
            if c == UInt8(ascii: "x") || b[i] == UInt8(ascii: "#") || (c == UInt8(ascii: "e") && i + 2 < b.count
                && b[i + 1] | 0x20 == UInt8(ascii: "x") && b[i + 2] | 0x20 == UInt8(ascii: "t"))
            {
                return String(decoding: b[(i + 1)...].filter { $0 >= 48 && $0 <= 57 }, as: UTF8.self)
            }
            i += 1
        }
        return ""
    }

    private func collect<V>(
        _ members: [Contact], _ path: KeyPath<Contact, [V]>, refs: (Int, [Int]) -> [Int], key: (V) -> String,
        combine: (inout V, V, [Int]) -> Void, set: (inout V, [Int]) -> Void
    ) -> [V] where V: Hashable {
        var out = OrderedDictionary<String, V>()
        for (k, m) in members.enumerated() {
            for v in m[keyPath: path] {
                let r = refs(k, Self.refsOf(v))
                let kk = key(v)
                if var have = out[kk] {
                    combine(&have, v, r)
                    out[kk] = have
                } else {
                    var v2 = v
                    set(&v2, r)
                    out[kk] = v2
                }
            }
        }
        return Array(out.values)
    }

    private static func refsOf<V>(_ v: V) -> [Int] {
        switch v {
        case let x as PostalAddress: x.sourceRefs
        case let x as Organization: x.sourceRefs
        case let x as LabeledValue: x.sourceRefs
        default: []
        }
    }
}
