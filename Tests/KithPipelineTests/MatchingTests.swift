import KithModel
import Testing

@testable import KithPipeline

@Suite("Matching and merging")
struct MatchingTests {
    /// Runs the pipeline on the population plus `extra`; returns the output
    /// and a lookup from record id to merged contact id.
    func run(_ extra: [Contact], rules: MatchRules = MatchRules()) -> (Consolidator.Output, [String: String]) {
        let contacts = Population.make() + extra
        let out = Consolidator(options: MatchOptions(defaultRegion: "DE", rules: rules)).run(contacts: contacts)
        var byKey: [String: String] = [:]
        for (k, id) in zip(out.recordKeys, out.mergedIdOfRecord) { byKey[k] = id }
        return (out, byKey)
    }

    @Test("The population's own duplicates are found and nothing else")
    func population() {
        let (out, _) = run([])
        let contacts = Population.make()
        var truth = 0, found = 0, wrong = 0
        for cluster in out.match.clusters {
            let people = Set(cluster.map { contacts[$0].id.replacing("b", with: "") })
            if people.count > 1 { wrong += 1 }
        }
        for c in contacts where c.id.hasSuffix("b") {
            truth += 1
            let a = contacts.firstIndex { $0.id == String(c.id.dropLast()) }!
            let b = contacts.firstIndex { $0.id == c.id }!
            if out.match.clusterOf[a] == out.match.clusterOf[b] { found += 1 }
        }
        #expect(wrong == 0)
        #expect(found == truth)
    }

    @Test("Nickname and Gmail alias: Bob and Robert with the same mailbox written differently")
    func nicknameAndGmail() {
        let (_, id) = run([
            Population.person("s1", given: "Robert", family: "Quellenhorst", emails: ["Rob.Quellenhorst+news@googlemail.com"]),
            Population.person("s2", given: "Bob", family: "Quellenhorst", emails: ["robquellenhorst@gmail.com"], city: "Jena"),
        ])
        #expect(id["s1"] == id["s2"])
    }

    @Test("\"Last, First\" and a phone in another format")
    func lastFirst() {
        let (_, id) = run([
            Population.person("s1", formatted: "Quellenhorst, Margarete", phones: ["030 8823 4417"]),
            Population.person("s2", given: "Margarete", family: "Quellenhorst", phones: ["+49 30 88234417"]),
        ])
        #expect(id["s1"] == id["s2"])
    }

    @Test("Colleagues sharing a switchboard number and an info@ address stay apart")
    func switchboard() {
        let names = ["Anton Wexberg", "Beate Lorrimund", "Carl Oosterhagen", "Dora Pfeilstedt", "Emil Trautgarten",
                     "Frida Kalmbruck", "Gustav Erlenmoor", "Hanna Stolzfeld", "Ivo Brenninger", "Jana Vollrath"]
        let colleagues = names.enumerated().map { (k, n) in
            let parts = n.split(separator: " ").map(String.init)
            return Population.person("c\(k)", given: parts[0], family: parts[1],
                emails: ["info@brightwater.example", "\(parts[0].lowercased())@brightwater.example"],
                phones: ["+49 30 5555 0100"], org: "Brightwater Logistics GmbH", city: "Berlin")
        }
        let (_, id) = run(colleagues)
        #expect(Set(colleagues.indices.map { id["c\($0)"]! }).count == colleagues.count)
    }

    @Test("Namesakes do not chain into one person")
    func namesakes() {
        let (_, id) = run([
            Population.person("a1", given: "Maria", family: "Lindqvist", emails: ["maria.lindqvist@example.net"], city: "Berlin"),
            Population.person("a2", formatted: "Maria Lindqvist", emails: ["maria.lindqvist@example.net"], phones: ["0171 5550 123"]),
            Population.person("b1", given: "Maria", family: "Lindqvist", phones: ["0160 4440 987"], city: "Ulm"),
            Population.person("c1", given: "Maria", family: "Lindqvist", emails: ["m.lindqvist@example.com"], city: "Bremen",
                birthday: PartialDate(year: 1961, month: 3, day: 4)),
            Population.person("c2", given: "Maria", family: "Lindqvist", city: "Bremen", birthday: PartialDate(year: 1990, month: 7, day: 9)),
        ])
        #expect(id["a1"] == id["a2"])
        #expect(id["a1"] != id["b1"])
        #expect(id["a1"] != id["c1"])
        #expect(id["c1"] != id["c2"])
    }

    @Test("A cluster stops at the size limit; the links past it are suggested for review")
    func clusterSizeLimit() {
        // Fourteen records of one mailbox (as in a namesake collision on a
        // Gmail address): ten merge, the other four are suggested, not lost.
        let records = (0..<14).map { k in
            Population.person("z\(k)", given: "Zofia", family: "Marnhagen", emails: ["zofia.marnhagen@gmail.com"],
                phones: k.isMultiple(of: 2) ? ["+49 171 5550 \(1000 + k)"] : [])
        }
        func clusterSizes(limit: Int?) -> (sizes: [Int], review: Int) {
            var options = MatchOptions(defaultRegion: "DE")
            if let limit { options.maxClusterSize = limit }
            let contacts = Population.make() + records
            let out = Consolidator(options: options).run(contacts: contacts)
            let ids = Set(records.map(\.id))
            let sizes = out.match.clusters.map { $0.filter { ids.contains(contacts[$0].id) }.count }.filter { $0 > 0 }
            let review = out.match.review.filter { ids.contains(contacts[$0.a].id) && ids.contains(contacts[$0.b].id) }
            return (sizes.sorted(by: >), review.count)
        }
        let capped = clusterSizes(limit: nil)
        #expect(capped.sizes.first == 10)
        #expect(capped.sizes.reduce(0, +) == 14)
        #expect(capped.review >= 1)
        let raised = clusterSizes(limit: 20)
        #expect(raised.sizes == [14])
    }

    @Test("Rules: never keeps a likely pair apart, same joins an unlikely one")
    func rules() {
        let extra = [
            Population.person("r1", given: "Teodor", family: "Wanghorst", emails: ["teo@wanghorst.example"]),
            Population.person("r2", given: "Teodor", family: "Wanghorst", emails: ["teo@wanghorst.example"]),
            Population.person("r3", given: "Ulla", family: "Brennecke", phones: ["0341 2223344"]),
            Population.person("r4", given: "Ursula", family: "Moorkamp", emails: ["ursula@moorkamp.example"]),
        ]
        let (_, before) = run(extra)
        #expect(before["r1"] == before["r2"])
        #expect(before["r3"] != before["r4"])
        var rules = MatchRules()
        rules.addNever("r1", "r2")
        rules.addSame("r3", "r4")
        let (_, after) = run(extra, rules: rules)
        #expect(after["r1"] != after["r2"])
        #expect(after["r3"] == after["r4"])
    }

    @Test("Rules name every record holding a key (one address read from two mail files, one id in two files)")
    func rulesCoverEveryRecordOfAKey() {
        let extra = [
            Population.person("17", given: "Teodor", family: "Wanghorst", emails: ["teo@wanghorst.example"]),
            Population.person("17", given: "Ulla", family: "Brennecke", phones: ["0341 2223344"]),
            Population.person("x1", given: "Ursula", family: "Moorkamp", emails: ["ursula@moorkamp.example"]),
        ]
        let (plain, _) = run(extra)
        #expect(Set(plain.match.clusterOf.suffix(3)).count == 3)
        var rules = MatchRules()
        rules.addSame("17", "x1")
        let (out, _) = run(extra, rules: rules)
        let clusters = Array(out.match.clusterOf.suffix(3))
        #expect(Set(clusters).count == 1, "the same rule joins both records of key 17: \(clusters)")
    }

    @Test("The same input gives the same clusters and ids")
    func deterministic() {
        let extra = [Population.person("d1", given: "Rolf", family: "Hagedorn", emails: ["rolf@hagedorn.example"])]
        let (a, _) = run(extra)
        let (b, _) = run(extra)
        #expect(a.match.clusters == b.match.clusters)
        #expect(a.contacts.map(\.id) == b.contacts.map(\.id))
        #expect(a.contacts == b.contacts)
    }

    @Test("Explain lists every field, the total, the thresholds and the decision")
    func explain() throws {
        let (out, _) = run([
            Population.person("e1", given: "Robert", family: "Quellenhorst", emails: ["rob@quellenhorst.example"]),
            Population.person("e2", given: "Bob", family: "Quellenhorst", emails: ["rob@quellenhorst.example"]),
        ])
        let a = try #require(out.recordKeys.firstIndex(of: "e1")), b = try #require(out.recordKeys.firstIndex(of: "e2"))
        let e = out.match.explain(a, b)
        #expect(e.sameCluster)
        #expect(e.fields.count == MatchField.allCases.count)
        #expect(e.fields.first { $0.field == "given name" }?.level == "nickname")
        #expect(e.fields.first { $0.field == "e-mail" }?.level == "shared address")
        #expect(e.total > e.mergeThreshold)
        let text = e.render(nameA: "e1", nameB: "e2")
        #expect(text.contains("total"))
        #expect(text.contains("decision: merged"))
    }

    @Test("A merged contact keeps every value with its provenance and shows conflicts")
    func provenance() throws {
        var x = Population.person("m1", given: "Wilhelmine", family: "Grottkau", emails: ["w.grottkau@example.net"],
            phones: ["030 4455667"], birthday: PartialDate(year: 1970, month: 5, day: 1))
        x.emails[0].labels = ["home"]
        var y = Population.person("m2", formatted: "Wilhelmine Grottkau", emails: ["W.Grottkau@example.net", "wg@work.example"],
            phones: ["+49 30 4455667"], birthday: PartialDate(year: 1970, month: 1, day: 5))
        y.sources[0].file = "phone.vcf"
        y.emails[1].labels = ["work"]
        let (out, id) = run([x, y])
        #expect(id["m1"] == id["m2"])
        let merged = try #require(out.contacts.first { $0.id == id["m1"] })
        #expect(merged.sources.map(\.recordId) == ["m1", "m2"])
        #expect(merged.emails.count == 2)
        let shared = try #require(merged.emails.first { $0.address.lowercased() == "w.grottkau@example.net" })
        #expect(shared.sourceRefs == [0, 1])
        #expect(shared.labels == ["home"])
        let work = try #require(merged.emails.first { $0.address == "wg@work.example" })
        #expect(work.sourceRefs == [1])
        #expect(merged.phones.count == 1)
        #expect(merged.phones[0].e164 == "+49304455667")
        #expect(merged.extensions["kith.conflict.birthday"] == ["1970-05-01", "1970-01-05"])
        #expect(merged.name.given == "Wilhelmine")
    }

    @Test("Interactions point at the merged contact, whatever form the address takes")
    func interactions() throws {
        let people = [
            Population.person("i1", given: "Jorinde", family: "Brackwede", emails: ["jorinde.brackwede@gmail.com"]),
            Population.person("i2", formatted: "Jorinde Brackwede", emails: ["Jorinde.Brackwede@gmail.com"]),
        ]
        let mail = Interaction(id: "x1", type: .email, participants: [
            Participant(role: .from, email: "JorindeBrackwede+lists@googlemail.com"),
            Participant(role: .to, email: "nobody@nowhere.example"),
        ])
        let out = Consolidator(options: MatchOptions(defaultRegion: "DE")).run(contacts: Population.make() + people, interactions: [mail])
        let merged = try #require(out.contacts.first { $0.sources.contains { $0.recordId == "i1" } })
        #expect(merged.sources.contains { $0.recordId == "i2" })
        #expect(out.interactions[0].participants[0].contactId == merged.id)
        #expect(out.interactions[0].participants[1].contactId == nil)
    }
}
