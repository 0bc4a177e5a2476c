import CLibXML2

/// One node of an `HTMLDocument`: an element, a text run or a comment.
///
/// A value that keeps its document alive; comparing two nodes compares
/// identity. Not `Sendable`, like the document.
public struct HTMLNode: Hashable {
    /// What a node is.
    public enum Kind: Hashable, Sendable {
        case element, text, comment, other
    }

    let document: HTMLDocument
    let raw: xmlNodePtr

    init(document: HTMLDocument, raw: xmlNodePtr) {
        self.document = document
        self.raw = raw
    }

    public static func == (lhs: HTMLNode, rhs: HTMLNode) -> Bool { lhs.raw == rhs.raw }
    public func hash(into hasher: inout Hasher) { hasher.combine(raw) }

    private func wrap(_ p: xmlNodePtr?) -> HTMLNode? { p.map { HTMLNode(document: document, raw: $0) } }

    /// Element, text, comment or other.
    public var kind: Kind {
        switch raw.pointee.type {
        case XML_ELEMENT_NODE: .element
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: .text
        case XML_COMMENT_NODE: .comment
        default: .other
        }
    }

    /// True for an element.
    public var isElement: Bool { raw.pointee.type == XML_ELEMENT_NODE }

    /// The tag name in lower case ("div"); "" for non-elements.
    public var name: String {
        guard isElement, let n = raw.pointee.name else { return "" }
        return String(cString: n).lowercased()
    }

    /// The 1-based source line (0 when unknown).
    public var line: Int { Int(xmlGetLineNo(raw)) }

    // MARK: Attributes

    /// An attribute's value; nil when absent.
    public func attribute(_ name: String) -> String? {
        guard isElement else { return nil }
        return LibXML.takeString(xmlGetProp(raw, name))
    }

    /// True when the attribute is present (even empty).
    public func hasAttribute(_ name: String) -> Bool {
        guard isElement else { return false }
        return xmlHasProp(raw, name) != nil
    }

    /// Every attribute as (lower-case name, value), in source order.
    public var attributes: [(name: String, value: String)] {
        guard isElement else { return [] }
        var out: [(String, String)] = []
        var a = raw.pointee.properties
        while let attr = a {
            let n = attr.pointee.name.map { String(cString: $0).lowercased() } ?? ""
            let v = LibXML.takeString(xmlNodeListGetString(document.doc, attr.pointee.children, 1)) ?? ""
            out.append((n, v))
            a = attr.pointee.next
        }
        return out
    }

    /// The `class` attribute split on whitespace.
    public var classes: [String] {
        guard let c = attribute("class") else { return [] }
        return c.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" }).map(String.init)
    }

    /// True when the element has the class.
    public func hasClass(_ name: String) -> Bool { classes.contains(name) }

    /// The `id` attribute.
    public var id: String? { attribute("id") }

    // MARK: Tree

    /// The parent node (nil at the root).
    public var parent: HTMLNode? {
        guard let p = raw.pointee.parent, p.pointee.type == XML_ELEMENT_NODE else { return nil }
        return wrap(p)
    }

    /// Child nodes of every kind, in order.
    public var children: [HTMLNode] {
        var out: [HTMLNode] = []
        var c = raw.pointee.children
        while let n = c {
            out.append(HTMLNode(document: document, raw: n))
            c = n.pointee.next
        }
        return out
    }

    /// Child elements, in order.
    public var childElements: [HTMLNode] { children.filter(\.isElement) }

    /// The next sibling node.
    public var nextSibling: HTMLNode? { wrap(raw.pointee.next) }

    /// The previous sibling node.
    public var previousSibling: HTMLNode? { wrap(raw.pointee.prev) }

    /// Ancestors, nearest first.
    public var ancestors: [HTMLNode] {
        var out: [HTMLNode] = []
        var p = parent
        while let n = p {
            out.append(n)
            p = n.parent
        }
        return out
    }

    /// Walks the subtree below this node in document order without
    /// recursion; `visit` returns false to skip a node's children.
    public func walk(_ visit: (HTMLNode) -> Bool) {
        guard var n = raw.pointee.children else { return }
        let stop = raw
        while true {
            let descend = visit(HTMLNode(document: document, raw: n))
            if descend, let c = n.pointee.children, n.pointee.type == XML_ELEMENT_NODE {
                n = c
                continue
            }
            // Next in document order: a sibling, or an ancestor's sibling.
            var cur: xmlNodePtr = n
            while true {
                if let s = cur.pointee.next {
                    n = s
                    break
                }
                guard let p = cur.pointee.parent, p != stop else { return }
                cur = p
            }
        }
    }

    /// Every element below this one, in document order.
    public var descendantElements: [HTMLNode] {
        var out: [HTMLNode] = []
        walk { n in
            if n.isElement { out.append(n) }
            return true
        }
        return out
    }

    // MARK: Content

    /// All text below the node, as it stands (scripts and styles included;
    /// see `text` for the readable form).
    public var textContent: String {
        LibXML.takeString(xmlNodeGetContent(raw)) ?? ""
    }

    /// Readable text: text nodes below the node except inside `script`,
    /// `style` and `template`, whitespace collapsed and trimmed.
    public var text: String {
        if kind == .text { return HTMLNode.collapse(textContent) }
        var parts = ""
        walk { n in
            switch n.kind {
            case .text:
                parts += n.textContent
                return false
            case .element:
                let name = n.name
                if name == "script" || name == "style" || name == "template" { return false }
                if name == "br" || name == "p" || name == "div" || name == "li" { parts += " " }
                return true
            default: return false
            }
        }
        return HTMLNode.collapse(parts)
    }

    /// Collapses runs of whitespace to one space and trims the ends.
    public static func collapse(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        var pendingSpace = false
        for ch in s.unicodeScalars {
            if ch == " " || ch == "\t" || ch == "\n" || ch == "\r" || ch == "\u{0C}" || ch == "\u{A0}" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.unicodeScalars.append(" ") }
                pendingSpace = false
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// The node serialised as HTML.
    public var outerHTML: String {
        guard let buf = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buf) }
        _ = htmlNodeDump(buf, document.doc, raw)
        return LibXML.string(xmlBufferContent(buf)) ?? ""
    }

    /// The children serialised as HTML.
    public var innerHTML: String {
        guard let buf = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buf) }
        var c = raw.pointee.children
        while let n = c {
            _ = htmlNodeDump(buf, document.doc, n)
            c = n.pointee.next
        }
        return LibXML.string(xmlBufferContent(buf)) ?? ""
    }
}
