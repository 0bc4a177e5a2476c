import CLibXML2

/// An HTML page parsed by libxml2's HTML parser, forgiving as browsers are:
/// recover mode, no network, no error output.
///
/// Nodes (`HTMLNode`) keep the document alive. Every walk is iterative, so a
/// hostile, deeply nested page cannot overflow the stack.
///
/// Not `Sendable`: parse on one task and hand plain values on.
public final class HTMLDocument {
    let doc: htmlDocPtr

    /// Parses `bytes`. `encoding` overrides the page's own declaration (a
    /// `<meta charset>`), which libxml2 otherwise honours; without either,
    /// UTF-8 is assumed when `assumeUTF8` is set (the default), since
    /// libxml2's own default is Latin-1.
    public init(bytes: [UInt8], url: String? = nil, encoding: String? = nil, assumeUTF8: Bool = true) throws(XMLError) {
        LibXML.prepareThread()
        let flags = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
                | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_COMPACT.rawValue)
        var enc = encoding
        if enc == nil && assumeUTF8 && !HTMLDocument.declaresCharset(bytes) { enc = "UTF-8" }
        let parsed: htmlDocPtr? = bytes.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(1, p.count)) { c in
                htmlReadMemory(c, Int32(clamping: p.count), url, enc, flags)
            }
        }
        guard let parsed else { throw XMLError("not an HTML document") }
        doc = parsed
    }

    /// Parses text.
    public convenience init(html: String, url: String? = nil) throws(XMLError) {
        try self.init(bytes: Array(html.utf8), url: url, encoding: "UTF-8")
    }

    deinit { xmlFreeDoc(doc) }

    private static func declaresCharset(_ bytes: [UInt8]) -> Bool {
        let head = String(decoding: bytes.prefix(4096), as: UTF8.self).lowercased()
        return head.contains("charset=") || head.contains("charset =")
    }

    /// The root element (`<html>`), if the page has one.
    public var root: HTMLNode? {
        guard let r = xmlDocGetRootElement(doc) else { return nil }
        return HTMLNode(document: self, raw: r)
    }

    /// Every element of the page in document order.
    public var elements: [HTMLNode] { root.map { [$0] + $0.descendantElements } ?? [] }

    /// Elements matching a selector anywhere in the page, in document order.
    public func select(_ selector: String) -> [HTMLNode] { root.map { $0.select(selector, includingSelf: true) } ?? [] }

    /// The first element matching a selector.
    public func first(_ selector: String) -> HTMLNode? { select(selector).first }

    /// The `<title>` text, trimmed.
    public var title: String? { first("title").map { $0.text }.flatMap { $0.isEmpty ? nil : $0 } }
}
