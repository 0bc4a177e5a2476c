import KithModel

/// The people (and lists, and machines) seen in one input, one entry per
/// distinct address (compared case-insensitively), with every display name
/// used for it and how often.
///
/// Memory grows with the number of distinct addresses, not of messages; the
/// contacts are emitted once, at the end of the input.
struct ContactBook {
    final class Entry {
        var address: String?
        var key: String
        var names: [(name: String, hash: UInt64, count: Int)] = []
        var first: Locator
        var role: AddressRole?
        var listID: String?
        var listName: String?
        var messages = 0
        var lastMessage = 0
        var sent = 0
        var isOwner = false
        /// Organisations named in the `Organization` field of messages it sent.
        var organizations: [String] = []

        init(address: String?, key: String, first: Locator, role: AddressRole? = nil) {
            self.address = address
            self.key = key
            self.first = first
            self.role = role
        }
    }

    private var index: [UInt64: Int] = [:]
    private(set) var entries: [Entry] = []

    /// Notes `address` (with `name`, if any) in message `record`.
    mutating func add(address: String, name: String?, at locator: Locator, asSender: Bool, role: AddressRole?) {
        add(address: address, name: name, keys: Self.keys(address: address, name: name), at: locator, asSender: asSender, role: role)
    }

    /// The lookup keys of a participant: its folded address hash and its
    /// name's hash (0 for no usable name). Pure, so parsing threads compute them.
    static func keys(address: String, name: String?) -> (address: UInt64, name: UInt64) {
        var nh: UInt64 = 0
        if let name {
            nh = name.withBytes { $0.contains(0x40) ? 0 : max(1, fnv1a($0)) }
        }
        return (foldedHash(address), nh)
    }

    /// Notes `address` with precomputed `keys` (see `keys(address:name:)`).
    mutating func add(
        address: String, name: String?, keys: (address: UInt64, name: UInt64), at locator: Locator, asSender: Bool,
        role: AddressRole?, organization: String? = nil
    ) {
        let h = keys.address
        let i: Int
        if let k = index[h], entries[k].key.utf8.count == address.utf8.count {
            i = k
        } else {
            let key = address.lowercased()
            i = entries.count
            index[h] = i
            entries.append(Entry(address: address, key: key, first: locator, role: role ?? AddressRole.classify(address: key)))
        }
        let entry = entries[i]
        if let role, entry.role != .mailingList { entry.role = role }
        if let r = locator.record, entry.lastMessage != r {
            entry.lastMessage = r
            entry.messages += 1
        }
        if asSender { entry.sent += 1 }
        if let organization, entry.organizations.count < 10, !entry.organizations.contains(organization) {
            entry.organizations.append(organization)
        }
        // A name that is itself an address says nothing about the person.
        if let name, keys.name != 0 {
            if let n = entry.names.firstIndex(where: { $0.hash == keys.name }) {
                entry.names[n].count += 1
            } else if entry.names.count < 50 {
                entry.names.append((name, keys.name, 1))
            }
        }
    }

    /// Marks a mailing list, by its posting address when known, else by its id.
    mutating func addList(id: String, name: String?, postAddress: String?, at locator: Locator) {
        let key = postAddress?.lowercased() ?? "list:" + id.lowercased()
        let h = Self.foldedHash(key)
        let i: Int
        if let k = index[h] {
            i = k
        } else {
            i = entries.count
            index[h] = i
            entries.append(Entry(address: postAddress, key: key, first: locator))
        }
        let entry = entries[i]
        entry.role = .mailingList
        entry.listID = id
        if let name, entry.listName == nil { entry.listName = name }
        if let r = locator.record, entry.lastMessage != r {
            entry.lastMessage = r
            entry.messages += 1
        }
    }

    mutating func markOwner(_ key: String) {
        if let i = index[Self.foldedHash(key)] { entries[i].isOwner = true }
    }

    /// FNV-1a over the address with ASCII letters folded to lower case, so
    /// that lookups need no lower-cased copy. 64 bits: a collision among
    /// the addresses of one archive is not a practical concern.
    static func foldedHash(_ s: String) -> UInt64 {
        s.withBytes { p in
            var h = FNV1a()
            for b in p { h.add(b >= 0x41 && b <= 0x5A ? b | 0x20 : b) }
            return h.value
        }
    }

    /// The contacts, in first-seen order.
    func contacts(plugin: String, file: String) -> [Contact] {
        let ids = RecordIDs(plugin: plugin, file: file)
        return entries.map { e in
            // The most used name first; ties keep the first seen.
            let ranked = e.names.enumerated().sorted { a, b in
                a.element.count != b.element.count ? a.element.count > b.element.count : a.offset < b.offset
            }.map(\.element.name)
            var c = Contact(id: ids.contactID(key: e.key))
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
            c.organizations = e.organizations.map { Organization(name: $0) }
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
