internal import Foundation

/// Why two records were, or were not, merged: every field's comparison level
/// and weight, the total, the thresholds and the decision.
public struct PairExplanation: Hashable, Sendable {
    /// One field's part.
    public struct FieldLine: Hashable, Sendable {
        /// The field compared.
        public var field: String
        /// The comparison level reached.
        public var level: String
        /// Weight of the level in bits (0 when missing).
        public var weight: Double
        /// Term-frequency adjustment in bits (0 when none).
        public var adjustment: Double
    }

    /// The first record's index.
    public var a: Int
    /// The second record's index.
    public var b: Int
    /// One line per field, in ``MatchField`` order.
    public var fields: [FieldLine]
    /// log2 prior odds.
    public var prior: Double
    /// Total weight in bits, prior included.
    public var total: Double
    /// The match probability the total stands for.
    public var probability: Double
    /// Weight needed to merge automatically.
    public var mergeThreshold: Double
    /// Weight needed to be suggested for review.
    public var reviewThreshold: Double
    /// Names compared crosswise (given ↔ family).
    public var swapped: Bool
    /// The given names clearly differ (see the matcher's hard conflicts).
    public var conflict: Bool
    /// Whether the two ended up in the same cluster.
    public var sameCluster: Bool
    /// The decision in words.
    public var decision: String

    /// A plain-text table.
    public func render(nameA: String, nameB: String) -> String {
        var s = "\(nameA)  vs  \(nameB)\n"
        s += "  field          level                             weight\n"
        for f in fields {
            var w = String(format: "%+7.2f", f.weight)
            if f.adjustment != 0 { w += String(format: " (%+.2f for how common the value is)", f.adjustment) }
            s += "  " + f.field.padding(toLength: 14, withPad: " ", startingAt: 0) + " "
                + f.level.padding(toLength: 33, withPad: " ", startingAt: 0) + " " + w + "\n"
        }
        s += String(format: "  prior (two random records are one person)       %+7.2f\n", prior)
        s += String(format: "  total %+.2f bits = match probability %.4f\n", total, probability)
        s += String(format: "  thresholds: merge at %+.2f, review at %+.2f\n", mergeThreshold, reviewThreshold)
        if swapped { s += "  (given and family names compared crosswise)\n" }
        s += "  decision: \(decision)\n"
        return s
    }
}

extension MatchResult {
    /// Explains the comparison of records `a` and `b` (indexes into the
    /// matched contacts).
    public func explain(_ a: Int, _ b: Int) -> PairExplanation {
        let v = features.compare(a, b)
        var lines: [PairExplanation.FieldLine] = []
        for f in MatchField.allCases {
            let l = Int(v.levels[f.rawValue])
            var adj = 0.0
            if l > 0, l == f.termFrequencyLevel, v.frequency[f.rawValue] > 0 {
                adj = model.tfAdjustment(f, frequency: Double(v.frequency[f.rawValue]))
            }
            lines.append(.init(field: f.description, level: f.levels[l], weight: model.weight(f, l), adjustment: adj))
        }
        let total = model.score(v)
        let mergeW = Matcher.weight(forProbability: options.mergeProbability)
        let reviewW = Matcher.weight(forProbability: options.reviewProbability)
        let same = clusterOf[a] == clusterOf[b]
        let conflict = Matcher.hasConflict(v)
        let decision: String
        if same {
            decision = total >= mergeW
                ? "merged (same cluster)"
                : "merged: same cluster through other records, though this pair alone is below the merge threshold"
        } else if review.contains(where: { ($0.a == min(a, b) && $0.b == max(a, b)) }) || total >= reviewW {
            if let s = review.first(where: { $0.a == min(a, b) && $0.b == max(a, b) }) {
                decision = "kept apart, suggested for review: \(s.reason)"
            } else if total >= mergeW && conflict {
                decision = "kept apart, suggested for review: the given names differ"
            } else {
                decision = "kept apart (their clusters did not hold together, or they were never compared as candidates)"
            }
        } else {
            decision = "kept apart: below the review threshold"
        }
        return PairExplanation(
            a: a, b: b, fields: lines, prior: model.priorWeight, total: total, probability: 1 / (1 + exp2(-total)),
            mergeThreshold: mergeW, reviewThreshold: reviewW, swapped: v.swapped, conflict: conflict, sameCluster: same,
            decision: decision)
    }

    /// Explains every pair inside the cluster of record `i`.
    public func explainCluster(of i: Int) -> [PairExplanation] {
        let members = clusters[clusterOf[i]]
        var out: [PairExplanation] = []
        for (k, a) in members.enumerated() {
            for b in members[(k + 1)...] { out.append(explain(a, b)) }
        }
        return out
    }

    /// The model's weights per field and level, as text.
    public func describeModel() -> String {
        var s = String(format: "prior: %.3g that two random records match (%+.2f bits); EM iterations: %d\n", model.prior, model.priorWeight, model.iterations)
        s += "timings:" + stats.seconds.sorted { $0.key < $1.key }.map { " " + $0.key + String(format: " %.2fs", $0.value) }.joined() + "\n"
        s += "candidate pairs \(stats.candidatePairs), blocks \(stats.blocks), kept \(stats.pairsAboveReview), merges \(stats.merged), guarded \(stats.rejectedByGuard)\n"
        for f in MatchField.allCases {
            s += "  \(f):"
            for l in 1..<f.levels.count {
                s += " [" + f.levels[l]
                s += String(format: " m=%.3f u=%.4f w=%+.2f]", model.m[f.rawValue][l], model.u[f.rawValue][l], model.weight(f, l))
            }
            s += "\n"
        }
        return s
    }
}
