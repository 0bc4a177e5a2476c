/// The fields the matcher compares, each with its comparison levels.
///
/// Level 0 always means "missing on one side or both" and weighs nothing;
/// level 1 is the strongest agreement and the last level "both present and
/// different".
public enum MatchField: Int, CaseIterable, Sendable, CustomStringConvertible {
    case given, family, email, phone, organization, city, postcode, street, region, birthDate, identifier, web

    /// The names of the levels, index = level.
    public var levels: [String] {
        switch self {
        case .given: ["missing", "exact", "nickname", "jaro-winkler ≥ 0.92", "jaro-winkler ≥ 0.80", "initial", "different"]
        case .family: ["missing", "exact", "jaro-winkler ≥ 0.92 or part", "jaro-winkler ≥ 0.80", "initial", "different"]
        case .email: ["missing", "shared address", "shared role address", "different"]
        case .phone: ["missing", "same E.164", "same last nine digits", "one digit off", "different"]
        case .organization: ["missing", "exact", "similar", "different"]
        case .city: ["missing", "exact", "similar", "different"]
        case .postcode: ["missing", "exact", "one edit", "different"]
        case .street: ["missing", "exact", "jaro-winkler ≥ 0.90", "jaro-winkler ≥ 0.75", "different"]
        case .region: ["missing", "exact", "different"]
        case .birthDate: ["missing", "exact", "one edit or day/month swapped", "different"]
        case .identifier: ["missing", "exact", "one edit", "different"]
        case .web: ["missing", "shared", "different"]
        }
    }

    /// The level whose weight is adjusted by how common the agreeing value is.
    var termFrequencyLevel: Int? {
        switch self {
        case .given, .family, .email, .phone, .organization, .city, .postcode, .street, .birthDate, .identifier, .web: 1
        case .region: nil
        }
    }

    /// Fields whose values identify one person (a mailbox, a number, an
    /// official id, a URL) rather than describe many.
    public var isIdentity: Bool {
        switch self {
        case .email, .phone, .identifier, .web: true
        default: false
        }
    }

    /// The field's name in explanations.
    public var description: String {
        switch self {
        case .given: "given name"
        case .family: "family name"
        case .email: "e-mail"
        case .phone: "phone"
        case .organization: "organisation"
        case .city: "city"
        case .postcode: "postcode"
        case .street: "street"
        case .region: "region"
        case .birthDate: "birth date"
        case .identifier: "identifier"
        case .web: "web/handle"
        }
    }

    static let count = MatchField.allCases.count
}

/// The outcome of comparing two records: a level per field and, for exact
/// agreement, how common the shared value is (share of records holding it).
struct ComparisonVector: Sendable {
    var levels = SIMD16<UInt8>(repeating: 0)
    var frequency = SIMD16<Float>(repeating: 0)
    /// True when the names were compared crosswise (given ↔ family).
    var swapped = false

    subscript(_ f: MatchField) -> UInt8 {
        get { levels[f.rawValue] }
        set { levels[f.rawValue] = newValue }
    }
}

extension FeatureStore {
    /// Compares records `a` and `b` field by field.
    func compare(_ a: Int, _ b: Int) -> ComparisonVector {
        var v = ComparisonVector()
        compareNames(a, b, &v)
        compareEmails(a, b, &v)
        comparePhones(a, b, &v)
        compareText(.organization, org[a], org[b], orgCount, orgRecords, orgs, near: 0.88, far: nil, &v)
        compareText(.city, city[a], city[b], cityCount, cityRecords, cities, near: 0.88, far: nil, &v)
        compareText(.street, street[a], street[b], streetCount, streetRecords, streets, near: 0.90, far: 0.75, &v)
        // Postcodes: exact or one edit; regions: exact.
        let x = postcode[a], y = postcode[b]
        if x >= 0 && y >= 0 {
            if x == y {
                v[.postcode] = 1
                v.frequency[MatchField.postcode.rawValue] = Float(postcodeCount[Int(x)]) / Float(max(postcodeRecords, 1))
            } else {
                v[.postcode] = StringSimilarity.withinOneEdit(postcodes.bytes(x), postcodes.bytes(y)) ? 2 : 3
            }
        }
        let r1 = region[a], r2 = region[b]
        if r1 >= 0 && r2 >= 0 { v[.region] = r1 == r2 ? 1 : 2 }
        compareBirth(a, b, &v)
        compareIdentifiers(a, b, &v)
        compareWeb(a, b, &v)
        return v
    }

    @inline(__always)
    private func compareText(
        _ f: MatchField, _ x: Int32, _ y: Int32, _ counts: [Int32], _ records: Int, _ interner: Interner, near: Double,
        far: Double?, _ v: inout ComparisonVector
    ) {
        guard x >= 0, y >= 0 else { return }
        if x == y {
            v[f] = 1
            v.frequency[f.rawValue] = Float(counts[Int(x)]) / Float(max(records, 1))
            return
        }
        let bx = interner.bytes(x), by = interner.bytes(y)
        let s = StringSimilarity.jaroWinkler(bx, by)
        if s >= near || (f == .organization && Self.tokenContained(bx, by)) {
            v[f] = 2
        } else if let far, s >= far {
            v[f] = 3
        } else {
            v[f] = UInt8(f.levels.count - 1)
        }
    }

    /// One organisation name is the other's first or last words, or both
    /// are the same letters spaced differently.
    static func tokenContained(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let (s, l) = a.count < b.count ? (a, b) : (b, a)
        guard s.count >= 3 else { return false }
        if l.count > s.count {
            if l[s.count] == 32 && l.starts(with: s) { return true }
            if l[l.count - s.count - 1] == 32 && l.suffix(s.count).elementsEqual(s) { return true }
        }
        return l.lazy.filter { $0 != 32 }.elementsEqual(s.lazy.filter { $0 != 32 })
    }

    private func compareIdentifiers(_ a: Int, _ b: Int, _ v: inout ComparisonVector) {
        let s1 = Int(identifiers.start[a]), e1 = Int(identifiers.start[a + 1])
        let s2 = Int(identifiers.start[b]), e2 = Int(identifiers.start[b + 1])
        guard s1 < e1, s2 < e2 else { return }
        var level: UInt8 = 3
        var freq: Float = 1
        for k in s1..<e1 {
            let i = identifiers.values[k]
            for l in s2..<e2 {
                let j = identifiers.values[l]
                if i == j {
                    level = 1
                    freq = min(freq, Float(identPeople[Int(i)]) / Float(max(identRecords, 1)))
                } else if level > 2, StringSimilarity.withinOneEdit(idents.bytes(i), idents.bytes(j)) {
                    level = 2
                }
            }
        }
        v[.identifier] = level
        if level == 1 { v.frequency[MatchField.identifier.rawValue] = freq }
    }

    private func compareWeb(_ a: Int, _ b: Int, _ v: inout ComparisonVector) {
        let s1 = Int(web.start[a]), e1 = Int(web.start[a + 1])
        let s2 = Int(web.start[b]), e2 = Int(web.start[b + 1])
        guard s1 < e1, s2 < e2 else { return }
        v[.web] = 2
        for k in s1..<e1 {
            let i = web.values[k]
            for l in s2..<e2 where web.values[l] == i {
                v[.web] = 1
                v.frequency[MatchField.web.rawValue] = Float(webPeople[Int(i)]) / Float(max(webRecords, 1))
                return
            }
        }
    }

    // MARK: Names

    /// Ordinal quality of a level, for choosing between straight and crossed names.
    private static func rank(_ level: UInt8, given: Bool) -> Int {
        switch (level, given) {
        case (0, _): 0
        case (1, _): 4
        case (2, true), (3, true), (2, false): 3
        case (4, true), (3, false): 2
        case (5, true), (4, false): 1
        default: -2
        }
    }

    private func compareNames(_ a: Int, _ b: Int, _ v: inout ComparisonVector) {
        let g1 = given[a], f1 = family[a], g2 = given[b], f2 = family[b]
        let (sg, sgf) = compareGiven(g1, g2)
        var (sf, sff) = compareFamily(f1, f2)
        // A name of two given names read as given and family ("María José",
        // a mail display name, for María José García López): when one side's
        // given and "family" names are both parts of the other's compound
        // given name, that side has no family name to compare.
        if sf == 5, g1 >= 0, g2 >= 0 {
            let given1 = names.bytes(g1), given2 = names.bytes(g2)
            if (Self.isPart(names.bytes(f1), of: given2) && Self.isPart(given1, of: given2))
                || (Self.isPart(names.bytes(f2), of: given1) && Self.isPart(given2, of: given1))
            {
                (sf, sff) = (0, 0)
            }
        }
        let straight = Self.rank(sg, given: true) + Self.rank(sf, given: false)
        // Crossed: one side wrote given and family the other way round.
        if straight < 6 && ((g1 >= 0 && f2 >= 0) || (f1 >= 0 && g2 >= 0)) {
            var best: (UInt8, Float, UInt8, Float)?
            var bestRank = straight
            for aSwapped in [true, false] {
                // The pair compared as given names, and the pair as family names.
                let (cg, cgf) = aSwapped ? compareGiven(f1, g2) : compareGiven(g1, f2)
                let (cf, cff) = aSwapped ? compareFamilyLike(g1, f2) : compareFamilyLike(f1, g2)
                let r = Self.rank(cg, given: true) + Self.rank(cf, given: false)
                if r > bestRank && r >= 6 {
                    bestRank = r
                    best = (cg, cgf, cf, cff)
                }
            }
            if let (cg, cgf, cf, cff) = best {
                v[.given] = cg
                v[.family] = cf
                v.frequency[MatchField.given.rawValue] = cgf
                v.frequency[MatchField.family.rawValue] = cff
                v.swapped = true
                return
            }
        }
        v[.given] = sg
        v[.family] = sf
        v.frequency[MatchField.given.rawValue] = sgf
        v.frequency[MatchField.family.rawValue] = sff
    }

    private func compareGiven(_ x: Int32, _ y: Int32) -> (UInt8, Float) {
        guard x >= 0, y >= 0 else { return (0, 0) }
        let bx = names.bytes(x), by = names.bytes(y)
        if bx.count == 1 || by.count == 1 { return bx[0] == by[0] ? (5, 0) : (6, 0) }
        if x == y {
            let n = Float(max(givenCount[Int(x)], familyCount[Int(x)]))
            return (1, n / Float(max(givenRecords, 1)))
        }
        if nicknamesMeet(x, y) { return (2, 0) }
        // A compound given name and one of its parts ("Anna-Lena" and "Lena",
        // "Jean-Baptiste" and "Jean") are used for the same person as a
        // nickname is.
        if Self.isPart(bx, of: by) || Self.isPart(by, of: bx) { return (2, 0) }
        // "JB" for Jean-Baptiste, "MJ" for María José: the initials of a
        // compound given name, as an initial.
        if Self.isInitials(bx, of: by) || Self.isInitials(by, of: bx) { return (5, 0) }
        let s = StringSimilarity.jaroWinkler(bx, by)
        if s >= 0.92 { return (3, 0) }
        if s >= 0.80 { return (4, 0) }
        return (6, 0)
    }

    /// True when `short` (two to four letters) spells the first letters of
    /// `whole`'s hyphen- or space-separated components, one each.
    static func isInitials(_ short: UnsafeBufferPointer<UInt8>, of whole: UnsafeBufferPointer<UInt8>) -> Bool {
        guard (2...4).contains(short.count), short.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return false }
        var k = 0
        var ok = true
        forEachComponent(whole) { component in
            if k >= short.count || component.count < 2 || component.first != short[k] { ok = false }
            k += 1
        }
        return ok && k == short.count
    }

    /// See ``isInitials(_:of:)-(UnsafeBufferPointer<UInt8>,_)``.
    static func isInitials(_ short: [UInt8], of whole: [UInt8]) -> Bool {
        short.withUnsafeBufferPointer { s in whole.withUnsafeBufferPointer { isInitials(s, of: $0) } }
    }

    /// True when `part` is a whole hyphen- or space-separated component of
    /// `whole` (of at least two letters).
    static func isPart(_ part: UnsafeBufferPointer<UInt8>, of whole: UnsafeBufferPointer<UInt8>) -> Bool {
        guard part.count >= 2, whole.count > part.count else { return false }
        var found = false
        forEachComponent(whole) { component in
            if !found && component.elementsEqual(part) { found = true }
        }
        return found
    }

    /// Calls `body` with each non-empty hyphen- or space-separated run of
    /// `text`, as a slice (no arrays: these run for every pair of different
    /// given names scored).
    @inline(__always)
    static func forEachComponent(_ text: UnsafeBufferPointer<UInt8>, _ body: (Slice<UnsafeBufferPointer<UInt8>>) -> Void) {
        var start = 0
        for i in 0...text.count where i == text.count || text[i] == 0x2D || text[i] == 0x20 {
            if i > start { body(text[start..<i]) }
            start = i + 1
        }
    }

    private func nicknamesMeet(_ x: Int32, _ y: Int32) -> Bool {
        let ga = nickGroups[Int(x)], gb = nickGroups[Int(y)]
        return !ga.isEmpty && !gb.isEmpty && NicknameTable.meet(ga, gb)
    }

    private func compareFamily(_ x: Int32, _ y: Int32) -> (UInt8, Float) {
        guard x >= 0, y >= 0 else { return (0, 0) }
        if x == y, names.bytes(x).count > 1 { return (1, Float(familyCount[Int(x)]) / Float(max(familyRecords, 1))) }
        return compareFamilyLike(x, y)
    }

    /// Family-style comparison of any two name ids (used crosswise too).
    private func compareFamilyLike(_ x: Int32, _ y: Int32) -> (UInt8, Float) {
        guard x >= 0, y >= 0 else { return (0, 0) }
        let bx = names.bytes(x), by = names.bytes(y)
        if bx.count == 1 || by.count == 1 { return bx[0] == by[0] ? (4, 0) : (5, 0) }
        if x == y {
            let n = Float(max(familyCount[Int(x)], givenCount[Int(x)]))
            return (1, n / Float(max(familyRecords, 1)))
        }
        if bx.contains(32) || by.contains(32) {
            // "stanomore schneider" = "stanomoreschneider"; "garcia lopez" ⊃ "garcia".
            if bx.lazy.filter({ $0 != 32 }).elementsEqual(by.lazy.filter { $0 != 32 }) { return (1, 0) }
            if Self.shareWord(bx, by) { return (2, 0) }
        }
        let s = StringSimilarity.jaroWinkler(bx, by)
        if s >= 0.92 { return (2, 0) }
        if s >= 0.80 { return (3, 0) }
        return (5, 0)
    }

    /// True when the two texts share a word of three or more letters.
    static func shareWord(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let wa = a.split(separator: 32), wb = b.split(separator: 32)
        for x in wa where x.count > 2 {
            for y in wb where y.count == x.count && y.elementsEqual(x) { return true }
        }
        return false
    }

    // MARK: E-mail and phone

    private func compareEmails(_ a: Int, _ b: Int, _ v: inout ComparisonVector) {
        let s1 = Int(emails.start[a]), e1 = Int(emails.start[a + 1])
        let s2 = Int(emails.start[b]), e2 = Int(emails.start[b + 1])
        guard s1 < e1, s2 < e2 else { return }
        var level: UInt8 = 3
        var freq: Float = 1
        for k in s1..<e1 {
            let i = emails.values[k]
            for l in s2..<e2 where emails.values[l] == i {
                if emailIsRole[Int(i)] {
                    if level > 2 { level = 2 }
                } else {
                    level = 1
                    freq = min(freq, Float(emailPeople[Int(i)]) / Float(max(emailRecords, 1)))
                }
            }
        }
        v[.email] = level
        if level == 1 { v.frequency[MatchField.email.rawValue] = freq }
    }

    private func comparePhones(_ a: Int, _ b: Int, _ v: inout ComparisonVector) {
        let s1 = Int(phones.start[a]), e1 = Int(phones.start[a + 1])
        let s2 = Int(phones.start[b]), e2 = Int(phones.start[b + 1])
        guard s1 < e1, s2 < e2 else { return }
        var level: UInt8 = 4
        var freq: Float = 1
        for k in s1..<e1 {
            let p = phones.values[k], tp = phoneTails.values[k]
            for l in s2..<e2 {
                let q = phones.values[l], tq = phoneTails.values[l]
                if p != 0 && p == q {
                    level = 1
                    freq = min(freq, Float(phonePeople.values[k]) / Float(max(phoneRecords, 1)))
                } else if tp != 0 && tp == tq {
                    if level > 2 { level = 2 }
                } else if level > 3, tp != 0, tq != 0, Self.oneDigitOff(tp, tq) {
                    level = 3
                }
            }
        }
        v[.phone] = level
        if level == 1 { v.frequency[MatchField.phone.rawValue] = freq }
    }

    /// Same number of digits and one digit different (or two neighbours swapped).
    static func oneDigitOff(_ a: UInt64, _ b: UInt64) -> Bool {
        var x = a, y = b
        var n = 0, firstPos = -1, secondPos = -1
        var d0x: UInt64 = 0, d0y: UInt64 = 0, d1x: UInt64 = 0, d1y: UInt64 = 0
        var pos = 0
        while x > 0 || y > 0 {
            let dx = x % 10, dy = y % 10
            if dx != dy {
                n += 1
                if n == 1 { firstPos = pos; d0x = dx; d0y = dy }
                else if n == 2 { secondPos = pos; d1x = dx; d1y = dy }
                else { return false }
            }
            x /= 10
            y /= 10
            pos += 1
        }
        if n == 1 { return true }
        return n == 2 && secondPos == firstPos + 1 && d0x == d1y && d0y == d1x
    }

    private func compareBirth(_ a: Int, _ b: Int, _ v: inout ComparisonVector) {
        let x = birth[a], y = birth[b]
        guard x != 0, y != 0 else { return }
        if x == y {
            v[.birthDate] = 1
            v.frequency[MatchField.birthDate.rawValue] = Float(birthCount[x] ?? 1) / Float(max(birthRecords, 1))
            return
        }
        let yx = x / 10000, yy = y / 10000
        let mx = x / 100 % 100, my = y / 100 % 100
        let dx = x % 100, dy = y % 100
        // A birthday without a year agrees with one that has it.
        if (yx == 0 || yy == 0) && mx == my && dx == dy { v[.birthDate] = 1; return }
        if yx == yy && mx == dy && dx == my { v[.birthDate] = 2; return }
        if Self.oneDigitOff(UInt64(x), UInt64(y)) { v[.birthDate] = 2; return }
        v[.birthDate] = 3
    }
}
