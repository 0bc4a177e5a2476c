import KithBlog
import KithModel
import KithPlugin
import KithTestSupport
import Testing

@Suite("Blogger importer")
struct BloggerTests {
    let blogger = BloggerPlugin()

    @Test(arguments: ["SampleExports/blog-blogger.atom", "SampleExports/blog-blogger-takeout.atom"])
    func samplesPassTheImporterContract(path: String) throws {
        let problems = ImporterConformance.check(blogger, sample: try Blog.sample(path), fileName: "feed.atom")
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func classicExportThreadsCommentsAndDropsNoreply() throws {
        let o = ImporterConformance.run(blogger, bytes: try Blog.sample("SampleExports/blog-blogger.atom"), fileName: "b.atom")
        #expect(o.summary?.recordsRead == 6)  // a post, four comments, a page; settings skipped
        #expect(o.diagnostics.contains { $0.code == "blogger.skipped" })
        let x = o.interactions
        let post = try #require(x.first { $0.type == .post })
        #expect(post.timestamp?.isoString == "2010-01-18T20:04:00Z")
        #expect(post.utcOffsetMinutes == 60)
        #expect(post.url == "https://weakties.example/2010/01/strength-of-weak-ties.html")
        let comments = x.filter { $0.type == .comment }
        try #require(comments.count == 4)
        #expect(comments.allSatisfy { $0.threadId == post.id })
        // JB answers Lena through the related link; Lena answers JB.
        #expect(comments[0].parentId == post.id)
        #expect(comments[1].parentId == comments[0].id)
        #expect(comments[3].parentId == comments[1].id)
        #expect(comments[3].participants.first { $0.role == .inReplyTo }?.name == "Jean-Baptiste Lefèvre")
        // noreply@blogger.com is nobody's address; Anonymous is nobody.
        #expect(x.allSatisfy { $0.participants.allSatisfy { $0.email == nil } })
        #expect(o.contacts.allSatisfy { $0.emails.isEmpty })
        #expect(!o.contacts.contains { $0.name.formatted == "Anonymous" })
        // Lena Vogt and Anna-Lena Vogt share a web site: one contact.
        let lena = try #require(o.contacts.first { $0.name.formatted == "Anna-Lena Vogt" })
        #expect(lena.alternateNames.map(\.formatted) == ["Lena Vogt"])
        let soren = try #require(o.contacts.first { $0.name.formatted == "Søren Kierkegaard-Hansen" })
        #expect(soren.urls.first?.labels == ["profile"])
        #expect(x.first { $0.type == .page }?.status == "draft")
        #expect(o.contacts.count == 3)
    }

    @Test func takeoutFeedUsesParentAndInReplyTo() throws {
        let o = ImporterConformance.run(blogger, bytes: try Blog.sample("SampleExports/blog-blogger-takeout.atom"), fileName: "feed.atom")
        let x = o.interactions
        try #require(x.count == 5)
        #expect(x[0].type == .post && x[0].status == "publish")
        #expect(x[1].parentId == x[0].id && x[1].status == "approved")
        #expect(x[2].parentId == x[1].id, "blogger:inReplyTo names the parent comment")
        #expect(x[3].status == "spam")
        #expect(x[4].status == "draft")
        #expect(x[4].extensions["blogger:filename"] == ["/2021/04/follow-up-templates.html"])
        #expect(!o.contacts.contains { $0.name.formatted == "best seo deals" })
        // Liz by profile URL and by name only are the same person.
        let liz = try #require(o.contacts.first { $0.name.formatted == "Elizabeth Thornton" })
        #expect(liz.alternateNames.map(\.formatted) == ["Liz Thornton"])
        #expect(o.contacts.count == 2)
    }

    @Test func detectionTellsBloggerFromOtherAtomFeeds() throws {
        func confidence(_ s: String) -> Int { blogger.detect(FormatProbe(fileName: "x.xml", head: Array(s.utf8))).confidence }
        #expect(confidence(String(decoding: try Blog.sample("SampleExports/blog-blogger.atom"), as: UTF8.self)) == 100)
        #expect(confidence(String(decoding: try Blog.sample("SampleExports/blog-blogger-takeout.atom"), as: UTF8.self)) == 100)
        #expect(confidence("<feed xmlns='http://www.w3.org/2005/Atom'><title>Plain</title><entry><id>urn:x</id></entry></feed>") == 0)
        #expect(confidence(Blog.wxr("")) == 0)
    }

    @Test func commentNamingItsPostOnlyByURL() throws {
        let text = """
            <feed xmlns='http://www.w3.org/2005/Atom' xmlns:thr='http://purl.org/syndication/thread/1.0'>
            <entry><id>tag:blogger.com,1999:blog-1.post-10</id>
            <category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#post'/>
            <link rel='alternate' href='https://b.example/p.html'/><author><name>Owner Example</name></author></entry>
            <entry><id>tag:blogger.com,1999:blog-1.post-11</id>
            <category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#comment'/>
            <thr:in-reply-to href='https://b.example/p.html'/><author><name>Guest Example</name></author><content>Hi</content></entry>
            </feed>
            """
        let o = Blog.run(blogger, text, name: "feed.atom")
        try #require(o.interactions.count == 2)
        #expect(o.interactions[1].parentId == o.interactions[0].id)
        #expect(o.interactions[1].participants.last?.name == "Owner Example")
    }

    @Test func entryWithoutIdIsRejected() throws {
        let text = """
            <feed xmlns='http://www.w3.org/2005/Atom' xmlns:blogger='http://schemas.google.com/blogger/2018'>
            <entry><blogger:type>POST</blogger:type><title>No id</title></entry>
            <entry><id>tag:blogger.com,1999:blog-1.post-2</id><blogger:type>POST</blogger:type><title>Fine</title></entry>
            </feed>
            """
        let o = Blog.run(blogger, text, name: "feed.atom")
        #expect(o.summary?.recordsRead == 2)
        #expect(o.summary?.recordsRejected == 1)
        #expect(o.diagnostics.first { $0.severity == .error }?.locator.line == 2)
        #expect(o.interactions.map(\.subject) == ["Fine"])
    }
}
