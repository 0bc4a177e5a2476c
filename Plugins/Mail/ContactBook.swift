import KithModel

/// The people (and lists, and machines) seen in one input, one entry per
/// distinct address (compared case-insensitively), with every display name
/// used for it and how often.
///
/// Memory grows with the number of distinct addresses, not of messages; the
/// contacts are emitted once, at the end of the input.
struct ContactBook {
    struct Entry {
        var address: String?
        var key: String
        var names: [(name: String, count: Int)] = []
        var first: Locator
        var role: AddressRole?
        var listID: String?
        var listName: String?
        var messages = 0
        var lastMessage = 0
        var sent = 0
        var isOwner = false
    }

    private var index: [String: Int] = [:]
    private(set) var entries: [Entry] = []

    /// Notes `address` (with `name`, if any) in message `record`.
    mutating func add(address: String, name: String?, at locator: Locator, asSender: Bool, role: AddressRole?) {
        let key = address.lowercased()
        let i: Int
        if let k = index[key] {
            i = k
        } else {
            i = entries.count
            index[key] = i
            entries.append(Entry(address: address, key: key, first: locator, role: role ?? AddressRole.classify(address: key)))
        }
        if let role, entries[i].role != .mailingList { entries[i].role = role }
        if let r = locator.record, entries[i].lastMessage != r {
            entries[i].lastMessage = r
            entries[i].messages += 1
        }
        if asSender { entries[i].sent += 1 }
        // A name that is itself an address says nothing about the person.
        if let name, !name.contains("@") {
            if let n = entries[i].names.firstIndex(where: { $0.name == name }) {
                entries[i].names[n].count += 1
            } else if entries[i].names.count < 50 {
                entries[i].names.append((name, 1))
            }
        }
    }

    /// Marks a mailing list, by its posting address when known, else by its id.
    mutating func addList(id: String, name: String?, postAddress: String?, at locator: Locator) {
        let key = postAddress?.lowercased() ?? "list:" + id.lowercased()
        let i: Int
        if let k = index[key] {
            i = k
        } else {
            i = entries.count
            index[key] = i
            entries.append(Entry(address: postAddress, key: key, first: locator))
        }
        entries[i].role = .mailingList
        entries[i].listID = id
        if let name, entries[i].listName == nil { entries[i].listName = name }
        if let r = locator.record, entries[i].lastMessage != r {
            entries[i].lastMessage = r
            entries[i].messages += 1
        }
    }

    mutating func markOwner(_ key: String) {
        if let i = index[key] { entries[i].isOwner = true }
    }

    /// The contacts, in first-seen order.
    func contacts(plugin: String, file: String) -> [Contact] {
        entries.map { e in
            // The most used name first; ties keep the first seen.
            let ranked = e.names.enumerated().sorted { a, b in
                a.element.count != b.element.count ? a.element.count > b.element.count : a.offset < b.offset
            }.map(\.element.name)
            var c = Contact(id: "\(plugin):\(StableID.hash(file, "contact", e.key))")
            switch e.role {
            case .mailingList: c.type = .group
            case .machine, .role: c.type = .organization
            case nil: c.type = .individual
            }
            if let first = ranked.first {
                c.name = PersonName(formatted: first)
                c.alternateNames = ranked.dropFirst().map { PersonName(formatted: $0) }
            } else if let ln = e.listName {
                c.name = PersonName(formatted: ln)
            }
            if let a = e.address { c.emails = [EmailAddress(a)] }
            if let id = e.listID { c.handles = [LabeledValue(id, labels: ["list-id"])] }
            if let role = e.role {
                c.categories = [role.rawValue]
                c.extensions["kith:role"] = [role.rawValue]
            }
            if e.isOwner { c.extensions["kith:owner"] = ["true"] }
            c.extensions["mail:messages"] = [String(e.messages)]
            if e.sent > 0 { c.extensions["mail:sent"] = [String(e.sent)] }
            c.sources = [Provenance(plugin: plugin, file: file, locator: e.first)]
            return c
        }
    }
}
