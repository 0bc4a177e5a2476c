import Foundation

/// Small text helpers shared by the blog importers: snippets from HTML,
/// trimming, e-mail and URL sanity checks, person-name filters.
enum BlogText {
    /// Trims whitespace from both ends and collapses inner runs; nil when
    /// nothing is left.
    static func clean(_ s: String?) -> String? {
        guard let s else { return nil }
        let t = collapse(s)
        return t.isEmpty ? nil : t
    }

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }

    /// Collapses whitespace runs (ASCII whitespace and no-break spaces) to
    /// one space and trims. Works on UTF-8 bytes; returns the string itself
    /// when there is nothing to do.
    static func collapse(_ s: String) -> String {
        let original = s
        var s = s
        return s.withUTF8 { p -> String in
            let n = p.count
            // Fast path: nothing to trim or collapse.
            var clean = true
            var prevSpace = true
            for i in 0..<n {
                let b = p[i]
                if isSpace(b) {
                    if prevSpace || b != 32 { clean = false; break }
                    prevSpace = true
                } else if b == 0xC2, i + 1 < n, p[i + 1] == 0xA0 {
                    clean = false
                    break
                } else {
                    prevSpace = false
                }
            }
            if clean && !prevSpace { return original }
            if clean && n == 0 { return "" }
            var out = [UInt8]()
            out.reserveCapacity(n)
            var pending = false
            var i = 0
            while i < n {
                let b = p[i]
                if isSpace(b) {
                    pending = !out.isEmpty
                    i += 1
                } else if b == 0xC2, i + 1 < n, p[i + 1] == 0xA0 {
                    pending = !out.isEmpty
                    i += 2
                } else {
                    if pending { out.append(32) }
                    pending = false
                    out.append(b)
                    i += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// A readable excerpt of HTML or text: tags dropped, entities decoded,
    /// whitespace collapsed, cut at `limit` characters on a word boundary
    /// with an ellipsis. Reads only as much of the input as it needs.
    static func snippet(_ html: String?, limit: Int = 200) -> String? {
        guard var html, !html.isEmpty else { return nil }
        var hasEntity = false
        var cutAt = -1
        var lastSpaceBeforeCut = -1
        let bytes: [UInt8] = html.withUTF8 { p in
            var out = [UInt8]()
            out.reserveCapacity(min(p.count, limit * 4 + 16))
            var inTag = false
            var pending = false
            var scalars = 0
            var i = 0
            while i < p.count {
                let b = p[i]
                if inTag {
                    if b == 62 { inTag = false }
                    i += 1
                    continue
                }
                if b == 60 {
                    inTag = true
                    pending = !out.isEmpty
                    i += 1
                    continue
                }
                if isSpace(b) || (b == 0xC2 && i + 1 < p.count && p[i + 1] == 0xA0) {
                    pending = !out.isEmpty
                    i += b == 0xC2 ? 2 : 1
                    continue
                }
                if b == 38 {
                    // The common entities decode inline; others are left
                    // for decodeEntities after the cut.
                    var j = i + 1
                    while j < p.count, j - i <= 10, p[j] != 59, p[j] != 38, !isSpace(p[j]) { j += 1 }
                    if j < p.count, p[j] == 59 {
                        let name = String(decoding: UnsafeBufferPointer(rebasing: p[(i + 1)..<j]), as: UTF8.self)
                        if let r = entity(Substring(name)) {
                            if pending {
                                if scalars == limit { cutAt = out.count }
                                if cutAt < 0 { lastSpaceBeforeCut = out.count }
                                out.append(32)
                                scalars += 1
                                pending = false
                            }
                            if scalars == limit && cutAt < 0 { cutAt = out.count }
                            if cutAt >= 0 && !hasEntity { break }
                            if r == " " || r == "\u{A0}" {
                                pending = !out.isEmpty
                            } else {
                                out.append(contentsOf: r.utf8)
                                scalars += r.unicodeScalars.count
                            }
                            i = j + 1
                            continue
                        }
                    }
                    hasEntity = true
                }
                if pending {
                    if scalars == limit { cutAt = out.count }
                    if cutAt < 0 { lastSpaceBeforeCut = out.count }
                    out.append(32)
                    scalars += 1
                    pending = false
                }
                if b & 0xC0 != 0x80 {
                    if scalars == limit && cutAt < 0 { cutAt = out.count }
                    scalars += 1
                }
                if cutAt >= 0 && !hasEntity { break }
                // Copy the run of ordinary bytes that starts here in one go.
                var j = i + 1
                while j < p.count {
                    let c = p[j]
                    if c == 60 || c == 38 || c == 0xC2 || isSpace(c) { break }
                    if c & 0xC0 != 0x80 {
                        if scalars == limit { break }
                        scalars += 1
                    }
                    j += 1
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: p[i..<j]))
                i = j
                if out.count > limit * 8 + 64 { break }
            }
            return out
        }
        if hasEntity {
            // Rare: decode, then cut on characters.
            var s = collapse(decodeEntities(String(decoding: bytes, as: UTF8.self)))
            if s.isEmpty { return nil }
            if s.count > limit {
                var cut = s.prefix(limit)
                if let space = cut.lastIndex(of: " ") { cut = cut[..<space] }
                s = String(cut) + "…"
            }
            return s
        }
        if bytes.isEmpty { return nil }
        if cutAt >= 0 {
            let end = lastSpaceBeforeCut > 0 ? lastSpaceBeforeCut : cutAt
            return String(decoding: bytes[..<end], as: UTF8.self) + "…"
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Decodes the named entities common in exported HTML and numeric ones.
    static func decodeEntities(_ s: String) -> String {
        guard s.utf8.contains(38) else { return s }
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
        if t.utf8.first == 109 || t.utf8.first == 77, t.lowercased().hasPrefix("mailto:") { t = String(t.dropFirst(7)) }
        if t.utf8.contains(63), let q = t.firstIndex(of: "?") { t = String(t[..<q]) }
        // One "@" with something before it, a dot in the domain not at its
        // end, no spaces or angle brackets.
        var at = -1
        var dotAfterAt = false
        var count = 0
        for b in t.utf8 {
            if b == 64 {
                if at >= 0 { return nil }
                at = count
            } else if b == 46 && at >= 0 {
                dotAfterAt = true
            } else if b == 32 || b == 60 || b == 62 {
                return nil
            }
            count += 1
        }
        guard at > 0, dotAfterAt, t.utf8.last != 46 else { return nil }
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
        guard let t = clean(s) else { return nil }
        // Byte checks: scheme http(s), a host with a dot, no spaces.
        var ok = false
        var t2 = t
        t2.withUTF8 { p in
            func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }
            let http: [UInt8] = Array("http".utf8)
            guard p.count > 7 else { return }
            for k in 0..<4 where lower(p[k]) != http[k] { return }
            var i = 4
            if lower(p[i]) == 115 { i += 1 }  // s
            guard i + 3 <= p.count, p[i] == 58, p[i + 1] == 47, p[i + 2] == 47 else { return }
            i += 3
            let hostStart = i
            var dot = false
            while i < p.count, p[i] != 47, p[i] != 63, p[i] != 35 {
                if p[i] == 46 { dot = true }
                if p[i] == 32 { return }
                i += 1
            }
            let host = UnsafeBufferPointer(rebasing: p[hostStart..<i])
            if p.contains(32) { return }
            if host.first == 46 { return }
            ok = dot || host.elementsEqual("localhost".utf8)
        }
        return ok ? t : nil
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
        let c = collapse(name)
        if c.isEmpty { return true }
        guard c.utf8.count <= 16 else { return false }
        return placeholderNames.contains(c.lowercased())
    }

    static let placeholderNames: Set<String> = [
            "anonymous", "anon", "anonym", "anonyme", "anónimo", "anonimo", "unknown", "guest", "a reader", "reader",
            "visitor", "name", "your name", "name (required)", "(required)", "required", "admin", "administrator",
            "wordpress", "blogger", "user", "nobody", "someone", "n/a", "-", "me",
        ]

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
