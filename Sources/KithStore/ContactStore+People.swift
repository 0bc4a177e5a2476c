import Foundation
import GRDB
public import KithModel
import KithPipeline

extension ContactStore {
    /// One person: a cluster of records, merged.
    public struct Person: Sendable {
        /// The stable person id (`p-…`).
        public var id: String
        /// The merged contact (id = the person id).
        public var contact: Contact
        /// The uids of the records it merges.
        public var recordUids: [String]
        /// The interactions this person took part in, newest first.
        public var interactions: [Interaction]
    }

    private func now() -> String { Timestamp(secondsSince1970: Int64(Date().timeIntervalSince1970)).isoString }

    /// The active contact records of a person, oldest first.
    static func members(_ db: Database, cluster: String) throws -> [(uid: String, contact: Contact)] {
        // CROSS JOIN: from the person's memberships to their records. Left
        // to choose, SQLite walked every active contact record instead (the
        // kind/state index), which made `export` and `show` on a large store
        // crawl (1M records: 130 ms a person).
        try Row.fetchAll(db, sql: """
            SELECT r.uid, r.body FROM membership m CROSS JOIN record r ON r.id = m.recordId
            WHERE m.clusterId = ? AND r.state = 'active' AND r.kind = 'contact' ORDER BY r.id
            """, arguments: [cluster]).compactMap { row in
            guard case .contact(let c)? = decode(row["body"]) else { return nil }
            return (row["uid"], c)
        }
    }

    /// Merges a person's records (survivorship as in `kith consolidate`).
    static func merged(_ db: Database, cluster: String) throws -> Person? {
        merge(try members(db, cluster: cluster), cluster: cluster, region: MatchOptions.localeRegion)
    }

    /// One person from their records (nil when they have none).
    static func merge(_ members: [(uid: String, contact: Contact)], cluster: String, region: String) -> Person? {
        guard !members.isEmpty else { return nil }
        // E.164 per phone (libphonenumber, the region from the locale and the
        // contact's addresses), so that one number written two ways merges.
        let e164 = members.map { m in
            m.contact.phones.map { p in
                p.e164 ?? PhoneNormalizer.normalize(p.raw, defaultRegion: region, hints: m.contact.addresses.compactMap(\.country).filter { $0.count == 2 }.map { $0.uppercased() }).e164
            }
        }
        var c = Merger().merge(members.map(\.contact), e164: e164)
        c.id = cluster
        return Person(id: cluster, contact: c, recordUids: members.map(\.uid), interactions: [])
    }

    static func clusterOf(_ db: Database, uid: String) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT m.clusterId FROM record r JOIN membership m ON m.recordId = r.id WHERE r.uid = ?
            ORDER BY r.state = 'active' DESC, r.id DESC LIMIT 1
            """, arguments: [uid])
    }

    private static func requireRecord(_ db: Database, _ uid: String) throws {
        guard try Int.fetchOne(db, sql: "SELECT count(*) FROM record WHERE uid = ?", arguments: [uid]) ?? 0 > 0 else {
            throw StoreError(.notFound, "no record with id '\(uid)' in the store ('kith show' lists record ids)")
        }
    }

    private static func addRule(_ db: Database, _ a: String, _ b: String, same: Bool, at: String) throws {
        let (x, y) = a < b ? (a, b) : (b, a)
        try db.execute(sql: "INSERT OR REPLACE INTO rule (uidA, uidB, same, at) VALUES (?, ?, ?, ?)", arguments: [x, y, same ? 1 : 0, at])
        try db.execute(sql: "UPDATE suggestion SET state = ? WHERE uidA = ? AND uidB = ?", arguments: [same ? "accepted" : "rejected", x, y])
    }

    /// Records that `a` and `b` are the same person (a rule kept across
    /// re-imports) and joins their people now.
    public func link(_ a: String, _ b: String) throws {
        guard a != b else { throw StoreError(.invalidRequest, "a record is always the same person as itself") }
        let at = now()
        try database.write { db in
            try Self.requireRecord(db, a)
            try Self.requireRecord(db, b)
            try Self.addRule(db, a, b, same: true, at: at)
            guard let ka = try Self.clusterOf(db, uid: a), let kb = try Self.clusterOf(db, uid: b), ka != kb else { return }
            let (keep, drop) = ka < kb ? (ka, kb) : (kb, ka)
            try db.execute(sql: "UPDATE membership SET clusterId = ? WHERE clusterId = ?", arguments: [keep, drop])
            try db.execute(sql: "DELETE FROM cluster WHERE id = ?", arguments: [drop])
            try db.execute(sql: "INSERT INTO decision (clusterId, recordUid, otherUid, kind, at) VALUES (?, ?, ?, 'rule-same', ?)",
                arguments: [keep, a, b, at])
        }
    }

    /// Records that `a` and `b` are never the same person; if they are in one
    /// person now, `b` (with nothing else) is moved out into a person of its own.
    public func unlink(_ a: String, _ b: String) throws {
        guard a != b else { throw StoreError(.invalidRequest, "a record cannot be kept apart from itself") }
        let at = now()
        try database.write { db in
            try Self.requireRecord(db, a)
            try Self.requireRecord(db, b)
            try Self.addRule(db, a, b, same: false, at: at)
            guard let ka = try Self.clusterOf(db, uid: a), ka == (try Self.clusterOf(db, uid: b)) else { return }
            let fresh = "p-" + String(StableID.hash(b, "unlink", at).prefix(12))
            try db.execute(sql: "INSERT OR IGNORE INTO cluster (id, createdAt) VALUES (?, ?)", arguments: [fresh, at])
            try db.execute(sql: "UPDATE membership SET clusterId = ? WHERE recordId IN (SELECT id FROM record WHERE uid = ?)",
                arguments: [fresh, b])
            try db.execute(sql: "INSERT INTO decision (clusterId, recordUid, otherUid, kind, at) VALUES (?, ?, ?, 'rule-never', ?)",
                arguments: [ka, a, b, at])
        }
    }

    /// Undoes a person: every record becomes a person of its own, and
    /// never-same rules between them keep later imports from merging them
    /// again. Returns the number of people it became.
    @discardableResult
    public func split(_ cluster: String) throws -> Int {
        let at = now()
        return try database.write { db in
            let uids = try String.fetchAll(db, sql: """
                SELECT r.uid FROM record r JOIN membership m ON m.recordId = r.id WHERE m.clusterId = ? ORDER BY r.id
                """, arguments: [cluster])
            guard !uids.isEmpty else { throw StoreError(.notFound, "no person with id '\(cluster)' ('kith show' lists them)") }
            guard uids.count > 1 else { return 1 }
            for (i, a) in uids.enumerated() {
                for b in uids[(i + 1)...] where a != b { try Self.addRule(db, a, b, same: false, at: at) }
            }
            for uid in uids.dropFirst() {
                let fresh = "p-" + String(StableID.hash(uid, "split", at).prefix(12))
                try db.execute(sql: "INSERT OR IGNORE INTO cluster (id, createdAt) VALUES (?, ?)", arguments: [fresh, at])
                try db.execute(sql: "UPDATE membership SET clusterId = ? WHERE recordId IN (SELECT id FROM record WHERE uid = ?)",
                    arguments: [fresh, uid])
            }
            try db.execute(sql: "INSERT INTO decision (clusterId, kind, at) VALUES (?, 'split', ?)", arguments: [cluster, at])
            return uids.count
        }
    }

    /// A pair waiting for a person's decision.
    public struct Suggestion: Hashable, Sendable {
        public var uidA: String
        public var uidB: String
        public var probability: Double
        public var reason: String
        public var nameA: String
        public var nameB: String
    }

    /// Open suggestions, strongest first.
    public func openSuggestions() throws -> [Suggestion] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM suggestion WHERE state = 'open' ORDER BY probability DESC, uidA, uidB").map { row in
                func name(_ uid: String) throws -> String {
                    guard let body = try String.fetchOne(db, sql: "SELECT body FROM record WHERE uid = ? LIMIT 1", arguments: [uid]),
                        case .contact(let c)? = Self.decode(body)
                    else { return uid }
                    return c.name.displayName ?? c.emails.first?.address ?? uid
                }
                return Suggestion(uidA: row["uidA"], uidB: row["uidB"], probability: row["probability"], reason: row["reason"],
                    nameA: try name(row["uidA"]), nameB: try name(row["uidB"]))
            }
        }
    }

    /// Accepts (link) or rejects (unlink) a suggestion.
    public func decide(_ s: Suggestion, accept: Bool) throws {
        if accept { try link(s.uidA, s.uidB) } else { try unlink(s.uidA, s.uidB) }
    }

    /// People whose records mention `query` in a name, e-mail, phone or
    /// organisation (case-insensitive), with their recent interactions.
    public func people(matching query: String, interactionLimit: Int = 10) throws -> [Person] {
        try database.read { db in
            let like = "%" + Self.likeEscaped(query) + "%"
            // An e-mail, a phone number, a "First Last" name or one word
            // (as a family name) is looked up
            // in the blocking-key index (milliseconds; CROSS JOIN keeps
            // SQLite from starting at the million active records instead of
            // the key); anything else, or a
            // lookup that finds nobody, searches every record's text (about
            // two seconds on a million records).
            var clusters: [String] = []
            if let (key, isName) = Self.lookupKey(query) {
                clusters = try String.fetchAll(db, sql: """
                    SELECT DISTINCT m.clusterId FROM blockingKey b CROSS JOIN record r ON r.id = b.recordId
                    CROSS JOIN membership m ON m.recordId = r.id
                    WHERE b.key = ? AND r.state = 'active' AND r.kind = 'contact' AND (? = 0 OR r.body LIKE ? ESCAPE '\\')
                    ORDER BY m.clusterId LIMIT 50
                    """, arguments: [key, isName ? 1 : 0, like])
            }
            if clusters.isEmpty {
                clusters = try String.fetchAll(db, sql: """
                    SELECT DISTINCT m.clusterId FROM record r JOIN membership m ON m.recordId = r.id
                    WHERE r.state = 'active' AND r.kind = 'contact' AND (r.body LIKE ? ESCAPE '\\' OR r.uid = ? OR m.clusterId = ?)
                    ORDER BY m.clusterId LIMIT 50
                    """, arguments: [like, query, query])
            }
            var out: [Person] = []
            for k in clusters {
                guard var p = try Self.merged(db, cluster: k) else { continue }
                p.interactions = try Self.interactions(db, of: p.contact, limit: interactionLimit)
                out.append(p)
            }
            return out
        }
    }

    /// The blocking key a `kith show` query names, if it is an e-mail
    /// address, a phone number, a name with a family part or a single word
    /// (taken as a family name); `isName` when the key should be confirmed
    /// by the text.
    static func lookupKey(_ query: String) -> (key: String, isName: Bool)? {
        let q = query.trimmingCharacters(in: .whitespaces)
        if q.contains("@") { return emailKey(q).map { ($0, false) } }
        if !q.unicodeScalars.contains(where: { $0.properties.isAlphabetic }), let k = phoneKey(q) { return (k, false) }
        // One word: a family name ("Vogt"), found through its family key.
        if !q.isEmpty && !q.contains(" ") {
            let family = NameParser.parse(PersonName(family: q)).family
            return family.isEmpty ? nil : (familyKey(family), true)
        }
        let parsed = NameParser.parse(PersonName(formatted: q))
        guard !parsed.family.isEmpty, !parsed.given.isEmpty else { return nil }
        return (nameKey(parsed), true)
    }

    static func likeEscaped(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// Interactions naming one of the contact's e-mail addresses, newest first.
    static func interactions(_ db: Database, of c: Contact, limit: Int) throws -> [Interaction] {
        var found: [Interaction] = []
        var seen = Set<String>()
        for e in c.emails {
            let rows = try String.fetchAll(db, sql: """
                SELECT body FROM record WHERE kind = 'interaction' AND state = 'active' AND body LIKE ? ESCAPE '\\' LIMIT 1000
                """, arguments: ["%\"email\":\"" + likeEscaped(e.address) + "\"%"])
            for body in rows {
                if case .interaction(let i)? = decode(body), seen.insert(i.id).inserted { found.append(i) }
            }
        }
        found.sort { ($0.timestamp?.secondsSince1970 ?? .min) > ($1.timestamp?.secondsSince1970 ?? .min) }
        return Array(found.prefix(limit))
    }

    /// Every person, merged, then every interaction with its participants
    /// resolved to people, in a stable order.
    public func exportAll(_ body: (CanonicalRecord) throws -> Void) throws {
        try database.read { db in
            // One pass over the memberships in person order (the index holds
            // them so), each person's records in record order: one query in
            // all rather than one per person.
            let hasInteractions = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM record WHERE kind = 'interaction' AND state = 'active')
                """) ?? false
            let region = MatchOptions.localeRegion
            var people: [Contact] = []  // kept only to resolve interactions
            var current: String?
            var members: [(uid: String, contact: Contact)] = []
            func flush() throws {
                guard let k = current, let p = Self.merge(members, cluster: k, region: region) else { return }
                if hasInteractions { people.append(p.contact) }
                try body(.contact(p.contact))
                members.removeAll(keepingCapacity: true)
            }
            let rows = try Row.fetchCursor(db, sql: """
                SELECT m.clusterId, r.uid, r.body FROM membership m CROSS JOIN record r ON r.id = m.recordId
                WHERE r.state = 'active' AND r.kind = 'contact' ORDER BY m.clusterId, m.recordId
                """)
            while let row = try rows.next() {
                let k: String = row[0]
                if k != current {
                    try flush()
                    current = k
                }
                if case .contact(let c)? = Self.decode(row[2]) { members.append((row[1], c)) }
            }
            try flush()
            guard hasInteractions else { return }
            let linker = InteractionLinker(contacts: people)
            let interactions = try String.fetchCursor(
                db, sql: "SELECT body FROM record WHERE kind = 'interaction' AND state = 'active' ORDER BY id")
            while let b = try interactions.next() {
                if case .interaction(let i)? = Self.decode(b) { try body(.interaction(linker.link([i])[0])) }
            }
        }
    }
}
