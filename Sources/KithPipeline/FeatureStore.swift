internal import KithModel

/// Interns strings to dense ids, keeping their UTF-8 bytes in one block.
///
/// After ``freeze()`` the bytes are read through plain pointers (no
/// reference counting in the comparison loops); the block lives as long as
/// the interner's owner object. Unchecked `Sendable`: after freezing it is
/// only read.
struct Interner: @unchecked Sendable {
    private(set) var ids: [String: Int32] = [:]
    private(set) var strings: [String] = []
    private var flat: [UInt8] = []
    private var offsets: [Int32] = [0]
    private var owner: ByteBlock?
    private var base: UnsafePointer<UInt8>?
    private var starts: UnsafePointer<Int32>?

    mutating func intern(_ s: String) -> Int32 {
        if let id = ids[s] { return id }
        precondition(owner == nil, "interner is frozen")
        let id = Int32(strings.count)
        ids[s] = id
        strings.append(s)
        flat.append(contentsOf: s.utf8)
        offsets.append(Int32(flat.count))
        return id
    }

    var count: Int { strings.count }

    /// Moves the bytes into a fixed block; call once after the last `intern`.
    mutating func freeze() {
        let block = ByteBlock(flat, offsets)
        owner = block
        base = UnsafePointer(block.bytes)
        starts = UnsafePointer(block.offsets)
        flat = []
        offsets = []
    }

    /// The UTF-8 bytes of string `id` (after ``freeze()``).
    @inline(__always) func bytes(_ id: Int32) -> UnsafeBufferPointer<UInt8> {
        let s = Int(starts![Int(id)]), e = Int(starts![Int(id) + 1])
        return UnsafeBufferPointer(start: base! + s, count: e - s)
    }
}

/// Owns the byte block of a frozen interner.
final class ByteBlock: @unchecked Sendable {
    let bytes: UnsafeMutablePointer<UInt8>
    let offsets: UnsafeMutablePointer<Int32>

    init(_ flat: [UInt8], _ offs: [Int32]) {
        bytes = .allocate(capacity: max(1, flat.count))
        offsets = .allocate(capacity: max(1, offs.count))
        flat.withUnsafeBufferPointer { if let b = $0.baseAddress { bytes.initialize(from: b, count: flat.count) } }
        offs.withUnsafeBufferPointer { if let b = $0.baseAddress { offsets.initialize(from: b, count: offs.count) } }
    }

    deinit {
        bytes.deallocate()
        offsets.deallocate()
    }
}

/// A flat list of lists: record `i`'s values are `values[start[i]..<start[i+1]]`.
struct Ragged<Element: Sendable>: Sendable {
    var start: [Int32] = [0]
    var values: [Element] = []

    init() {}

    init(start: [Int32], values: [Element]) {
        self.start = start
        self.values = values
    }

    mutating func append(contentsOf row: some Sequence<Element>) {
        values.append(contentsOf: row)
        start.append(Int32(values.count))
    }

    @inline(__always) func row(_ i: Int) -> ArraySlice<Element> { values[Int(start[i])..<Int(start[i + 1])] }
}

/// Every record's comparison values in columns of dense ids, plus how often
/// each value occurs (for term-frequency weights). Built once by
/// ``FeatureStore/build(_:normalizer:)``; read-only afterwards, so scoring
/// can run on several threads.
struct FeatureStore: Sendable {
    var count = 0
    var names = Interner()
    var given: [Int32] = []
    var family: [Int32] = []
    var givenCount: [Int32] = []
    var familyCount: [Int32] = []
    var givenRecords = 0
    var familyRecords = 0
    /// Per name id: its nickname groups.
    var nickGroups: [[Int32]] = []
    /// The nickname table.
    var nicknames = NicknameTable(lines: "")
    /// Per name id: the smallest nickname group (as -2 - group) or the id itself.
    var canonicalGiven: [Int32] = []

    /// Canonical e-mail → id, keyed by a 64-bit hash of the address (the
    /// text itself is not needed after normalising).
    var emailIds: [UInt64: Int32] = [:]
    var emails = Ragged<Int32>()
    var emailIsRole: [Bool] = []
    /// Per e-mail id: a hash of the local part when it is long enough (six
    /// characters) to block on, else 0.
    var emailLocalKey: [UInt64] = []
    var emailRecords = 0

    var phones = Ragged<UInt64>()  // E.164 digits with a leading 1 (0 when unparsed)
    var phoneTails = Ragged<UInt64>()
    /// E.164 digits (with a leading 1) of every phone of the contact, in its
    /// order, 0 where unknown: for filling in the merged output.
    var phoneByPosition = Ragged<UInt64>()
    var phoneRecords = 0

    var orgs = Interner()
    var org: [Int32] = []
    var orgCount: [Int32] = []
    var orgRecords = 0
    var cities = Interner()
    var city: [Int32] = []
    var cityCount: [Int32] = []
    var cityRecords = 0
    var postcodes = Interner()
    var postcode: [Int32] = []
    var postcodeCount: [Int32] = []
    var postcodeRecords = 0
    var streets = Interner()
    var street: [Int32] = []
    var streetCount: [Int32] = []
    var streetRecords = 0
    var regions = Interner()
    var region: [Int32] = []
    var regionCount: [Int32] = []
    var regionRecords = 0
    var birth: [Int32] = []
    var birthCount: [Int32: Int32] = [:]
    var birthRecords = 0
    var idents = Interner()
    var identifiers = Ragged<Int32>()
    var identCount: [Int32] = []
    var identRecords = 0
    var webs = Interner()
    var web = Ragged<Int32>()
    var webCount: [Int32] = []
    var webRecords = 0

    /// Per identity value: how many different people hold it, counted as
    /// distinct given-name initials among its holders (at least 1). One
    /// person's duplicates share a mailbox under one name; a switchboard or
    /// `info@` address is held under many.
    var emailPeople: [Int32] = []
    var phonePeople = Ragged<Int32>()
    var identPeople: [Int32] = []
    var webPeople: [Int32] = []

    private func initialBit(_ i: Int) -> UInt32 {
        let g = given[i]
        guard g >= 0, let b = names.bytes(g).first else { return 0 }
        return b >= 97 && b <= 122 ? 1 << UInt32(b - 97) : 1 << (26 + UInt32(b % 5))
    }

    /// Freezes the string tables and computes the people counts; call once
    /// after the last `append`.
    mutating func finish() {
        names.freeze()
        orgs.freeze()
        cities.freeze()
        postcodes.freeze()
        streets.freeze()
        regions.freeze()
        idents.freeze()
        webs.freeze()
        func people(_ mask: UInt32) -> Int32 { max(1, Int32(mask.nonzeroBitCount)) }
        var emailMask = [UInt32](repeating: 0, count: emailIsRole.count)
        var identMask = [UInt32](repeating: 0, count: idents.count)
        var webMask = [UInt32](repeating: 0, count: webs.count)
        var phoneMask: [UInt64: UInt32] = [:]
        for i in 0..<count {
            let bit = initialBit(i)
            guard bit != 0 else { continue }
            for e in emails.row(i) { emailMask[Int(e)] |= bit }
            for d in identifiers.row(i) { identMask[Int(d)] |= bit }
            for w in web.row(i) { webMask[Int(w)] |= bit }
            for p in phones.row(i) where p != 0 { phoneMask[p, default: 0] |= bit }
        }
        emailPeople = emailMask.map(people)
        identPeople = identMask.map(people)
        webPeople = webMask.map(people)
        phonePeople = Ragged()
        for i in 0..<count { phonePeople.append(contentsOf: phones.row(i).map { people(phoneMask[$0] ?? 0) }) }
    }

    /// 64-bit FNV-1a of a string's UTF-8 (collisions are negligible at this
    /// width for the millions of values of one run).
    static func hash(_ s: String) -> UInt64 { FNV1a.hash(s) }

    /// Appends one normalised record.
    mutating func append(_ r: NormalizedRecord, nicknames: NicknameTable) {
        count += 1
        func nameId(_ s: String) -> Int32 {
            guard !s.isEmpty else { return -1 }
            let id = names.intern(s)
            if Int(id) == nickGroups.count {
                nickGroups.append(nicknames.groups(of: s))
                canonicalGiven.append(nicknames.canonical(s).map { -2 - $0 } ?? id)
                givenCount.append(0)
                familyCount.append(0)
            }
            return id
        }
        let g = nameId(r.name.given), f = nameId(r.name.family)
        given.append(g)
        family.append(f)
        if g >= 0 { givenCount[Int(g)] += 1; givenRecords += 1 }
        if f >= 0 { familyCount[Int(f)] += 1; familyRecords += 1 }

        var eids: [Int32] = []
        for e in r.emails {
            let h = Self.hash(e.canonical)
            let id: Int32
            if let known = emailIds[h] {
                id = known
            } else {
                id = Int32(emailIsRole.count)
                emailIds[h] = id
                emailIsRole.append(e.isRole)
                emailLocalKey.append(e.local.utf8.count >= 6 ? Self.hash(e.local) : 0)
            }
            if !eids.contains(id) { eids.append(id) }
        }
        if !eids.isEmpty { emailRecords += 1 }
        emails.append(contentsOf: eids)

        var ps: [UInt64] = [], ts: [UInt64] = [], all: [UInt64] = []
        for p in r.phones {
            var v: UInt64 = 0
            if let e = p.e164 {
                v = 1
                for b in e.utf8 where b >= 48 && b <= 57 { v = v &* 10 &+ UInt64(b - 48) }
            }
            all.append(v)
            if v != 0 && ps.contains(v) { continue }
            if v == 0 && p.tail == 0 { continue }
            ps.append(v)
            ts.append(p.tail)
        }
        if !ps.isEmpty { phoneRecords += 1 }
        phones.append(contentsOf: ps)
        phoneTails.append(contentsOf: ts)
        phoneByPosition.append(contentsOf: all)

        func single(_ s: String, _ interner: inout Interner, _ counts: inout [Int32], _ records: inout Int) -> Int32 {
            guard !s.isEmpty else { return -1 }
            let id = interner.intern(s)
            if Int(id) == counts.count { counts.append(0) }
            counts[Int(id)] += 1
            records += 1
            return id
        }
        org.append(single(r.organization, &orgs, &orgCount, &orgRecords))
        city.append(single(r.city, &cities, &cityCount, &cityRecords))
        postcode.append(single(r.postcode, &postcodes, &postcodeCount, &postcodeRecords))
        street.append(single(r.street, &streets, &streetCount, &streetRecords))
        region.append(single(r.region, &regions, &regionCount, &regionRecords))
        birth.append(r.birthDate)
        if r.birthDate != 0 { birthCount[r.birthDate, default: 0] += 1; birthRecords += 1 }

        var iids: [Int32] = []
        for s in r.identifiers {
            let id = idents.intern(s)
            if Int(id) == identCount.count { identCount.append(0) }
            if !iids.contains(id) { iids.append(id); identCount[Int(id)] += 1 }
        }
        if !iids.isEmpty { identRecords += 1 }
        identifiers.append(contentsOf: iids)
        var wids: [Int32] = []
        for s in r.web {
            let id = webs.intern(s)
            if Int(id) == webCount.count { webCount.append(0) }
            if !wids.contains(id) { wids.append(id); webCount[Int(id)] += 1 }
        }
        if !wids.isEmpty { webRecords += 1 }
        web.append(contentsOf: wids)
    }
}
