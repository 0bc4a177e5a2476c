import Foundation

/// A small CSS-like selector: compound parts (`tag`, `.class`, `#id`,
/// `[attr]`, `[attr=value]`, `[attr~=word]`, `[attr^=prefix]`) joined by
/// descendant spaces or `>` for children, and `,` for alternatives:
/// `"#comments .comment-author .fn"`, `"time[datetime]"`,
/// `"meta[property=article:author], meta[name=author]"`.
///
/// Unsupported syntax makes the selector match nothing rather than throw.
public struct HTMLSelector: Hashable, Sendable {
    struct Attr: Hashable, Sendable {
        enum Op: Hashable, Sendable { case exists, equals, word, prefix, contains }
        var name: String
        var op: Op
        var value: String
    }

    struct Compound: Hashable, Sendable {
        var tag: String?
        var id: String?
        var classes: [String] = []
        var attrs: [Attr] = []
        /// True when this part must be a direct child of the previous one.
        var child = false
    }

    /// Alternatives, each a chain of compounds (leftmost first).
    let alternatives: [[Compound]]

    /// Parses a selector.
    public init(_ text: String) {
        alternatives = text.split(separator: ",").compactMap { HTMLSelector.parseChain(String($0)) }
    }

    private static func parseChain(_ text: String) -> [Compound]? {
        var chain: [Compound] = []
        let s = Array(text.unicodeScalars)
        var i = 0
        var nextIsChild = false
        func ident() -> String {
            var out = ""
            while i < s.count, !" \t\n.#[>".unicodeScalars.contains(s[i]) {
                out.unicodeScalars.append(s[i])
                i += 1
            }
            return out
        }
        while i < s.count {
            let c = s[i]
            if c == " " || c == "\t" || c == "\n" {
                i += 1
                continue
            }
            if c == ">" {
                nextIsChild = true
                i += 1
                continue
            }
            var comp = Compound()
            comp.child = nextIsChild
            nextIsChild = false
            var any = false
            while i < s.count {
                let d = s[i]
                if d == "." {
                    i += 1
                    comp.classes.append(ident())
                } else if d == "#" {
                    i += 1
                    comp.id = ident()
                } else if d == "[" {
                    i += 1
                    var body = ""
                    while i < s.count, s[i] != "]" {
                        body.unicodeScalars.append(s[i])
                        i += 1
                    }
                    guard i < s.count else { return nil }
                    i += 1
                    comp.attrs.append(parseAttr(body))
                } else if d == " " || d == "\t" || d == "\n" || d == ">" {
                    break
                } else if !any {
                    let t = ident()
                    comp.tag = t == "*" ? nil : t.lowercased()
                } else {
                    return nil
                }
                any = true
            }
            chain.append(comp)
        }
        return chain.isEmpty ? nil : chain
    }

    private static func parseAttr(_ body: String) -> Attr {
        for (token, op) in [("~=", Attr.Op.word), ("^=", .prefix), ("*=", .contains), ("=", .equals)] {
            if let r = body.range(of: token) {
                var v = String(body[r.upperBound...]).trimmedSpaces()
                if v.count >= 2, let f = v.first, f == "\"" || f == "'", v.last == f { v = String(v.dropFirst().dropLast()) }
                return Attr(name: String(body[..<r.lowerBound]).trimmedSpaces().lowercased(), op: op, value: v)
            }
        }
        return Attr(name: body.trimmedSpaces().lowercased(), op: .exists, value: "")
    }

    /// True when `node` matches (its ancestors are checked for the chain).
    public func matches(_ node: HTMLNode) -> Bool {
        alternatives.contains { HTMLSelector.matches(node, chain: $0[...]) }
    }

    private static func matches(_ node: HTMLNode, chain: ArraySlice<[Compound].Element>) -> Bool {
        guard let last = chain.last, matches(node, last) else { return false }
        var rest = chain.dropLast()
        // Iterative ancestor match; backtracking is rarely needed for the
        // simple selectors used here, so greedy nearest-ancestor matching.
        var current = node
        var mustBeParent = last.child
        while let want = rest.last {
            var found: HTMLNode?
            var p = current.parent
            while let a = p {
                if matches(a, want) {
                    found = a
                    break
                }
                if mustBeParent { break }
                p = a.parent
            }
            guard let f = found else { return false }
            current = f
            mustBeParent = want.child
            rest = rest.dropLast()
        }
        return true
    }

    private static func matches(_ node: HTMLNode, _ c: Compound) -> Bool {
        guard node.isElement else { return false }
        if let t = c.tag, node.name != t { return false }
        if let id = c.id, node.id != id { return false }
        if !c.classes.isEmpty {
            let have = node.classes
            for k in c.classes where !have.contains(k) { return false }
        }
        for a in c.attrs {
            guard let v = node.attribute(a.name) else { return false }
            switch a.op {
            case .exists: break
            case .equals: if v != a.value { return false }
            case .prefix: if !v.hasPrefix(a.value) { return false }
            case .contains: if !v.contains(a.value) { return false }
            case .word: if !v.split(separator: " ").contains(Substring(a.value)) { return false }
            }
        }
        return true
    }
}

extension String {
    fileprivate func trimmedSpaces() -> String {
        let set = " \t"
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

extension HTMLNode {
    /// Elements below this one (and this one, with `includingSelf`) that
    /// match a selector, in document order.
    public func select(_ selector: String, includingSelf: Bool = false) -> [HTMLNode] {
        select(HTMLSelector(selector), includingSelf: includingSelf)
    }

    /// Elements matching a parsed selector, in document order.
    public func select(_ selector: HTMLSelector, includingSelf: Bool = false) -> [HTMLNode] {
        var out: [HTMLNode] = []
        if includingSelf && selector.matches(self) { out.append(self) }
        walk { n in
            if n.isElement && selector.matches(n) { out.append(n) }
            return true
        }
        return out
    }

    /// The first matching element below this one.
    public func first(_ selector: String) -> HTMLNode? { select(selector).first }

    /// The nearest ancestor (or self) matching a selector.
    public func closest(_ selector: String) -> HTMLNode? {
        let sel = HTMLSelector(selector)
        if sel.matches(self) { return self }
        return ancestors.first { sel.matches($0) }
    }
}
