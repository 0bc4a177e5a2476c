import KithModel

/// The people (and lists, and machines) seen in one input, one entry per
/// distinct address (compared case-insensitively), with every display name
/// used for it and how often.
///
/// Memory grows with the number of distinct addresses, not of messages; the
/// contacts are emitted once, at the end of the input.
struct ContactBook {
    /// What is read and written for every participant, kept apart from the
    /// rest of an entry (`Entry`) in one contiguous array: a commit then
    /// reads two small places per participant (its index slot and these
    /// counters) instead of a dictionary's storage, an object, its key
    /// string and its name list.
    struct Counts {
        /// UTF-8 length of the entry's key (a hash match of another length
        /// is another address).
        var keyLength: Int
        var role: AddressRole?
        var lastMessage = 0
        var messages = 0
        var sent = 0
        /// The first name seen (its hash; 0: none yet) and how often it was
        /// used; it is also `Entry.names[0]`, whose count is kept here.
        var firstNameHash: UInt64 = 0
        var firstNameCount = 0
    }

    final class Entry {
        var address: String?
        var key: String
        /// Names in first-seen order; the first one's count is in `Counts`.
        var names: [(name: String, hash: UInt64, count: Int)] = []
        var first: Locator
        var listID: String?
        var listName: String?
        var isOwner = false
        /// Organisations named in the `Organization` field of messages it sent.
        var organizations: [String] = []

        init(address: String?, key: String, first: Locator) {
            self.address = address
            self.key = key
            self.first = first
        }
    }

    private var index = HashIndex()
    private var counts: [Counts] = []
    private var entries: [Entry] = []

    /// Notes `address` (with `name`, if any) in message `record`.
    mutating func add(address: String, name: String?, at locator: Locator, asSender: Bool, role: AddressRole?) {
        add(address: address, name: name, keys: Self.keys(address: address, name: name), at: locator, asSender: asSender, role: role)
    }

    /// The lookup keys of a participant: its folded address hash and its
    /// name's hash (0 for no usable name). Pure, so parsing threads compute them.
    static func keys(address: String, name: String?) -> (address: UInt64, name: UInt64) {
        (foldedHash(address), nameKey(name))
    }

    /// The name part of `keys(address:name:)`: 0 for no name or one that
    /// holds `@`, else its FNV-1a hash (at least 1). One pass.
    static func nameKey(_ name: String?) -> UInt64 {
        guard let name else { return 0 }
        return name.withBytes { p in
            var h = FNV1a()
            for b in p {
                if b == 0x40 { return 0 }
                h.add(b)
            }
            return max(1, h.value)
        }
    }

    /// `foldedHash(s)` and whether `s` holds `@`, in one pass.
    static func foldedHashAndAt(_ s: String) -> (hash: UInt64, hasAt: Bool) {
        s.withBytes { p in
            var h = FNV1a()
            var at = false
            for b in p {
                at = at || b == 0x40
                h.add(b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
            }
            return (h.value, at)
        }
    }

    /// Notes `address` with precomputed `keys` (see `keys(address:name:)`).
    mutating func add(
        address: String, name: String?, keys: (address: UInt64, name: UInt64), at locator: Locator, asSender: Bool,
        role: AddressRole?, organization: String? = nil
    ) {
        let h = keys.address
        let length = address.utf8.count
        let i: Int
        if let k = index[h], counts[k].keyLength == length {
            i = k
        } else {
            let key = address.lowercased()
            i = entries.count
            index[h] = i
            entries.append(Entry(address: address, key: key, first: locator))
            counts.append(Counts(keyLength: key.utf8.count, role: role ?? AddressRole.classify(address: key)))
        }
        counts.withUnsafeMutableBufferPointer { all in
            let c = all.baseAddress! + i
            if let role, c.pointee.role != .mailingList { c.pointee.role = role }
            if let r = locator.record, c.pointee.lastMessage != r {
                c.pointee.lastMessage = r
                c.pointee.messages += 1
            }
            if asSender { c.pointee.sent += 1 }
            // A name that is itself an address says nothing about the person.
            if let name, keys.name != 0 {
                if c.pointee.firstNameHash == keys.name {
                    c.pointee.firstNameCount += 1
                } else {
                    let entry = entries[i]
                    if entry.names.isEmpty {
                        c.pointee.firstNameHash = keys.name
                        c.pointee.firstNameCount = 1
                        entry.names.append((name, keys.name, 0))
                    } else if let n = entry.names.firstIndex(where: { $0.hash == keys.name }) {
                        entry.names[n].count += 1
                    } else if entry.names.count < 50 {
                        entry.names.append((name, keys.name, 1))
                    }
                }
            }
        }
        if let organization {
            let entry = entries[i]
            if entry.organizations.count < 10, !entry.organizations.contains(organization) {
                entry.organizations.append(organization)
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
            counts.append(Counts(keyLength: key.utf8.count, role: nil))
        }
        let entry = entries[i]
        counts[i].role = .mailingList
        entry.listID = id
        if let name, entry.listName == nil { entry.listName = name }
        if let r = locator.record, counts[i].lastMessage != r {
            counts[i].lastMessage = r
            counts[i].messages += 1
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
        return entries.indices.map { i in
            let e = entries[i]
            let n = counts[i]
            var names = e.names
            if !names.isEmpty { names[0].count = n.firstNameCount }
            // The most used name first; ties keep the first seen.
            let ranked = names.enumerated().sorted { a, b in
                a.element.count != b.element.count ? a.element.count > b.element.count : a.offset < b.offset
            }.map(\.element.name)
            var c = Contact(id: ids.contactID(key: e.key))
            switch n.role {
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
            if let role = n.role {
                c.categories = [role.rawValue]
                c.extensions["kith:role"] = [role.rawValue]
            }
            if e.isOwner { c.extensions["kith:owner"] = ["true"] }
            c.extensions["mail:messages"] = [String(n.messages)]
            if n.sent > 0 { c.extensions["mail:sent"] = [String(n.sent)] }
            // The record id is the lower-cased address (or "list:" and the
            // List-Id): one message names several people, so the first
            // message's place alone named several contacts alike in review
            // files, rules and `--clusters-out`, and a store keyed them by
            // content, which changes with every new display name.
            c.sources = [Provenance(plugin: plugin, file: file, locator: e.first, recordId: e.key)]
            return c
        }
    }
}

/// A map from 64-bit hashes to array positions, as `Dictionary<UInt64, Int>`
/// behaves, written by hand for the commit's hot loop: open addressing
/// with linear probing over one array of 16-byte slots, so a lookup reads
/// one cache line (a `Dictionary` reads its bitmap, keys and values apart)
/// and hashes nothing (the keys are hashes already).
struct HashIndex {
    private struct Slot {
        var key: UInt64 = 0
        /// Position + 1; 0 marks a free slot.
        var value: UInt32 = 0
    }

    private var slots: [Slot] = []
    private(set) var count = 0

    subscript(key: UInt64) -> Int? {
        get {
            guard !slots.isEmpty else { return nil }
            return slots.withUnsafeBufferPointer { s in
                let mask = s.count - 1
                var i = Self.home(key, mask)
                while s[i].value != 0 {
                    if s[i].key == key { return Int(s[i].value) - 1 }
                    i = (i + 1) & mask
                }
                return nil
            }
        }
        set {
            guard let v = newValue else { preconditionFailure("HashIndex: removal is not supported") }
            if (count + 1) * 2 > slots.count { grow() }
            let stored = UInt32(v + 1)
            let added = slots.withUnsafeMutableBufferPointer { s -> Bool in
                let mask = s.count - 1
                var i = Self.home(key, mask)
                while s[i].value != 0 {
                    if s[i].key == key {
                        s[i].value = stored
                        return false
                    }
                    i = (i + 1) & mask
                }
                s[i] = Slot(key: key, value: stored)
                return true
            }
            if added { count += 1 }
        }
    }

    /// The keys are FNV-1a hashes, whose low bits are weak for similar
    /// inputs: mix before taking them.
    @inline(__always)
    private static func home(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(), count: max(64, old.count * 2))
        count = 0
        for s in old where s.value != 0 { self[s.key] = Int(s.value) - 1 }
    }
}
