import KithModel

/// One sighting of a person in a blog export: a post author, a commenter.
struct PersonSighting {
    var name: String?
    var email: String?
    var url: String?
    /// A profile URL (Blogger profile, author page) rather than a home page.
    var profileURL: String?
    var given: String?
    var family: String?
    /// The blog's own user name (WordPress login), when known.
    var login: String?
    var locator: Locator
    var recordId: String?
    /// Set when `email` and `url` were already validated by the caller.
    var emailChecked = false
}

/// Collects the people of one input, merging sightings that share an
/// e-mail address, a web address or a login (within one file these name
/// the same person), and keeps every name variant seen.
///
/// Contacts are emitted at the end of the input: memory grows with the
/// number of distinct people, not with the size of the file.
final class PeopleBook {
    private struct Draft {
        var key: String
        var contact: Contact
        var nameKeys: Set<String>
    }

    private let plugin: String
    private let file: String
    private var drafts: [Draft] = []
    private var index: [String: Int] = [:]
    private var byName: [String: Int] = [:]

    init(plugin: String, file: String) {
        self.plugin = plugin
        self.file = file
    }

    /// The number of distinct people so far.
    var count: Int { drafts.count }

    private static func nameKey(_ s: String) -> String { BlogText.collapse(s).lowercased() }

    /// Records a sighting; returns the contact id it belongs to, or nil when
    /// the sighting identifies nobody (no usable name, address or URL).
    private struct Memo: Hashable {
        var name: String?
        var email: String?
        var url: String?
        var profile: String?
        var login: String?
    }

    /// Sightings already merged: the same values again add nothing, so
    /// they skip normalisation and merging (a frequent commenter repeats).
    private var memo: [Memo: String] = [:]

    @discardableResult
    func add(_ s: PersonSighting) -> String? {
        let m = Memo(name: s.name, email: s.email, url: s.url, profile: s.profileURL, login: s.login)
        if s.given == nil && s.family == nil, let known = memo[m] { return known }
        let id = addSlow(s)
        if let id {
            // Bounded: a huge export with ever-new sightings must not grow
            // the memo without end (it is only a shortcut).
            if memo.count >= 50_000 { memo.removeAll(keepingCapacity: true) }
            memo[m] = id
        }
        return id
    }

    private func addSlow(_ s: PersonSighting) -> String? {
        let name = BlogText.clean(s.name).flatMap { BlogText.isPlaceholderName($0) ? nil : $0 }
        var email = s.emailChecked ? s.email : BlogText.email(s.email)
        if let e = email, BlogText.isPlaceholderEmail(e) { email = nil }
        let url = s.emailChecked ? s.url : BlogText.url(s.url)
        let profile = BlogText.url(s.profileURL)
        let login = BlogText.clean(s.login)

        var keys: [String] = []
        if let email { keys.append("email:" + email.lowercased()) }
        if let login { keys.append("login:" + login.lowercased()) }
        if let profile { keys.append("url:" + BlogText.urlKey(profile)) }
        if let url { keys.append("url:" + BlogText.urlKey(url)) }
        let nameKey = name.map { "name:" + PeopleBook.nameKey($0) }
        // A bare name only identifies someone who left nothing else.
        let nameOnly = keys.isEmpty
        if nameOnly, let nameKey { keys.append(nameKey) }
        guard !keys.isEmpty else { return nil }

        var found = keys.lazy.compactMap { self.index[$0] }.first
        // Within one file the same name is the same person when one side
        // gave nothing but the name.
        if found == nil, let nameKey, let byName = byName[nameKey] {
            if nameOnly || drafts[byName].contact.emails.isEmpty && drafts[byName].contact.urls.isEmpty {
                found = byName
            }
        }
        let slot: Int
        if let found {
            slot = found
        } else {
            let id = StableID.record(plugin: plugin, file: file, locator: s.locator, recordId: keys[0])
            drafts.append(Draft(key: keys[0], contact: Contact(id: id), nameKeys: []))
            slot = drafts.count - 1
        }
        for k in keys where index[k] == nil { index[k] = slot }
        if let nameKey, byName[nameKey] == nil { byName[nameKey] = slot }
        merge(into: slot, name: name, email: email, url: url, profile: profile, login: login, sighting: s)
        return drafts[slot].contact.id
    }

    private func merge(
        into slot: Int, name: String?, email: String?, url: String?, profile: String?, login: String?, sighting s: PersonSighting
    ) {
        // Mutate in place: a copy of the draft would make every append copy
        // the contact's arrays.
        PeopleBook.merge(&drafts[slot], name: name, email: email, url: url, profile: profile, login: login, sighting: s, plugin: plugin, file: file)
    }

    private static func merge(
        _ d: inout Draft, name: String?, email: String?, url: String?, profile: String?, login: String?, sighting s: PersonSighting,
        plugin: String, file: String
    ) {
        var changed = d.contact.sources.isEmpty
        let sourceIndex = d.contact.sources.count
        if let name {
            let k = PeopleBook.nameKey(name)
            if !d.nameKeys.contains(k) {
                d.nameKeys.insert(k)
                let pn = PersonName(formatted: name, given: BlogText.clean(s.given), family: BlogText.clean(s.family))
                if d.contact.name.isEmpty {
                    d.contact.name = pn
                } else {
                    d.contact.alternateNames.append(pn)
                }
                changed = true
            } else if d.contact.name.given == nil, d.contact.name.formatted.map(PeopleBook.nameKey) == k,
                s.given != nil || s.family != nil
            {
                d.contact.name.given = BlogText.clean(s.given)
                d.contact.name.family = BlogText.clean(s.family)
            }
        }
        if let email, !d.contact.emails.contains(where: { $0.address.lowercased() == email.lowercased() }) {
            d.contact.emails.append(EmailAddress(email, sourceRefs: [sourceIndex]))
            changed = true
        }
        if let url, !d.contact.urls.contains(where: { BlogText.urlKey($0.value) == BlogText.urlKey(url) }) {
            d.contact.urls.append(LabeledValue(url, labels: ["homepage"], sourceRefs: [sourceIndex]))
            changed = true
        }
        if let profile, !d.contact.urls.contains(where: { BlogText.urlKey($0.value) == BlogText.urlKey(profile) }) {
            d.contact.urls.append(LabeledValue(profile, labels: ["profile"], sourceRefs: [sourceIndex]))
            changed = true
        }
        if let login, !(d.contact.extensions["blog:login"] ?? []).contains(login) {
            d.contact.extensions["blog:login", default: []].append(login)
            changed = true
        }
        if changed {
            d.contact.sources.append(Provenance(plugin: plugin, file: file, locator: s.locator, recordId: s.recordId))
        }
    }

    /// Every contact, in order of first sighting. A contact whose values
    /// all came from its first source has no per-value source references.
    func contacts() -> [Contact] {
        drafts.map { d in
            var c = d.contact
            if c.sources.count == 1 {
                for k in c.emails.indices { c.emails[k].sourceRefs = [] }
                for k in c.urls.indices { c.urls[k].sourceRefs = [] }
            }
            return c
        }
    }
}
