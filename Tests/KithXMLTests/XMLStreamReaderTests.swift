import KithXML
import Testing

@Suite("Streaming XML reader")
struct XMLStreamReaderTests {
    /// Reads every element's local name and text into a flat list.
    static func texts(_ xml: String, recover: Bool = true) throws -> (names: [String], reader: XMLStreamReader) {
        let r = try XMLStreamReader(bytes: Array(xml.utf8), options: XMLReaderOptions(recover: recover))
        var names: [String] = []
        while r.read() { guard r.kind == .element else { continue }; names.append(r.localName) }
        return (names, r)
    }

    @Test func readsElementsNamespacesAndText() throws {
        let xml = """
            <?xml version="1.0"?>
            <rss xmlns:wp="https://wordpress.org/export/1.2/"><channel>
            <wp:comment><wp:comment_author><![CDATA[Ana]]></wp:comment_author></wp:comment>
            </channel></rss>
            """
        let r = try XMLStreamReader(bytes: Array(xml.utf8))
        var found: String?
        var line = 0
        while r.read() {
            if r.kind == .element, r.localName == "comment_author" {
                #expect(r.prefix == "wp")
                #expect(r.namespaceURI == "https://wordpress.org/export/1.2/")
                line = r.line
                found = r.readElementText()
            }
        }
        #expect(found == "Ana")
        #expect(line == 3)
        #expect(r.issues.isEmpty)
        #expect(!r.stoppedOnError)
    }

    @Test func ignoringBlankNodesKeepsWhitespaceContent() throws {
        let xml = "<a>\n  <b> </b>\n  <c>\n</c>\n  <d>x</d>\n</a>"
        let r = try XMLStreamReader(bytes: Array(xml.utf8), options: XMLReaderOptions(ignoreBlankNodes: true))
        var texts: [String: String] = [:]
        var whitespaceNodes = 0
        while r.read() {
            if r.kind == .whitespace { whitespaceNodes += 1 }
            guard r.kind == .element, r.depth == 1 else { continue }
            let n = r.localName
            texts[n] = r.readElementText()
        }
        #expect(texts == ["b": " ", "c": "\n", "d": "x"])
        #expect(whitespaceNodes == 0)
    }

    @Test func splitCDATAIsJoined() throws {
        let xml = "<a><b><![CDATA[x ]]]]><![CDATA[> y]]></b></a>"
        let r = try XMLStreamReader(bytes: Array(xml.utf8))
        var text = ""
        while r.read() { if r.kind == .element, r.localName == "b" { text = r.readElementText() } }
        #expect(text == "x ]]> y")
    }

    @Test func pullsInSmallPieces() throws {
        let body = (0..<2000).map { "<i n=\"\($0)\">v\($0)</i>" }.joined()
        let bytes = Array("<root>\(body)</root>".utf8)
        var offset = 0
        let r = try XMLStreamReader { buf in
            let n = min(7, buf.count, bytes.count - offset)
            for k in 0..<n { buf[k] = bytes[offset + k] }
            offset += n
            return n
        }
        var count = 0
        var last: String?
        while r.read() { guard r.kind == .element && r.localName == "i" else { continue }
            count += 1
            last = r.attribute("n")
        }
        #expect(count == 2000)
        #expect(last == "1999")
    }

    @Test func undeclaredPrefixIsSplitAndReported() throws {
        let xml = "<rss><channel><wp:comment><wp:comment_id>7</wp:comment_id></wp:comment></channel></rss>"
        let r = try XMLStreamReader(bytes: Array(xml.utf8))
        var seen: [(String?, String)] = []
        while r.read() { guard r.kind == .element else { continue }; seen.append((r.prefix, r.localName)) }
        #expect(seen.contains { $0.0 == "wp" && $0.1 == "comment_id" })
        #expect(r.issues.contains { $0.line == 1 })
    }

    @Test func recoversFromStrayCDATAEnd() throws {
        let xml = "<a>\n<b>one ]]> two</b>\n<c>after</c>\n</a>"
        let r = try XMLStreamReader(bytes: Array(xml.utf8))
        var texts: [String: String] = [:]
        while r.read() { guard r.kind == .element, r.depth == 1 else { continue }; let n = r.localName; texts[n] = r.readElementText() }
        #expect(texts["b"] == "one ]]> two")
        #expect(texts["c"] == "after")
        #expect(r.issues.contains { $0.code == "xml.repaired" && $0.line == 2 })
    }

    @Test func withoutRecoverAMalformedDocumentStops() throws {
        let xml = "<a>\n<b></c>\n<d/><e/></a>"
        let (names, r) = try Self.texts(xml, recover: false)
        #expect(r.stoppedOnError)
        #expect(!names.contains("e"))
        #expect(r.issues.contains { $0.severity == .fatal && $0.line == 2 })
    }

    @Test(arguments: [1, 2, 3, 5, 8, 13, 4096])
    func repairIsTheSameWhateverTheChunkSize(piece: Int) throws {
        var bytes = Array("<a>\n<b><![CDATA[keep ]]]]><![CDATA[> this]]></b><!-- a ]]> comment --><c>stray ]]> here</c>\n<d>caf".utf8)
        bytes += [0xE9, 0x21, 0x3C, 0x21, 0x2D, 0x2D, 0x78, 0x2D, 0x2D, 0x3E]  // invalid byte, "!", "<!--x-->"
        bytes += Array("</d>\t<e>ok</e></a>".utf8)
        var offset = 0
        let r = try XMLStreamReader { buf in
            let n = min(piece, buf.count, bytes.count - offset)
            for k in 0..<n { buf[k] = bytes[offset + k] }
            offset += n
            return n
        }
        var texts: [String: String] = [:]
        while r.read() { guard r.kind == .element, r.depth == 1 else { continue }; let n = r.localName; texts[n] = r.readElementText() }
        #expect(texts["b"] == "keep ]]> this")
        #expect(texts["c"] == "stray ]]> here")
        #expect(texts["d"] == "caf\u{FFFD}!")
        #expect(texts["e"] == "ok")
        #expect(r.issues.contains { $0.code == "xml.repaired" && $0.line == 2 })
    }

    @Test func billionLaughsDoesNotExpand() throws {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        for k in 1...9 {
            let prev = k == 1 ? "lol" : "lol\(k - 1)"
            xml += "<!ENTITY lol\(k) \"" + String(repeating: "&\(prev);", count: 10) + "\">\n"
        }
        xml += "]>\n<lolz><x>&lol9;</x><y>after</y></lolz>"
        let r = try XMLStreamReader(bytes: Array(xml.utf8))
        var total = 0
        var x = ""
        while r.read() {
            if r.kind == .element && r.localName == "x" { x = r.readElementText() }
            if let v = r.value { total += v.utf8.count }
        }
        #expect(!x.contains("lollol"))
        #expect(total < 10_000)
        // libxml2's amplification guard refuses the entity; either way a
        // warning or worse is reported, with a line.
        #expect(r.issues.contains { $0.line != nil && ($0.code == "xml.entity-unexpanded" || $0.severity >= .error) })
    }

    @Test func externalEntityIsNeverLoaded() throws {
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE r [<!ENTITY host SYSTEM "file:///etc/hostname"><!ENTITY pw SYSTEM "/etc/passwd">]>
            <r><a>&host;</a><b>&pw;</b><c>ok</c></r>
            """
        let r = try XMLStreamReader(bytes: Array(xml.utf8))
        var texts: [String: String] = [:]
        while r.read() { guard r.kind == .element && r.depth == 1 else { continue }
            let n = r.localName
            texts[n] = r.readElementText()
        }
        #expect(texts["a"] == "")
        #expect(texts["b"] == "")
        #expect(texts["c"] == "ok")
        #expect(r.issues.contains { $0.code == "xml.dtd-ignored" })
        #expect(r.issues.contains { $0.code == "xml.entity-unexpanded" })
    }

    @Test func invalidUTF8IsReported() throws {
        var bytes = Array("<a><b>caf".utf8)
        bytes += [0xE9, 0x20, 0xFF]
        bytes += Array("</b><c>z</c></a>".utf8)
        let r = try XMLStreamReader(bytes: bytes)
        var names: [String] = []
        while r.read() { guard r.kind == .element else { continue }; names.append(r.localName) }
        #expect(r.issues.contains { $0.code == "xml.repaired" })
        #expect(names == ["a", "b", "c"])
    }

    @Test func emptyAndGarbageInputDoNotCrash() throws {
        for input in [[], [0xFF, 0xFE, 0x00], Array("<<<>>>".utf8), Array(repeating: UInt8(ascii: "<"), count: 5000)] as [[UInt8]] {
            let r = try XMLStreamReader(bytes: input)
            while r.read() {}
            #expect(r.atEnd)
        }
    }

    @Test func deepNestingIsRefusedNotCrashing() throws {
        let n = 100_000
        let xml = String(repeating: "<a>", count: n) + String(repeating: "</a>", count: n)
        let r = try XMLStreamReader(bytes: Array(xml.utf8))
        var maxDepth = 0
        while r.read() { maxDepth = max(maxDepth, r.depth) }
        #expect(maxDepth < n)
        #expect(!r.issues.isEmpty)
    }
}
