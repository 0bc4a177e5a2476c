import Foundation
import KithBlog
import KithModel
import KithPlugin
import KithTestSupport
import Testing

@Suite("WordPress WXR importer")
struct WXRTests {
    let wxr = WXRPlugin()

    @Test func sampleExportPassesTheImporterContract() throws {
        let bytes = try Blog.sample("SampleExports/blog-wordpress.xml")
        let problems = ImporterConformance.check(wxr, sample: bytes, fileName: "blog-wordpress.xml")
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func sampleExportGivesPostsCommentsAndPeople() throws {
        let o = ImporterConformance.run(wxr, bytes: try Blog.sample("SampleExports/blog-wordpress.xml"), fileName: "b.xml")
        let s = try #require(o.summary)
        #expect(s.recordsRead == 14)  // 4 posts and pages, 10 comments
        #expect(s.recordsRejected == 0)
        let types = o.interactions.map(\.type)
        #expect(types.filter { $0 == .post }.count == 3)
        #expect(types.filter { $0 == .page }.count == 1)
        #expect(types.filter { $0 == .pingback }.count == 1)
        #expect(types.filter { $0 == .trackback }.count == 1)
        // Liz Thornton and Elizabeth Thornton share an address: one contact, both names.
        let liz = try #require(o.contacts.first { $0.emails.contains { $0.address == "liz.thornton@gmail.com" } })
        #expect(liz.name.formatted == "Liz Thornton")
        #expect(liz.alternateNames.map(\.formatted) == ["Elizabeth Thornton"])
        #expect(liz.urls.map(\.value) == ["https://lizthornton-recruiting.example"], "http:// alone is no URL")
        // The author's comment merges with the author list entry.
        let hannah = try #require(o.contacts.first { $0.emails.contains { $0.address == "hannah@opendoors.example" } })
        #expect(hannah.name.given == "Hannah" && hannah.name.family == "Castellano")
        #expect(hannah.extensions["blog:login"] == ["hcastellano"])
        // Spammers and linking sites are not people.
        #expect(!o.contacts.contains { $0.emails.contains { $0.address == "deals@watches.example" } })
        #expect(!o.contacts.contains { $0.name.formatted?.contains("Fjord") == true })
        #expect(o.contacts.count == 7)
        // The attachment is skipped with a note, not counted.
        #expect(o.diagnostics.contains { $0.code == "wxr.skipped" && $0.severity == .note })
    }

    @Test(arguments: [
        "http://wordpress.org/export/1.0/", "http://wordpress.org/export/1.1/", "https://wordpress.org/export/1.2/",
        "http://wordpress.com/export/1.2/", "https://wordpress.org/export/1.2",
    ])
    func wpNamespaceIsMatchedWhateverItsURI(ns: String) throws {
        let o = Blog.run(wxr, Blog.wxr(Blog.item(comments: Blog.comment(id: 1)), ns: ns))
        #expect(o.summary?.recordsRead == 2)
        #expect(o.interactions.map(\.type) == [.post, .comment])
        #expect(o.interactions.last?.participants.first?.email == "ann@example.org")
    }

    @Test func undeclaredPrefixIsReadInRecoverModeWithAWarning() throws {
        let text = """
            <?xml version="1.0"?>
            <rss version="2.0"><channel>
            \(Blog.item(comments: Blog.comment(id: 1)))
            </channel></rss>
            """
        let o = Blog.run(wxr, text)
        #expect(o.thrown == nil)
        #expect(o.interactions.count == 2)
        #expect(o.interactions.last?.participants.first?.name == "Ann Example")
        #expect(o.diagnostics.contains { $0.severity == .warning && $0.message.contains("recover mode") && $0.locator.line != nil })
    }

    @Test func strayCDATAEndAndBadBytesAreRepairedNotRejected() throws {
        var bytes = Array(Blog.wxr(Blog.item(comments: Blog.comment(id: 1, content: "ok") + Blog.comment(id: 2, author: "Zoë"))).utf8)
        // A stray ]]> in a title and a Latin-1 byte in the second comment.
        let title = Array("<title>A post</title>".utf8)
        if let r = bytes.firstRange(of: title) { bytes.replaceSubrange(r, with: Array("<title>A ]]> post</title>".utf8)) }
        if let r = bytes.firstRange(of: Array("Zoë".utf8)) { bytes.replaceSubrange(r, with: [0x5A, 0x6F, 0xEB]) }
        let o = ImporterConformance.run(wxr, bytes: bytes, fileName: "broken.xml")
        #expect(o.summary?.recordsRead == 3)
        #expect(o.summary?.recordsRejected == 0)
        #expect(o.interactions.first?.subject == "A ]]> post")
        #expect(o.interactions.last?.participants.first?.name == "Zo\u{FFFD}")
        #expect(o.diagnostics.contains { $0.code == "xml.repaired" && $0.severity == .warning })
    }

    @Test func splitCDATAIsJoined() throws {
        let o = Blog.run(wxr, Blog.wxr(Blog.item(comments: Blog.comment(id: 1, content: "a ]]]]><![CDATA[> b"))))
        #expect(o.interactions.last?.snippet == "a ]]> b")
    }

    @Test func threadingFollowsCommentParent() throws {
        let comments = Blog.comment(id: 1, author: "Ann Example") + Blog.comment(id: 2, author: "Bo Example", email: "bo@example.org", parent: 1)
            + Blog.comment(id: 3, author: "Cy Example", email: "cy@example.org", parent: 2)
        let o = Blog.run(wxr, Blog.wxr(Blog.item(comments: comments)))
        let x = o.interactions
        try #require(x.count == 4)
        #expect(x[1].parentId == x[0].id)
        #expect(x[2].parentId == x[1].id)
        #expect(x[3].parentId == x[2].id)
        #expect(x.dropFirst().allSatisfy { $0.threadId == x[0].id })
        #expect(x[3].participants.first { $0.role == .inReplyTo }?.name == "Bo Example")
        #expect(x[1].participants.first { $0.role == .inReplyTo }?.name == "admin", "a top-level comment answers the post's author")
        #expect(x[2].url == "https://blog.example/p/10/#comment-2")
    }

    @Test(arguments: [("1", "approved"), ("0", "pending"), ("spam", "spam"), ("trash", "trash"), ("post-trashed", "trash")])
    func approvalStateBecomesStatus(raw: String, status: String) throws {
        let o = Blog.run(wxr, Blog.wxr(Blog.item(comments: Blog.comment(id: 1, approved: raw))))
        #expect(o.interactions.last?.status == status)
        #expect(o.contacts.contains { $0.emails.first?.address == "ann@example.org" } == (raw != "spam"))
    }

    @Test func pingbacksAndTrackbacksAreTypedAndNotPeople() throws {
        let comments = Blog.comment(id: 1, author: "Other Blog » A post", email: "", url: "https://other.example/a/", type: "pingback")
            + Blog.comment(id: 2, author: "Third Blog", email: "", url: "https://third.example/b/", type: "trackback")
        let o = Blog.run(wxr, Blog.wxr(Blog.item(comments: comments)))
        #expect(o.interactions.map(\.type) == [.post, .pingback, .trackback])
        #expect(o.interactions[1].participants.first?.url == "https://other.example/a/")
        #expect(o.interactions[1].participants.first?.contactId == nil)
        #expect(o.contacts.allSatisfy { $0.urls.allSatisfy { !$0.value.contains("other.example") } })
    }

    @Test func datesUseGMTWithTheLocalOffset() throws {
        let o = Blog.run(wxr, Blog.wxr(Blog.item(comments: Blog.comment(id: 1, date: "2012-03-04 05:06:07", gmt: "2012-03-04 13:06:07"))))
        let c = try #require(o.interactions.last)
        #expect(c.timestamp?.isoString == "2012-03-04T13:06:07Z")
        #expect(c.utcOffsetMinutes == -480)
    }

    @Test func zeroGMTDateFallsBackToLocalTimeWithAWarning() throws {
        let o = Blog.run(wxr, Blog.wxr(Blog.item(comments: Blog.comment(id: 1, date: "2012-03-04 05:06:07", gmt: "0000-00-00 00:00:00"))))
        let c = try #require(o.interactions.last)
        #expect(c.timestamp?.isoString == "2012-03-04T05:06:07Z")
        #expect(c.utcOffsetMinutes == nil)
        let w = try #require(o.diagnostics.first { $0.code == "wxr.local-date" })
        #expect(w.severity == .warning)
        #expect(w.locator.line != nil && w.locator.record == 2)
    }

    @Test func aBadCommentIsRejectedAndTheRestKept() throws {
        let empty = "<wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_content></wp:comment_content></wp:comment>"
        let o = Blog.run(wxr, Blog.wxr(Blog.item(comments: Blog.comment(id: 1) + empty + Blog.comment(id: 3, author: "Bo Example", email: "bo@example.org"))))
        let s = try #require(o.summary)
        #expect(s.recordsRead == 4)
        #expect(s.recordsRejected == 1)
        let e = try #require(o.diagnostics.first { $0.severity == .error })
        #expect(e.code == "wxr.empty-comment")
        #expect(e.locator.line != nil && e.locator.record == 3 && e.locator.path?.hasSuffix("wp:comment[2]") == true)
        #expect(o.interactions.count == 3)
    }

    @Test func diagnosticsQuoteNoPersonalData() throws {
        let o = Blog.run(wxr, Blog.wxr(Blog.item(comments: Blog.comment(id: 1, author: "Secret Person", email: "not-an-address", gmt: "0000-00-00 00:00:00"))))
        #expect(!o.diagnostics.isEmpty)
        for d in o.diagnostics { #expect(!d.message.contains("Secret") && !d.message.contains("not-an-address")) }
    }

    @Test func authorsResolveCreatorLogins() throws {
        let authors = """
            <wp:author><wp:author_id>3</wp:author_id><wp:author_login><![CDATA[mira]]></wp:author_login><wp:author_email>mira@example.org</wp:author_email><wp:author_display_name><![CDATA[Mira Example]]></wp:author_display_name><wp:author_first_name>Mira</wp:author_first_name><wp:author_last_name>Example</wp:author_last_name></wp:author>
            """
        let o = Blog.run(wxr, Blog.wxr(authors + Blog.item(creator: "mira")))
        let post = try #require(o.interactions.first)
        let author = try #require(post.participants.first)
        #expect(author.role == .author && author.name == "Mira Example" && author.email == "mira@example.org")
        let mira = try #require(o.contacts.first)
        #expect(author.contactId == mira.id)
        #expect(mira.name.given == "Mira" && mira.name.family == "Example")
    }

    @Test func detectionTellsWXRFromPlainFeeds() throws {
        func probe(_ s: String, _ name: String = "export.xml") -> Int { wxr.detect(FormatProbe(fileName: name, head: Array(s.utf8))).confidence }
        #expect(probe(Blog.wxr("")) == 100)
        #expect(probe(Blog.wxr("", ns: "http://wordpress.org/export/1.0/"), "feed.txt") == 100, "content, not the extension")
        let rss = "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>x</title></channel></rss>"
        #expect(probe(rss) == 0, "a plain RSS feed is not an export")
        #expect(probe("<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>") == 0)
    }

    @Test func externalEntitiesAndEntityBombsNeverExpand() throws {
        let hostname = (try? String(contentsOfFile: "/etc/hostname", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        let external = Blog.wxr(Blog.item(comments: Blog.comment(id: 1, author: "&host;")))
            .replacingOccurrences(of: "<rss", with: "<!DOCTYPE rss [<!ENTITY host SYSTEM \"file:///etc/hostname\">]>\n<rss")
            .replacingOccurrences(of: "<![CDATA[&host;]]>", with: "&host;")
        let o = Blog.run(wxr, external)
        #expect(o.interactions.count == 2)
        let author = o.interactions.last?.participants.first?.name
        #expect(author == nil)
        if let hostname, !hostname.isEmpty {
            #expect(!o.events.contains { "\($0)".contains(hostname) }, "the file's content never appears")
        }
        #expect(o.diagnostics.contains { $0.code == "xml.dtd-ignored" && $0.severity == .warning })
        #expect(o.diagnostics.contains { $0.code == "xml.entity-unexpanded" && $0.severity == .warning })

        var lol = "<!DOCTYPE rss [<!ENTITY a \"lol\">"
        for k in 1...9 { lol += "<!ENTITY a\(k) \"" + String(repeating: k == 1 ? "&a;" : "&a\(k - 1);", count: 10) + "\">" }
        lol += "]>\n"
        let bomb = Blog.wxr(Blog.item(title: "&a9;"))
            .replacingOccurrences(of: "<rss", with: lol + "<rss")
        let b = Blog.run(wxr, bomb)
        #expect(b.thrown == nil || b.thrown is PluginError)
        #expect(!b.events.contains { "\($0)".contains("lollollol") })
        #expect(b.diagnostics.contains { $0.severity >= .warning && $0.locator.line != nil })
    }

    @Test func notAnExportThrowsMalformed() throws {
        let o = Blog.run(wxr, "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry/></feed>")
        let e = try #require(o.thrown as? PluginError)
        #expect(e.code == .malformed)
    }

    /// A generated export above the threading threshold gives exactly what
    /// the single-threaded reader gives, and stopping early does not hang.
    @Test func threadedReadingMatchesSingleThreaded() throws {
        var items = ""
        var n = 0
        while items.utf8.count < 9 * 1024 * 1024 {
            var comments = ""
            for k in 0..<20 {
                comments += Blog.comment(id: n * 100 + k, author: "Person \(k)", email: "p\(k)@example.org", parent: k > 0 && k % 3 == 0 ? n * 100 + k - 1 : 0)
            }
            items += Blog.item(id: n, title: "Post \(n)", comments: comments)
            n += 1
        }
        let bytes = Array(Blog.wxr(items).utf8)
        let threaded = ImporterConformance.run(wxr, bytes: bytes, fileName: "big.xml", options: PluginOptions(["threads": "2"]))
        let single = ImporterConformance.run(wxr, bytes: bytes, fileName: "big.xml")
        #expect(threaded.thrown == nil)
        #expect(threaded.summary == single.summary)
        #expect(threaded.events == single.events)
        #expect(threaded.summary?.recordsRead == n * 21)

        struct Stop: Error {}
        var seen = 0
        #expect(throws: Stop.self) {
            _ = try wxr.importRecords(from: .bytes(bytes, name: "big.xml"), options: PluginOptions(["threads": "2"])) { _ in
                seen += 1
                if seen == 1000 { throw Stop() }
            }
        }
        #expect(seen == 1000)
    }
}
