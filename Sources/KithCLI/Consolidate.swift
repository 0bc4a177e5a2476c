import ArgumentParser
import Foundation
import Kith
import KithJSON
import KithPipeline
import KithStore

/// Options shared by `consolidate` and `explain`: how to match.
struct MatchingOptions: ParsableArguments {
    @Option(name: .long, help: "Region for phone numbers without a country code (ISO 3166, e.g. DE); default: the locale's.")
    var region: String?

    @Option(name: .long, help: "A rules file: 'same A B' / 'never A B' lines (see docs/matching.md).")
    var rules: String?

    @Option(name: .long, help: "Match probability from which records merge automatically (0.5–0.9999).")
    var mergeProbability: Double = 0.8

    @Option(name: .long, help: "Match probability from which a pair not merged is suggested for review.")
    var reviewProbability: Double = 0.1

    @Option(name: .long, help: "Largest cluster formed automatically; further links go to review.")
    var maxClusterSize: Int = 10

    @Option(name: .long, help: "Threads for matching (default: all cores).")
    var threads: Int = 0

    func matchOptions() throws -> MatchOptions {
        guard (0.5...0.9999).contains(mergeProbability), (0.01...mergeProbability).contains(reviewProbability) else {
            throw UsageError(description: "--merge-probability must be in 0.5…0.9999 and --review-probability in 0.01…merge")
        }
        guard (2...10_000).contains(maxClusterSize) else {
            throw UsageError(description: "--max-cluster-size must be in 2…10000")
        }
        var o = MatchOptions(
            mergeProbability: mergeProbability, reviewProbability: reviewProbability, maxClusterSize: maxClusterSize,
            threads: max(0, threads))
        if let region {
            guard region.count == 2, region.allSatisfy(\.isLetter) else {
                throw UsageError(description: "--region expects a two-letter region code such as DE or US")
            }
            o.defaultRegion = region.uppercased()
        }
        if let rules {
            guard let data = FileManager.default.contents(atPath: rules) else {
                throw UsageError(description: "cannot read the rules file \(rules)")
            }
            do {
                o.rules = try MatchRules(parsing: String(decoding: data, as: UTF8.self))
            } catch {
                throw UsageError(description: "\(rules):\(error.line): \(error.message)")
            }
        }
        return o
    }
}

/// Reads every input into memory through the registry, reporting as it goes.
struct LoadedInputs {
    var contacts = PackedContacts()
    var recordKeys: [String] = []
    /// Kept packed (spilled past 128 MB) until written: a mail archive
    /// brings one per message.
    var interactions = PackedRecords()
    var diagnostics: [Diagnostic] = []
    var summary = ImportRunner.Summary()

    static func load(_ input: InputOptions, registry: PluginRegistry, reporter: inout RunReporter) throws -> LoadedInputs {
        var loaded = LoadedInputs()
        let options = try input.pluginOptions()
        if let f = input.format {
            do { _ = try registry.importer(FormatID(f)) } catch { throw UsageError(description: error.message) }
        }
        let runner = ImportRunner(registry: registry, forcedFormat: input.format.map { FormatID($0) }, options: options)
        loaded.summary = try runner.run(
            inputs: input.inputs,
            onInput: { name, format, detection in reporter.started(name, format: format, detection: detection) },
            onEvent: { event, source in
                switch event {
                case .contact(let c):
                    loaded.contacts.append(c)
                    loaded.recordKeys.append(RecordKey.of(c))
                case .interaction(let i): loaded.interactions.append(.interaction(i))
                case .diagnostic(let d):
                    reporter.report(d)
                    loaded.diagnostics.append(d)
                }
                reporter.tick(source)
            })
        loaded.contacts = loaded.contacts.sealed()
        return loaded
    }
}

/// `kith consolidate`: import, match, merge, export.
struct Consolidate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge the people in all inputs so that each exists once, every value traced to its source.",
        discussion: """
            Reads every input, matches contacts field by field (names with nicknames and typos, \
            e-mails, phones in E.164, organisations, addresses, dates), merges each cluster and \
            writes the merged contacts and interactions (participants resolved to the merged \
            contacts). Pairs that are likely but not certain go to --review; --rules holds your \
            own same / never-same decisions. See docs/matching.md.
            """)

    @OptionGroup var input: InputOptions
    @OptionGroup var matching: MatchingOptions

    @Option(name: [.short, .long], help: "Write the merged records to this file (atomically) instead of standard output.")
    var output: String?

    @Option(name: .long, help: "The output format (see 'kith formats').")
    var to: String = "jsonl"

    @Option(name: .long, help: "Write pairs suggested for review to this file (a rules file: change 'review' to 'same' or 'never').")
    var review: String?

    @Option(name: .long, help: "Write record_id,cluster_id for every input contact to this CSV file.")
    var clustersOut: String?

    @Flag(name: .long, help: "Print the estimated model (weights per field and level) to standard error.")
    var showModel = false

    func run() throws {
        let registry = PluginRegistry.standard
        let exporter: any Exporter
        do {
            exporter = try registry.exporter(FormatID(to))
        } catch {
            throw UsageError(description: error.message)
        }
        let matchOptions = try matching.matchOptions()
        var reporter = RunReporter(quiet: input.quiet)
        let loaded = try LoadedInputs.load(input, registry: registry, reporter: &reporter)
        let started = Date()
        let atomic = try output.map { path throws -> AtomicFile in try AtomicFile(path: path) }
        let sink = atomic?.sink ?? ByteSink(fileDescriptor: 1, name: "standard output")
        let writer = RecordOutput(try exporter.makeWriter(to: sink, options: try input.pluginOptions()))
        let interactions = loaded.interactions.sealed()
        let result = try Consolidator(options: matchOptions).run(
            contacts: loaded.contacts, recordKeys: loaded.recordKeys, linking: interactions.count > 0
        ) {
            try writer.write(.contact($0))
        }
        // Decoded and linked in batches on all cores, written in input order.
        let linker = result.linker
        try parallelBatches(interactions.count, batchSize: 16_384, minPerPart: 1024, maxParts: 8) { k -> Interaction in
            // Written by JSONLWriter a moment ago: they read back.
            guard case .interaction(let i)? = interactions.record(at: k) else {
                preconditionFailure("packed interaction \(k) does not read back")
            }
            return linker.link(i)
        } consume: { _, i in
            try writer.write(.interaction(i))
        }
        // Warnings and errors travel with the data; notes are for the terminal (as in convert).
        for d in loaded.diagnostics where d.severity > .note { try writer.write(.diagnostic(d)) }
        try writer.finish()
        try atomic?.commit()
        let matchSeconds = Date().timeIntervalSince(started)

        if let clustersOut {
            var text = "record_id,cluster_id\n"
            text.reserveCapacity(loaded.contacts.count * 32)
            for (k, id) in zip(result.recordKeys, result.mergedIdOfRecord) {
                text += csvField(k) + "," + csvField(id) + "\n"
            }
            try writeAtomically(text, to: clustersOut)
        }
        if let review {
            try writeAtomically(reviewFile(result), to: review)
        }
        if showModel { FileHandle.standardError.write(Data(result.match.describeModel().utf8)) }
        reporter.finish(loaded.summary)
        if !input.quiet {
            let m = result.match
            let multi = m.clusters.filter { $0.count > 1 }.count
            let line = String(
                format: "kith: %d contacts → %d people (%d merged clusters, largest %d); %d suggested for review; matching and writing %.2f s\n",
                loaded.contacts.count, m.clusters.count, multi, m.clusters.map(\.count).max() ?? 0, m.review.count, matchSeconds)
            FileHandle.standardError.write(Data(line.utf8))
        }
        if loaded.summary.filesFailed > 0
            || (input.strict && (loaded.summary.warnings > 0 || loaded.summary.errors > 0))
        {
            throw ExitCode(1)
        }
    }

    private func reviewFile(_ result: Consolidator.StreamOutput) -> String {
        var s = """
            # Pairs Kith found likely but not certain. Change 'review' to 'same' or 'never'
            # and pass this file back with --rules.
            # verb   record_a   record_b   # probability, weight in bits, why not merged

            """
        for r in result.match.review {
            s += "review " + MatchRules.quote(result.recordKeys[r.a]) + " " + MatchRules.quote(result.recordKeys[r.b])
            s += String(format: "  # p=%.3f w=%+.2f ", r.probability, r.weight) + r.reason + "\n"
        }
        return s
    }
}

/// `kith explain`: why two records were or were not merged.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show why records were or were not merged: each field's level and weight, the total and the decision.",
        discussion: """
            Runs the same matching as 'consolidate' on the inputs, then explains the pair given \
            with --pair, or every pair inside the cluster of the record given with --record. \
            Records are named by their record id or file:line, as in --clusters-out.
            """)

    @OptionGroup var input: InputOptions
    @OptionGroup var matching: MatchingOptions

    @Option(name: .long, parsing: .upToNextOption, help: "Two records to compare.")
    var pair: [String] = []

    @Option(name: .long, help: "A record whose whole cluster to explain.")
    var record: String?

    @Flag(name: .long, help: "Also print the estimated model.")
    var showModel = false

    func run() throws {
        guard (pair.count == 2) != (record != nil) else {
            throw UsageError(description: "give either --pair A B or --record A")
        }
        var reporter = RunReporter(quiet: true)
        let loaded = try LoadedInputs.load(input, registry: .standard, reporter: &reporter)
        let keys = loaded.recordKeys
        var index: [String: Int] = [:]
        for (i, k) in keys.enumerated() where index[k] == nil { index[k] = i }
        for i in 0..<loaded.contacts.count {
            let id = loaded.contacts.contact(at: i).id
            if index[id] == nil { index[id] = i }
        }
        func lookup(_ k: String) throws -> Int {
            guard let i = index[k] else { throw UsageError(description: "no record named \(k) in the inputs") }
            return i
        }
        let result = Matcher(options: try matching.matchOptions()).match(loaded.contacts, recordKeys: keys)
        if showModel { print(result.describeModel()) }
        func label(_ i: Int) -> String { keys[i] + " (" + (loaded.contacts.contact(at: i).name.displayName ?? "no name") + ")" }
        if pair.count == 2 {
            let a = try lookup(pair[0]), b = try lookup(pair[1])
            print(result.explain(a, b).render(nameA: label(a), nameB: label(b)))
        } else if let record {
            let i = try lookup(record)
            let members = result.clusters[result.clusterOf[i]]
            print("cluster of \(members.count) record\(members.count == 1 ? "" : "s"): " + members.map { keys[$0] }.joined(separator: ", "))
            for e in result.explainCluster(of: i) { print(e.render(nameA: label(e.a), nameB: label(e.b))) }
            let suggestions = result.review.filter { $0.a == i || $0.b == i }
            for s in suggestions {
                let other = s.a == i ? s.b : s.a
                print("suggested for review with " + label(other) + String(format: " (p=%.3f): ", s.probability) + s.reason)
            }
        }
    }
}

func csvField(_ s: String) -> String {
    s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}

func writeAtomically(_ text: String, to path: String) throws {
    let file = try AtomicFile(path: path)
    try file.sink.write(Array(text.utf8))
    try file.commit()
}
