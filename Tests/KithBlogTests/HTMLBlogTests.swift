import Foundation
import KithBlog
import KithModel
import KithPlugin
import KithTestSupport
import Testing

@Suite("HTML blog pages")
struct HTMLBlogTests {
    let html = HTMLBlogPlugin()

    func page(_ body: String, head: String = "") -> String {
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>T</title>\(head)</head><body>\(body)</body></html>"
    }

    @Test func samplePagePassesTheImporterContract() throws {
        let problems = ImporterConformance.check(html, sample: try Blog.sample("SampleExports/blog-post.html"), fileName: "post.html", concatenable: false)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func samplePageGivesThePostTheDiscussionAndNoBoilerplate() throws {
        let o = ImporterConformance.run(html, bytes: try Blog.sample("SampleExports/blog-post.html"), fileName: "post.html")
        #expect(o.summary?.recordsRead == 6)
        let post = try #require(o.interactions.first)
        #expect(post.type == .post)
        #expect(post.subject == "Is Online Networking Valuable?")
        // "Posted: 14 Dec 2009 10:35 AM PST"
        #expect(post.timestamp?.isoString == "2009-12-14T18:35:00Z")
        #expect(post.utcOffsetMinutes == -480)
        // Initials "MJW:" confirmed by the post author's own comment.
        #expect(post.participants.first?.name == "Mara J. Whitfield")
        #expect(post.extensions["blog:authorEvidence"] == ["initials+bypostauthor"])
        let comments = o.interactions.filter { $0.type == .comment }
        #expect(comments.map { $0.participants.first?.name } == ["Anna-Lena Vogt", "Robert Fischer-Okafor", "Mara J. Whitfield", "Liz Thornton"])
        #expect(comments[1].parentId == comments[0].id)
        #expect(comments[2].parentId == comments[1].id)
        #expect(comments[3].parentId == post.id)
        #expect(comments[0].url == "https://harbourlights.example/2009/12/is-online-networking-valuable/#comment-311")
        #expect(comments[0].timestamp?.isoString == "2009-12-14T13:12:00Z")
        let ping = try #require(o.interactions.first { $0.type == .pingback })
        #expect(ping.participants.first?.url == "https://fjordandfield.example/2009/12/give-first/")
        // The comment form, login prompts and share buttons are nobody.
        let names = o.contacts.compactMap(\.name.formatted)
        #expect(Set(names) == ["Mara J. Whitfield", "Anna-Lena Vogt", "Robert Fischer-Okafor", "Liz Thornton"])
        for bad in ["Leave a Reply", "Twitter", "Facebook", "Log Out", "Logo", "Email", "Blog"] { #expect(!names.contains(bad)) }
    }

    /// The reference page's shape as plain markup: a byline date with a US
    /// zone, an author known by initials, a "… is a post from:" footer and
    /// the comment form's text. Only the author is a person.
    @Test func referencePageShapeYieldsOnlyTheAuthor() throws {
        let body = """
            <div class="post"><h1>Is Online Networking Valuable?</h1>
            <p>DQX: While online networking is valuable, in person is better.</p>
            <h2>How Valuable is Your Online Network?</h2><p>Posted: 14 Dec 2009 10:35 AM PST</p>
            <p>In the old days a community could mean the difference.</p>
            <p>How Valuable is Your Online Network? is a post from: Blog</p></div>
            <h3>Leave a Reply</h3>
            <p>Fill in your details below or click an icon to log in: Logo</p>
            <p>You are commenting using your account. Log Out / Change )</p>
            <p>Twitter picture</p><p>You are commenting using your Twitter account. Log Out / Change )</p>
            <p>Facebook photo</p><p>You are commenting using your Facebook account. Log Out / Change )</p>
            <p>Connecting to %s</p>
            """
        let o = Blog.run(html, page(body), name: "saved.html")
        #expect(o.summary?.recordsRead == 1)
        let post = try #require(o.interactions.first)
        #expect(post.participants.first?.name == "DQX")
        #expect(post.extensions["blog:authorEvidence"] == ["initials"])
        #expect(post.timestamp?.isoString == "2009-12-14T18:35:00Z")
        #expect(o.contacts.map(\.name.formatted) == ["DQX"])
    }

    @Test func microformatsEntryWithComments() throws {
        let body = """
            <article class="h-entry">
              <h1 class="p-name">Coffee chats</h1>
              <a class="u-url" href="https://ex.example/2020/coffee">link</a>
              <time class="dt-published" datetime="2020-05-01T09:30:00+02:00">May 1</time>
              <a class="p-author h-card" href="https://ines.example">Inés Example</a>
              <div class="e-content"><p>Ask for advice.</p></div>
              <div class="p-comment h-cite">
                <span class="p-author h-card"><a class="p-name u-url" href="https://tomas.example">Tomás Example</a></span>
                <p class="p-content">Good advice.</p>
                <time class="dt-published" datetime="2020-05-02T10:00:00Z">May 2</time>
                <div class="p-comment h-cite">
                  <span class="p-author h-card"><span class="p-name">Inés Example</span><a class="u-url" href="https://ines.example/">home</a></span>
                  <p class="p-content">Thanks!</p>
                </div>
              </div>
            </article>
            """
        let o = Blog.run(html, page(body), name: "mf.html")
        let x = o.interactions
        try #require(x.count == 3)
        #expect(x[0].subject == "Coffee chats")
        #expect(x[0].timestamp?.isoString == "2020-05-01T07:30:00Z")
        #expect(x[0].utcOffsetMinutes == 120)
        #expect(x[0].participants.first?.url == "https://ines.example")
        #expect(x[1].participants.first?.name == "Tomás Example")
        #expect(x[1].parentId == x[0].id)
        #expect(x[2].parentId == x[1].id)
        // Inés (post author, then commenter) is one contact by URL.
        #expect(o.contacts.count == 2)
    }

    @Test func toleratesMessyJSONLD() throws {
        let ld = """
            <script type="application/ld+json">
            // generated by a plugin
            {"@context":"https://schema.org","@type":"BlogPosting","headline":"Warm intros",
             "url":"https://ld.example/warm","datePublished":"2019-02-03T04:05:06Z",
             "author":{"@type":"Person","name":"Pia\tExample","url":"https://pia.example"},
             "comment":[{"@type":"Comment","author":{"@type":"Person","name":"Rui Example"},"dateCreated":"2019-02-04T00:00:00Z","text":"Line one
            line two"},],
            };
            </script>
            """
        let o = Blog.run(html, page("<p>x</p>", head: ld), name: "ld.html")
        let x = o.interactions
        try #require(x.count == 2)
        #expect(x[0].subject == "Warm intros")
        #expect(x[0].participants.first?.name == "Pia Example")
        #expect(x[1].participants.first?.name == "Rui Example")
        #expect(x[1].snippet == "Line one line two")
        #expect(x[1].parentId == x[0].id)
    }

    @Test func bloggerClassicCommentMarkup() throws {
        let body = """
            <h2 class="date-header">Monday, March 8, 2010</h2>
            <div class="post"><h3 class="post-title">Weak ties</h3><div class="post-body">Text.</div>
            <div class="post-footer">Posted by <span class="fn">Kai Example</span></div></div>
            <div id="comments"><h4>2 comments:</h4><dl id="comments-block">
            <dt class="comment-author" id="c101"><a name="c101"></a><a href="https://www.blogger.com/profile/1">Lu Example</a> said...</dt>
            <dd class="comment-body"><p>Nice one.</p></dd>
            <dd class="comment-footer"><span class="comment-timestamp"><a href="https://b.example/p.html?showComment=1#c101">March 9, 2010 8:15 AM</a></span></dd>
            <dt class="comment-author" id="c102"><a name="c102"></a>Anonymous said...</dt>
            <dd class="comment-body"><p>Agreed.</p></dd>
            </dl></div>
            """
        let o = Blog.run(html, page(body), name: "blogger.html")
        let x = o.interactions
        try #require(x.count == 3)
        #expect(x[0].participants.first?.name == "Kai Example")
        #expect(x[0].timestamp?.isoString == "2010-03-08T00:00:00Z")
        #expect(x[1].participants.first?.name == "Lu Example")
        #expect(x[1].timestamp?.isoString == "2010-03-09T08:15:00Z")
        #expect(x[2].participants.filter { $0.role == .author }.isEmpty, "Anonymous is nobody")
        #expect(x[2].snippet == "Agreed.")
        #expect(Set(o.contacts.compactMap(\.name.formatted)) == ["Kai Example", "Lu Example"])
    }

    @Test func bylineAndMetaEvidence() throws {
        let meta = "<meta property=\"article:published_time\" content=\"2011-06-07T08:09:10-04:00\"><meta name=\"author\" content=\"Noor Example\">"
        let o = Blog.run(html, page("<article><h1>Title</h1><p>Posted by Someone Else on June 1, 2011</p></article>", head: meta), name: "m.html")
        let post = try #require(o.interactions.first)
        #expect(post.participants.first?.name == "Noor Example", "a meta tag beats a byline")
        #expect(post.timestamp?.isoString == "2011-06-07T12:09:10Z")
        #expect(post.utcOffsetMinutes == -240)
        let b = Blog.run(html, page("<article><h1>Title</h1><p>Posted by Oskar Example on June 1, 2011</p></article>"), name: "b.html")
        #expect(b.interactions.first?.participants.first?.name == "Oskar Example")
    }

    @Test func emptyCommentMarkupIsRejectedNotFatal() throws {
        let body = "<article><h1>T</h1></article><ol class=\"commentlist\"><li class=\"comment\" id=\"li-comment-1\"></li><li class=\"comment\" id=\"li-comment-2\"><cite class=\"fn\">Eva Example</cite><p>Hi</p></li></ol>"
        let o = Blog.run(html, page(body), name: "e.html")
        #expect(o.summary?.recordsRejected == 1)
        #expect(o.diagnostics.contains { $0.severity == .error && $0.code == "html.empty-comment" && $0.locator.line != nil })
        #expect(o.interactions.contains { $0.participants.first?.name == "Eva Example" })
    }

    @Test func disqusEraMarkupAndJSONLDPeople() throws {
        let head = "<script type=\"application/ld+json\">{\"@type\":\"Person\",\"name\":\"Vera Example\",\"email\":\"mailto:vera@example.org\"}</script>"
        let body = """
            <article><h1>Post</h1></article>
            <div id="disqus_thread"><ul id="dsq-comments">
            <li class="dsq-comment" id="dsq-comment-77"><div class="dsq-comment-header"><cite class="dsq-comment-header-author">Wim Example</cite>
            <span class="dsq-comment-header-time">3 March 2012 14:00</span></div>
            <div class="dsq-comment-message"><p>First!</p></div>
            <ul class="children"><li class="dsq-comment" id="dsq-comment-78"><cite class="dsq-comment-header-author">Xia Example</cite>
            <div class="dsq-comment-message"><p>Second.</p></div></li></ul></li>
            </ul></div>
            """
        let o = Blog.run(html, page(body, head: head), name: "d.html")
        let comments = o.interactions.filter { $0.type == .comment }
        try #require(comments.count == 2)
        #expect(comments[0].participants.first?.name == "Wim Example")
        #expect(comments[0].snippet == "First!")
        #expect(comments[0].timestamp?.isoString == "2012-03-03T14:00:00Z")
        #expect(comments[1].parentId == comments[0].id)
        let vera = try #require(o.contacts.first { $0.name.formatted == "Vera Example" })
        #expect(vera.emails.map(\.address) == ["vera@example.org"])
    }

    @Test func detection() throws {
        func c(_ s: String, _ name: String = "x") -> Int { html.detect(FormatProbe(fileName: name, head: Array(s.utf8))).confidence }
        #expect(c(page("<div class=\"h-entry\"></div>")) == 80)
        #expect(c(page("<p>hello</p>")) == 60)
        #expect(c(Blog.wxr("")) == 0)
        #expect(c("just text") == 0)
        #expect(c("From: a@example.org\nContent-Type: text/html\n\n<html><body>x</body></html>") == 20, "HTML in a mail is a weak hint")
        let folder = FormatProbe(fileName: "saved", head: [], isDirectory: true, directoryEntries: ["a.html", "a_files", "b.htm"])
        #expect(html.detect(folder).confidence == 50)
        let mixed = FormatProbe(fileName: "exports", head: [], isDirectory: true, directoryEntries: ["a.html", "contacts.vcf"])
        #expect(html.detect(mixed).confidence == 0, "a mixed folder is walked file by file")
    }

    @Test func readsAFolderOfPages() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kith-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try page("<article class=\"h-entry\"><h1 class=\"p-name\">One</h1><a class=\"p-author h-card\" href=\"https://a.example\">Ada Example</a></article>")
            .write(to: dir.appendingPathComponent("one.html"), atomically: true, encoding: .utf8)
        try page("<article class=\"h-entry\"><h1 class=\"p-name\">Two</h1></article>").write(to: dir.appendingPathComponent("two.htm"), atomically: true, encoding: .utf8)
        var events: [ImportEvent] = []
        let s = try html.importRecords(from: .directory(dir.path), options: PluginOptions()) { events.append($0) }
        #expect(s.recordsRead == 2)
        let subjects = events.compactMap { if case .interaction(let i) = $0 { i.subject } else { nil } }
        #expect(subjects == ["One", "Two"])
    }

    @Test func hostilePagesDoNotCrash() throws {
        let deep = String(repeating: "<div class=\"h-entry\">", count: 5000) + "x"
        for text in [deep, "<", "<html><body><div class=\"comment\">" + String(repeating: "<ul class=\"children\"><li class=\"comment\">", count: 3000), ""] {
            let o = Blog.run(html, text, name: "h.html")
            #expect(o.thrown == nil || o.thrown is PluginError)
        }
    }
}
