import ArgumentParser
import Foundation
import Kith
import KithStore

/// The `--store` option shared by the store commands.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store file (default: $KITH_STORE, else $XDG_DATA_HOME/kith/store.sqlite).", valueName: "path"))
    var store: String?

    func open() throws -> ContactStore {
        let path = store ?? ContactStore.defaultPath()
        do {
            return try ContactStore(path: path)
        } catch let e as StoreError {
            throw CLIFailure(message: e.description)
        }
    }
}

/// A failure to report as `kith: error: …` with exit status 1.
struct CLIFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

func printErr(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

/// `kith import`: read inputs into the store, matching new records incrementally.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import exports into the store; re-importing an unchanged file changes nothing.",
        discussion: """
            Each import is one transaction: if it is interrupted, the store stays as it was. A newer \
            export of the same file updates changed records, adds new ones and marks vanished ones; \
            people keep their ids. New records are matched against the stored people incrementally.
            """)

    @OptionGroup var input: InputOptions
    @OptionGroup var plugins: RegistryOptions
    @OptionGroup var storeOptions: StoreOptions

    @Flag(name: .long, help: "Print how long each phase of the import took.")
    var timings = false

    func run() throws {
        let store = try storeOptions.open()
        let registry = plugins.registry()
        let options = try input.pluginOptions()
        if let f = input.format {
            do { _ = try registry.importer(FormatID(f)) } catch { throw UsageError(description: error.message) }
        }
        var reporter = RunReporter(quiet: input.quiet)
        var summary = ImportRunner.Summary()
        var hashes: [String: (String, Int)] = [:]
        let report = try store.importTransaction { writer in
            var runner = ImportRunner(registry: registry, forcedFormat: input.format.map { FormatID($0) }, options: options)
            runner.shouldImport = { path in
                guard let (hash, size) = try? ContentHash.of(path: path) else { return true }
                hashes[path] = (hash, size)
                if (try? store.isUnchanged(path: path, hash: hash)) == true {
                    writer.skipUnchangedSource()
                    return false
                }
                return true
            }
            summary = try runner.run(
                inputs: input.inputs,
                onInput: { name, format, detection in
                    reporter.started(name, format: format, detection: detection)
                    let (hash, size) = hashes[name] ?? ("unhashed-" + UUID().uuidString, 0)
                    try? writer.beginSource(path: name, plugin: format.rawValue, contentHash: hash, size: size)
                },
                onEvent: { event, source in
                    switch event {
                    case .contact(let c): try writer.add(.contact(c))
                    case .interaction(let i): try writer.add(.interaction(i))
                    case .diagnostic(let d): reporter.report(d)
                    }
                    reporter.tick(source)
                })
        }
        reporter.finish(summary)
        printErr(
            "kith: store \(store.path): \(report.sourcesImported) sources imported, \(report.sourcesUnchanged) unchanged; "
                + "records \(report.recordsAdded) added, \(report.recordsUpdated) updated, \(report.recordsUnchanged) unchanged, "
                + "\(report.recordsVanished) vanished; \(report.contactsMatched) contacts matched"
                + String(format: " (%.2f s)", report.seconds))
        if timings {
            for (phase, seconds) in store.phaseTimes.sorted(by: { $0.key < $1.key }) {
                printErr(String(format: "kith:   %@ %.2f s", phase as NSString, seconds))
            }
        }
        if summary.filesFailed > 0 || (input.strict && (summary.warnings > 0 || summary.errors > 0)) { throw ExitCode(1) }
    }
}

/// `kith stats`.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show what the store holds.")
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let store = try storeOptions.open()
        let s = try store.statistics()
        print("store:         \(store.path)")
        print("sources:       \(s.sources)")
        print("records:       \(s.records) (\(s.contactRecords) contacts, \(s.interactionRecords) interactions; \(s.vanishedRecords) vanished)")
        print("people:        \(s.people)")
        print("suggestions:   \(s.openSuggestions) open")
        print("rules:         \(s.rules)")
    }
}

/// `kith show QUERY`.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show people by name, e-mail, phone, record id or person id.")
    @Argument(help: "Text to look for.") var query: String
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let store = try storeOptions.open()
        let people = try store.people(matching: query)
        if people.isEmpty {
            printErr("kith: nobody matches")
            throw ExitCode(1)
        }
        for p in people {
            let c = p.contact
            print("\(c.name.displayName ?? "(no name)")  [\(p.id)]")
            func from(_ refs: [Int]) -> String {
                let files = (refs.isEmpty ? Array(c.sources.indices) : refs).compactMap { $0 < c.sources.count ? c.sources[$0].file : nil }
                return Array(Set(files)).sorted().joined(separator: ", ")
            }
            var shown: Set<String> = [c.name.displayName ?? ""]
            for n in c.alternateNames {
                if let d = n.displayName, shown.insert(d).inserted { print("  also known as: \(d)") }
            }
            for e in c.emails { print("  email: \(e.address)\(e.labels.isEmpty ? "" : " (\(e.labels.joined(separator: ", ")))")  ← \(from(e.sourceRefs))") }
            for ph in c.phones { print("  phone: \(ph.e164 ?? ph.raw)\(ph.labels.isEmpty ? "" : " (\(ph.labels.joined(separator: ", ")))")  ← \(from(ph.sourceRefs))") }
            for o in c.organizations { print("  organisation: \([o.name, o.title].compactMap { $0 }.joined(separator: ", "))  ← \(from(o.sourceRefs))") }
            for a in c.addresses {
                print("  address: \([a.street, a.locality, a.postalCode, a.country].compactMap { $0 }.joined(separator: ", "))  ← \(from(a.sourceRefs))")
            }
            print("  records: \(p.recordUids.joined(separator: " "))")
            for i in p.interactions {
                print("  \(i.timestamp?.isoString ?? "????-??-??") \(i.type.rawValue): \(i.subject ?? "")")
            }
            print("")
        }
    }
}

/// `kith export`.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write the store's people and interactions in a format.")
    @Option(name: .long, help: "The output format (see 'kith formats').") var to: String = "jsonl"
    @Option(name: [.short, .long], help: "Write to this file (atomically) instead of standard output.") var output: String?
    @Option(name: [.customShort("O"), .long], help: "A plugin setting KEY=VALUE (repeatable).") var option: [String] = []
    @OptionGroup var plugins: RegistryOptions
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let registry = plugins.registry()
        let exporter: any Exporter
        do { exporter = try registry.exporter(FormatID(to)) } catch { throw UsageError(description: error.message) }
        var o = PluginOptions()
        for kv in option {
            guard let eq = kv.firstIndex(of: "=") else { throw UsageError(description: "--option expects KEY=VALUE") }
            o[String(kv[..<eq])] = String(kv[kv.index(after: eq)...])
        }
        let store = try storeOptions.open()
        let atomic = try output.map { try AtomicFile(path: $0) }
        let sink = atomic?.sink ?? ByteSink(fileDescriptor: 1, name: "standard output")
        let writer = RecordOutput(try exporter.makeWriter(to: sink, options: o))
        var people = 0, interactions = 0
        try store.exportAll { record in
            if case .contact = record { people += 1 } else { interactions += 1 }
            try writer.write(record)
        }
        try writer.finish()
        try atomic?.commit()
        printErr("kith: exported \(people) people, \(interactions) interactions")
    }
}

/// `kith link A B` and `kith unlink A B`: a rule about two records.
protocol PairRuleCommand: ParsableCommand {
    var a: String { get }
    var b: String { get }
    var storeOptions: StoreOptions { get }
    static var same: Bool { get }
}

extension PairRuleCommand {
    func run() throws {
        do {
            let store = try storeOptions.open()
            if Self.same { try store.link(a, b) } else { try store.unlink(a, b) }
        } catch let e as StoreError {
            throw CLIFailure(message: e.description)
        }
        printErr(Self.same ? "kith: linked" : "kith: unlinked")
    }
}

/// `kith link A B`.
struct Link: PairRuleCommand {
    static let configuration = CommandConfiguration(abstract: "Say two records are the same person (remembered across imports).")
    static let same = true
    @Argument(help: "A record id.") var a: String
    @Argument(help: "Another record id.") var b: String
    @OptionGroup var storeOptions: StoreOptions
}

/// `kith unlink A B`.
struct Unlink: PairRuleCommand {
    static let configuration = CommandConfiguration(abstract: "Say two records are never the same person (remembered across imports).")
    static let same = false
    @Argument(help: "A record id.") var a: String
    @Argument(help: "Another record id.") var b: String
    @OptionGroup var storeOptions: StoreOptions
}

/// `kith split PERSON`.
struct Split: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Undo a merge: every record of a person becomes a person of its own.")
    @Argument(help: "A person id (p-…).") var person: String
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        do {
            let n = try storeOptions.open().split(person)
            printErr("kith: split into \(n) people")
        } catch let e as StoreError {
            throw CLIFailure(message: e.description)
        }
    }
}

/// `kith review`.
struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List suggested merges, or accept/reject one by its number.",
        discussion: "kith review            lists open suggestions, numbered\nkith review accept N    links the pair\nkith review reject N    keeps them apart for good")
    @Argument(help: "accept or reject") var verb: String?
    @Argument(help: "The suggestion's number in the list.") var number: Int?
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        if let verb, verb != "accept" && verb != "reject" { throw ValidationError("expected 'accept N' or 'reject N'") }
        if verb != nil && number == nil { throw ValidationError("which suggestion? give its number from 'kith review'") }
    }

    func run() throws {
        let store = try storeOptions.open()
        let open = try store.openSuggestions()
        guard let verb, let number else {
            if open.isEmpty { print("no open suggestions") }
            for (i, s) in open.enumerated() {
                print(String(format: "%3d. %@  ~  %@  (%.0f%%: %@)", i + 1, s.nameA, s.nameB, s.probability * 100, s.reason))
                print("     \(s.uidA)  \(s.uidB)")
            }
            return
        }
        guard (1...max(1, open.count)).contains(number), number <= open.count else {
            throw UsageError(description: "there is no suggestion \(number) (there are \(open.count))")
        }
        try store.decide(open[number - 1], accept: verb == "accept")
        printErr("kith: \(verb)ed")
    }
}
