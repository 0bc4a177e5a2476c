import Foundation
import Kith
import KithModel
import KithPlugin
import KithTestSupport
import Testing

@testable import KithMail

@Suite("Mail importer")
struct ImportTests {
    static func sample() throws -> [UInt8] { try RepositoryFiles.bytes("SampleExports/inbox.mbox") }

    @Test func conformsOnTheSampleMbox() throws {
        let problems = ImporterConformance.check(MailPlugin(), sample: try Self.sample(), fileName: "inbox.mbox")
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func conformsOnASingleMessage() throws {
        let eml = Array(message("From: Anna <anna.vogt@example.org>\nTo: bob.okafor@example.com\nSubject: hi", envelope: nil).utf8)
        let problems = ImporterConformance.check(MailPlugin(), sample: eml, fileName: "hi.eml", concatenable: false)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func conformsOnTheThunderbirdFixture() throws {
        let problems = ImporterConformance.check(MailPlugin(), sample: try fixture("thunderbird.mbox"), fileName: "tb.mbox")
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("each contact's record id is its address, so the people of one message have keys of their own")
    func contactsAreKeyedByAddress() throws {
        let eml = Array(message("From: Anna Vogt <Anna.Vogt@Example.org>\nTo: bob.okafor@example.com, \"Cara\" <cara@example.net>\nSubject: hi", envelope: nil).utf8)
        let o = ImporterConformance.run(MailPlugin(), bytes: eml, fileName: "hi.eml")
        #expect(o.contacts.map { $0.sources.first?.recordId } == ["anna.vogt@example.org", "bob.okafor@example.com", "cara@example.net"])
        #expect(Set(o.contacts.map(RecordKey.of)).count == 3)
    }

    @Test func theStandardRegistryHasIt() throws {
        let imp = try PluginRegistry.standard.importer("mail")
        #expect(imp.descriptor.capabilities.contains(.directoryInput))
        let d = try PluginRegistry.standard.detect(FormatProbe(fileName: "inbox.mbox", head: Array(try Self.sample().prefix(4096))))
        #expect(d.importer.descriptor.id == "mail")
    }

    @Test func detection() {
        let p = MailPlugin()
        #expect(p.detect(FormatProbe(fileName: "x", head: Array("From a@b.c Mon Mar  4 09:12:44 2024\nFrom: a@b.c\n".utf8))).confidence == 100)
        #expect(p.detect(FormatProbe(fileName: "x.eml", head: Array("Received: from x\nFrom: a@b.c\nTo: d@e.f\nSubject: s\n\n".utf8))).confidence >= 70)
        #expect(p.detect(FormatProbe(fileName: "x.vcf", head: Array("BEGIN:VCARD\nVERSION:3.0\nFN:Anna\nEND:VCARD\n".utf8))).confidence == 0)
        #expect(p.detect(FormatProbe(fileName: "x.csv", head: Array("name,email\nAnna,a@b.c\n".utf8))).confidence == 0)
        #expect(p.detect(FormatProbe(fileName: "letter.txt", head: Array("From the desk of Anna:\nhello\n".utf8))).confidence == 0)
        #expect(p.detect(FormatProbe(fileName: "x", head: Array("From - Mon Jun  3 12:50:27 1996\n\n".utf8))).confidence == 60)
        #expect(p.detect(FormatProbe(fileName: "x.jsonl", head: Array("{\"kind\":\"contact\"}\n".utf8))).confidence == 0)
        #expect(p.detect(FormatProbe(fileName: "Maildir", head: [], isDirectory: true, directoryEntries: ["cur", "new", "tmp"])).confidence == 100)
        #expect(p.detect(FormatProbe(fileName: "photos", head: [], isDirectory: true, directoryEntries: ["a.jpg"])).confidence == 0)
    }

    @Test func oneInteractionPerMessageWithEveryField() throws {
        let o = importMail(try Self.sample(), name: "inbox.mbox")
        let i = try #require(o.interactions.first { $0.messageId == "a1b2c3d4@correo.example.es" })
        #expect(i.type == .email)
        #expect(i.subject == "Re: Workshop in Berlin – dates?")
        #expect(i.timestamp?.isoString == "2024-03-04T13:05:10Z")
        #expect(i.utcOffsetMinutes == 60)
        #expect(i.threadId == "20240304101244.4711@mail.example.org")
        #expect(i.parentId == "CAB0b-77x1@mail.example.com")
        #expect(i.participants.map(\.role) == [.from, .to, .to])
        #expect(i.participants.first?.name == "María José García López")
        #expect(i.sources.first?.recordId == "a1b2c3d4@correo.example.es")
        #expect(i.id.hasPrefix("mail:"))
    }

    @Test func rolesIncludingReplyToAndSender() throws {
        let text = message("""
            From: Anna-Lena Vogt <anna.vogt@example.org>
            Sender: Office <office@vogt-design.example>
            Reply-To: Anna-Lena Vogt <anna.vogt@example.org>, a.vogt@vogt-design.example
            To: Bob <bob.okafor@example.com>
            Cc: mjgarcia@example.es
            Bcc: liz.thornton@gmail.com
            Message-ID: <x1@example.org>
            """)
        let i = try #require(importMail(text).interactions.first)
        #expect(i.participants.map(\.role) == [.from, .sender, .replyTo, .to, .cc, .bcc])
        #expect(i.participants[2].email == "a.vogt@vogt-design.example")
        #expect(i.messageId == "x1@example.org")
        #expect(i.threadId == "x1@example.org")
    }

    @Test func contactsKeepEveryDisplayName() throws {
        let o = importMail(try Self.sample(), name: "inbox.mbox")
        let bob = try #require(o.contact("bob.okafor@example.com"))
        #expect(bob.type == .individual)
        let names = [bob.name.formatted] + bob.alternateNames.map(\.formatted)
        #expect(Set(names.compactMap { $0 }) == ["Robert Fischer-Okafor", "Bob Fischer-Okafor", "Bob"])
        // The Organization field of the messages Bob sent.
        #expect(bob.organizations.map(\.name) == ["Northwind Traders"])
        // One contact per distinct address, case-insensitively.
        let keys = o.contacts.flatMap(\.emails).map { $0.address.lowercased() }
        #expect(Set(keys).count == keys.count)
        // Contacts come after the interactions, at the end of the input.
        let lastInteraction = o.events.lastIndex { if case .interaction = $0 { true } else { false } }!
        let firstContact = o.events.firstIndex { if case .contact = $0 { true } else { false } }!
        #expect(firstContact > lastInteraction)
    }

    @Test func listsAndMachinesAreNotPeople() throws {
        let o = importMail(try Self.sample(), name: "inbox.mbox")
        let list = try #require(o.contact("kith-users@lists.example.net"))
        #expect(list.type == .group)
        #expect(list.extensions["kith:role"] == ["mailing-list"])
        #expect(list.handles.first?.value == "kith-users.lists.example.net")
        let noreply = try #require(o.contact("no-reply@example.dk"))
        #expect(noreply.type == .organization)
        #expect(noreply.extensions["kith:role"] == ["machine"])
        let github = try #require(o.contact("notifications@github.example"))
        #expect(github.extensions["kith:role"] == ["machine"])
        // The list's poster stays a person.
        #expect(o.contact("bob.okafor@example.com")?.extensions["kith:role"] == nil)
        #expect(AddressRole.classify(address: "info@northwind.example") == .role)
        #expect(AddressRole.classify(address: "MAILER-DAEMON@mx.example.org") == .machine)
        #expect(AddressRole.classify(address: "reply+abc123@reply.github.example") == .machine)
        #expect(AddressRole.classify(address: "anna.vogt@example.org") == nil)
    }

    @Test func autoSubmittedMarksTheSender() throws {
        let o = importMail(message("From: Anna <anna.vogt@example.org>\nAuto-Submitted: auto-replied\nSubject: Out of office"))
        #expect(o.contact("anna.vogt@example.org")?.extensions["kith:role"] == ["machine"])
    }

    @Test func theOwnerGivesDirection() throws {
        let o = importMail(try Self.sample(), name: "inbox.mbox", options: ["me": "anna.vogt@example.org, a.vogt@vogt-design.example"])
        let byID = Dictionary(o.interactions.map { ($0.messageId ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byID["20240304101244.4711@mail.example.org"]?.extensions["kith:direction"] == ["sent"])
        #expect(byID["vd-5511@vogt-design.example"]?.extensions["kith:direction"] == ["sent"])
        #expect(byID["CAB0b-77x1@mail.example.com"]?.extensions["kith:direction"] == ["received"])
        #expect(byID["list-4455@mail.example.com"]?.extensions["kith:direction"] == nil)
        #expect(o.contact("anna.vogt@example.org")?.extensions["kith:owner"] == ["true"])
        #expect(o.contact("bob.okafor@example.com")?.extensions["kith:owner"] == nil)
    }

    @Test func duplicatesAreReportedOnce() throws {
        let o = importMail(try Self.sample(), name: "inbox.mbox")
        #expect(o.summary?.recordsRead == 13)
        #expect(o.interactions.count == 12)
        let dup = try #require(o.diagnostics.first { $0.code == "mail.duplicate" })
        #expect(dup.locator.record == 13)
        #expect(dup.message.contains("message 2"))
        // A reused Message-ID with another sender is two messages.
        let reused = importMail(
            message("From: a@example.org\nMessage-ID: <same@x>\nDate: Mon, 4 Mar 2024 10:00:00 +0000")
                + "\n" + message("From: b@example.org\nMessage-ID: <same@x>\nDate: Mon, 4 Mar 2024 10:00:00 +0000"))
        #expect(reused.interactions.count == 2)
        #expect(Set(reused.interactions.map(\.id)).count == 2)
        #expect(reused.codes().contains("mail.message-id.reused"))
        let off = importMail(try Self.sample(), name: "inbox.mbox", options: ["dedupe": "no"])
        #expect(off.interactions.count == 13)
    }

    @Test func snippetsReadTheFirstTextPartOnly() throws {
        let o = importMail(try Self.sample(), name: "inbox.mbox", options: ["snippet": "40"])
        let liz = try #require(o.interactions.first { $0.messageId == "liz-20240305-0800@mail.gmail.com" })
        #expect(liz.snippet == "Here are the photos I promised. The one ")
        let qp = try #require(o.interactions.first { $0.messageId == "a1b2c3d4@correo.example.es" })
        #expect(qp.snippet == "Perfecto, cuento con ello. Llevaré los m")
        #expect(importMail(try Self.sample(), name: "inbox.mbox").interactions.allSatisfy { $0.snippet == nil })
        let b64 = message("From: a@example.org\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64", body: "U8O4cmVuIHdhcyBoZXJlLg==\n")
        #expect(importMail(b64, options: ["snippet": "100"]).interactions.first?.snippet == "Søren was here.")
    }

    @Test func badOptionsAreReported() {
        let o = importMail(message("From: a@example.org"), options: ["snippet": "lots"])
        #expect((o.thrown as? PluginError)?.code == .badOption)
    }

    @Test func maildirFolders() throws {
        let root = NSTemporaryDirectory() + "kith-maildir-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fm = FileManager.default
        for d in ["cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp"] {
            try fm.createDirectory(atPath: root + "/" + d, withIntermediateDirectories: true)
        }
        defer { try? fm.removeItem(atPath: root) }
        func write(_ rel: String, _ text: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/" + rel)) }
        try write("cur/1709886000.M1P1.host:2,RS", message("From: jb.lefevre@example.fr\nSubject: lu\nMessage-ID: <m1@x>", envelope: nil))
        try write("new/1709886100.M2P1.host", message("From: soren@example.dk\nSubject: neu", envelope: nil))
        try write("tmp/1709886200.M3P1.host", message("From: tmp@example.org\nSubject: in progress", envelope: nil))
        try write("cur/1709886300.M4P1.host!2,T", message("From: liz.thornton@gmail.com", envelope: nil))
        try write(".Sent/cur/1709886400.M5P1.host;2,SD", message("From: anna.vogt@example.org\nSubject: draft", envelope: nil))

        var events: [ImportEvent] = []
        let summary = try MailPlugin().importRecords(from: .directory(root), options: PluginOptions()) { events.append($0) }
        let interactions = events.compactMap { if case .interaction(let i) = $0 { i } else { nil } }
        #expect(summary.recordsRead == 4)
        #expect(interactions.map(\.subject) == ["lu", nil, "neu", "draft"])
        #expect(interactions[0].extensions["mail:maildir-flags"] == ["R", "S"])
        #expect(interactions[0].sources[0].locator.path == "cur/1709886000.M1P1.host:2,RS")
        #expect(interactions[1].status == "trash")
        // No Date: the delivery time from the file name, with a note.
        #expect(interactions[1].timestamp == Timestamp(secondsSince1970: 1_709_886_300))
        #expect(interactions[3].status == "draft")
        #expect(interactions[3].extensions["mail:folder"] == ["Sent"])
        #expect(!interactions.contains { $0.subject == "in progress" })

        // Through the runner, the folder is claimed as one input.
        var runnerEvents = 0
        let s = try ImportRunner(registry: .standard).run(inputs: [root]) { _, _ in runnerEvents += 1 }
        #expect(s.files == 1)
        #expect(s.recordsRead == 4)
    }

    @Test func aFolderOfEmlFilesIsOneArchive() throws {
        let root = NSTemporaryDirectory() + "kith-eml-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fm = FileManager.default
        try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: root) }
        let one = message("From: Anna <anna.vogt@example.org>\nTo: bob.okafor@example.com\nMessage-ID: <e1@x>\nDate: Mon, 4 Mar 2024 10:00:00 +0000", envelope: nil)
        try Data(one.utf8).write(to: URL(fileURLWithPath: root + "/a.eml"))
        try Data(one.utf8).write(to: URL(fileURLWithPath: root + "/b.eml"))
        try Data(message("From: bob.okafor@example.com\nTo: anna.vogt@example.org", envelope: nil).utf8).write(to: URL(fileURLWithPath: root + "/c.eml"))
        try Data("not mail at all\n".utf8).write(to: URL(fileURLWithPath: root + "/notes.eml"))
        var events: [ImportEvent] = []
        let s = try ImportRunner(registry: .standard).run(inputs: [root]) { e, _ in events.append(e) }
        #expect(s.files == 1)
        #expect(s.recordsRead == 3)
        let interactions = events.compactMap { if case .interaction(let i) = $0 { i } else { nil } }
        let contacts = events.compactMap { if case .contact(let c) = $0 { c } else { nil } }
        #expect(interactions.count == 2)
        #expect(contacts.count == 2)
        let codes = events.compactMap { if case .diagnostic(let d) = $0 { d.code } else { nil } }
        #expect(codes.contains("mail.duplicate"))
        #expect(codes.contains("mail.skipped"))
    }

    @Test func sampleMaildirReads() throws {
        var events: [ImportEvent] = []
        let dir = RepositoryFiles.root.appendingPathComponent("SampleExports/Maildir").path
        let s = try MailPlugin().importRecords(from: .directory(dir), options: PluginOptions()) { events.append($0) }
        #expect(s.recordsRead == 3)
        #expect(s.recordsRejected == 0)
    }

    @Test func recordIDsMatchStableID() {
        let ids = RecordIDs(plugin: "mail", file: "Mail/inbox.mbox")
        for rid in ["a1b2c3d4@correo.example.es", "x", "ümlaut@example.de"] {
            let loc = Locator(line: 3, record: 1)
            #expect(ids.id(recordId: rid, locator: loc) == StableID.record(plugin: "mail", file: "Mail/inbox.mbox", locator: loc, recordId: rid))
        }
        #expect(ids.contactID(key: "anna.vogt@example.org") == "mail:" + StableID.hash("Mail/inbox.mbox", "contact", "anna.vogt@example.org"))
        let loc = Locator(line: 9, record: 2, path: "cur/x")
        #expect(ids.id(recordId: nil, locator: loc) == StableID.record(plugin: "mail", file: "Mail/inbox.mbox", locator: loc))
    }

    @Test func diagnosticsCarryNoPersonalData() throws {
        let text = message("From: Secretname <secret.person@example.org>\nTo: hidden at example.org, loneuser\nDate: Mon, 4 Mar 2024 10:12:44 -0000\nbroken line here")
        let o = importMail(text)
        #expect(!o.diagnostics.isEmpty)
        for d in o.diagnostics {
            #expect(!d.message.contains("secret") && !d.message.contains("hidden") && !d.message.contains("loneuser"))
        }
    }
}
