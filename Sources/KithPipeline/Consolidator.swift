public import KithModel

/// How a record is named in rules, review files and `--clusters-out`: the
/// input's own record id when it has one, else `file:locator`, else the
/// contact id.
public enum RecordKey {
    /// The key of a contact read from one input record.
    public static func of(_ c: Contact) -> String {
        guard let p = c.sources.first else { return c.id }
        if let id = p.recordId, !id.isEmpty { return id }
        var loc = p.file
        if let path = p.locator.path { loc += ":" + path }
        if let line = p.locator.line { loc += ":\(line)" } else if let r = p.locator.record { loc += ":#\(r)" }
        return loc.isEmpty ? c.id : loc
    }
}

/// The whole pipeline over values: match, merge each cluster, point
/// interactions' participants at the merged contacts.
public struct Consolidator: Sendable {
    /// Finds the clusters.
    public var matcher: Matcher
    /// Merges each cluster.
    public var merger = Merger()

    /// A consolidator matching with `options`.
    public init(options: MatchOptions = MatchOptions()) {
        matcher = Matcher(options: options)
    }

    /// The outcome of a run.
    public struct Output: Sendable {
        /// One contact per cluster, in cluster order.
        public var contacts: [Contact]
        /// The interactions, participants resolved where possible.
        public var interactions: [Interaction]
        /// Matching details (clusters, review suggestions, model).
        public var match: MatchResult
        /// The key of every input record (see ``RecordKey``).
        public var recordKeys: [String]
        /// The merged contact id of every input record.
        public var mergedIdOfRecord: [String]
    }

    /// Runs the pipeline and returns every merged contact.
    public func run(contacts: some ContactCollection, interactions: [Interaction] = []) -> Output {
        var merged: [Contact] = []
        let s = run(contacts: contacts, recordKeys: nil, interactions: interactions) { merged.append($0) }
        return Output(
            contacts: merged, interactions: s.interactions, match: s.match, recordKeys: s.recordKeys,
            mergedIdOfRecord: s.mergedIdOfRecord)
    }

    /// What a streaming run returns besides the contacts it handed out.
    public struct StreamOutput: Sendable {
        /// The interactions, participants resolved where possible.
        public var interactions: [Interaction]
        /// Matching details (clusters, review suggestions, model).
        public var match: MatchResult
        /// The key of every input record (see ``RecordKey``).
        public var recordKeys: [String]
        /// The merged contact id of every input record.
        public var mergedIdOfRecord: [String]
        /// The merged contacts as targets for interactions' participants
        /// (empty unless there were `interactions` or `linking` was set):
        /// for interactions the caller streams itself.
        public var linker: InteractionLinker
    }

    /// Runs the pipeline, handing each merged contact to `emit` in cluster
    /// order as soon as it is made, so that the merged set is never held in
    /// memory beside the input. `recordKeys` (one per contact, see
    /// ``RecordKey``) saves computing them when the caller has them. With
    /// `linking`, the output's `linker` resolves participants of
    /// interactions not passed in (a caller keeping them packed).
    public func run(
        contacts: some ContactCollection, recordKeys: [String]? = nil, interactions: [Interaction] = [],
        linking: Bool = false, emit: (Contact) throws -> Void
    ) rethrows -> StreamOutput {
        let keys = recordKeys ?? (0..<contacts.count).map { RecordKey.of(contacts.contact(at: $0)) }
        let result = matcher.match(contacts, recordKeys: keys)
        let fs = result.features
        var mergedIdOfRecord = [String](repeating: "", count: contacts.count)
        var linker = InteractionLinker()
        // Merge in batches spread over the cores; hand out in cluster order.
        let clusters = result.clusters
        let merger = self.merger
        try parallelBatches(clusters.count, batchSize: 8192, minPerPart: 256, maxParts: 16) { k -> Contact in
            let cluster = clusters[k]
            let members = cluster.map { contacts.contact(at: $0) }
            let e164 = zip(cluster, members).map { i, m in fs.phoneStrings(i, count: m.phones.count) }
            return merger.merge(members, e164: e164)
        } consume: { k, c in
            for i in clusters[k] { mergedIdOfRecord[i] = c.id }
            if linking || !interactions.isEmpty { linker.add(c) }
            try emit(c)
        }
        let linked = interactions.isEmpty ? [] : linker.link(interactions)
        return StreamOutput(
            interactions: linked, match: result, recordKeys: keys, mergedIdOfRecord: mergedIdOfRecord, linker: linker)
    }
}

extension FeatureStore {
    /// E.164 strings of record `i`'s phones (nil where unknown); best effort,
    /// by position among the phones that survived normalisation.
    func phoneStrings(_ i: Int, count: Int) -> [String?] {
        let row = phoneByPosition.row(i)
        guard row.count == count else { return [] }
        return row.map { v in
            guard v > 1 else { return nil }
            var s = String(v)
            s.removeFirst()
            return "+" + s
        }
    }
}

/// Resolves interaction participants to merged contacts: by canonical
/// e-mail address (role mailboxes only when one contact holds them), then
/// by URL.
public struct InteractionLinker: Sendable {
    private var emailOwners: [String: String] = [:]
    private var sharedEmails: Set<String> = []
    private var byURL: [String: String] = [:]

    /// An empty linker; ``add(_:)`` the merged contacts.
    public init() {}

    /// A linker over `contacts`.
    public init(contacts: [Contact]) {
        for c in contacts { add(c) }
    }

    /// Makes `contact` a target for participants.
    public mutating func add(_ contact: Contact) {
        for e in contact.emails {
            guard let n = EmailNormalizer.normalize(e.address) else { continue }
            if let owner = emailOwners[n.canonical], owner != contact.id { sharedEmails.insert(n.canonical) }
            emailOwners[n.canonical] = emailOwners[n.canonical] ?? contact.id
        }
        for u in contact.urls {
            let f = RecordNormalizer.foldURL(u.value)
            if !f.isEmpty && byURL[f] == nil { byURL[f] = contact.id }
        }
    }

    private func owner(ofEmail canonical: String) -> String? {
        sharedEmails.contains(canonical) ? nil : emailOwners[canonical]
    }

    /// Returns the interactions with `contactId` set on every participant
    /// that resolves.
    public func link(_ interactions: [Interaction]) -> [Interaction] {
        interactions.map { link($0) }
    }

    /// Returns the interaction with `contactId` set on every participant
    /// that resolves.
    public func link(_ interaction: Interaction) -> Interaction {
        var x = interaction
        for i in x.participants.indices {
            if let e = x.participants[i].email, let n = EmailNormalizer.normalize(e), let id = owner(ofEmail: n.canonical) {
                x.participants[i].contactId = id
            } else if let u = x.participants[i].url, let id = byURL[RecordNormalizer.foldURL(u)] {
                x.participants[i].contactId = id
            }
        }
        return x
    }
}
