import Foundation
import KithExternal
import KithModel
import KithPlugin
import KithTestSupport
import Testing

/// Writes small plugin programs into a temporary folder.
struct PluginFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "kith-plugins-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A shell-script plugin: `describe` prints `describe`, other verbs run `body`.
    @discardableResult
    func add(_ name: String, describe: String, body: String, executable: Bool = true) throws -> String {
        let file = path + "/kith-plugin-" + name
        let script = """
            #!/bin/sh
            if [ "$1" = describe ]; then
            cat <<'JSON'
            \(describe)
            JSON
            exit 0
            fi
            \(body)
            """
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: file)
        return file
    }

    static func describe(_ id: String, importing: Bool = true, exporting: Bool = false, extensions: [String] = ["fake"]) -> String {
        #"{"protocol":1,"id":"\#(id)","name":"Test \#(id)","extensions":[\#(extensions.map { "\"\($0)\"" }.joined(separator: ","))],"import":\#(importing),"export":\#(exporting)}"#
    }
}

/// The example plugin shipped in Plugins/External.
var icsPlugin: String { RepositoryFiles.root.appendingPathComponent("Plugins/External/kith-plugin-ics").path }
var icsFixture: String { Bundle.module.path(forResource: "team-offsite", ofType: "ics", inDirectory: "Fixtures")! }

func runImport(_ plugin: ExternalPlugin, file: String) -> ImporterConformance.Outcome {
    ImporterConformance.run(plugin, source: .file(file))
}

@Suite("External plugins", .serialized)
struct ExternalPluginTests {
    @Test func discoveryFindsExecutablePluginsFirstOfEachName() throws {
        let a = try PluginFolder()
        let b = try PluginFolder()
        try a.add("alpha", describe: PluginFolder.describe("alpha"), body: "exit 0")
        try a.add("notexec", describe: PluginFolder.describe("notexec"), body: "exit 0", executable: false)
        try b.add("alpha", describe: PluginFolder.describe("shadowed"), body: "exit 0")
        try b.add("beta", describe: PluginFolder.describe("beta"), body: "exit 0")
        try "not a plugin".write(toFile: b.path + "/other-tool", atomically: true, encoding: .utf8)
        let found = PluginDiscovery.candidates(in: [a.path, b.path])
        #expect(found == [a.path + "/kith-plugin-alpha", b.path + "/kith-plugin-beta"])
        let outcome = PluginDiscovery.discover(in: [a.path, b.path])
        #expect(outcome.plugins.map(\.descriptor.id) == ["alpha", "beta"])
        #expect(outcome.plugins.allSatisfy { $0.descriptor.origin.hasPrefix(a.path) || $0.descriptor.origin.hasPrefix(b.path) })
    }

    @Test func searchOrderIsPluginPathThenEnvironmentThenPATH() {
        let dirs = PluginDiscovery.searchDirectories(extra: ["/x"], environment: ["KITH_PLUGIN_PATH": "/y:/z", "PATH": "/usr/bin:/y"])
        #expect(dirs == ["/x", "/y", "/z", "/usr/bin"])
    }

    @Test func badDescriptionsAreReportedNotFatal() throws {
        let f = try PluginFolder()
        try f.add("garbage", describe: "hello, I am not JSON", body: "exit 0")
        try f.add("oldproto", describe: #"{"protocol":0,"id":"old","import":true}"#, body: "exit 0")
        try f.add("badid", describe: #"{"protocol":1,"id":"Bad Id!","import":true}"#, body: "exit 0")
        try f.add("nothing", describe: #"{"protocol":1,"id":"nothing"}"#, body: "exit 0")
        try f.add("good", describe: PluginFolder.describe("good"), body: "exit 0")
        let outcome = PluginDiscovery.discover(in: [f.path])
        #expect(outcome.plugins.map(\.descriptor.id) == ["good"])
        #expect(outcome.problems.count == 4)
        #expect(outcome.problems.contains { $0.contains("kith-plugin-garbage") && $0.contains("JSON object") })
        #expect(outcome.problems.contains { $0.contains("protocol") })
    }

    @Test func hangingDescribeTimesOut() throws {
        let f = try PluginFolder()
        let file = f.path + "/kith-plugin-sleepy"
        try "#!/bin/sh\nsleep 30\n".write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file)
        let start = Date()
        #expect(throws: PluginError.self) { try ExternalPlugin.describe(executable: file, quickTimeout: 0.5) }
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func theExampleICSPluginRoundTripsThroughTheProtocol() throws {
        let plugin = try ExternalPlugin.describe(executable: icsPlugin)
        #expect(plugin.descriptor.id == "ics")
        #expect(plugin.descriptor.capabilities == [.import, .export])
        #expect(plugin.detect(FormatProbe(fileName: "team.ics", head: Array("BEGIN:VCALENDAR\r\n".utf8))).confidence == 100)
        #expect(plugin.detect(FormatProbe(fileName: "team.ics", head: Array("hello".utf8))).confidence == 0)
        #expect(plugin.detect(FormatProbe(fileName: "team.vcf", head: Array("BEGIN:VCALENDAR".utf8))).confidence == 0,
            "only files with the plugin's extensions are offered")

        let o = runImport(plugin, file: icsFixture)
        #expect(o.thrown == nil)
        #expect(o.summary == ImportSummary(recordsRead: 3, recordsRejected: 1))
        #expect(o.interactions.count == 2)
        let offsite = try #require(o.interactions.first)
        #expect(offsite.type == .meeting)
        #expect(offsite.subject == "Northwind sales offsite, day one")
        #expect(offsite.timestamp == Timestamp(iso: "2024-05-14T07:00:00Z"))
        #expect(offsite.participants.map(\.role.rawValue) == ["organizer", "attendee", "attendee"])
        #expect(offsite.sources.first?.recordId == "offsite-2024-05@northwind.example")
        #expect(offsite.sources.first?.file == icsFixture)
        #expect(Set(o.contacts.flatMap { $0.emails.map(\.address) }) == ["bob.okafor@example.com", "anna.vogt@example.org", "liz.thornton@gmail.com"])
        #expect(o.diagnostics.contains { $0.severity == .error && $0.locator.line == 21 })
        #expect(o.diagnostics.allSatisfy { $0.file == icsFixture })

        // Export the meetings back through the plugin and read them again.
        let exported = try ExporterConformance.write(plugin, o.interactions.map { .interaction($0) })
        let text = String(decoding: exported, as: UTF8.self)
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\n"))
        #expect(text.contains("UID:offsite-2024-05@northwind.example"))
        let tmp = NSTemporaryDirectory() + "roundtrip-\(UUID().uuidString).ics"
        try Data(exported).write(to: URL(fileURLWithPath: tmp))
        let again = runImport(plugin, file: tmp)
        #expect(again.interactions.map(\.subject) == o.interactions.map(\.subject))
        #expect(again.interactions.map(\.timestamp) == o.interactions.map(\.timestamp))
    }

    @Test func aCrashingPluginCostsADiagnosticAndKeepsWhatCameBefore() throws {
        let f = try PluginFolder()
        let exe = try f.add("crashy", describe: PluginFolder.describe("crashy"), body: """
            cat > /dev/null
            echo '{"kind":"contact","id":"a","name":{"formatted":"Before Crash"}}'
            kill -SEGV $$
            """)
        let plugin = try ExternalPlugin.describe(executable: exe)
        let input = f.path + "/in.fake"
        try "x".write(toFile: input, atomically: true, encoding: .utf8)
        let o = runImport(plugin, file: input)
        #expect(o.thrown == nil)
        #expect(o.contacts.map(\.name.formatted) == ["Before Crash"])
        #expect(o.contacts.first?.sources.first?.plugin == "crashy", "provenance is filled in when the plugin gives none")
        let d = try #require(o.diagnostics.first { $0.code == "external.failed" })
        #expect(d.message.contains("plugin crashy") && d.message.contains("crashed"))
    }

    @Test func aHangingPluginIsKilledAfterTheTimeout() throws {
        let f = try PluginFolder()
        let exe = try f.add("hangs", describe: PluginFolder.describe("hangs"), body: """
            cat > /dev/null
            echo '{"kind":"contact","id":"a"}'
            sleep 30
            """)
        var plugin = try ExternalPlugin.describe(executable: exe)
        plugin.timeout = 1
        let input = f.path + "/in.fake"
        try "x".write(toFile: input, atomically: true, encoding: .utf8)
        let start = Date()
        let o = runImport(plugin, file: input)
        #expect(Date().timeIntervalSince(start) < 15)
        #expect(o.contacts.count == 1)
        #expect(o.diagnostics.contains { $0.message.contains("timed out") && $0.message.contains("plugin hangs") })
    }

    @Test func garbageLinesAreRejectedOneByOne() throws {
        let f = try PluginFolder()
        let exe = try f.add("noisy", describe: PluginFolder.describe("noisy"), body: """
            cat > /dev/null
            echo 'Loading iCalendar module...'
            echo '{"kind":"contact","id":"ok","emails":["a@example.org"]}'
            echo '{"kind":"contact"}'
            echo '{"kind":"summary","recordsRead":1,"recordsRejected":0}'
            """)
        let plugin = try ExternalPlugin.describe(executable: exe)
        let input = f.path + "/in.fake"
        try "x".write(toFile: input, atomically: true, encoding: .utf8)
        let o = runImport(plugin, file: input)
        #expect(o.contacts.map(\.id) == ["ok"])
        let invalid = o.diagnostics.filter { $0.code == "external.invalid-output" }
        #expect(invalid.map(\.locator.line) == [1, 3])
        #expect(invalid.allSatisfy { $0.message.contains("plugin noisy") && $0.severity == .error })
        #expect(o.summary == ImportSummary(recordsRead: 3, recordsRejected: 2), "every line the user lost is accounted for")
    }

    @Test func pluginThatCannotExportFailsTheExportClearly() throws {
        let f = try PluginFolder()
        let exe = try f.add("brokenexport", describe: PluginFolder.describe("brokenexport", importing: false, exporting: true), body: """
            cat > /dev/null
            echo 'disk on fire' >&2
            exit 3
            """)
        let plugin = try ExternalPlugin.describe(executable: exe)
        #expect {
            _ = try ExporterConformance.write(plugin, [.contact(Contact(id: "a"))])
        } throws: { error in
            let e = error as? PluginError
            return e?.code == .unwritable && (e?.message.contains("exit status 3") ?? false) && (e?.message.contains("disk on fire") ?? false)
        }
    }

    @Test func priorityBetweenBuiltinAndExternal() throws {
        struct Builtin: Importer {
            var descriptor: FormatDescriptor { FormatDescriptor(id: "cal", name: "Built-in calendar", capabilities: [.import]) }
            func detect(_ probe: FormatProbe) -> Detection { .likely("built-in") }
            func importRecords(from source: ImportSource, options: PluginOptions, emit: (ImportEvent) throws -> Void) throws -> ImportSummary {
                ImportSummary()
            }
        }
        let f = try PluginFolder()
        let exe = try f.add("cal", describe: PluginFolder.describe("cal"), body: "exit 0")
        let external = try ExternalPlugin.describe(executable: exe)

        var builtinFirst = PluginRegistry()
        builtinFirst.register(Builtin())
        builtinFirst.add(external: [external], priority: .builtinFirst)
        #expect(try builtinFirst.importer("cal").descriptor.origin == "built-in")
        #expect(try builtinFirst.importer("cal-external").descriptor.origin == exe)

        var externalFirst = PluginRegistry()
        externalFirst.register(Builtin())
        externalFirst.add(external: [external], priority: .externalFirst)
        #expect(try externalFirst.importer("cal").descriptor.origin == exe)
        #expect(try externalFirst.importer("cal-builtin").descriptor.origin == "built-in")
        #expect(externalFirst.importers.first?.descriptor.id == "cal", "the preferred plugin wins detection ties")
    }
}
