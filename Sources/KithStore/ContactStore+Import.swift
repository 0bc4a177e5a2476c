import Foundation
import GRDB
public import KithModel
import KithPlugin

/// A fast 64-bit content hash of a file (not cryptographic: it tells whether
/// an export changed since the last import, it protects nothing). Reads 8
/// bytes a step; measured far faster than byte-wise FNV on large exports.
public enum ContentHash {
    public static func of(path: String) throws -> (hash: String, size: Int) {
        let s = try ByteStream(path: path, chunkSize: 1 << 20)
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        var size = 0
        while let chunk = s.read(maxCount: 1 << 20) {
            size += chunk.count
            chunk.withUnsafeBytes { raw in
                var i = 0
                let n = raw.count
                while i + 8 <= n {
                    let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
                    h ^= h >> 31
                    i += 8
                }
                while i < n {
                    h = (h ^ UInt64(raw[i])) &* 0x94D0_49BB_1331_11EB
                    i += 1
                }
            }
        }
        h ^= UInt64(size)
        h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 27
        let hex = String(h, radix: 16)
        return (String(repeating: "0", count: 16 - hex.count) + hex, size)
    }
}

extension ContactStore {
    /// What one import changed.
    public struct ImportReport: Hashable, Sendable {
        public var sourcesImported = 0
        public var sourcesUnchanged = 0
        public var recordsAdded = 0
        public var recordsUpdated = 0
        public var recordsUnchanged = 0
        public var recordsVanished = 0
        public var recordsReturned = 0
        /// Contact records matched into people in this import.
        public var contactsMatched = 0
        /// True when the match used the model kept from the store's last
        /// large match instead of estimating one (see docs/store.md).
        public var usedStoredModel = false
        public var seconds = 0.0

        public init() {}
    }

    /// True when `path` was imported before with exactly this content.
    public func isUnchanged(path: String, hash: String) throws -> Bool {
        try database.read { db in
            try String.fetchOne(db, sql: "SELECT contentHash FROM source WHERE path = ?", arguments: [path]) == hash
        }
    }

    /// Runs `body` with a writer inside one transaction: either everything it
    /// wrote lands (with matching done), or nothing does.
    public func importTransaction(_ body: (ImportWriter) throws -> Void) throws -> ImportReport {
        let start = Date()
        var report = try database.write { db -> ImportReport in
            // SQLite's default page cache is 2 MB; a large import inserts
            // into indexes keyed by hashes (uids, blocking keys, person ids),
            // which then evict and re-read pages all the time (1M contacts:
            // minutes of I/O). 256 MB is held only while an import needs it.
            try db.execute(sql: "PRAGMA cache_size = -262144")
            defer { try? db.execute(sql: "PRAGMA cache_size = -2000") }
            let writer = try ImportWriter(db: db)
            let t0 = Date()
            try body(writer)
            try writer.finishSource()
            self.phaseTimes["read and store records", default: 0] += Date().timeIntervalSince(t0)
            var report = writer.report
            (report.contactsMatched, report.usedStoredModel) = try self.assignClusters(db, changed: writer.changedContacts)
            return report
        }
        // After a large import, fold the write-ahead log into the database now
        // (it is then as large as what was imported), rather than leaving the
        // next small import or reader to pay for it.
        if report.recordsAdded + report.recordsUpdated >= 10_000 {
            _ = try? database.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }
}

/// The contact records an import added or changed, to be matched: their
/// bodies packed as the JSON lines the store keeps (`PackedContacts`: 4 MB
/// chunks, spilled to a temporary file past 128 MB), not as `Contact`
/// values, so that a large import's memory stays near what matching itself
/// needs (1M records held as values took about 1 GB more).
struct ChangedContacts {
    var bodies = PackedContacts()
    /// Per record: its row, whether it is new, and its uid (a new record's is
    /// its contact id; an updated one keeps the uid it was first stored under).
    var rowIDs: [Int64] = []
    var isNew: [Bool] = []
    var uids: [String] = []

    var count: Int { rowIDs.count }
    var isEmpty: Bool { rowIDs.isEmpty }

    mutating func append(rowID: Int64, body: String, isNew new: Bool, uid: String) {
        bodies.append(encoded: body)
        rowIDs.append(rowID)
        isNew.append(new)
        uids.append(uid)
    }
}

/// Writes the records of one or more sources into an open transaction.
public final class ImportWriter {
    let db: Database
    var report = ContactStore.ImportReport()
    private var sourceId: Int64?
    private var seenKeys = Set<String>()
    private let now = Timestamp(secondsSince1970: Int64(Date().timeIntervalSince1970)).isoString
    /// Contact records added or changed in this import (to match).
    var changedContacts = ChangedContacts()

    /// This import run's number (one more than the last).
    let generation: Int64

    init(db: Database) throws {
        self.db = db
        try db.execute(
            sql: "INSERT INTO importRun (at) VALUES (?)",
            arguments: [Timestamp(secondsSince1970: Int64(Date().timeIntervalSince1970)).isoString])
        generation = db.lastInsertedRowID
    }

    /// Starts (or restarts) a source: records written next belong to it.
    public func beginSource(path: String, plugin: String, contentHash: String, size: Int) throws {
        try finishSource()
        try db.execute(
            sql: """
                INSERT INTO source (path, plugin, contentHash, size, importedAt) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(path) DO UPDATE SET plugin = excluded.plugin, contentHash = excluded.contentHash,
                    size = excluded.size, importedAt = excluded.importedAt
                """, arguments: [path, plugin, contentHash, size, now])
        sourceId = try Int64.fetchOne(db, sql: "SELECT id FROM source WHERE path = ?", arguments: [path])
        seenKeys = []
        report.sourcesImported += 1
    }

    /// Notes a source skipped because its content did not change.
    public func skipUnchangedSource() { report.sourcesUnchanged += 1 }

    /// Adds or updates one record of the current source.
    public func add(_ record: CanonicalRecord) throws {
        guard let sourceId else { return }
        let kind: String
        let uid: String
        let sources: [Provenance]
        switch record {
        case .contact(let c):
            kind = "contact"
            uid = c.id
            sources = c.sources
        case .interaction(let i):
            kind = "interaction"
            uid = i.id
            sources = i.sources
        case .diagnostic: return
        }
        let positionless = Self.positionlessHash(record)
        var key = Self.recordKey(sources: sources, positionlessHash: positionless)
        if !seenKeys.insert(key).inserted {
            var n = 2
            while !seenKeys.insert("\(key)#\(n)").inserted { n += 1 }
            key = "\(key)#\(n)"
        }
        let body = ContactStore.encode(record)
        // Compared without the record's position: a record that only moved
        // in its file is unchanged (its stored body still takes the new place).
        let bodyHash = positionless
        // Cached statements: compiling SQL per record cost more than the work.
        let existing = try Row.fetchOne(
            try db.cachedStatement(sql: "SELECT id, uid, bodyHash, state FROM record WHERE sourceId = ? AND recordKey = ?"),
            arguments: [sourceId, key])
        if let existing {
            let id: Int64 = existing["id"]
            let oldHash: String = existing["bodyHash"]
            let state: String = existing["state"]
            if oldHash == bodyHash && state == "active" {
                try db.cachedStatement(sql: "UPDATE record SET body = ?, lastSeen = ?, lastImport = ? WHERE id = ?")
                    .execute(arguments: [body, now, generation, id])
                report.recordsUnchanged += 1
                return
            }
            // The record keeps the uid it was first stored under, so that the
            // user's rules naming it survive re-imports.
            try db.cachedStatement(
                sql: "UPDATE record SET body = ?, bodyHash = ?, kind = ?, state = 'active', lastSeen = ?, lastImport = ? WHERE id = ?"
            ).execute(arguments: [body, bodyHash, kind, now, generation, id])
            if state == "vanished" { report.recordsReturned += 1 } else { report.recordsUpdated += 1 }
            if kind == "contact" { changedContacts.append(rowID: id, body: body, isNew: false, uid: existing["uid"]) }
        } else {
            try db.cachedStatement(
                sql: """
                    INSERT INTO record (sourceId, recordKey, uid, kind, body, bodyHash, firstSeen, lastSeen, lastImport)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [sourceId, key, uid, kind, body, bodyHash, now, now, generation])
            report.recordsAdded += 1
            if kind == "contact" { changedContacts.append(rowID: db.lastInsertedRowID, body: body, isNew: true, uid: uid) }
        }
    }

    /// Ends the current source: its records not seen in this import are
    /// marked vanished (kept, with their history, but no longer exported).
    func finishSource() throws {
        guard let sourceId else { return }
        try db.execute(
            sql: "UPDATE record SET state = 'vanished' WHERE sourceId = ? AND state = 'active' AND lastImport <> ?",
            arguments: [sourceId, generation])
        report.recordsVanished += db.changesCount
        try db.execute(
            sql: "UPDATE source SET recordCount = (SELECT count(*) FROM record WHERE sourceId = ? AND state = 'active') WHERE id = ?",
            arguments: [sourceId, sourceId])
        self.sourceId = nil
    }

    /// The record's key within its source: the input's own id when it has
    /// one; else a hash of its content without its position, so that a record
    /// keeps its key when others are added above it in the file.
    static func recordKey(sources: [Provenance], positionlessHash: String) -> String {
        if let r = sources.first?.recordId, !r.isEmpty { return "id:" + r }
        return "content:" + positionlessHash
    }

    /// A hash of the record without its id and position.
    static func positionlessHash(_ record: CanonicalRecord) -> String {
        var positionless = record
        switch record {
        case .contact(var c):
            c.id = ""
            c.sources = c.sources.map { Provenance(plugin: $0.plugin, file: $0.file) }
            positionless = .contact(c)
        case .interaction(var i):
            i.id = ""
            i.sources = i.sources.map { Provenance(plugin: $0.plugin, file: $0.file) }
            positionless = .interaction(i)
        case .diagnostic: break
        }
        return StableID.hash(ContactStore.encode(positionless))
    }
}
