import Foundation
import GRDB
import Testing

/// End-to-end tests of the `kith` executable: exit codes, summary, output.
@Suite("kith CLI", .serialized)
struct CLITests {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The built `kith` next to the test bundle.
    static var executable: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("kith")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kith")
    }

    static func run(_ args: [String], stdin: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "kith-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static let good = """
        {"kind":"contact","id":"a","name":{"formatted":"Anna Vogt"},"emails":[{"address":"anna.vogt@example.org","labels":["work"],"preferred":true}]}
        {"kind":"interaction","id":"m","type":"email","timestamp":"2024-03-12T10:15:00Z","participants":[{"role":"from","email":"anna.vogt@example.org"}]}

        """

    @Test func formatsListsTheJSONPlugin() throws {
        let r = try Self.run(["formats"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("jsonl"))
        let j = try Self.run(["formats", "--json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [[String: Any]])
        let jsonl = try #require(list.first { $0["id"] as? String == "jsonl" })
        #expect(jsonl["import"] as? Bool == true)
        #expect(jsonl["export"] as? Bool == true)
        #expect(jsonl["origin"] as? String == "built-in")
    }

    @Test func convertWritesJCardThatReadsBack() throws {
        let dir = try Self.tempDir()
        let input = dir + "/in.vcf"
        try """
            BEGIN:VCARD\r
            VERSION:3.0\r
            FN:Aiko Tanaka\r
            N:Tanaka;Aiko;;;\r
            EMAIL;TYPE=INTERNET,WORK:aiko.tanaka@example.jp\r
            END:VCARD\r

            """.write(toFile: input, atomically: true, encoding: .utf8)
        let r = try Self.run(["convert", input, "--to", "jcard", "-o", dir + "/out.json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try Data(contentsOf: URL(fileURLWithPath: dir + "/out.json"))
        let cards = try #require(try JSONSerialization.jsonObject(with: json) as? [[Any]])
        #expect(cards.count == 1)
        #expect(cards.first?.first as? String == "vcard")
        let back = try Self.run(["convert", dir + "/out.json", "--to", "jsonl"])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(back.stdout.contains("\"formatted\":\"Aiko Tanaka\""))
        #expect(back.stdout.contains("{\"address\":\"aiko.tanaka@example.jp\",\"labels\":[\"work\"]"))
        let formats = try Self.run(["formats", "--json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(formats.stdout.utf8)) as? [[String: Any]])
        let jcard = try #require(list.first { $0["id"] as? String == "jcard" })
        #expect(jcard["import"] as? Bool == true)
        #expect(jcard["export"] as? Bool == true)
    }

    @Test func convertIsByteStableAndSummarises() throws {
        let dir = try Self.tempDir()
        let input = dir + "/in.jsonl"
        try Self.good.write(toFile: input, atomically: true, encoding: .utf8)
        let first = try Self.run(["convert", input, "--to", "jsonl", "-o", dir + "/one.jsonl"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("kith: 1 file, 2 records read, 2 imported, 0 rejected; 1 contact, 1 interaction; 0 warnings, 0 errors"))
        let second = try Self.run(["convert", dir + "/one.jsonl", "--to", "jsonl", "-o", dir + "/two.jsonl"])
        #expect(second.status == 0)
        let one = try Data(contentsOf: URL(fileURLWithPath: dir + "/one.jsonl"))
        let two = try Data(contentsOf: URL(fileURLWithPath: dir + "/two.jsonl"))
        #expect(one == two)
        #expect(!one.isEmpty)
        let stdout = try Self.run(["convert", input, "--to", "jsonl"])
        #expect(Data(stdout.stdout.utf8) == one)
    }

    @Test func malformedLineIsReportedWithFileAndLineAndTheRestIsImported() throws {
        let dir = try Self.tempDir()
        let input = dir + "/mixed.jsonl"
        try (Self.good + "{oops\n" + #"{"kind":"contact","id":"c"}"# + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let r = try Self.run(["convert", input, "--to", "jsonl"])
        #expect(r.status == 0, "warnings and rejected records do not fail the run")
        #expect(r.stderr.contains("\(input):3: error: line rejected"))
        #expect(r.stderr.contains("4 records read, 3 imported, 1 rejected"))
        #expect(r.stdout.contains(#""id":"c""#))
        let strict = try Self.run(["convert", input, "--to", "jsonl", "--strict"])
        #expect(strict.status == 1)
    }

    @Test func unreadableInputExitsOneButConvertsTheRest() throws {
        let dir = try Self.tempDir()
        try Self.good.write(toFile: dir + "/ok.jsonl", atomically: true, encoding: .utf8)
        let r = try Self.run(["convert", dir + "/ok.jsonl", dir + "/missing.vcf", "--to", "jsonl"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("missing.vcf: error: no such file or folder"))
        #expect(r.stdout.contains("anna.vogt@example.org"))
        #expect(r.stderr.contains("1 could not be read"))
    }

    @Test func unrecognisedFileNamesWhatWasTried() throws {
        let dir = try Self.tempDir()
        try "just some notes\n".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        let r = try Self.run(["convert", dir + "/notes.txt", "--to", "jsonl"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("no format plugin recognised this file; tried: jsonl"))
        let forced = try Self.run(["convert", dir + "/notes.txt", "--format", "jsonl", "--to", "jsonl"])
        #expect(forced.status == 0)
        #expect(forced.stderr.contains("1 rejected"))
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try Self.run(["convert", "x.jsonl"]).status == 2, "missing --to")
        let unknown = try Self.run(["convert", "x.jsonl", "--to", "nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown format 'nope'"))
        #expect(try Self.run(["frobnicate"]).status == 2)
        #expect(try Self.run(["convert", "x", "--to", "jsonl", "-O", "novalue"]).status == 2)
        #expect(try Self.run(["--help"]).status == 0)
    }

    @Test func readsStandardInputAndWalksFolders() throws {
        let r = try Self.run(["convert", "-", "--to", "jsonl"], stdin: Self.good)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == 2)
        let dir = try Self.tempDir()
        try FileManager.default.createDirectory(atPath: dir + "/sub/deeper", withIntermediateDirectories: true)
        try Self.good.write(toFile: dir + "/sub/a.jsonl", atomically: true, encoding: .utf8)
        try Self.good.write(toFile: dir + "/sub/deeper/b.jsonl", atomically: true, encoding: .utf8)
        try "hidden".write(toFile: dir + "/.DS_Store", atomically: true, encoding: .utf8)
        try "a picture, say".write(toFile: dir + "/sub/photo.png", atomically: true, encoding: .utf8)
        let w = try Self.run(["convert", dir, "--to", "jsonl"])
        #expect(w.status == 0, "an unrecognised file inside a folder is skipped, not a failure: \(w.stderr)")
        #expect(w.stderr.contains("2 files, 4 records read"))
        #expect(w.stderr.contains("photo.png: note: skipped"))
        #expect(w.stderr.contains("1 file skipped"))
    }

    @Test func failedRunLeavesNoPartialOutputFile() throws {
        let dir = try Self.tempDir()
        let out = dir + "/out.jsonl"
        let r = try Self.run(["convert", dir + "/missing.jsonl", "--to", "nope", "-o", out])
        #expect(r.status == 2)
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "no temporary file left behind")
    }
}

@Suite("kith CLI with external plugins", .serialized)
struct CLIExternalPluginTests {
    static let pluginDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Plugins/External").path

    @Test func formatsShowsBuiltinAndExternalPlugins() throws {
        let r = try CLITests.run(["formats", "--plugin-path", Self.pluginDir])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("jsonl") && $0.contains("built-in") })
        #expect(lines.contains { $0.hasPrefix("ics") && $0.contains("external") && $0.contains("kith-plugin-ics") })
        let none = try CLITests.run(["formats", "--plugin-path", Self.pluginDir, "--no-external-plugins"])
        #expect(!none.stdout.split(separator: "\n").contains { $0.hasPrefix("ics") })
    }

    @Test func convertReadsThroughAnExternalPlugin() throws {
        let dir = try CLITests.tempDir()
        let ics = """
            BEGIN:VCALENDAR
            BEGIN:VEVENT
            UID:lunch-1@example.org
            DTSTART:20240301T120000Z
            SUMMARY:Lunch
            ORGANIZER;CN=Søren Kierkegaard-Hansen:mailto:soren@example.dk
            END:VEVENT
            END:VCALENDAR

            """
        try ics.write(toFile: dir + "/lunch.ics", atomically: true, encoding: .utf8)
        let r = try CLITests.run(["convert", dir + "/lunch.ics", "--to", "jsonl", "--plugin-path", Self.pluginDir])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("as ics"))
        #expect(r.stdout.contains(#""type":"meeting""#))
        #expect(r.stdout.contains("soren@example.dk"))
        #expect(r.stderr.contains("1 record read"))
    }

    @Test func aBrokenExternalPluginIsIgnoredWithAWarning() throws {
        let dir = try CLITests.tempDir()
        let exe = dir + "/kith-plugin-broken"
        try "#!/bin/sh\necho not json\n".write(toFile: exe, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: exe)
        let r = try CLITests.run(["formats", "--plugin-path", dir])
        #expect(r.status == 0)
        #expect(r.stderr.contains("warning: ignoring an external plugin"))
        #expect(r.stderr.contains("kith-plugin-broken"))
    }
}

@Suite("In-process plugin example")
struct InProcessPluginExampleTests {
    @Test func theExampleProgramRegistersAndRunsItsPlugin() throws {
        let dir = try CLITests.tempDir()
        let input = dir + "/staff.hrd"
        try """
            #HR-DIRECTORY 1
            Aiko Tanaka|aiko.tanaka@example.jp|+81 3-5555-0123|Research
            only|two fields

            |noname@example.org||Facilities

            """.write(toFile: input, atomically: true, encoding: .utf8)
        let exe = CLITests.executable.deletingLastPathComponent().appendingPathComponent("kith-example-plugin")
        let p = Process()
        p.executableURL = exe
        p.arguments = [input]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(e)")
        let lines = o.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains(#""department":"Research""#) == true)
        #expect(lines.first?.contains(#""plugin":"hr-directory""#) == true)
        #expect(e.contains("\(input):3: error: expected NAME|EMAIL|PHONE|DEPARTMENT"))
        #expect(e.contains("read 3, imported 2, rejected 1"))
    }
}

@Suite("kith store commands", .serialized)
struct CLIStoreTests {
    static func contactsJSONL(_ n: Int, offset: Int = 0) -> String {
        var out = ""
        for i in offset..<(offset + n) {
            out += #"{"kind":"contact","id":"t:\#(i)","name":{"formatted":"Person \#(i) Example"},"emails":[{"address":"person\#(i)@example.org"}],"sources":[{"plugin":"jsonl","file":"x","locator":{"line":\#(i + 1)},"recordId":"r\#(i)"}]}"#
            out += "\n"
        }
        return out
    }

    @Test func importIsIdempotentAndExportable() throws {
        let dir = try CLITests.tempDir()
        let store = dir + "/store.sqlite"
        try Self.contactsJSONL(50).write(toFile: dir + "/people.jsonl", atomically: true, encoding: .utf8)
        let first = try CLITests.run(["import", dir + "/people.jsonl", "--store", store])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("50 added"))
        let again = try CLITests.run(["import", dir + "/people.jsonl", "--store", store])
        #expect(again.status == 0)
        #expect(again.stderr.contains("0 sources imported, 1 unchanged"))
        let stats = try CLITests.run(["stats", "--store", store])
        #expect(stats.stdout.contains("records:       50"))
        let export = try CLITests.run(["export", "--store", store, "--to", "jsonl"])
        #expect(export.status == 0)
        #expect(export.stdout.split(separator: "\n").count == 50)
        let show = try CLITests.run(["show", "person7@example.org", "--store", store])
        #expect(show.status == 0)
        #expect(show.stdout.contains("Person 7 Example"))
        #expect(try CLITests.run(["show", "nobody@nowhere.example", "--store", store]).status == 1)
    }

    @Test func linkUnlinkSplitAndReviewFromTheCommandLine() throws {
        let dir = try CLITests.tempDir()
        let store = dir + "/store.sqlite"
        try """
            {"kind":"contact","id":"v:anna","name":{"formatted":"Anna Vogt","given":"Anna","family":"Vogt"},"emails":[{"address":"anna.vogt@example.org"}],"sources":[{"plugin":"vcard","file":"a.vcf","locator":{"line":1},"recordId":"UID-anna"}]}
            {"kind":"contact","id":"v:bob","name":{"formatted":"Bob Okafor","given":"Bob","family":"Okafor"},"emails":[{"address":"bob.okafor@example.com"}],"sources":[{"plugin":"vcard","file":"a.vcf","locator":{"line":9},"recordId":"UID-bob"}]}

            """.write(toFile: dir + "/a.jsonl", atomically: true, encoding: .utf8)
        try """
            {"kind":"contact","id":"c:anna","name":{"formatted":"Vogt, Anna"},"emails":[{"address":"anna.vogt@example.org"}],"phones":[{"raw":"+49 30 1234567"}],"sources":[{"plugin":"csv","file":"b.csv","locator":{"line":2},"recordId":"r1"}]}

            """.write(toFile: dir + "/b.jsonl", atomically: true, encoding: .utf8)
        #expect(try CLITests.run(["import", dir + "/a.jsonl", dir + "/b.jsonl", "--store", store]).status == 0)
        let show = try CLITests.run(["show", "Vogt", "--store", store])
        #expect(show.status == 0)
        #expect(show.stdout.contains("v:anna") && show.stdout.contains("c:anna"), "one person from both files: \(show.stdout)")
        let person = try #require(show.stdout.split(separator: "[").dropFirst().first?.split(separator: "]").first.map(String.init))
        let split = try CLITests.run(["split", person, "--store", store])
        #expect(split.status == 0)
        #expect(split.stderr.contains("split into 2 people"))
        #expect(try CLITests.run(["stats", "--store", store]).stdout.contains("people:        3"))
        let link = try CLITests.run(["link", "v:bob", "c:anna", "--store", store])
        #expect(link.status == 0)
        #expect(try CLITests.run(["stats", "--store", store]).stdout.contains("people:        2"))
        let bad = try CLITests.run(["link", "v:bob", "nope", "--store", store])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("no record with id 'nope'"))
        #expect(try CLITests.run(["review", "--store", store]).status == 0)
        #expect(try CLITests.run(["review", "accept", "99", "--store", store]).status == 2)
    }

    @Test func aStoreFromTheFutureIsRefusedWithAMessage() throws {
        let dir = try CLITests.tempDir()
        let store = dir + "/store.sqlite"
        _ = try CLITests.run(["stats", "--store", store])
        try DatabaseQueue(path: store).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v2-future')")
        }
        let r = try CLITests.run(["stats", "--store", store])
        #expect(r.status == 1)
        #expect(r.stderr.contains("newer version of Kith"))
    }

    @Test func killingAnImportLeavesTheStoreAsItWas() throws {
        let dir = try CLITests.tempDir()
        let store = dir + "/store.sqlite"
        try Self.contactsJSONL(20).write(toFile: dir + "/small.jsonl", atomically: true, encoding: .utf8)
        #expect(try CLITests.run(["import", dir + "/small.jsonl", "--store", store]).status == 0)
        let before = try CLITests.run(["stats", "--store", store]).stdout
        try Self.contactsJSONL(150_000, offset: 1000).write(toFile: dir + "/big.jsonl", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = CLITests.executable
        p.arguments = ["import", dir + "/big.jsonl", "--store", store, "--quiet"]
        p.standardError = FileHandle.nullDevice
        try p.run()
        Thread.sleep(forTimeInterval: 1.5)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal, "the import was still running when killed")
        let after = try CLITests.run(["stats", "--store", store])
        #expect(after.status == 0)
        #expect(after.stdout == before)
    }

    @Test func twoWritersAtOnceBothLand() throws {
        let dir = try CLITests.tempDir()
        let store = dir + "/store.sqlite"
        _ = try CLITests.run(["stats", "--store", store])
        try Self.contactsJSONL(3000).write(toFile: dir + "/a.jsonl", atomically: true, encoding: .utf8)
        try Self.contactsJSONL(3000, offset: 5000).write(toFile: dir + "/b.jsonl", atomically: true, encoding: .utf8)
        var procs: [Process] = []
        for f in ["a", "b"] {
            let p = Process()
            p.executableURL = CLITests.executable
            p.arguments = ["import", dir + "/\(f).jsonl", "--store", store, "--quiet"]
            p.standardError = FileHandle.nullDevice
            try p.run()
            procs.append(p)
        }
        for p in procs { p.waitUntilExit() }
        #expect(procs.allSatisfy { $0.terminationStatus == 0 })
        let stats = try CLITests.run(["stats", "--store", store])
        #expect(stats.stdout.contains("sources:       2"))
        #expect(stats.stdout.contains("records:       6000"))
        let integrity = try DatabaseQueue(path: store).read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(integrity == "ok")
    }
}
