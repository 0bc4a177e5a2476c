import KithModel
import KithPlugin
import KithTestSupport
import Testing

/// A fake line-per-contact format: lines "NAME <EMAIL>"; a line "!" is a bad record.
struct FakeImporter: Importer {
    var id: FormatID = "fake"
    var signature = "FAKE"
    var descriptor: FormatDescriptor {
        FormatDescriptor(id: id, name: "Fake", fileExtensions: ["fake"], capabilities: [.import])
    }

    func detect(_ probe: FormatProbe) -> Detection {
        if probe.headText.hasPrefix(signature) { return .certain("signature") }
        if probe.fileExtension == "fake" { return .byExtension() }
        return .no()
    }

    func importRecords(from source: ImportSource, options: PluginOptions, emit: (ImportEvent) throws -> Void) throws -> ImportSummary {
        let s = try source.openStream()
        var summary = ImportSummary()
        var n = 0
        while let line = s.readLine() {
            n += 1
            let text = String(decoding: line, as: UTF8.self)
            if n == 1 && text.hasPrefix(signature) { continue }
            if text.isEmpty { continue }
            summary.recordsRead += 1
            if text == "!" {
                summary.recordsRejected += 1
                try emit(.diagnostic(Diagnostic(severity: .error, file: source.name, locator: Locator(line: n), message: "bad record")))
                continue
            }
            let loc = Locator(line: n, record: summary.recordsRead)
            try emit(.contact(Contact(id: StableID.record(plugin: "fake", file: source.name, locator: loc), name: PersonName(formatted: text),
                sources: [Provenance(plugin: "fake", file: source.name, locator: loc)])))
        }
        return summary
    }
}

struct FolderImporter: Importer {
    var descriptor: FormatDescriptor {
        FormatDescriptor(id: "folder", name: "Folder", capabilities: [.import, .directoryInput])
    }
    func detect(_ probe: FormatProbe) -> Detection {
        probe.isDirectory && Set(probe.directoryEntries).isSuperset(of: ["cur", "new"]) ? .certain("cur and new") : .no("no cur/new")
    }
    func importRecords(from source: ImportSource, options: PluginOptions, emit: (ImportEvent) throws -> Void) throws -> ImportSummary {
        ImportSummary()
    }
}

@Suite("PluginRegistry")
struct PluginRegistryTests {
    @Test func picksTheMostConfidentImporter() throws {
        var r = PluginRegistry()
        r.register(FakeImporter(id: "weak", signature: "NEVER"))
        r.register(FakeImporter())
        let result = try r.detect(FormatProbe(fileName: "x.fake", head: Array("FAKE\nAnna\n".utf8)))
        #expect(result.importer.descriptor.id == "fake")
        #expect(result.detection.confidence == 100)
        #expect(result.answers.map(\.0) == ["fake", "weak"])
    }

    @Test func nothingFitsNamesEveryPluginTried() {
        var r = PluginRegistry()
        r.register(FakeImporter())
        r.register(FakeImporter(id: "other", signature: "OTHER"))
        #expect {
            try r.detect(FormatProbe(fileName: "notes.txt", head: Array("hello".utf8)), source: "/tmp/notes.txt")
        } throws: { error in
            guard let e = error as? PluginError else { return false }
            return e.code == .noMatchingFormat && e.message.contains("fake (not recognised)") && e.message.contains("other")
                && e.message.contains("--format") && e.file == "/tmp/notes.txt"
        }
    }

    @Test func tiesGoToTheEarlierRegistration() throws {
        var r = PluginRegistry()
        r.register(FakeImporter(id: "builtin"))
        r.registerFirst(FakeImporter(id: "user"))
        #expect(try r.detect(FormatProbe(fileName: "a.fake", head: Array("FAKE".utf8))).importer.descriptor.id == "user")
    }

    @Test func registeringTheSameIDReplaces() {
        var r = PluginRegistry()
        r.register(FakeImporter())
        r.register(FakeImporter(signature: "NEW"))
        #expect(r.importers.count == 1)
        #expect(r.descriptors.map(\.id) == ["fake"])
    }

    @Test func lookupErrorsListKnownFormats() {
        var r = PluginRegistry()
        r.register(FakeImporter())
        #expect(throws: PluginError.self) { try r.importer("vcard") }
        do {
            _ = try r.exporter("fake")
            Issue.record("fake cannot export")
        } catch {
            #expect(error.code == .unsupportedOperation)
        }
        do {
            _ = try r.importer("nope")
        } catch {
            #expect(error.code == .unknownFormat)
            #expect(error.message.contains("fake"))
        }
    }

    @Test func foldersOnlyGoToFolderImporters() throws {
        var r = PluginRegistry()
        r.register(FakeImporter())
        r.register(FolderImporter())
        let probe = FormatProbe(fileName: "Mail", head: [], isDirectory: true, directoryEntries: ["cur", "new", "tmp"])
        #expect(try r.detect(probe).importer.descriptor.id == "folder")
        #expect(throws: PluginError.self) {
            try r.detect(FormatProbe(fileName: "x", head: [], isDirectory: true, directoryEntries: ["a.txt"]))
        }
    }

    @Test func theFakeImporterPassesConformance() {
        let sample = Array("FAKE\nAnna Vogt\n!\nBob Okafor\n".utf8)
        #expect(ImporterConformance.check(FakeImporter(), sample: sample, fileName: "people.fake") == [])
    }

    @Test func conformanceCatchesBrokenAccounting() {
        struct Liar: Importer {
            var descriptor: FormatDescriptor { FormatDescriptor(id: "liar", name: "Liar", capabilities: [.import]) }
            func detect(_ probe: FormatProbe) -> Detection { .likely("always") }
            func importRecords(from source: ImportSource, options: PluginOptions, emit: (ImportEvent) throws -> Void) throws -> ImportSummary {
                let all = try source.openStream().read(maxCount: .max) ?? []
                try emit(.contact(Contact(id: "same", sources: [Provenance(plugin: "liar", file: source.name)])))
                try emit(.diagnostic(Diagnostic(severity: .warning, file: source.name, message: "no location")))
                return ImportSummary(recordsRead: all.isEmpty ? 0 : 1, recordsRejected: 1)
            }
        }
        let problems = ImporterConformance.check(Liar(), sample: Array("x\ny\n".utf8), fileName: "a")
        #expect(problems.contains { $0.contains("error diagnostics") })
        #expect(problems.contains { $0.contains("without file or location") })
        #expect(problems.contains { $0.contains("not streaming") })
    }
}
