/// Candidate pairs from cheap keys, so that cost grows with the number of
/// records, not its square.
///
/// Every record gets a handful of keys (each canonical e-mail, its local
/// part, each E.164 number and its last nine digits, name keys that survive
/// nicknames, swapped order and typos in one of the two names, birth date or
/// postcode with an initial, identifiers, URLs). Records sharing a key form a
/// block. A block of up to ``Blocking/fullBlockLimit`` records is compared
/// pair by pair; a larger one (an office switchboard, `info@company`, a very
/// common name) is sorted by name and each record is compared only with its
/// ``Blocking/window`` nearest neighbours on either side, so that no key
/// makes the work quadratic.
struct Blocking: Sendable {
    static let fullBlockLimit = 20
    static let window = 4

    /// Block membership: members of block `b` are `members[start[b]..<start[b+1]]`.
    var start: [Int32] = [0]
    var members: [Int32] = []
    /// Per record: (block, position in block) of every block it is in.
    var recordBlocks = Ragged<UInt64>()

    init(features fs: FeatureStore) {
        var keys: [UInt64] = []
        var recs: [Int32] = []
        keys.reserveCapacity(fs.count * 10)
        recs.reserveCapacity(fs.count * 10)
        var local: [UInt64] = []
        for i in 0..<fs.count {
            local.removeAll(keepingCapacity: true)
            Self.keys(of: i, fs, into: &local)
            local.sort()
            var last: UInt64 = 0
            for (n, k) in local.enumerated() where n == 0 || k != last {
                keys.append(k)
                recs.append(Int32(i))
                last = k
            }
        }
        // Group equal keys: radix sort (key, record) by key. The sort runs
        // on one eighth of the keys at a time (split by their top three
        // bits, which gives the same global key order): its index arrays
        // are the largest transient memory of matching a million records.
        let rank = Self.nameRank(fs)  // sort order for large blocks
        var partCount = [Int](repeating: 0, count: 8)
        for key in keys { partCount[Int(key >> 61)] += 1 }
        var blockId = 0
        for part in 0..<UInt64(8) {
            var subset: [Int32] = []
            subset.reserveCapacity(partCount[Int(part)])
            for (n, key) in keys.enumerated() where key >> 61 == part { subset.append(Int32(n)) }
            let order = Self.radixOrder(keys, subset)
            var k = 0
            while k < order.count {
                var e = k + 1
                let key = keys[Int(order[k])]
                while e < order.count && keys[Int(order[e])] == key { e += 1 }
                if e - k >= 2 {
                    var block = (k..<e).map { recs[Int(order[$0])] }
                    if block.count > Self.fullBlockLimit {
                        block.sort { (rank[Int($0)], $0) < (rank[Int($1)], $1) }
                    }
                    members.append(contentsOf: block)
                    start.append(Int32(members.count))
                    blockId += 1
                }
                k = e
            }
        }
        keys = []
        recs = []
        // Per record, (block, position) of each of its blocks, in block
        // order: a counting sort of the block members by record.
        var counts = [Int32](repeating: 0, count: fs.count + 1)
        for m in members { counts[Int(m) + 1] += 1 }
        for i in 0..<fs.count { counts[i + 1] += counts[i] }
        var values = [UInt64](repeating: 0, count: members.count)
        var fill = counts
        for b in 0..<blockId {
            let s = Int(start[b]), e = Int(start[b + 1])
            for pos in 0..<(e - s) {
                let r = Int(members[s + pos])
                values[Int(fill[r])] = UInt64(b) << 32 | UInt64(pos)
                fill[r] += 1
            }
        }
        recordBlocks = Ragged(start: counts, values: values)
    }

    /// Number of blocks.
    var blockCount: Int { start.count - 1 }

    /// The candidates of record `i` with a larger index, sorted and unique.
    func candidates(of i: Int, into out: inout [Int32]) {
        out.removeAll(keepingCapacity: true)
        for entry in recordBlocks.row(i) {
            let b = Int(entry >> 32), pos = Int(entry & 0xFFFF_FFFF)
            let s = Int(start[b]), e = Int(start[b + 1])
            if e - s <= Self.fullBlockLimit {
                for m in members[s..<e] where Int(m) > i { out.append(m) }
            } else {
                let lo = max(s, s + pos - Self.window), hi = min(e, s + pos + Self.window + 1)
                for m in members[lo..<hi] where Int(m) > i { out.append(m) }
            }
        }
        guard out.count > 1 else { return }
        out.sort()
        var w = 1
        for r in 1..<out.count where out[r] != out[w - 1] {
            out[w] = out[r]
            w += 1
        }
        out.removeLast(out.count - w)
    }

    // MARK: Keys

    private static func mix(_ kind: UInt64, _ a: UInt64, _ b: UInt64 = 0) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 &* (kind &+ 1)
        h ^= a &+ 0x632B_E59B_D9B4_E019 &+ (h << 6) &+ (h >> 2)
        h = (h ^ (h >> 31)) &* 0xBF58_476D_1CE4_E5B9
        h ^= b &+ 0x94D0_49BB_1331_11EB &+ (h << 6) &+ (h >> 2)
        h = (h ^ (h >> 29)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 32)
    }

    static func keys(of i: Int, _ fs: FeatureStore, into out: inout [UInt64]) {
        for e in fs.emails.row(i) {
            out.append(mix(1, UInt64(e)))
            let local = fs.emailLocalKey[Int(e)]
            if !fs.emailIsRole[Int(e)] && local != 0 { out.append(mix(2, local)) }
        }
        for p in fs.phones.row(i) where p != 0 { out.append(mix(3, p)) }
        for t in fs.phoneTails.row(i) where t != 0 { out.append(mix(4, t)) }
        let g = fs.given[i], f = fs.family[i]
        let gInitial: UInt64 = g >= 0 ? UInt64(fs.names.bytes(g)[0]) : 0
        let fInitial: UInt64 = f >= 0 ? UInt64(fs.names.bytes(f)[0]) : 0
        let gFull = g >= 0 && fs.names.bytes(g).count > 1
        let fFull = f >= 0 && fs.names.bytes(f).count > 1
        func canon(_ id: Int32) -> UInt64 { UInt64(bitPattern: Int64(fs.canonicalGiven[Int(id)])) }
        func fam(_ id: Int32) -> UInt64 { UInt64(id) }
        if gFull && fFull {
            // Unordered, so that swapped given/family meet; nickname-aware.
            let a = canon(g), b = fam(f)
            out.append(mix(5, min(a, b), max(a, b)))
            let c = fam(g), d = canon(f)
            out.append(mix(5, min(c, d), max(c, d)))
        }
        if fFull && g >= 0 { out.append(mix(6, fam(f), gInitial)) }
        if gFull && f >= 0 { out.append(mix(7, canon(g), fInitial)) }
        if gFull && fFull {
            out.append(mix(6, fam(g), fInitial))  // swapped
        }
        let bd = fs.birth[i]
        if bd != 0 {
            if g >= 0 { out.append(mix(8, UInt64(bd), gInitial)) }
            if f >= 0 { out.append(mix(9, UInt64(bd), fInitial)) }
        }
        let pc = fs.postcode[i]
        if pc >= 0 {
            if g >= 0 { out.append(mix(10, UInt64(pc), gInitial)) }
            if f >= 0 { out.append(mix(11, UInt64(pc), fInitial)) }
        }
        for id in fs.identifiers.row(i) { out.append(mix(12, UInt64(id))) }
        for w in fs.web.row(i) { out.append(mix(13, UInt64(w))) }
        let o = fs.org[i]
        if o >= 0 && gFull { out.append(mix(14, UInt64(o), canon(g))) }
    }

    /// The permutation that sorts `keys` (stable LSD radix sort, 16 bits a
    /// pass), or that sorts the indices in `subset` (ascending) by their keys.
    static func radixOrder(_ keys: [UInt64], _ subset: [Int32]? = nil) -> [Int32] {
        var order = subset ?? [Int32](0..<Int32(keys.count))
        // Four passes over 65,536 counters cost more than a comparison sort
        // below a few thousand keys (a small incremental match, say).
        if order.count < 4096 {
            order.sort { (keys[Int($0)], $0) < (keys[Int($1)], $1) }
            return order
        }
        var tmp = [Int32](repeating: 0, count: order.count)
        var counts = [Int](repeating: 0, count: 65_537)
        for shift in stride(from: 0, to: 64, by: 16) {
            for i in 0..<counts.count { counts[i] = 0 }
            for o in order { counts[Int((keys[Int(o)] >> UInt64(shift)) & 0xFFFF) + 1] += 1 }
            for i in 1..<counts.count { counts[i] += counts[i - 1] }
            for o in order {
                let d = Int((keys[Int(o)] >> UInt64(shift)) & 0xFFFF)
                tmp[counts[d]] = o
                counts[d] += 1
            }
            swap(&order, &tmp)
        }
        return order
    }

    /// Each record's position when all are sorted by family then given name.
    static func nameRank(_ fs: FeatureStore) -> [Int32] {
        // Rank the distinct names once, then sort records by integer keys.
        let order = (0..<fs.names.count).sorted { fs.names.strings[$0] < fs.names.strings[$1] }
        var nameRank = [UInt64](repeating: 0, count: fs.names.count + 1)
        for (r, id) in order.enumerated() { nameRank[id + 1] = UInt64(r + 1) }
        let bits = UInt64(max(1, (fs.names.count + 1).bitWidth - (fs.names.count + 1).leadingZeroBitCount))
        func key(_ i: Int) -> UInt64 {
            nameRank[Int(fs.family[i]) + 1] << bits | nameRank[Int(fs.given[i]) + 1]
        }
        let keys = (0..<fs.count).map(key)
        let sorted = radixOrder(keys)
        var rank = [Int32](repeating: 0, count: fs.count)
        for (r, i) in sorted.enumerated() { rank[Int(i)] = Int32(r) }
        return rank
    }
}
