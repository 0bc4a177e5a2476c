import Foundation
import GRDB
import KithModel
import KithPipeline

/// Incremental matching: a changed record is compared only with the records
/// that share a blocking key with it (looked up in the `blockingKey` index),
/// never with the whole store. Existing people never split on import: a
/// record joins the person most of its matches belong to, or starts a new one;
/// a record that would bridge two people is suggested for review instead.
extension ContactStore {
    /// Keys shared by more records than this are not used to find candidates
    /// (an office switchboard, `info@`): they would make the work quadratic.
    static let maxKeyFrequency = 200
    /// Stored records added to a small incremental match so that the model
    /// can be estimated on enough data.
    static let contextSample = 150

    /// Cheap blocking keys of a contact: canonical e-mails, the last nine
    /// digits of each phone, folded family name with the first initial, and
    /// folded URLs.
    static func blockingKeys(_ c: Contact) -> Set<String> {
        var keys = Set<String>()
        for e in c.emails { if let k = emailKey(e.address) { keys.insert(k) } }
        for p in c.phones { if let k = phoneKey(p.e164 ?? p.raw) { keys.insert(k) } }
        // NameParser gives folded parts, "Last, First" order resolved.
        let parsed = NameParser.parse(c.name)
        if !parsed.family.isEmpty {
            keys.insert(nameKey(parsed))
            keys.insert(familyKey(parsed.family))
        }
        for u in c.urls {
            var f = Substring(u.value.lowercased())
            for prefix in ["https://", "http://", "www."] where f.hasPrefix(prefix) { f = f.dropFirst(prefix.count) }
            while f.hasSuffix("/") { f = f.dropLast() }
            if f.count > 3 { keys.insert("u:" + f) }
        }
        return keys
    }

    // The key forms, shared by indexing and by `kith show`'s lookups.
    static func emailKey(_ address: String) -> String? { EmailNormalizer.normalize(address).map { "e:" + $0.canonical } }
    static func phoneKey(_ number: String) -> String? {
        let d = digits(number)
        return d.count >= 7 ? "p:" + String(d.suffix(9)) : nil
    }
    static func nameKey(_ parsed: ParsedName) -> String { "n:" + parsed.family + "|" + (parsed.given.first.map(String.init) ?? "") }
    static func familyKey(_ folded: String) -> String { "f:" + folded }

    /// The digits of a phone number as written (ASCII digits directly; other
    /// scripts' digits, rare, through their Unicode properties).
    public static func digits(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: s.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self)
        }
        return s.unicodeScalars.filter { $0.properties.numericType != nil }.map(String.init).joined()
    }

    /// Matches the `changed` contact records against the store and records
    /// their people, suggestions and decisions. Returns how many were
    /// matched and whether the store's kept model was used.
    func assignClusters(_ db: Database, changed: ChangedContacts) throws -> (matched: Int, usedStoredModel: Bool) {
        guard !changed.isEmpty else { return (0, false) }
        var clock = Date()
        func lap(_ name: String) {
            phaseTimes[name, default: 0] += Date().timeIntervalSince(clock)
            clock = Date()
        }
        // 1. Index the changed records' keys.
        let deleteKeys = try db.cachedStatement(sql: "DELETE FROM blockingKey WHERE recordId = ?")
        let insertKey = try db.cachedStatement(sql: "INSERT OR IGNORE INTO blockingKey (key, recordId) VALUES (?, ?)")
        for i in 0..<changed.count where !changed.isNew[i] { try deleteKeys.execute(arguments: [changed.rowIDs[i]]) }
        // Keys are computed on all cores, then inserted in key order so that
        // the (key, record) b-tree grows at its end, not at random places.
        let bodies = changed.bodies.sealed()
        let rowIDsOfChanged = changed.rowIDs
        let parts = max(1, min(64, changed.count / 5000))
        let pieces: [[(key: String, rowID: Int64)]] = parallelMap(parts) { p in
            var out: [(key: String, rowID: Int64)] = []
            for i in bodies.count * p / parts..<bodies.count * (p + 1) / parts {
                for k in Self.blockingKeys(bodies.contact(at: i)) { out.append((k, rowIDsOfChanged[i])) }
            }
            return out
        }
        var entries = pieces.flatMap { $0 }
        entries.sort { ($0.key, $0.rowID) < ($1.key, $1.rowID) }
        lap("compute and sort keys")
        var changedKeys: [String] = []  // distinct, sorted
        for e in entries {
            try insertKey.execute(arguments: [e.key, e.rowID])
            if changedKeys.last != e.key { changedKeys.append(e.key) }
        }
        entries = []
        let changedIDs = Set(changed.rowIDs)
        lap("index keys")
        // Counted only up to what the decision below needs (the index on
        // kind/state/id keeps this cheap; a full count of a large store is not).
        let active = try Int.fetchOne(db, sql: """
            SELECT count(*) FROM (SELECT 1 FROM record WHERE kind = 'contact' AND state = 'active' LIMIT ?)
            """, arguments: [changed.count * 2 + Self.contextSample + 1]) ?? 0
        // 2. The stored records to compare with. When this import brings most
        // of the store, that is simply all of it (one full matching run);
        // otherwise the records sharing a not-too-frequent key, plus an evenly
        // spread context sample: the model is estimated on the data at hand
        // (EM), which a handful of new records cannot support. Context records
        // never change person; they inform the estimate and vote if they match.
        var others = Set<Int64>()
        let kept = changed.count < Self.modelMinimumRecords ? try Self.storedModel(db) : nil
        if active > changed.count {
            if changed.count * 2 >= active {
                others = Set(try Int64.fetchAll(db, sql: "SELECT id FROM record WHERE kind = 'contact' AND state = 'active'"))
            } else {
                let lookup = try db.cachedStatement(sql: """
                    SELECT b.recordId FROM blockingKey b JOIN record r ON r.id = b.recordId AND r.state = 'active'
                    WHERE b.key = ? LIMIT ?
                    """)
                for k in changedKeys {
                    let ids = try Int64.fetchAll(lookup, arguments: [k, Self.maxKeyFrequency + 1])
                    if ids.count <= Self.maxKeyFrequency { others.formUnion(ids) }
                }
                // An evenly spread sample, for estimating a model (not needed
                // when the store keeps one): one index seek per sample point
                // between the smallest and largest record id.
                // Two queries: SQLite answers min() or max() alone from the
                // rowid b-tree, but scans the table for both at once (1.6 s on 1M).
                let lo = try Int64.fetchOne(db, sql: "SELECT min(id) FROM record") ?? 0
                let hi = try Int64.fetchOne(db, sql: "SELECT max(id) FROM record") ?? 0
                let seek = try db.cachedStatement(sql: """
                    SELECT id FROM record WHERE kind = 'contact' AND state = 'active' AND id >= ? ORDER BY id LIMIT 1
                    """)
                let points = Int64(kept == nil ? Self.contextSample : 0)
                for k in 0..<points where hi > lo {
                    if let id = try Int64.fetchOne(seek, arguments: [lo + (hi - lo) * k / points]) { others.insert(id) }
                }
            }
            others.subtract(changedIDs)
        }
        // 3. Load them with their current people, packed after the changed
        // ones (their bodies are the same JSON lines).
        var packed = changed.bodies
        var rowIDs = changed.rowIDs
        var uids = changed.uids
        var clusterOf: [String?] = []
        rowIDs.reserveCapacity(changed.count + others.count)
        uids.reserveCapacity(changed.count + others.count)
        clusterOf.reserveCapacity(changed.count + others.count)
        let memberOf = try db.cachedStatement(sql: "SELECT clusterId FROM membership WHERE recordId = ?")
        for i in 0..<changed.count {
            clusterOf.append(changed.isNew[i] ? nil : try String.fetchOne(memberOf, arguments: [changed.rowIDs[i]]))
        }
        let sortedOthers = others.sorted()
        for chunk in stride(from: 0, to: sortedOthers.count, by: 500).map({ Array(sortedOthers[$0..<min(sortedOthers.count, $0 + 500)]) }) {
            let rows = try Row.fetchAll(db, sql: """
                SELECT r.id, r.uid, r.body, m.clusterId FROM record r LEFT JOIN membership m ON m.recordId = r.id
                WHERE r.id IN (\(chunk.map { _ in "?" }.joined(separator: ","))) AND r.kind = 'contact' ORDER BY r.id
                """, arguments: StatementArguments(chunk))
            for row in rows {
                // Only contact records are candidates (the query above asked for them).
                packed.append(encoded: row["body"])
                rowIDs.append(row["id"])
                uids.append(row["uid"])
                clusterOf.append(row["clusterId"])
            }
        }
        let contacts = packed.sealed()
        lap("load candidates")
        // 4. Match them with the user's rules.
        var options = MatchOptions()
        options.rules = try Self.rules(db)
        // A small match (a few new records and their context) uses the model
        // estimated on the store by the last large one: a hundred-odd
        // records support no estimate of their own, and its prior is the
        // store's. A large match estimates afresh and keeps its model.
        let stored = contacts.count < Self.modelMinimumRecords ? kept : nil
        let result = Matcher(options: options).match(contacts, recordKeys: uids, model: stored)
        if stored == nil && contacts.count >= Self.modelMinimumRecords {
            try Self.saveModel(db, result.model, records: contacts.count)
        }
        lap("match")
        let now = Timestamp(secondsSince1970: Int64(Date().timeIntervalSince1970)).isoString
        let insertCluster = try db.cachedStatement(sql: "INSERT OR IGNORE INTO cluster (id, createdAt) VALUES (?, ?)")
        let setMember = try db.cachedStatement(sql: "INSERT OR REPLACE INTO membership (recordId, clusterId) VALUES (?, ?)")
        let decide = try db.cachedStatement(
            sql: "INSERT INTO decision (clusterId, recordUid, otherUid, kind, at) VALUES (?, ?, ?, 'auto', ?)")
        var matched = 0
        for members in result.clusters {
            let moving = members.filter { changedIDs.contains(rowIDs[$0]) && clusterOf[$0] == nil }
            guard !moving.isEmpty else { continue }
            // The person most of the settled members belong to.
            var votes: [String: Int] = [:]
            for i in members where clusterOf[i] != nil {
                votes[clusterOf[i]!, default: 0] += 1
            }
            let target: String
            if let best = votes.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) {
                target = best.key
                for (other, _) in votes where other != target {
                    // Would bridge two people: join the stronger, suggest the other.
                    if let a = members.first(where: { clusterOf[$0] == other }) {
                        try Self.suggest(db, uids[a], uids[moving[0]], weight: 0, probability: 0.5,
                            reason: "also matches another person; joining them needs a decision")
                    }
                }
            } else {
                target = "p-" + String(StableID.hash(uids[moving[0]]).prefix(12))
                try insertCluster.execute(arguments: [target, now])
            }
            for i in moving {
                try setMember.execute(arguments: [rowIDs[i], target])
                clusterOf[i] = target
                matched += 1
                if members.count > 1 {
                    let partner = members.first { $0 != i && clusterOf[$0] == target }
                    try decide.execute(arguments: [target, uids[i], partner.map { uids[$0] }, now])
                }
            }
        }
        for s in result.review where changedIDs.contains(rowIDs[s.a]) || changedIDs.contains(rowIDs[s.b]) {
            if clusterOf[s.a] != nil && clusterOf[s.a] == clusterOf[s.b] { continue }
            try Self.suggest(db, uids[s.a], uids[s.b], weight: s.weight, probability: s.probability, reason: s.reason)
        }
        lap("record people")
        return (matched, stored != nil)
    }

    /// Matches of at least this many records estimate a model and keep it;
    /// smaller ones use the kept model.
    static let modelMinimumRecords = 2_000

    /// The model kept by the last large match, if any.
    static func storedModel(_ db: Database) throws -> MatchModel? {
        guard let body = try String.fetchOne(db, sql: "SELECT body FROM matchModel WHERE id = 1") else { return nil }
        return try? JSONDecoder().decode(MatchModel.self, from: Data(body.utf8))
    }

    static func saveModel(_ db: Database, _ model: MatchModel, records: Int) throws {
        let body = String(decoding: try JSONEncoder().encode(model), as: UTF8.self)
        let now = Timestamp(secondsSince1970: Int64(Date().timeIntervalSince1970)).isoString
        try db.execute(
            sql: "INSERT OR REPLACE INTO matchModel (id, records, body, at) VALUES (1, ?, ?, ?)", arguments: [records, body, now])
    }

    static func suggest(_ db: Database, _ a: String, _ b: String, weight: Double, probability: Double, reason: String) throws {
        let (x, y) = a < b ? (a, b) : (b, a)
        // Cached: a large import suggests tens of thousands of pairs.
        try db.cachedStatement(sql: """
            INSERT INTO suggestion (uidA, uidB, weight, probability, reason) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(uidA, uidB) DO UPDATE SET weight = excluded.weight, probability = excluded.probability,
                reason = excluded.reason WHERE state = 'open'
            """).execute(arguments: [x, y, weight, probability, reason])
    }

    static func rules(_ db: Database) throws -> MatchRules {
        var rules = MatchRules()
        for row in try Row.fetchAll(db, sql: "SELECT uidA, uidB, same FROM rule") {
            if (row["same"] as Int) == 1 { rules.addSame(row["uidA"], row["uidB"]) } else { rules.addNever(row["uidA"], row["uidB"]) }
        }
        return rules
    }
}
