import Foundation
public import GRDB
import KithModel
import KithJSON
import KithPlugin

/// The embedded SQLite store: every imported record with its source, the
/// clusters that group records into people, the decisions behind them, and
/// the user's rules. A plain SQLite file any SQLite tool can read.
///
/// Safe for several processes: WAL journal, a busy timeout, and every import
/// in one transaction, so a process killed mid-import leaves the store as it
/// was before that import.
public final class ContactStore {
    /// The database file.
    public let path: String
    /// The connection pool (WAL: readers never block the writer).
    public let database: DatabasePool
    /// Seconds spent per phase of the last imports (`kith import --timings`).
    public internal(set) var phaseTimes: [String: Double] = [:]

    /// The schema migrations, in order. A store whose applied migrations
    /// include one not listed here was written by a newer Kith.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in try StoreSchema.createV1(db) }
        m.registerMigration("v2-record-kind-index") { db in
            try db.execute(sql: "CREATE INDEX record_kind_state ON record(kind, state, id)")
            // One row per import run: its number, without scanning every record.
            try db.execute(sql: """
                CREATE TABLE importRun (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL);
                INSERT INTO importRun (id, at) SELECT max(lastImport), '' FROM record WHERE lastImport IS NOT NULL;
                """)
        }
        m.registerMigration("v3-match-model") { db in
            // The model estimated by the last large match, for small
            // incremental ones (see ContactStore+Matching).
            try db.execute(sql: """
                CREATE TABLE matchModel (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    records INTEGER NOT NULL,     -- how many records it was estimated on
                    body TEXT NOT NULL,           -- JSON: prior, m, u per field and level
                    at TEXT NOT NULL
                )
                """)
        }
        return m
    }

    /// Where the store lives when none is named: `$KITH_STORE`, else
    /// `$XDG_DATA_HOME/kith/store.sqlite`, else `~/.local/share/kith/store.sqlite`.
    public static func defaultPath(environment: [String: String]? = nil) -> String {
        let env = environment ?? ProcessInfo.processInfo.environment
        if let p = env["KITH_STORE"], !p.isEmpty { return p }
        let base: String
        if let x = env["XDG_DATA_HOME"], !x.isEmpty {
            base = x
        } else {
            base = (env["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        }
        return base + "/kith/store.sqlite"
    }

    /// Opens (creating on first use) the store at `path` and brings its
    /// schema up to date. Refuses a store written by a newer Kith.
    public init(path: String) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.foreignKeysEnabled = true
        config.label = "kith-store"
        do {
            database = try DatabasePool(path: path, configuration: config)
        } catch {
            throw StoreError(.cannotOpen, "cannot open the store: \(error)", path: path)
        }
        let migrator = Self.migrator
        let superseded = try database.read { db in try migrator.hasBeenSuperseded(db) }
        if superseded {
            throw StoreError(
                .newerSchema, "this store was written by a newer version of Kith; upgrade Kith to use it (it was left untouched)",
                path: path)
        }
        try migrator.migrate(database)
    }

    /// The schema version identifiers applied to this store.
    public func appliedMigrations() throws -> [String] {
        try database.read { db in try Self.migrator.appliedIdentifiers(db).sorted() }
    }

    // MARK: - Reading

    /// Counts for `kith stats`.
    public struct Statistics: Hashable, Sendable {
        public var sources = 0
        public var records = 0
        public var contactRecords = 0
        public var interactionRecords = 0
        public var vanishedRecords = 0
        public var people = 0
        public var openSuggestions = 0
        public var rules = 0

        public init() {}
    }

    /// Counts of what the store holds.
    public func statistics() throws -> Statistics {
        try database.read { db in
            var s = Statistics()
            s.sources = try Int.fetchOne(db, sql: "SELECT count(*) FROM source") ?? 0
            // Every count goes through the (kind, state, id) index: the
            // record table holds the bodies, so a scan of it reads the whole
            // store (seconds on a million records).
            func count(_ kind: String, _ state: String) throws -> Int {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM record WHERE kind = ? AND state = ?", arguments: [kind, state]) ?? 0
            }
            s.contactRecords = try count("contact", "active")
            s.interactionRecords = try count("interaction", "active")
            s.records = s.contactRecords + s.interactionRecords
            s.vanishedRecords = try count("contact", "vanished") + count("interaction", "vanished")
            // People: every person with a member, less those whose members
            // have all vanished (few): the first count walks the membership
            // index in order, the second starts from the vanished records.
            let withMembers = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT DISTINCT clusterId FROM membership)") ?? 0
            let allVanished = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM (SELECT DISTINCT m.clusterId FROM record r JOIN membership m ON m.recordId = r.id
                WHERE r.kind = 'contact' AND r.state = 'vanished' AND NOT EXISTS (
                    SELECT 1 FROM membership m2 JOIN record r2 ON r2.id = m2.recordId
                    WHERE m2.clusterId = m.clusterId AND r2.state = 'active'))
                """) ?? 0
            s.people = withMembers - allVanished
            s.openSuggestions = try Int.fetchOne(db, sql: "SELECT count(*) FROM suggestion WHERE state = 'open'") ?? 0
            s.rules = try Int.fetchOne(db, sql: "SELECT count(*) FROM rule") ?? 0
            return s
        }
    }

    /// Decodes a stored record body.
    static func decode(_ body: String) -> CanonicalRecord? {
        var body = body
        return body.withUTF8 { p in try? JSONLReader.decode(p) }
    }

    /// Encodes a record body (the canonical JSON line without its newline).
    static func encode(_ record: CanonicalRecord) -> String {
        var w = JSONLWriter(capacity: 1024)
        w.append(record)
        return w.buffer.withBytes { String(decoding: UnsafeBufferPointer(rebasing: $0.dropLast()), as: UTF8.self) }
    }
}
