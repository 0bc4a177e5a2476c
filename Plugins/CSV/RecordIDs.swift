import KithModel

/// Makes contact ids exactly as `StableID.record` does (through
/// `StableID.FileHasher`, the file name hashed once), and keeps them unique
/// within the file.
struct RecordIDs {
    private let hasher: StableID.FileHasher
    private var seen = SeenRecordIDs()

    init(plugin: String, file: String) {
        hasher = StableID.FileHasher(plugin: plugin, file: file)
    }

    private func render(_ h: UInt64) -> String { hasher.format(h) }

    /// The id for a row: from its record id when it has one not seen before
    /// in this file, else from its position.
    mutating func id(recordId: String?, locator: Locator, warnings: inout [RowAssembler.Warning]) -> String {
        if var recordId, !recordId.isEmpty {
            // One pass over the bytes for the hash and the duplicate check.
            let (h, new) = recordId.withUTF8 { b in
                var h = hasher.afterFile
                h.add(b)
                return (h.value, seen.insert(utf8: b, hash: h.value))
            }
            if new { return render(h) }
            warnings.append(Self.duplicateWarning)
        }
        return positional(locator)
    }

    /// The warning for a record id an earlier row already used.
    static let duplicateWarning = RowAssembler.Warning(
        message: "record id already used by an earlier row; this contact's id comes from its position",
        code: "csv.duplicate-id")

    /// The hash a record id's contact id is made from (what `claim` takes).
    func hash(recordId: String) -> UInt64 {
        var h = hasher.afterFile
        h.add(recordId)
        return h.value
    }

    /// The id for `hash(recordId:)`'s value, without the duplicate check.
    func id(hash h: UInt64) -> String { render(h) }

    /// Records a record id (and its `hash(recordId:)`) as used; false when
    /// an earlier row had it.
    mutating func claim(_ recordId: String, hash h: UInt64) -> Bool { seen.insert(recordId, hash: h) }

    /// The id from a row's position (file, line, record number).
    func positional(_ locator: Locator) -> String { hasher.id(locator: locator) }
}

/// The record ids already used in one file, in memory that stays flat for
/// the usual shape of ids.
///
/// Exports number their records: "r0000001", "c-17", "42". While ids share
/// one prefix and digit count and each is above the last, they are kept as
/// runs of consecutive numbers (one run for a whole file without gaps)
/// instead of one 8-byte hash per row in a table that doubles: on 1M rows
/// that table held 16 MB, the only part of a CSV import that grew with the
/// input. Other ids (another shape, or out of order) go into the hash set;
/// an id is new when it is in neither.
struct SeenRecordIDs {
    private var prefix: [UInt8] = []
    private var width = 0
    /// Ascending, disjoint runs of numbers `lo...hi`.
    private var runs: [(lo: UInt64, hi: UInt64)] = []
    private var hashed = HashSet64()

    /// Inserts `id` (whose hash is `h`); false when it was already present.
    mutating func insert(_ id: String, hash h: UInt64) -> Bool {
        var id = id
        return id.withUTF8 { insert(utf8: $0, hash: h) }
    }

    /// Inserts the id with these UTF-8 bytes (whose hash is `h`); false when
    /// it was already present.
    mutating func insert(utf8 b: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Bool {
        let number: UInt64? = {
            var k = b.count
            while k > 0, b[k - 1] &- 0x30 < 10 { k -= 1 }
            let digits = b.count - k
            guard digits >= 1 && digits <= 18 else { return nil }
            if runs.isEmpty {
                prefix = Array(b[0..<k])
                width = digits
            } else {
                // By hand: the generic `elementsEqual` cost about 150
                // instructions per id (callgrind).
                guard digits == width && k == prefix.count else { return nil }
                for j in 0..<k where prefix[j] != b[j] { return nil }
            }
            var n: UInt64 = 0
            for i in k..<b.count { n = n &* 10 &+ UInt64(b[i] &- 0x30) }
            return n
        }()
        guard let n = number else { return hashed.insert(h) }
        guard let last = runs.last, n <= last.hi else {
            // Above every id of this shape so far, so new.
            if let last = runs.last, n == last.hi &+ 1 {
                runs[runs.count - 1].hi = n
            } else {
                runs.append((n, n))
            }
            return true
        }
        // Out of order: a duplicate if inside a run, else kept by hash.
        var lo = 0
        var hi = runs.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if runs[mid].hi < n { lo = mid + 1 } else { hi = mid }
        }
        if lo < runs.count && runs[lo].lo <= n { return false }
        return hashed.insert(h)
    }
}

/// A set of 64-bit hashes (open addressing, linear probing). The values are
/// already FNV hashes, so unlike `Set<UInt64>` it does not hash them again.
struct HashSet64 {
    private var slots = [UInt64](repeating: 0, count: 64)
    private var count = 0
    private var hasZero = false

    /// Inserts `h`; false when it was already present.
    mutating func insert(_ h: UInt64) -> Bool {
        if h == 0 {
            defer { hasZero = true }
            return !hasZero
        }
        if (count + 1) * 4 > slots.count * 3 { grow() }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while true {
            let s = slots[i]
            if s == 0 {
                slots[i] = h
                count += 1
                return true
            }
            if s == h { return false }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        let mask = slots.count - 1
        for h in old where h != 0 {
            var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = h
        }
    }
}
