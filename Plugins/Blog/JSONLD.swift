import Foundation

/// Reads schema.org JSON-LD blocks tolerantly: real pages put control
/// characters in strings, `//` comment lines, HTML comment markers, CDATA
/// wrappers, trailing commas and a trailing `;` in them.
enum JSONLD {
    /// The objects in one `<script type="application/ld+json">` body:
    /// top-level arrays and `@graph` lists flattened; nil when the text is
    /// not JSON even after cleaning.
    static func objects(in text: String) -> [[String: Any]]? {
        guard let value = parse(text) else { return nil }
        var out: [[String: Any]] = []
        var stack: [Any] = [value]
        var budget = 10_000
        while let v = stack.popLast(), budget > 0 {
            budget -= 1
            if let a = v as? [Any] {
                stack.append(contentsOf: a.reversed())
            } else if let d = v as? [String: Any] {
                if let g = d["@graph"] {
                    stack.append(g)
                    if d["@type"] == nil { continue }
                }
                out.append(d)
            }
        }
        return out
    }

    static func parse(_ text: String) -> Any? {
        let cleaned = clean(text)
        guard let data = cleaned.data(using: .utf8) else { return nil }
        return try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    /// The cleaning: comment lines and wrappers removed, control characters
    /// turned into spaces, trailing commas and semicolons dropped.
    static func clean(_ text: String) -> String {
        var lines: [Substring] = []
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let t = line.drop { $0 == " " || $0 == "\t" }
            if t.hasPrefix("//") || t.hasPrefix("<!--") && t.dropFirst(4).allSatisfy({ $0 == " " }) || t.hasPrefix("-->")
                || t.hasPrefix("<![CDATA[") && t.count <= 12 || t.hasPrefix("]]>")
            {
                continue
            }
            lines.append(line)
        }
        var s = lines.joined(separator: " ")
        for marker in ["<!--", "-->", "<![CDATA[", "]]>"] { s = s.replacingOccurrences(of: marker, with: " ") }
        // Control characters (raw newlines and tabs inside strings are not
        // JSON) become spaces.
        var scalars = String.UnicodeScalarView()
        for u in s.unicodeScalars { scalars.append(u.value < 0x20 || u.value == 0x7F ? " " : u) }
        s = String(scalars)
        // Trailing semicolons, and commas before a closing bracket (outside
        // strings).
        s = s.trimmingCharacters(in: .whitespaces)
        while s.hasSuffix(";") {
            s.removeLast()
            s = s.trimmingCharacters(in: .whitespaces)
        }
        return removeTrailingCommas(s)
    }

    static func removeTrailingCommas(_ s: String) -> String {
        var out: [UInt8] = []
        let b = Array(s.utf8)
        out.reserveCapacity(b.count)
        var inString = false
        var escaped = false
        var i = 0
        while i < b.count {
            let c = b[i]
            if inString {
                if escaped { escaped = false } else if c == 92 { escaped = true } else if c == 34 { inString = false }
                out.append(c)
            } else if c == 34 {
                inString = true
                out.append(c)
            } else if c == 44 {
                var j = i + 1
                while j < b.count, b[j] == 32 { j += 1 }
                if j < b.count, b[j] == 125 || b[j] == 93 {
                    // Drop the comma.
                } else {
                    out.append(c)
                }
            } else {
                out.append(c)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The schema.org types of an object (without a `schema:` prefix).
    static func types(_ o: [String: Any]) -> [String] {
        let raw: [String]
        if let t = o["@type"] as? String {
            raw = [t]
        } else if let t = o["@type"] as? [Any] {
            raw = t.compactMap { $0 as? String }
        } else {
            raw = []
        }
        return raw.map { t in
            if let r = t.range(of: "/", options: .backwards) { return String(t[r.upperBound...]) }
            if t.hasPrefix("schema:") { return String(t.dropFirst(7)) }
            return t
        }
    }

    /// A string value, or the first string of a list, or an object's `@id`
    /// / `url` / `name` as asked.
    static func string(_ v: Any?) -> String? {
        if let s = v as? String { return BlogText.clean(s) }
        if let n = v as? NSNumber { return n.stringValue }
        if let a = v as? [Any] { return a.lazy.compactMap { string($0) }.first }
        if let d = v as? [String: Any] { return string(d["@value"]) }
        return nil
    }

    /// Values of a key as a list of objects or strings.
    static func list(_ v: Any?) -> [Any] {
        if let a = v as? [Any] { return a }
        if let v { return [v] }
        return []
    }
}
