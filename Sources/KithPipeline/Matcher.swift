internal import Dispatch
internal import Foundation
internal import KithModel

/// Settings for matching.
public struct MatchOptions: Sendable {
    /// Region for phone numbers written without a country code (ISO 3166
    /// alpha-2); the contact's own hints come first.
    public var defaultRegion: String
    /// Match probability from which a pair is merged automatically.
    public var mergeProbability: Double
    /// Match probability from which a pair not merged is suggested for review.
    public var reviewProbability: Double
    /// The user's same / never-same rules.
    public var rules: MatchRules
    /// Above this size a cluster takes no further members automatically (they
    /// are suggested for review instead): a guard against identifiers shared
    /// by several people, not a target (see docs/matching.md).
    public var maxClusterSize: Int
    /// Threads for normalising and scoring (0 = all cores).
    public var threads: Int

    /// Options; the defaults are the documented ones (see docs/matching.md).
    public init(
        defaultRegion: String = MatchOptions.localeRegion, mergeProbability: Double = 0.8, reviewProbability: Double = 0.1,
        rules: MatchRules = MatchRules(), maxClusterSize: Int = 10, threads: Int = 0
    ) {
        self.defaultRegion = defaultRegion
        self.mergeProbability = mergeProbability
        self.reviewProbability = reviewProbability
        self.rules = rules
        self.maxClusterSize = maxClusterSize
        self.threads = threads
    }

    /// The region of the current locale, else "US".
    public static var localeRegion: String {
        if let env = ProcessInfo.processInfo.environment["LANG"] ?? ProcessInfo.processInfo.environment["LC_ALL"],
            let us = env.firstIndex(of: "_")
        {
            let r = env[env.index(after: us)...].prefix(2)
            if r.count == 2, r.allSatisfy(\.isLetter) { return r.uppercased() }
        }
        // A locale without a country ("C.UTF-8" gives the world, "001") is no
        // phone region.
        if let r = Locale.current.region?.identifier, r.count == 2, r.allSatisfy(\.isLetter) { return r.uppercased() }
        return "US"
    }
}

/// A pair left for a person to decide.
public struct ReviewSuggestion: Hashable, Sendable {
    /// The first record's index (into the matched contacts); `a < b`.
    public var a: Int
    /// The second record's index.
    public var b: Int
    /// Total weight in bits.
    public var weight: Double
    /// The match probability the weight stands for.
    public var probability: Double
    /// Why it was not merged automatically.
    public var reason: String
}

/// What matching found.
public struct MatchResult: Sendable {
    /// Clusters of record indexes: each sorted, ordered by first member.
    public var clusters: [[Int]]
    /// For each record, the index of its cluster.
    public var clusterOf: [Int]
    /// Pairs suggested for review, strongest first.
    public var review: [ReviewSuggestion]
    /// The estimated model.
    public var model: MatchModel
    /// Counts and timings.
    public var stats: MatchStats
    /// Decisions for explaining.
    let features: FeatureStore
    let options: MatchOptions
}

/// Counts and timings of one matching run.
public struct MatchStats: Hashable, Sendable {
    /// Records matched.
    public var records = 0
    /// Blocks of two or more records.
    public var blocks = 0
    /// Candidate pairs compared.
    public var candidatePairs = 0
    /// Pairs at or above the lower of the two thresholds.
    public var pairsAboveReview = 0
    /// Links that merged two clusters.
    public var merged = 0
    /// Links refused by the clustering guards.
    public var rejectedByGuard = 0
    /// Seconds per stage.
    public var seconds: [String: Double] = [:]
}

/// Finds which contacts are the same person: normalise → block → score
/// (Fellegi-Sunter, EM-estimated) → cluster (chaining-resistant).
public struct Matcher: Sendable {
    /// Thresholds, region, rules.
    public var options: MatchOptions
    /// The nickname table.
    public var nicknames: NicknameTable

    /// A matcher with `options` and a nickname table.
    public init(options: MatchOptions = MatchOptions(), nicknames: NicknameTable = .standard) {
        self.options = options
        self.nicknames = nicknames
    }

    private var threadCount: Int {
        options.threads > 0 ? options.threads : max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Matches `contacts`. `recordKeys` name the records for the rules (one
    /// per contact; see ``RecordKey``).
    ///
    /// `model`, when given, is used instead of estimating one on `contacts`
    /// (its m, u and prior; term-frequency floors come from `contacts`): an
    /// incremental match of a few records against a large store is better
    /// served by the model estimated on the whole store.
    public func match(_ contacts: some ContactCollection, recordKeys: [String]? = nil, model given: MatchModel? = nil) -> MatchResult {
        var stats = MatchStats()
        stats.records = contacts.count
        var clock = Date()
        func lap(_ name: String) {
            let now = Date()
            stats.seconds[name] = now.timeIntervalSince(clock)
            clock = now
        }
        let features = buildFeatures(contacts)
        lap("normalise")
        let blocking = Blocking(features: features)
        stats.blocks = blocking.blockCount
        lap("block")
        var model: MatchModel
        if let given {
            model = given
            model.frequencyFloor = Self.frequencyFloors(features)
        } else {
            model = estimateModel(features, blocking)
        }
        lap("estimate")
        let reviewWeight = Self.weight(forProbability: options.reviewProbability)
        let pairs = scoreAll(features, blocking, model, minWeight: min(reviewWeight, Self.weight(forProbability: options.mergeProbability)), stats: &stats)
        lap("score")
        let keys = recordKeys ?? (0..<contacts.count).map { contacts.contact(at: $0).id }
        var result = cluster(features, model, pairs, keys: keys, stats: &stats)
        lap("cluster")
        result.stats.seconds = stats.seconds
        return result
    }

    /// The weight in bits of a match probability.
    static func weight(forProbability p: Double) -> Double { log2(p / (1 - p)) }

    // MARK: Stages

    func buildFeatures(_ contacts: some ContactCollection) -> FeatureStore {
        let normalizer = RecordNormalizer(defaultRegion: options.defaultRegion, nicknames: nicknames)
        var fs = FeatureStore()
        fs.nicknames = nicknames
        let chunk = 16_384
        var startIndex = 0
        let threads = threadCount
        while startIndex < contacts.count {
            let end = min(contacts.count, startIndex + chunk)
            let n = end - startIndex
            let parts = min(threads * 4, max(1, n / 512))
            let s = startIndex
            let pieces = parallelMap(parts) { p in
                var cache = RecordNormalizer.PhoneCache()
                return (n * p / parts..<n * (p + 1) / parts).map { normalizer.normalize(contacts.contact(at: s + $0), phoneCache: &cache) }
            }
            for records in pieces { for r in records { fs.append(r, nicknames: nicknames) } }

            startIndex = end
        }
        fs.finish()
        return fs
    }
    /// Per field, one record's share of the records holding a value.
    static func frequencyFloors(_ fs: FeatureStore) -> [Double] {
        [
            fs.givenRecords, fs.familyRecords, fs.emailRecords, fs.phoneRecords, fs.orgRecords, fs.cityRecords,
            fs.postcodeRecords, fs.streetRecords, fs.regionRecords, fs.birthRecords, fs.identRecords, fs.webRecords,
        ].map { 1 / Double(max($0, 1)) }
    }

    /// EM on the comparison patterns of a deterministic sample of candidate pairs.
    func estimateModel(_ fs: FeatureStore, _ blocking: Blocking) -> MatchModel {
        let target = 150_000
        // Sample every k-th record's candidate pairs.
        var total = 0
        var buf: [Int32] = []
        let probe = min(fs.count, 2000)
        for i in stride(from: 0, to: fs.count, by: max(1, fs.count / max(probe, 1))) {
            blocking.candidates(of: i, into: &buf)
            total += buf.count
        }
        let perRecord = Double(total) / Double(max(1, min(probe, fs.count)))
        let step = max(1, Int((perRecord * Double(fs.count) / Double(target)).rounded(.up)))
        var counts: [SIMD16<UInt8>: Int] = [:]
        var sample: [ComparisonVector] = []
        sample.reserveCapacity(150_000)  // grown by doubling it would hold 262,144
        var sampledCandidates = 0
        for i in stride(from: 0, to: fs.count, by: step) {
            blocking.candidates(of: i, into: &buf)
            for j in buf {
                let v = fs.compare(i, Int(j))
                counts[v.levels, default: 0] += 1
                sampledCandidates += 1
                if sample.count < 150_000 { sample.append(v) }
            }
        }
        let patterns = counts.sorted { a, b in
            for k in 0..<16 where a.key[k] != b.key[k] { return a.key[k] < b.key[k] }
            return false
        }.map { ($0.key, $0.value) }
        var model = MatchModel.estimate(patterns: patterns)
        model.frequencyFloor = Self.frequencyFloors(fs)
        // u from random pairs (deterministic).
        let n = fs.count
        var randomCounts: [SIMD16<UInt8>: Int] = [:]
        if n >= 2 {
            let allPairs = n * (n - 1) / 2
            let parts = 8
            let wanted = 300_000
            let pieces: [[SIMD16<UInt8>: Int]] = parallelMap(parts) { part in
                var counts: [SIMD16<UInt8>: Int] = [:]
                if allPairs <= wanted {
                    var i = part
                    while i < n {
                        for j in (i + 1)..<n { counts[Self.nonMatchEvidence(fs.compare(i, j)), default: 0] += 1 }
                        i += parts
                    }
                    return counts
                }
                var state: UInt64 = 0x2545_F491_4F6C_DD1D &+ UInt64(part) &* 0x9E37_79B9_7F4A_7C15
                func next() -> Int {
                    state ^= state << 13
                    state ^= state >> 7
                    state ^= state << 17
                    return Int(state % UInt64(n))
                }
                var k = 0
                while k < wanted / parts {
                    let i = next(), j = next()
                    if i == j { continue }
                    counts[Self.nonMatchEvidence(fs.compare(i, j)), default: 0] += 1
                    k += 1
                }
                return counts
            }
            for piece in pieces { randomCounts.merge(piece, uniquingKeysWith: +) }
        }
        model.setU(fromRandom: randomCounts, prior: 0)
        let totalPairs = Double(n) * Double(n - 1) / 2
        let scale = Double(sampledCandidates) / Double(max(sample.count, 1)) * Double(step)
        // u and the prior depend on each other (random pairs hold a few
        // matches); a few rounds settle both.
        var prior = 0.0
        for _ in 0..<4 {
            model.setU(fromRandom: randomCounts, prior: prior)
            model.estimatePrior(sample, scale: scale, totalPairs: totalPairs)
            prior = model.prior
        }
        model.shrinkTowardsReference(candidatePairs: sampledCandidates, records: n)
        return model
    }

    /// A random pair's levels as evidence of how different people compare:
    /// a pair agreeing on an identity value (a mailbox, a number, an id, a
    /// URL) whose given names agree too (exactly, as nicknames, as a part of
    /// a compound name, by initial or by spelling) is dropped, since it is
    /// one person twice. In a small export where people recur
    /// (one person's card, mails and comments) those pairs made a shared
    /// address look common among strangers (the sample exports: u 0.08,
    /// +4.3 bits, so that "JB Lefèvre" and "Jean-Baptiste Lefèvre" with one
    /// address stayed apart). Agreement between clearly different given
    /// names (a family's shared address), or where a name is missing, still
    /// counts.
    static func nonMatchEvidence(_ v: ComparisonVector) -> SIMD16<UInt8> {
        let levels = v.levels
        let given = levels[MatchField.given.rawValue]
        guard given > 0 && Int(given) < MatchField.given.levels.count - 1 else { return levels }
        // One person twice: no evidence about strangers in any field (their
        // names agreeing too would make names look common).
        let sameIdentity = levels[MatchField.email.rawValue] == 1 || levels[MatchField.phone.rawValue] == 1
            || levels[MatchField.identifier.rawValue] == 1 || levels[MatchField.web.rawValue] == 1
        return sameIdentity ? SIMD16<UInt8>(repeating: 0) : levels
    }

    struct ScoredPair: Sendable {
        var a: Int32
        var b: Int32
        var weight: Float
        var conflict: Bool
    }

    /// Evidence (bits, prior excluded) against two records so strong that no
    /// chain of other links may put them in one cluster.
    static let vetoEvidence = 10.0

    /// A hard conflict: both records hold a given name (not an initial) and
    /// the names clearly differ — not a nickname, not a typo. Relatives share
    /// surnames, addresses and landlines; their given names tell them apart.
    /// Such a pair merges only on overwhelming evidence.
    static func hasConflict(_ v: ComparisonVector) -> Bool {
        v[.given] == 6
    }

    func scoreAll(_ fs: FeatureStore, _ blocking: Blocking, _ model: MatchModel, minWeight: Double, stats: inout MatchStats) -> [ScoredPair] {
        let parts = max(1, threadCount * 8)
        let n = fs.count
        let results = parallelMap(parts) { p in
            var out: [ScoredPair] = []
            var buf: [Int32] = []
            var seen = 0
            // Interleave records so parts get similar work.
            var i = p
            while i < n {
                blocking.candidates(of: i, into: &buf)
                seen += buf.count
                for j in buf {
                    let v = fs.compare(i, Int(j))
                    let w = model.score(v)
                    if w >= minWeight {
                        out.append(ScoredPair(a: Int32(i), b: j, weight: Float(w), conflict: Self.hasConflict(v)))
                    }
                }
                i += parts
            }
            return (out, seen)
        }
        stats.candidatePairs = results.reduce(0) { $0 + $1.1 }
        var all = results.flatMap { $0.0 }
        all.sort { ($0.weight, $1.a, $1.b) > ($1.weight, $0.a, $0.b) }
        stats.pairsAboveReview = all.count
        return all
    }

    // MARK: Clustering

    func cluster(_ fs: FeatureStore, _ model: MatchModel, _ pairs: [ScoredPair], keys: [String], stats: inout MatchStats)
        -> MatchResult
    {
        let n = fs.count
        var parent = [Int32](0..<Int32(n))
        var clusterMembers: [Int32: [Int32]] = [:]  // only for clusters of 2+
        func find(_ x: Int32) -> Int32 {
            var r = x
            while parent[Int(r)] != r { r = parent[Int(r)] }
            var y = x
            while parent[Int(y)] != r {
                let next = parent[Int(y)]
                parent[Int(y)] = r
                y = next
            }
            return r
        }
        func membersOf(_ root: Int32) -> [Int32] { clusterMembers[root] ?? [root] }
        func union(_ ra: Int32, _ rb: Int32) {
            let ma = membersOf(ra), mb = membersOf(rb)
            let (big, small) = ma.count >= mb.count ? (ra, rb) : (rb, ra)
            parent[Int(small)] = big
            clusterMembers[big] = (ma + mb)
            clusterMembers[small] = nil
        }
        // Rules. A key names every record holding it (one mail address read
        // from an mbox and from a Maildir is two records, one key).
        var index: [String: [Int32]] = [:]
        if !options.rules.never.isEmpty || !options.rules.same.isEmpty {
            for (i, k) in keys.enumerated() { index[k, default: []].append(Int32(i)) }
        }
        var never: [Int32: Set<Int32>] = [:]
        for (x, y) in options.rules.never {
            guard let xs = index[x], let ys = index[y] else { continue }
            for a in xs {
                for b in ys where a != b {
                    never[a, default: []].insert(b)
                    never[b, default: []].insert(a)
                }
            }
        }
        func forbidden(_ ma: [Int32], _ mb: [Int32]) -> Bool {
            guard !never.isEmpty else { return false }
            for a in ma { if let s = never[a], mb.contains(where: s.contains) { return true } }
            return false
        }
        for (x, y) in options.rules.same {
            guard let xs = index[x], let ys = index[y] else { continue }
            for a in xs {
                for b in ys {
                    let ra = find(a), rb = find(b)
                    if ra != rb && !forbidden(membersOf(ra), membersOf(rb)) { union(ra, rb) }
                }
            }
        }
        let mergeWeight = Self.weight(forProbability: options.mergeProbability)
        let reviewWeight = Self.weight(forProbability: options.reviewProbability)
        let strongWeight = mergeWeight + 10
        var review: [ReviewSuggestion] = []
        func suggest(_ p: ScoredPair, _ reason: String) {
            let w = Double(p.weight)
            review.append(ReviewSuggestion(a: Int(p.a), b: Int(p.b), weight: w, probability: 1 / (1 + exp2(-w)), reason: reason))
        }
        for p in pairs {
            let w = Double(p.weight)
            let ra = find(p.a), rb = find(p.b)
            if ra == rb { continue }
            guard w >= mergeWeight else {
                suggest(p, "below the merge threshold")
                continue
            }
            if p.conflict && w < strongWeight {
                suggest(p, "the given names differ")
                stats.rejectedByGuard += 1
                continue
            }
            let ma = membersOf(ra), mb = membersOf(rb)
            if forbidden(ma, mb) {
                suggest(p, "a never-same rule keeps them apart")
                continue
            }
            if ma.count + mb.count > options.maxClusterSize {
                suggest(p, "the cluster would grow past \(options.maxClusterSize) records")
                stats.rejectedByGuard += 1
                continue
            }
            if ma.count + mb.count > 2 {
                // The clusters must hold together: no cross pair with strong
                // evidence against (beyond the prior), none in hard conflict
                // unless it would merge on its own, and, unless the link is
                // very strong, the cross pairs' evidence on average for.
                var sum = 0.0
                var ok = true
                let pw = model.priorWeight
                for a in ma {
                    for b in mb {
                        let v = fs.compare(Int(a), Int(b))
                        let cw = model.score(v)
                        if cw < strongWeight && ((Self.hasConflict(v) && cw < mergeWeight) || cw - pw < -Self.vetoEvidence) {
                            ok = false
                            break
                        }
                        sum += cw - pw
                    }
                    if !ok { break }
                }
                // Two established clusters (two or more records each) must
                // also be likely one person pair by pair on average, prior
                // included: namesakes each with their own numbers and
                // mailboxes stay apart even when one pair of their records
                // links them.
                let established = ma.count >= 2 && mb.count >= 2
                let pairs = Double(ma.count * mb.count)
                if !ok || (w < strongWeight && sum < 0)
                    || (established && (sum / pairs + pw) < reviewWeight)
                {
                    suggest(p, "the clusters do not hold together (a weak link)")
                    stats.rejectedByGuard += 1
                    continue
                }
            }
            union(ra, rb)
            stats.merged += 1
        }
        // Deterministic cluster order: by smallest member.
        var clusterOf = [Int](repeating: -1, count: n)
        var clusters: [[Int]] = []
        for i in 0..<n where clusterOf[i] < 0 {
            let root = find(Int32(i))
            let ms = membersOf(root).map(Int.init).sorted()
            let c = clusters.count
            for m in ms { clusterOf[m] = c }
            clusters.append(ms)
        }
        // Review: one suggestion per pair of clusters, strongest first.
        var seen = Set<UInt64>()
        var kept: [ReviewSuggestion] = []
        for s in review.sorted(by: { ($0.weight, $1.a, $1.b) > ($1.weight, $0.a, $0.b) }) {
            let ca = clusterOf[s.a], cb = clusterOf[s.b]
            guard ca != cb else { continue }
            let key = UInt64(min(ca, cb)) << 32 | UInt64(max(ca, cb))
            if seen.insert(key).inserted { kept.append(s) }
        }
        return MatchResult(
            clusters: clusters, clusterOf: clusterOf, review: kept, model: model, stats: stats, features: fs, options: options)
    }
}
