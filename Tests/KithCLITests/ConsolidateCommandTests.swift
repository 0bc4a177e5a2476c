import ArgumentParser
import Foundation
import Kith
import KithJSON
import Testing

@testable import KithCLI

@Suite("kith consolidate and explain")
struct ConsolidateCommandTests {
    /// A folder with a JSON Lines export of invented people, some twice.
    func fixture() throws -> (dir: URL, input: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kith-consolidate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let given = ["Anna", "Bernd", "Clara", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kira", "Lukas"]
        let parts = ["kel", "ver", "brand", "mor", "tal", "wen", "dor", "ski", "lund", "ham"]
        var writer = JSONLWriter()
        var n = 0
        for p in 0..<240 {
            let first = given[p % given.count]
            let family = (parts[p % 10] + parts[(p / 10) % 10] + parts[(p / 7) % 10]).capitalized
            let email = "\(first.lowercased()).\(family.lowercased())\(p)@example.org"
            for copy in 0..<(p % 3 == 0 ? 2 : 1) {
                n += 1
                var c = Contact(id: "t:\(n)")
                c.name = copy == 0 ? PersonName(given: first, family: family) : PersonName(formatted: "\(family), \(first)")
                c.emails = [EmailAddress(copy == 0 ? email : email.uppercased())]
                c.phones = [PhoneNumber(raw: copy == 0 ? "+49 30 \(1_000_000 + p * 7919)" : "030 \(1_000_000 + p * 7919)")]
                c.sources = [Provenance(plugin: "jsonl", file: "people.jsonl", locator: Locator(line: n), recordId: "r\(p)-\(copy)")]
                writer.append(.contact(c))
            }
        }
        let input = dir.appendingPathComponent("people.jsonl").path
        try Data(writer.output).write(to: URL(fileURLWithPath: input))
        return (dir, input)
    }

    @Test("consolidate writes merged contacts, a clusters file for every record and a review file")
    func consolidate() throws {
        let (dir, input) = try fixture()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("merged.jsonl").path
        let clusters = dir.appendingPathComponent("clusters.csv").path
        let review = dir.appendingPathComponent("review.txt").path
        let command = try Consolidate.parse([input, "-o", out, "--clusters-out", clusters, "--review", review, "--region", "DE", "-q"])
        try command.run()

        let rows = try String(contentsOfFile: clusters, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(rows.count == 320)
        var clusterOf: [String: String] = [:]
        for row in rows {
            let f = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            clusterOf[f[0]] = f[1]
        }
        for p in stride(from: 0, to: 240, by: 3) { #expect(clusterOf["r\(p)-0"] == clusterOf["r\(p)-1"]) }
        #expect(Set(clusterOf.values).count == 240)

        let merged = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(merged.count == 240)
        #expect(try String(contentsOfFile: review, encoding: .utf8).hasPrefix("# Pairs Kith found likely"))
    }

    @Test("interactions are written in input order after the people, each participant pointing at its merged person")
    func interactionsLinked() throws {
        let (dir, input) = try fixture()
        defer { try? FileManager.default.removeItem(at: dir) }
        // More than one batch of interactions (16,384), so batches and their
        // parallel parts join in order.
        var writer = JSONLWriter()
        let count = 20_000
        for k in 0..<count {
            let p = (k * 7) % 240
            let family = (["kel", "ver", "brand", "mor", "tal", "wen", "dor", "ski", "lund", "ham"][p % 10]
                + ["kel", "ver", "brand", "mor", "tal", "wen", "dor", "ski", "lund", "ham"][(p / 10) % 10]
                + ["kel", "ver", "brand", "mor", "tal", "wen", "dor", "ski", "lund", "ham"][(p / 7) % 10]).capitalized
            let first = ["Anna", "Bernd", "Clara", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kira", "Lukas"][p % 12]
            let email = "\(first.lowercased()).\(family.lowercased())\(p)@example.org"
            var i = Interaction(id: "m\(k)", type: .email)
            // Every other one in capitals: it must still find its person.
            i.participants = [
                Participant(role: .from, email: k % 2 == 0 ? email : email.uppercased()),
                Participant(role: .to, email: "nobody\(k)@elsewhere.example"),
            ]
            i.sources = [Provenance(plugin: "jsonl", file: "mail.jsonl", locator: Locator(line: k + 1))]
            writer.append(.interaction(i))
        }
        let mail = dir.appendingPathComponent("mail.jsonl").path
        try Data(writer.output).write(to: URL(fileURLWithPath: mail))
        let out = dir.appendingPathComponent("merged.jsonl").path
        try Consolidate.parse([input, mail, "-o", out, "--region", "DE", "-q"]).run()

        var personOfEmail: [String: String] = [:]
        var interactions: [Interaction] = []
        let text = try String(contentsOfFile: out, encoding: .utf8)
        for line in text.split(separator: "\n") {
            var l = String(line)
            switch l.withUTF8({ try? JSONLReader.decode($0) }) {
            case .contact(let c)?:
                #expect(interactions.isEmpty, "people come first")
                for e in c.emails { personOfEmail[e.address.lowercased()] = c.id }
            case .interaction(let i)?: interactions.append(i)
            default: break
            }
        }
        #expect(personOfEmail.count == 240)
        #expect(interactions.map(\.id) == (0..<count).map { "m\($0)" })
        for i in interactions {
            let from = try #require(i.participants.first)
            #expect(from.contactId != nil && from.contactId == personOfEmail[from.email!.lowercased()], "\(i.id)")
            #expect(i.participants[1].contactId == nil)
        }
    }

    @Test("rules from a file keep a pair apart")
    func rules() throws {
        let (dir, input) = try fixture()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = dir.appendingPathComponent("rules.txt").path
        try "never r0-0 r0-1\n".write(toFile: rules, atomically: true, encoding: .utf8)
        let clusters = dir.appendingPathComponent("clusters.csv").path
        let command = try Consolidate.parse([input, "-o", "/dev/null", "--clusters-out", clusters, "--rules", rules, "-q"])
        try command.run()
        let text = try String(contentsOfFile: clusters, encoding: .utf8)
        func cluster(_ id: String) -> Substring? {
            text.split(separator: "\n").first { $0.hasPrefix(id + ",") }?.split(separator: ",").last
        }
        #expect(cluster("r0-0") != cluster("r0-1"))
        #expect(cluster("r3-0") == cluster("r3-1"))
    }

    @Test("a malformed rules file is a usage error")
    func badRules() throws {
        let (dir, input) = try fixture()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = dir.appendingPathComponent("rules.txt").path
        try "merge a b\n".write(toFile: rules, atomically: true, encoding: .utf8)
        let command = try Consolidate.parse([input, "-o", "/dev/null", "--rules", rules, "-q"])
        #expect(throws: UsageError.self) { try command.run() }
    }
}
