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
            s.records = try Int.fetchOne(db, sql: "SELECT count(*) FROM record WHERE state = 'active'") ?? 0
            s.contactRecords = try Int.fetchOne(db, sql: "SELECT count(*) FROM record WHERE state = 'active' AND kind = 'contact'") ?? 0
            s.interactionRecords = try Int.fetchOne(db, sql: "SELECT count(*) FROM record WHERE state = 'active' AND kind = 'interaction'") ?? 0
            s.vanishedRecords = try Int.fetchOne(db, sql: "SELECT count(*) FROM record WHERE state = 'vanished'") ?? 0
            s.people = try Int.fetchOne(db, sql: """
                SELECT count(DISTINCT m.clusterId) FROM membership m JOIN record r ON r.id = m.recordId WHERE r.state = 'active'
                """) ?? 0
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
