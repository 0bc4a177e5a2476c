internal import Foundation

/// A reference model for when the data at hand is too small to estimate one.
///
/// EM needs many candidate pairs and `u` needs many random pairs; a personal
/// address book of thirty people offers neither, and a model estimated on it
/// is flat (every level weighs about nothing), so nothing merges. The
/// estimate is therefore shrunk towards these reference probabilities, with
/// the weight of `referencePairs` pairs' worth of evidence: negligible at a
/// hundred thousand records, decisive at a dozen. The figures are judgement
/// calls about personal contact data (how often two different people share a
/// family name, a mailbox, a number), not fitted to any dataset.
extension MatchModel {
    /// How many candidate pairs' worth of evidence the reference `m` counts for.
    static let referencePairs = 500.0
    /// How many records' worth of evidence the reference `u` counts for:
    /// random pairs are contaminated by true matches in proportion to about
    /// 2 × duplicates per record / records, which matters below a few
    /// hundred records and not above a few thousand.
    static let referenceRecords = 100.0

    /// Reference `(m, u)` per field, by level name (so the table stays right
    /// when a field gains or loses a level; a level not listed leaves that
    /// field's estimate as it is).
    static let reference: [MatchField: [String: (m: Double, u: Double)]] = [
        .given: [
            "exact": (0.80, 0.02), "nickname": (0.06, 0.005), "jaro-winkler ≥ 0.92": (0.05, 0.01),
            "jaro-winkler ≥ 0.80": (0.03, 0.04), "initial": (0.03, 0.05), "different": (0.03, 0.875),
        ],
        .family: [
            "exact": (0.85, 0.01), "jaro-winkler ≥ 0.92 or part": (0.07, 0.01), "jaro-winkler ≥ 0.80": (0.03, 0.03),
            "initial": (0.02, 0.05), "different": (0.03, 0.90),
        ],
        .email: [
            "shared address": (0.60, 0.0001), "shared role address": (0.02, 0.001),
            "near (one typo, same domain)": (0.03, 0.0005), "different": (0.35, 0.9984),
        ],
        .phone: [
            "same E.164": (0.60, 0.0001), "same last nine digits": (0.05, 0.0001), "one digit off": (0.02, 0.001),
            "different": (0.33, 0.9988),
        ],
        .organization: ["exact": (0.60, 0.02), "similar": (0.15, 0.03), "different": (0.25, 0.95)],
        .city: ["exact": (0.80, 0.10), "similar": (0.05, 0.02), "different": (0.15, 0.88)],
        .postcode: ["exact": (0.80, 0.01), "one edit": (0.05, 0.02), "different": (0.15, 0.97)],
        .street: [
            "exact": (0.70, 0.001), "jaro-winkler ≥ 0.90": (0.10, 0.005), "jaro-winkler ≥ 0.75": (0.05, 0.02),
            "different": (0.15, 0.974),
        ],
        .region: ["exact": (0.90, 0.20), "different": (0.10, 0.80)],
        .birthDate: ["exact": (0.85, 0.0005), "one edit or day/month swapped": (0.10, 0.005), "different": (0.05, 0.9945)],
        .identifier: ["exact": (0.90, 0.0001), "one edit": (0.05, 0.001), "different": (0.05, 0.9989)],
        .web: ["shared": (0.70, 0.001), "different": (0.30, 0.999)],
    ]

    /// Blends the estimate with the reference: `m` by the number of
    /// candidate pairs it was estimated from, `u` by the number of records
    /// (not pairs: in a small input the "random" pairs are all the pairs,
    /// and one person's many records make agreement look common).
    mutating func shrinkTowardsReference(candidatePairs: Int, records: Int) {
        let lm = Double(candidatePairs) / (Double(candidatePairs) + Self.referencePairs)
        let lu = Double(records) / (Double(records) + Self.referenceRecords)
        // The prior too: with a handful of candidate pairs its maximum-
        // likelihood estimate can fall to nothing (-40 bits on a four-card
        // book). The reference is about one duplicate pair per record, i.e.
        // 1 / records; blended in log-odds.
        if records >= 2 {
            let reference = min(0.5, 1 / Double(records))
            func logit(_ p: Double) -> Double { log2(p / (1 - p)) }
            let blended = lm * logit(min(max(prior, 1e-12), 0.5)) + (1 - lm) * logit(reference)
            prior = 1 / (1 + exp2(-blended))
        }
        for f in MatchField.allCases {
            let i = f.rawValue
            guard let table = Self.reference[f] else { continue }
            let names = f.levels
            // Every level must be known, and the shares renormalised, so that
            // m and u stay distributions.
            guard names.dropFirst().allSatisfy({ table[$0] != nil }), names.count == m[i].count else { continue }
            let sumM = names.dropFirst().reduce(0) { $0 + table[$1]!.m }
            let sumU = names.dropFirst().reduce(0) { $0 + table[$1]!.u }
            for l in 1..<m[i].count {
                let r = table[names[l]]!
                m[i][l] = lm * m[i][l] + (1 - lm) * r.m / sumM
                u[i][l] = lu * u[i][l] + (1 - lu) * r.u / sumU
            }
        }
    }
}
