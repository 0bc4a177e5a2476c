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
    /// How many pairs' worth of evidence the reference counts for.
    static let referencePairs = 500.0

    /// `m` per field and level (level 0 unused), in `MatchField` order.
    static let referenceM: [[Double]] = [
        [0, 0.80, 0.06, 0.05, 0.03, 0.03, 0.03],  // given
        [0, 0.85, 0.07, 0.03, 0.02, 0.03],  // family
        [0, 0.60, 0.02, 0.03, 0.35],  // e-mail
        [0, 0.60, 0.05, 0.02, 0.33],  // phone
        [0, 0.60, 0.15, 0.25],  // organisation
        [0, 0.80, 0.05, 0.15],  // city
        [0, 0.80, 0.05, 0.15],  // postcode
        [0, 0.70, 0.10, 0.05, 0.15],  // street
        [0, 0.90, 0.10],  // region
        [0, 0.85, 0.10, 0.05],  // birth date
        [0, 0.90, 0.05, 0.05],  // identifier
        [0, 0.70, 0.30],  // web
    ]

    /// `u` per field and level (level 0 unused), in `MatchField` order.
    static let referenceU: [[Double]] = [
        [0, 0.02, 0.005, 0.01, 0.04, 0.05, 0.875],  // given
        [0, 0.01, 0.01, 0.03, 0.05, 0.90],  // family
        [0, 0.0001, 0.001, 0.0005, 0.9984],  // e-mail
        [0, 0.0001, 0.0001, 0.001, 0.9988],  // phone
        [0, 0.02, 0.03, 0.95],  // organisation
        [0, 0.10, 0.02, 0.88],  // city
        [0, 0.01, 0.02, 0.97],  // postcode
        [0, 0.001, 0.005, 0.02, 0.974],  // street
        [0, 0.20, 0.80],  // region
        [0, 0.0005, 0.005, 0.9945],  // birth date
        [0, 0.0001, 0.001, 0.9989],  // identifier
        [0, 0.001, 0.999],  // web
    ]

    /// Blends the estimate with the reference: `m` by the number of
    /// candidate pairs it was estimated from, `u` by the number of random
    /// pairs.
    mutating func shrinkTowardsReference(candidatePairs: Int, randomPairs: Int) {
        let lm = Double(candidatePairs) / (Double(candidatePairs) + Self.referencePairs)
        let lu = Double(randomPairs) / (Double(randomPairs) + Self.referencePairs)
        for f in MatchField.allCases {
            let i = f.rawValue
            guard i < Self.referenceM.count, Self.referenceM[i].count == m[i].count else { continue }
            for l in 1..<m[i].count {
                m[i][l] = lm * m[i][l] + (1 - lm) * Self.referenceM[i][l]
                u[i][l] = lu * u[i][l] + (1 - lu) * Self.referenceU[i][l]
            }
        }
    }
}
