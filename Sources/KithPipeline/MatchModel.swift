internal import Foundation

/// A Fellegi-Sunter model: for every field and comparison level, how likely
/// that level is between two records of the same person (`m`) and of
/// different people (`u`), and how likely two records picked at random are
/// the same person (the prior).
///
/// Estimated without labels on the data at hand: `m` by expectation
/// maximisation over a sample of candidate pairs (where nearly all matches
/// are), `u` from random record pairs (nearly all non-matches), the prior by
/// maximum likelihood with `m` and `u` fixed. A level's weight is
/// `log2(m / u)`. Exact agreement on a value is weighed by how common that
/// value is (term frequency): `log2(m / p)` where `p` is the share of records
/// holding the value, so a rare surname says more than "Smith".
public struct MatchModel: Sendable, Codable, Equatable {
    /// Probability that two records picked at random are the same person.
    public var prior: Double
    /// `m[field][level]`; level 0 (missing) unused.
    public var m: [[Double]]
    /// `u[field][level]`; level 0 (missing) unused.
    public var u: [[Double]]
    /// Per field, the smallest value share used for term-frequency weights
    /// (one record's worth), so that a unique value cannot weigh without bound.
    public var frequencyFloor: [Double]
    /// EM iterations run.
    public var iterations: Int

    /// The weight of `level` of `field`, in bits.
    public func weight(_ field: MatchField, _ level: Int) -> Double {
        guard level > 0 else { return 0 }
        return log2(m[field.rawValue][level] / u[field.rawValue][level])
    }

    /// The term-frequency adjustment for exact agreement on a value held by
    /// the share `frequency` of records: the difference between
    /// `log2(m / frequency)` and the level's average weight.
    ///
    /// Identity fields (e-mail, phone, identifier, web) work differently:
    /// `frequency` there is the share of *people* holding the value (distinct
    /// given-name initials among its holders, see the feature store). A value
    /// one person holds, however many of their records repeat it, keeps the
    /// level's full weight; a value several people hold (a switchboard, a
    /// family landline, `info@`) is weighed down by how many.
    public func tfAdjustment(_ field: MatchField, frequency: Double) -> Double {
        guard frequency > 0, let l = field.termFrequencyLevel else { return 0 }
        let floor = frequencyFloor[field.rawValue]
        if field.isIdentity {
            guard floor > 0 else { return 0 }
            let excess = (frequency / floor - 1) * floor
            guard excess > u[field.rawValue][l] else { return 0 }
            return log2(u[field.rawValue][l] / excess)
        }
        let p = max(frequency, floor)
        return log2(m[field.rawValue][l] / p) - weight(field, l)
    }


    /// log2 of the prior odds.
    public var priorWeight: Double { log2(prior / (1 - prior)) }

    /// Total weight (prior included) of a comparison.
    func score(_ v: ComparisonVector) -> Double {
        var total = priorWeight
        for f in MatchField.allCases {
            let l = Int(v.levels[f.rawValue])
            guard l > 0 else { continue }
            total += weight(f, l)
            if l == f.termFrequencyLevel, v.frequency[f.rawValue] > 0 {
                total += tfAdjustment(f, frequency: Double(v.frequency[f.rawValue]))
            }
        }
        return total
    }

    /// Estimates the model from comparison patterns of candidate pairs with
    /// their counts. Starts from a neutral guess (agreement likely for
    /// matches, levels as observed for non-matches) and iterates until the
    /// parameters settle.
    static func estimate(patterns: [(SIMD16<UInt8>, Int)]) -> MatchModel {
        let fields = MatchField.allCases
        var m: [[Double]] = [], u: [[Double]] = []
        let total = Double(patterns.reduce(0) { $0 + $1.1 })
        for f in fields {
            let n = f.levels.count
            var counts = [Double](repeating: 1, count: n)
            for (p, c) in patterns where p[f.rawValue] > 0 { counts[Int(p[f.rawValue])] += Double(c) }
            counts[0] = 0
            let s = counts.reduce(0, +)
            u.append(counts.map { $0 / s })
            // m: strong agreement likely, disagreement unlikely.
            var mm = [Double](repeating: 0, count: n)
            let rest = n - 2
            mm[1] = 0.7
            for l in 2..<n { mm[l] = l == n - 1 ? 0.03 : 0.27 / Double(max(rest - 1, 1)) }
            let sm = mm.reduce(0, +)
            m.append(mm.map { $0 / sm })
        }
        var prior = 0.2
        var iterations = 0
        let alpha = 0.5  // smoothing pseudo-count
        for it in 0..<100 {
            iterations = it + 1
            var mc = m.map { $0.map { _ in alpha } }, uc = u.map { $0.map { _ in alpha } }
            var matchMass = 0.0
            let lw = m.indices.map { f in m[f].indices.map { l in l == 0 ? 0 : log2(m[f][l] / u[f][l]) } }
            let pw = log2(prior / (1 - prior))
            for (p, c) in patterns {
                var w = pw
                for f in 0..<fields.count where p[f] > 0 { w += lw[f][Int(p[f])] }
                let post = 1 / (1 + exp2(-w))
                let cm = post * Double(c), cu = (1 - post) * Double(c)
                matchMass += cm
                for f in 0..<fields.count where p[f] > 0 {
                    mc[f][Int(p[f])] += cm
                    uc[f][Int(p[f])] += cu
                }
            }
            var change = abs(matchMass / total - prior)
            prior = min(0.999, max(1e-6, matchMass / total))
            for f in 0..<fields.count {
                mc[f][0] = 0
                uc[f][0] = 0
                let sm = mc[f].reduce(0, +), su = uc[f].reduce(0, +)
                for l in 1..<mc[f].count {
                    let nm = mc[f][l] / sm, nu = uc[f][l] / su
                    change = max(change, abs(nm - m[f][l]), abs(nu - u[f][l]))
                    m[f][l] = nm
                    u[f][l] = nu
                }
            }
            if change < 1e-5 { break }
        }
        return MatchModel(
            prior: prior, m: m, u: u, frequencyFloor: [Double](repeating: 0, count: fields.count), iterations: iterations)
    }

    /// Replaces `u` with level shares among random record pairs, less the
    /// matches expected among them (`prior` × `m`), with a pseudo-count so
    /// unseen levels are merely rare.
    ///
    /// Agreement on an identity field (a shared mailbox or number) between
    /// different people is usually too rare to measure in a sample; then it
    /// is bounded by `1 / (identityCollisionFactor × records holding the
    /// field)`, which keeps one shared personal address worth the same at
    /// any input size.
    mutating func setU(fromRandom patterns: [SIMD16<UInt8>: Int], prior: Double) {
        for f in MatchField.allCases {
            var counts = [Double](repeating: 0, count: f.levels.count)
            for (p, c) in patterns where p[f.rawValue] > 0 { counts[Int(p[f.rawValue])] += Double(c) }
            let total = counts.reduce(0, +)
            let pseudo = 0.5
            var nonMatch = [Double](repeating: 0, count: counts.count)
            for l in 1..<counts.count {
                nonMatch[l] = max(0, counts[l] - prior * total * m[f.rawValue][l])
            }
            let sum = nonMatch.reduce(0, +) + pseudo * Double(counts.count - 1)
            for l in 1..<counts.count {
                if f.isIdentity && l == 1 && nonMatch[l] < 3 && frequencyFloor[f.rawValue] > 0 {
                    u[f.rawValue][l] = frequencyFloor[f.rawValue] / Self.identityCollisionFactor
                } else {
                    u[f.rawValue][l] = (nonMatch[l] + pseudo) / sum
                }
            }
        }
    }

    /// See `setU(fromRandom:prior:)`.
    public static let identityCollisionFactor = 64.0

    /// Sets the prior by maximum likelihood over candidate comparisons that
    /// stand for `scale` times as many pairs, out of `totalPairs` in all.
    mutating func estimatePrior(_ sample: [ComparisonVector], scale: Double, totalPairs: Double) {
        guard totalPairs > 0, !sample.isEmpty else { return }
        // Weights without the prior, once.
        prior = 0.5
        let weights = sample.map { score($0) }
        prior = min(0.5, max(1e-12, Double(sample.count) * scale / totalPairs * 0.1))
        for _ in 0..<100 {
            let pw = priorWeight
            var sum = 0.0
            for w in weights { sum += 1 / (1 + exp2(-(w + pw))) }
            let next = min(0.5, max(1e-12, sum * scale / totalPairs))
            let done = abs(log2(next / prior)) < 1e-4
            prior = next
            if done { break }
        }
    }
}
