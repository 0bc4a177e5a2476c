internal import Foundation

/// A Fellegi-Sunter model: for every field and comparison level, how likely
/// that level is between two records of the same person (`m`) and of
/// different people (`u`), and the share of candidate pairs that match.
///
/// Estimated without labels by expectation maximisation on the candidate
/// pairs of the data at hand (``MatchModel/estimate(patterns:)``). A level's
/// weight is `log2(m / u)`; the weight of exact agreement is further adjusted
/// by how common the agreeing value is (a rare surname says more than
/// "Smith"): `+ log2(typical / frequency)`, bounded.
public struct MatchModel: Sendable {
    /// Share of candidate pairs that are matches.
    public var prior: Double
    /// `m[field][level]`; level 0 (missing) unused.
    public var m: [[Double]]
    /// `u[field][level]`; level 0 (missing) unused.
    public var u: [[Double]]
    /// Per field, the typical frequency of an exactly agreeing value among
    /// non-matching candidate pairs: the centre of the term-frequency
    /// adjustment.
    public var typicalFrequency: [Double]
    /// EM iterations run.
    public var iterations: Int

    /// Largest term-frequency adjustment up (rare value) and down (common
    /// value), in bits.
    public static let tfMaxUp = 3.0
    public static let tfMaxDown = 8.0

    /// The weight of `level` of `field`, in bits.
    public func weight(_ field: MatchField, _ level: Int) -> Double {
        guard level > 0 else { return 0 }
        return log2(m[field.rawValue][level] / u[field.rawValue][level])
    }

    /// The term-frequency adjustment for exact agreement on a value held by
    /// the share `frequency` of records.
    public func tfAdjustment(_ field: MatchField, frequency: Double) -> Double {
        let t = typicalFrequency[field.rawValue]
        guard frequency > 0, t > 0 else { return 0 }
        return min(Self.tfMaxUp, max(-Self.tfMaxDown, log2(t / frequency)))
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
    static func estimate(patterns: [(SIMD16<UInt8>, Int)], frequencies: [(SIMD16<Float>, Double)] = []) -> MatchModel {
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
            prior: prior, m: m, u: u, typicalFrequency: [Double](repeating: 0, count: fields.count), iterations: iterations)
    }

    /// Sets ``typicalFrequency`` from sampled comparisons: the geometric mean
    /// frequency of exactly agreeing values, weighted by how likely each pair
    /// is a non-match.
    mutating func calibrateTermFrequencies(_ sample: [ComparisonVector]) {
        var sum = [Double](repeating: 0, count: MatchField.count)
        var mass = [Double](repeating: 0, count: MatchField.count)
        let pw = priorWeight
        for v in sample {
            var w = pw
            for f in MatchField.allCases { w += weight(f, Int(v.levels[f.rawValue])) }
            let nonMatch = 1 - 1 / (1 + exp2(-w))
            for f in MatchField.allCases where Int(v.levels[f.rawValue]) == f.termFrequencyLevel && v.frequency[f.rawValue] > 0 {
                sum[f.rawValue] += nonMatch * log2(Double(v.frequency[f.rawValue]))
                mass[f.rawValue] += nonMatch
            }
        }
        typicalFrequency = (0..<MatchField.count).map { mass[$0] > 1e-9 ? exp2(sum[$0] / mass[$0]) : 0 }
    }
}
