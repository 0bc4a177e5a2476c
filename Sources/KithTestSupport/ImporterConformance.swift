public import KithModel
public import KithPlugin

/// The importer contract as a reusable check (the swift-log model: the
/// protocol's promise, as a test every implementation runs).
///
/// Framework-neutral: it returns the problems found, so a test writes
/// `#expect(ImporterConformance.check(MyImporter(), sample: bytes, fileName: "a.vcf").isEmpty)`.
public enum ImporterConformance {
    /// What one import produced.
    public struct Outcome {
        public init() {}
        public var events: [ImportEvent] = []
        public var summary: ImportSummary?
        public var thrown: (any Error)?
        public var contacts: [Contact] { events.compactMap { if case .contact(let c) = $0 { c } else { nil } } }
        public var interactions: [Interaction] {
            events.compactMap { if case .interaction(let i) = $0 { i } else { nil } }
        }
        public var diagnostics: [Diagnostic] {
            events.compactMap { if case .diagnostic(let d) = $0 { d } else { nil } }
        }
    }

    /// Imports `source` and collects everything.
    public static func run(_ importer: any Importer, source: ImportSource, options: PluginOptions = PluginOptions()) -> Outcome {
        var outcome = Outcome()
        do {
            outcome.summary = try importer.importRecords(from: source, options: options) { outcome.events.append($0) }
        } catch {
            outcome.thrown = error
        }
        return outcome
    }

    /// Imports `bytes` named `fileName` and collects everything.
    public static func run(_ importer: any Importer, bytes: [UInt8], fileName: String, options: PluginOptions = PluginOptions())
        -> Outcome
    {
        var outcome = Outcome()
        do {
            outcome.summary = try importer.importRecords(from: .bytes(bytes, name: fileName), options: options) {
                outcome.events.append($0)
            }
        } catch {
            outcome.thrown = error
        }
        return outcome
    }

    /// Checks the contract on a valid `sample` of the format:
    /// - detection recognises it, and survives empty and garbage probes;
    /// - the import succeeds, is deterministic, and its accounting adds up;
    /// - every diagnostic names the file and a location;
    /// - it streams: with `concatenable` (the format allows records to be
    ///   appended by concatenating files), the first record of a large input
    ///   arrives before half of it has been consumed;
    /// - truncating the sample anywhere, or feeding seeded random bytes, never
    ///   crashes and throws nothing but `PluginError`.
    public static func check(
        _ importer: any Importer, sample: [UInt8], fileName: String, options: PluginOptions = PluginOptions(),
        concatenable: Bool = true
    ) -> [String] {
        var problems: [String] = []
        let id = importer.descriptor.id

        // Detection.
        let probe = FormatProbe(fileName: fileName, head: Array(sample.prefix(FormatProbe.headSize)))
        if importer.detect(probe).confidence == 0 { problems.append("\(id): does not detect its own sample") }
        _ = importer.detect(FormatProbe(fileName: "", head: []))
        _ = importer.detect(FormatProbe(fileName: "x", head: Array(repeating: 0xFF, count: 100)))
        _ = importer.detect(FormatProbe(fileName: "folder", head: [], isDirectory: true, directoryEntries: ["a", "b"]))

        // A clean import with accounting.
        let first = run(importer, bytes: sample, fileName: fileName, options: options)
        if let e = first.thrown { problems.append("\(id): import of the sample threw \(e)") }
        if let s = first.summary {
            if s.recordsRead < s.recordsRejected { problems.append("\(id): more records rejected than read") }
            let errors = first.diagnostics.filter { $0.severity == .error }.count
            if errors < s.recordsRejected {
                problems.append("\(id): \(s.recordsRejected) records rejected but only \(errors) error diagnostics")
            }
            if s.recordsRead == 0 { problems.append("\(id): the sample read no records") }
            if first.contacts.isEmpty && first.interactions.isEmpty { problems.append("\(id): the sample gave no records") }
        }
        for d in first.diagnostics where d.file != fileName || d.locator.isEmpty {
            problems.append("\(id): diagnostic without file or location: \(d)")
        }
        for c in first.contacts where c.sources.isEmpty || c.id.isEmpty {
            problems.append("\(id): contact without id or sources")
        }
        for i in first.interactions where i.sources.isEmpty || i.id.isEmpty {
            problems.append("\(id): interaction without id or sources")
        }
        let ids = first.contacts.map(\.id) + first.interactions.map(\.id)
        if Set(ids).count != ids.count { problems.append("\(id): record ids are not unique within one file") }

        // Determinism.
        let second = run(importer, bytes: sample, fileName: fileName, options: options)
        if second.events != first.events { problems.append("\(id): two imports of the same bytes differ") }

        // Streaming.
        if concatenable && !sample.isEmpty {
            var big: [UInt8] = []
            while big.count < 4 * 1024 * 1024 { big += sample }
            let stream = ByteStream(bytes: big)
            var consumedAtFirst: Int?
            struct Enough: Error {}
            do {
                _ = try importer.importRecords(from: .stream(stream, name: fileName), options: options) { event in
                    switch event {
                    case .contact, .interaction:
                        consumedAtFirst = stream.bytesConsumed
                        throw Enough()
                    case .diagnostic: break
                    }
                }
            } catch {}
            if let c = consumedAtFirst {
                if c > big.count / 2 {
                    problems.append("\(id): consumed \(c) of \(big.count) bytes before the first record (not streaming)")
                }
            } else {
                problems.append("\(id): no record from the concatenated sample")
            }
        }

        // Truncation and garbage.
        var cuts = Set<Int>()
        let step = max(1, sample.count / 64)
        for k in stride(from: 0, to: sample.count, by: step) { cuts.insert(k) }
        for k in 0..<min(sample.count, 48) { cuts.insert(k) }
        for cut in cuts.sorted() {
            let o = run(importer, bytes: Array(sample[..<cut]), fileName: fileName, options: options)
            if let e = o.thrown, !(e is PluginError) {
                problems.append("\(id): truncated at \(cut) threw a non-PluginError: \(e)")
            }
        }
        var rng = SplitMix64(seed: 0x6B69_7468)
        for length in [1, 7, 100, 1000, 10_000] {
            let junk = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let o = run(importer, bytes: junk, fileName: fileName, options: options)
            if let e = o.thrown, !(e is PluginError) { problems.append("\(id): random bytes threw a non-PluginError: \(e)") }
            // Garbage spliced into the sample.
            if sample.count > 2 {
                var spliced = sample
                spliced.insert(contentsOf: junk.prefix(64), at: Int(rng.next() % UInt64(sample.count)))
                let s = run(importer, bytes: spliced, fileName: fileName, options: options)
                if let e = s.thrown, !(e is PluginError) { problems.append("\(id): spliced garbage threw: \(e)") }
            }
        }
        return problems
    }
}
