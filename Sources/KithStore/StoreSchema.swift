import GRDB

/// The tables, version 1. Documented in docs/store.md.
enum StoreSchema {
    static func createV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE source (
                id INTEGER PRIMARY KEY,
                path TEXT NOT NULL UNIQUE,        -- the input as the user named it
                plugin TEXT NOT NULL,             -- format plugin id
                contentHash TEXT NOT NULL,        -- of the file's bytes, to skip unchanged re-imports
                size INTEGER NOT NULL,
                importedAt TEXT NOT NULL,         -- ISO 8601 UTC
                recordCount INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE record (
                id INTEGER PRIMARY KEY,
                sourceId INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
                recordKey TEXT NOT NULL,          -- the input's own id, else its position
                uid TEXT NOT NULL,                -- the record's Kith id, as users name it
                kind TEXT NOT NULL,               -- 'contact' | 'interaction'
                body TEXT NOT NULL,               -- the canonical JSON Lines record
                bodyHash TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'active',   -- 'active' | 'vanished'
                firstSeen TEXT NOT NULL,
                lastSeen TEXT NOT NULL,
                lastImport INTEGER NOT NULL,      -- the import run that last saw it
                UNIQUE (sourceId, recordKey)
            );
            CREATE INDEX record_uid ON record(uid);
            CREATE TABLE blockingKey (
                key TEXT NOT NULL,
                recordId INTEGER NOT NULL REFERENCES record(id) ON DELETE CASCADE,
                PRIMARY KEY (key, recordId)
            ) WITHOUT ROWID;
            CREATE INDEX blockingKey_record ON blockingKey(recordId);
            CREATE TABLE cluster (
                id TEXT PRIMARY KEY,              -- stable person id ('p-…')
                createdAt TEXT NOT NULL
            );
            CREATE TABLE membership (
                recordId INTEGER PRIMARY KEY REFERENCES record(id) ON DELETE CASCADE,
                clusterId TEXT NOT NULL REFERENCES cluster(id)
            );
            CREATE INDEX membership_cluster ON membership(clusterId);
            CREATE TABLE decision (
                id INTEGER PRIMARY KEY,
                clusterId TEXT,
                recordUid TEXT,
                otherUid TEXT,
                kind TEXT NOT NULL,               -- 'auto' | 'accepted' | 'rejected' | 'rule-same' | 'rule-never' | 'split'
                weight REAL,
                at TEXT NOT NULL
            );
            CREATE TABLE rule (
                uidA TEXT NOT NULL,
                uidB TEXT NOT NULL,               -- uidA < uidB
                same INTEGER NOT NULL,            -- 1 same person, 0 never the same
                at TEXT NOT NULL,
                PRIMARY KEY (uidA, uidB)
            );
            CREATE TABLE suggestion (
                uidA TEXT NOT NULL,
                uidB TEXT NOT NULL,
                weight REAL NOT NULL,
                probability REAL NOT NULL,
                reason TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'open',   -- 'open' | 'accepted' | 'rejected'
                PRIMARY KEY (uidA, uidB)
            );
            """)
    }
}
