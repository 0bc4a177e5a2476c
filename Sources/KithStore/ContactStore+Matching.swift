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
    static let contextSample = 2000

    /// Cheap blocking keys of a contact: canonical e-mails, the last nine
    /// digits of each phone, folded family name with the first initial, and
    /// folded URLs.
    static func blockingKeys(_ c: Contact) -> Set<String> {
        var keys = Set<String>()
        for e in c.emails {
            if let n = EmailNormalizer.normalize(e.address) { keys.insert("e:" + n.canonical) }
        }
        for p in c.phones {
            let digits = (p.e164 ?? p.raw).unicodeScalars.filter { $0.properties.numericType != nil }.map(String.init).joined()
            if digits.count >= 7 { keys.insert("p:" + String(digits.suffix(9))) }
        }
        // NameParser gives folded parts, "Last, First" order resolved.
        let parsed = NameParser.parse(c.name)
        if !parsed.family.isEmpty {
            let initial = parsed.given.first.map(String.init) ?? ""
            keys.insert("n:" + parsed.family + "|" + initial)
            keys.insert("f:" + parsed.family)
        }
        for u in c.urls {
            var f = Substring(u.value.lowercased())
            for prefix in ["https://", "http://", "www."] where f.hasPrefix(prefix) { f = f.dropFirst(prefix.count) }
            while f.hasSuffix("/") { f = f.dropLast() }
            if f.count > 3 { keys.insert("u:" + f) }
        }
        return keys
    }

    /// Matches the `changed` contact records against the store and records
    /// their people, suggestions and decisions. Returns how many were matched.
    func assignClusters(_ db: Database, changed: [Int64]) throws -> Int {
        guard !changed.isEmpty else { return 0 }
        // 1. Index the changed records' keys.
        var changedKeys = Set<String>()
        for id in changed {
            guard let body = try String.fetchOne(db, sql: "SELECT body FROM record WHERE id = ?", arguments: [id]),
                case .contact(let c)? = Self.decode(body)
            else { continue }
            try db.execute(sql: "DELETE FROM blockingKey WHERE recordId = ?", arguments: [id])
            for k in Self.blockingKeys(c) {
                try db.execute(sql: "INSERT OR IGNORE INTO blockingKey (key, recordId) VALUES (?, ?)", arguments: [k, id])
                changedKeys.insert(k)
            }
        }
        // 2. Candidates: active contact records sharing a not-too-frequent key.
        var working = Set(changed)
        if try Int.fetchOne(db, sql: "SELECT count(*) FROM record WHERE kind = 'contact' AND state = 'active'") ?? 0 > changed.count {
            try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS changedKey (key TEXT PRIMARY KEY)")
            try db.execute(sql: "DELETE FROM changedKey")
            for k in changedKeys { try db.execute(sql: "INSERT OR IGNORE INTO changedKey VALUES (?)", arguments: [k]) }
            let candidates = try Int64.fetchAll(db, sql: """
                SELECT DISTINCT b.recordId FROM blockingKey b
                JOIN changedKey c ON c.key = b.key
                JOIN record r ON r.id = b.recordId AND r.state = 'active'
                WHERE b.key IN (SELECT key FROM blockingKey WHERE key IN (SELECT key FROM changedKey)
                                GROUP BY key HAVING count(*) <= ?)
                """, arguments: [Self.maxKeyFrequency])
            working.formUnion(candidates)
        }
        // Context: the model is estimated on the data at hand (EM), which a
        // handful of new records cannot support. Add an evenly spread sample of
        // the stored records; their people do not change, they only inform the
        // estimate (and vote, if they match).
        let active = try Int.fetchOne(db, sql: "SELECT count(*) FROM record WHERE kind = 'contact' AND state = 'active'") ?? 0
        if active > working.count {
            let step = max(1, active / Self.contextSample)
            let context = try Int64.fetchAll(db, sql: """
                SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM record
                                WHERE kind = 'contact' AND state = 'active') WHERE n % ? = 0 LIMIT ?
                """, arguments: [step, Self.contextSample])
            working.formUnion(context)
        }
        let ids = working.sorted()
        // 3. Load them, with their current people.
        var contacts: [Contact] = []
        var rowIDs: [Int64] = []
        var uids: [String] = []
        var clusterOf: [String?] = []
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min(ids.count, $0 + 500)]) }) {
            let rows = try Row.fetchAll(db, sql: """
                SELECT r.id, r.uid, r.body, m.clusterId FROM record r LEFT JOIN membership m ON m.recordId = r.id
                WHERE r.id IN (\(chunk.map { _ in "?" }.joined(separator: ","))) ORDER BY r.id
                """, arguments: StatementArguments(chunk))
            for row in rows {
                guard case .contact(let c)? = Self.decode(row["body"]) else { continue }
                contacts.append(c)
                rowIDs.append(row["id"])
                uids.append(row["uid"])
                clusterOf.append(row["clusterId"])
            }
        }
        // 4. Match them with the user's rules.
        var options = MatchOptions()
        options.rules = try Self.rules(db)
        let result = Matcher(options: options).match(contacts, recordKeys: uids)
        let changedSet = Set(changed)
        let now = Timestamp(secondsSince1970: Int64(Date().timeIntervalSince1970)).isoString
        var matched = 0
        for members in result.clusters {
            let moving = members.filter { changedSet.contains(rowIDs[$0]) && clusterOf[$0] == nil }
            guard !moving.isEmpty else { continue }
            // The person most of the settled members belong to.
            var votes: [String: Int] = [:]
            for i in members where !moving.contains(i) {
                if let k = clusterOf[i] { votes[k, default: 0] += 1 }
            }
            let target: String
            if let best = votes.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) {
                target = best.key
                if votes.count > 1 {
                    // Would bridge two people: join the stronger, suggest the other.
                    for (other, _) in votes where other != target {
                        if let a = members.first(where: { clusterOf[$0] == other }), let b = moving.first {
                            try Self.suggest(db, uids[a], uids[b], weight: 0, probability: 0.5,
                                reason: "also matches another person; merging them needs a decision")
                        }
                    }
                }
            } else {
                target = "p-" + String(StableID.hash(uids[moving[0]]).prefix(12))
                try db.execute(sql: "INSERT OR IGNORE INTO cluster (id, createdAt) VALUES (?, ?)", arguments: [target, now])
            }
            for i in moving {
                try db.execute(sql: "INSERT OR REPLACE INTO membership (recordId, clusterId) VALUES (?, ?)", arguments: [rowIDs[i], target])
                clusterOf[i] = target
                matched += 1
                let partner = members.first { $0 != i && clusterOf[$0] == target }
                try db.execute(sql: "INSERT INTO decision (clusterId, recordUid, otherUid, kind, at) VALUES (?, ?, ?, 'auto', ?)",
                    arguments: [target, uids[i], partner.map { uids[$0] }, now])
            }
        }
        // Updated records that already had a person keep it.
        for s in result.review where changedSet.contains(rowIDs[s.a]) || changedSet.contains(rowIDs[s.b]) {
            if clusterOf[s.a] != nil && clusterOf[s.a] == clusterOf[s.b] { continue }
            try Self.suggest(db, uids[s.a], uids[s.b], weight: s.weight, probability: s.probability, reason: s.reason)
        }
        return matched
    }

    static func suggest(_ db: Database, _ a: String, _ b: String, weight: Double, probability: Double, reason: String) throws {
        let (x, y) = a < b ? (a, b) : (b, a)
        try db.execute(sql: """
            INSERT INTO suggestion (uidA, uidB, weight, probability, reason) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(uidA, uidB) DO UPDATE SET weight = excluded.weight, probability = excluded.probability,
                reason = excluded.reason WHERE state = 'open'
            """, arguments: [x, y, weight, probability, reason])
    }

    static func rules(_ db: Database) throws -> MatchRules {
        var rules = MatchRules()
        for row in try Row.fetchAll(db, sql: "SELECT uidA, uidB, same FROM rule") {
            if (row["same"] as Int) == 1 { rules.addSame(row["uidA"], row["uidB"]) } else { rules.addNever(row["uidA"], row["uidB"]) }
        }
        return rules
    }
}
