import KithBlog
import KithXML
import Testing

@Suite("Microformats parser")
struct MicroformatsTests {
    func items(_ html: String, base: String? = "https://example.com/dir/page") throws -> [MF2Item] {
        let doc = try HTMLDocument(html: html)
        return MF2Parser(document: doc, baseURL: base).items(in: doc)
    }

    @Test func impliedNameURLAndPhoto() throws {
        let i = try items("<a class=\"h-card\" href=\"/ann\"><img src=\"ann.png\" alt=\"Ann Example\"></a>")
        let card = try #require(i.first)
        #expect(card.types == ["h-card"])
        #expect(card.text("name") == "Ann Example")
        #expect(card.text("url") == "https://example.com/ann")
        #expect(card["photo"].first == .image(url: "https://example.com/dir/ann.png", alt: "Ann Example"))
    }

    @Test func nestedPropertiesAndChildren() throws {
        let i = try items("""
            <div class="h-entry"><span class="p-name">Post</span>
            <div class="p-author h-card"><span class="p-name">Bo</span><a class="u-url" href="https://bo.example">x</a></div>
            <div class="h-cite"><span class="p-name">Child</span></div></div>
            """)
        let e = try #require(i.first)
        let author = try #require(e["author"].first?.item)
        #expect(author.value == "Bo")
        #expect(author.text("url") == "https://bo.example")
        #expect(e.children.map(\.types) == [["h-cite"]])
    }

    @Test func valueClassPatternForDates() throws {
        let i = try items("""
            <div class="h-event"><span class="p-name">Meetup</span>
            <span class="dt-start"><span class="value">2010-03-08</span> at <span class="value">7pm</span></span>
            <span class="dt-end"><span class="value">21:30</span></span></div>
            """)
        let e = try #require(i.first)
        #expect(e.text("start") == "2010-03-08 19:00")
        #expect(e.text("end") == "2010-03-08 21:30")
    }

    @Test func classicMicroformatsMapToMF2() throws {
        let i = try items("""
            <div class="hentry"><h2 class="entry-title">Old post</h2>
            <span class="author vcard"><span class="fn">Cy Example</span></span>
            <abbr class="published" title="2008-05-16T20:24:37Z">May 16</abbr>
            <div class="entry-content"><p>Text</p></div></div>
            """)
        let e = try #require(i.first)
        #expect(e.types == ["h-entry"])
        #expect(e.text("name") == "Old post")
        #expect(e.text("published") == "2008-05-16T20:24:37Z")
        #expect(e["author"].first?.item?.text("name") == "Cy Example")
        #expect(e["content"].first == .embedded(html: "<p>Text</p>", value: "Text"))
    }

    @Test(arguments: ["h-car1d", "h-vendor--card", "h-", "h-Card"])
    func invalidRootNamesAreIgnored(name: String) throws {
        #expect(try items("<div class=\"\(name)\">x</div>").isEmpty)
    }
}
