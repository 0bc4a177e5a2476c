import KithXML
import Testing

@Suite("HTML document")
struct HTMLDocumentTests {
    static let page = """
        <!DOCTYPE html>
        <html><head><title> A  page </title><meta name="author" content="Ann"></head>
        <body>
        <div id="main" class="post entry">
          <h1 class="entry-title">Hello <b>world</b></h1>
          <p>One<br>two &amp; three<script>var x = "<p>";</script></p>
          <ol class="commentlist">
            <li class="comment" id="c1"><cite class="fn"><a href="https://a.example" rel="external nofollow">Ann</a></cite></li>
            <li class="comment pingback" id="c2"><p>Pingback</p></li>
          </ol>
        </div>
        <form id="respond"><input name="author"></form>
        </body></html>
        """

    @Test func selectorsFindByTagClassIdAndAttribute() throws {
        let doc = try HTMLDocument(html: Self.page)
        #expect(doc.title == "A page")
        #expect(doc.select("li.comment").count == 2)
        #expect(doc.select(".comment.pingback").map(\.id) == ["c2"])
        #expect(doc.select("#main .fn a[href]").first?.attribute("href") == "https://a.example")
        #expect(doc.select("a[rel~=nofollow]").count == 1)
        #expect(doc.select("meta[name=author]").first?.attribute("content") == "Ann")
        #expect(doc.select("ol > li").count == 2)
        #expect(doc.select("div > li").isEmpty, "> means a direct child")
        #expect(doc.select("h1, title").count == 2)
        #expect(doc.select("[id^=c]").count == 2)
        #expect(doc.select("li[").isEmpty, "a broken selector matches nothing")
    }

    @Test func textSkipsScriptsAndCollapsesWhitespace() throws {
        let doc = try HTMLDocument(html: Self.page)
        let p = try #require(doc.first("#main p"))
        #expect(p.text == "One two & three")
        #expect(try #require(doc.first("h1")).text == "Hello world")
        #expect(try #require(doc.first("h1")).innerHTML == "Hello <b>world</b>")
        #expect(try #require(doc.first("h1")).line == 5)
    }

    @Test func treeNavigation() throws {
        let doc = try HTMLDocument(html: Self.page)
        let a = try #require(doc.first("cite a"))
        #expect(a.parent?.name == "cite")
        #expect(a.closest("li")?.id == "c1")
        #expect(a.ancestors.map(\.name).prefix(4) == ["cite", "li", "ol", "div"])
        #expect(a.attributes.map(\.name) == ["href", "rel"])
        #expect(try #require(doc.first("ol")).childElements.count == 2)
    }

    @Test func deepNestingIsWalkedWithoutRecursion() throws {
        let n = 20_000
        let html = String(repeating: "<div class=\"d\">", count: n) + "leaf" + String(repeating: "</div>", count: n)
        let doc = try HTMLDocument(html: html)
        var count = 0
        doc.root?.walk { _ in
            count += 1
            return true
        }
        #expect(count > 0)
        #expect(!doc.select(".d").isEmpty)
    }

    @Test func brokenMarkupIsRecovered() throws {
        let doc = try HTMLDocument(html: "<p>open <b>bold <i>both</p><div class=x>after")
        #expect(doc.first("div.x")?.text == "after")
        #expect(doc.first("b")?.text.hasPrefix("bold") == true)
    }

    @Test func encodingFromMetaOrUTF8ByDefault() throws {
        let latin1: [UInt8] = Array("<html><head><meta charset=\"iso-8859-1\"></head><body><p>caf".utf8) + [0xE9] + Array("</p></body></html>".utf8)
        #expect(try HTMLDocument(bytes: latin1).first("p")?.text == "café")
        let utf8 = Array("<p>café</p>".utf8)
        #expect(try HTMLDocument(bytes: utf8).first("p")?.text == "café")
    }

    @Test func neverFetchesAnything() throws {
        let html = "<!DOCTYPE html SYSTEM \"http://192.0.2.1/evil.dtd\"><html><body><iframe src=\"file:///etc/hostname\"></iframe><p>&ext;</p></body></html>"
        let doc = try HTMLDocument(html: html)
        #expect(doc.first("iframe")?.text == "")
        #expect(doc.first("p") != nil)
    }
}
