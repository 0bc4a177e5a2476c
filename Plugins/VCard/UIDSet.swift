internal import KithModel

/// The UIDs seen so far in one input, to tell a card whose UID repeats.
///
/// An open-addressing table keyed by a 64-bit FNV-1a hash of the UID's
/// bytes, with the UIDs kept to compare on a hash match (so a collision is
/// never taken for a repeat). `Set<String>` hashed each UID with SipHash
/// through `Hasher`, about 900 instructions a card in the benchmark
/// (callgrind); this costs about a tenth of that.
struct UIDSet {
    /// Slot → index into `uids` plus one; 0 for an empty slot.
    /// Empty until the first insert (a threaded read makes a reader per
    /// batch that inserts nothing).
    private var slots = ContiguousArray<Int32>()
    private var hashes = ContiguousArray<UInt64>()
    private var uids: [String] = []

    /// True when `uid` was added.
    func contains(_ uid: String) -> Bool {
        let h = FNV1a.hash(uid)
        if slots.isEmpty { return false }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while slots[i] != 0 {
            if hashes[i] == h && uids[Int(slots[i]) - 1] == uid { return true }
            i = (i + 1) & mask
        }
        return false
    }

    /// Adds `uid`; false when it was already there.
    mutating func insert(_ uid: String) -> Bool {
        let h = FNV1a.hash(uid)
        if (uids.count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while slots[i] != 0 {
            if hashes[i] == h && uids[Int(slots[i]) - 1] == uid { return false }
            i = (i + 1) & mask
        }
        uids.append(uid)
        slots[i] = Int32(uids.count)
        hashes[i] = h
        return true
    }

    private mutating func grow() {
        let size = max(1024, slots.count * 2)
        var newSlots = ContiguousArray<Int32>(repeating: 0, count: size)
        var newHashes = ContiguousArray<UInt64>(repeating: 0, count: size)
        let mask = size - 1
        for k in 0..<slots.count where slots[k] != 0 {
            let h = hashes[k]
            var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
            while newSlots[i] != 0 { i = (i + 1) & mask }
            newSlots[i] = slots[k]
            newHashes[i] = h
        }
        slots = newSlots
        hashes = newHashes
    }
}
