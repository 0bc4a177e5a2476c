import Foundation

/// Small text helpers shared by the blog importers: snippets from HTML,
/// trimming, e-mail and URL sanity checks, person-name filters.
enum BlogText {
    /// Trims ASCII and Unicode whitespace from both ends; nil when empty.
    static func clean(_ s: String?) -> String? {
        guard let s else { return nil }
        let t = collapse(s)
        return t.isEmpty ? nil : t
    }

    /// Collapses whitespace runs (including no-break spaces) to one space
    /// and trims.
    static func collapse(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        var pendingSpace = false
        for ch in s.unicodeScalars {
            if ch.properties.isWhitespace || ch == "\u{A0}" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.unicodeScalars.append(" ") }
                pendingSpace = false
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// A readable excerpt of HTML or text: tags dropped, the common
    /// entities decoded, whitespace collapsed, cut at `limit` characters on
    /// a word boundary with an ellipsis.
    static func snippet(_ html: String?, limit: Int = 200) -> String? {
        guard let html, !html.isEmpty else { return nil }
        var text = ""
        text.reserveCapacity(min(html.utf8.count, limit * 4))
        var inTag = false
        var count = 0
        var scalars = html.unicodeScalars.makeIterator()
        var budget = limit * 8
        while let c = scalars.next() {
            if c == "<" {
                inTag = true
                text.unicodeScalars.append(" ")
                continue
            }
            if c == ">" && inTag {
                inTag = false
                continue
            }
            if inTag { continue }
            text.unicodeScalars.append(c)
            count += 1
            budget -= 1
            if budget <= 0 { break }
        }
        _ = count
        var s = collapse(decodeEntities(text))
        if s.isEmpty { return nil }
        if s.count > limit {
            var cut = s.prefix(limit)
            if let space = cut.lastIndex(of: " ") { cut = cut[..<space] }
            s = String(cut) + "…"
        }
        return s
    }

    /// Decodes the named entities common in exported HTML and numeric ones.
    static func decodeEntities(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = ""
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c == "&", let semi = s[i...].prefix(12).firstIndex(of: ";") {
                let name = s[s.index(after: i)..<semi]
                if let r = entity(name) {
                    out.append(r)
                    i = s.index(after: semi)
                    continue
                }
            }
            out.append(c)
            i = s.index(after: i)
        }
        return out
    }

    private static func entity(_ name: Substring) -> String? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos", "#39": return "'"
        case "nbsp": return " "
        case "hellip": return "…"
        case "mdash": return "—"
        case "ndash": return "–"
        case "rsquo": return "’"
        case "lsquo": return "‘"
        case "rdquo": return "”"
        case "ldquo": return "“"
        case "raquo": return "»"
        case "laquo": return "«"
        case "middot": return "·"
        case "bull": return "•"
        case "copy": return "©"
        case "eacute": return "é"
        case "egrave": return "è"
        case "auml": return "ä"
        case "ouml": return "ö"
        case "uuml": return "ü"
        case "szlig": return "ß"
        case "oslash": return "ø"
        case "aring": return "å"
        default: break
        }
        if name.hasPrefix("#x") || name.hasPrefix("#X"), let v = UInt32(name.dropFirst(2), radix: 16), let u = Unicode.Scalar(v) {
            return String(Character(u))
        }
        if name.hasPrefix("#"), let v = UInt32(name.dropFirst()), let u = Unicode.Scalar(v) { return String(Character(u)) }
        return nil
    }

    /// The address when `s` looks like one e-mail address (one `@`, a dot
    /// in the domain, no spaces); nil otherwise. `mailto:` is stripped.
    static func email(_ s: String?) -> String? {
        guard var t = clean(s) else { return nil }
        if t.lowercased().hasPrefix("mailto:") { t = String(t.dropFirst(7)) }
        if let q = t.firstIndex(of: "?") { t = String(t[..<q]) }
        let parts = t.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasSuffix("."),
            !t.contains(" "), !t.contains("<"), !t.contains(">")
        else { return nil }
        return t
    }

    /// Addresses that stand for a service, not a person.
    static func isPlaceholderEmail(_ address: String) -> Bool {
        let a = address.lowercased()
        return a == "noreply@blogger.com" || a.hasPrefix("noreply@") || a.hasPrefix("no-reply@")
            || a.hasPrefix("donotreply@") || a.hasPrefix("do-not-reply@") || a.hasSuffix("@example.invalid")
    }

    /// The URL when it is an absolute http(s) URL with a host; nil for
    /// "http://", empty values and other schemes.
    static func url(_ s: String?) -> String? {
        guard let t = clean(s), !t.contains(" ") else { return nil }
        let lower = t.lowercased()
        let rest: Substring
        if lower.hasPrefix("http://") {
            rest = lower.dropFirst(7)
        } else if lower.hasPrefix("https://") {
            rest = lower.dropFirst(8)
        } else {
            return nil
        }
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard host.contains("."), !host.hasPrefix(".") else { return host == "localhost" ? t : nil }
        return t
    }

    /// A comparison key for a URL: scheme, `www.`, query-less trailing
    /// slash and case removed.
    static func urlKey(_ url: String) -> String {
        var s = url.lowercased()
        if s.hasPrefix("https://") { s.removeFirst(8) } else if s.hasPrefix("http://") { s.removeFirst(7) }
        if s.hasPrefix("www.") { s.removeFirst(4) }
        while s.hasSuffix("/") { s.removeLast() }
        return s
    }

    /// Names that stand for nobody in particular.
    static func isPlaceholderName(_ name: String) -> Bool {
        let n = collapse(name).lowercased()
        if n.isEmpty { return true }
        let placeholders: Set<String> = [
            "anonymous", "anon", "anonym", "anonyme", "anónimo", "anonimo", "unknown", "guest", "a reader", "reader",
            "visitor", "name", "your name", "name (required)", "(required)", "required", "admin", "administrator",
            "wordpress", "blogger", "user", "nobody", "someone", "n/a", "-", "me",
        ]
        return placeholders.contains(n)
    }

    /// Joins a base URL and a fragment or path the way a browser would, for
    /// the simple cases exports need ("#comment-5", "/2009/12/post/").
    static func resolve(_ ref: String, against base: String?) -> String {
        let r = ref.trimmingSpaces
        if r.hasPrefix("http://") || r.hasPrefix("https://") || r.hasPrefix("mailto:") { return r }
        guard let base, !base.isEmpty else { return r }
        if r.isEmpty { return base }
        if r.hasPrefix("//") {
            let scheme = base.hasPrefix("https:") ? "https:" : "http:"
            return scheme + r
        }
        if r.hasPrefix("#") {
            let b = base.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? base
            return b + r
        }
        // Scheme and host of the base.
        guard let schemeEnd = base.range(of: "://") else { return r }
        let afterScheme = base[schemeEnd.upperBound...]
        let hostEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        let origin = String(base[..<hostEnd])
        if r.hasPrefix("/") { return origin + r }
        if r.hasPrefix("?") {
            let b = base.split(separator: "?", maxSplits: 1).first.map(String.init) ?? base
            return b + r
        }
        var path = String(base[hostEnd...])
        if let q = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<q]) }
        if let slash = path.lastIndex(of: "/") { path = String(path[...slash]) } else { path = "/" }
        var segments = (path + r).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var outSeg: [String] = []
        for (k, s) in segments.enumerated() {
            if s == "." { if k == segments.count - 1 { outSeg.append("") }; continue }
            if s == ".." {
                if outSeg.count > 1 { outSeg.removeLast() }
                if k == segments.count - 1 { outSeg.append("") }
                continue
            }
            outSeg.append(s)
        }
        segments = outSeg
        return origin + segments.joined(separator: "/")
    }
}

extension String {
    /// The string without leading and trailing ASCII whitespace.
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
