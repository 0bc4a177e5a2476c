public import KithModel

/// A person's name in comparison form: folded given and family parts.
public struct ParsedName: Hashable, Sendable {
    /// The first given name, folded ("robert"); a single letter is an initial.
    public var given: String
    /// Further given names and middle names, folded.
    public var middle: [String]
    /// The family name, folded, its words separated by spaces ("garcia lopez").
    public var family: String

    /// A parsed name from folded parts.
    public init(given: String = "", middle: [String] = [], family: String = "") {
        self.given = given
        self.middle = middle
        self.family = family
    }

    /// True when neither a given nor a family name is known.
    public var isEmpty: Bool { given.isEmpty && family.isEmpty }
}

/// Turns a `PersonName` into a ``ParsedName``: "Last, First" order,
/// honorific prefixes and suffixes dropped, initials kept as single letters,
/// notes a phone book adds to a name ("(work)", "- mobile", "NEW") removed,
/// and handles ("scottm82") or addresses used as names ignored.
public enum NameParser {
    static let prefixes: Set<String> = [
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "rev", "fr", "hon", "herr", "frau",
        "mme", "mlle", "m", "sr", "sra", "srta", "dott", "ing", "capt", "col", "lt", "sgt",
    ]
    static let suffixes: Set<String> = [
        "jr", "sr", "ii", "iii", "iv", "phd", "md", "dds", "esq", "mba", "msc", "bsc", "cpa", "rn", "dphil", "jun", "sen",
    ]
    /// Words a phone book or mail client appends to a name as a note.
    static let annotations: Set<String> = [
        "work", "home", "mobile", "cell", "new", "old", "private", "personal", "office", "business", "main", "fax",
        "pager", "other", "iphone", "landline",
    ]

    /// Parses a structured or formatted name.
    public static func parse(_ name: PersonName) -> ParsedName {
        let given = clean(name.given ?? "")
        let family = clean(name.family ?? "")
        if !given.isEmpty || !family.isEmpty {
            var g = given
            var middle: [String] = []
            if g.count > 1 {
                middle = Array(g.dropFirst())
                g = [g[0]]
            }
            if let m = name.middle { middle += TextFolding.tokens(m) }
            var f = family
            // A family name that is only a suffix ("Jr") is not a family name.
            f.removeAll { suffixes.contains($0) }
            return ParsedName(given: g.first ?? "", middle: middle, family: f.joined(separator: " "))
        }
        guard let formatted = name.formatted else { return ParsedName() }
        return parseFormatted(formatted)
    }

    /// Parses a display name as one text.
    public static func parseFormatted(_ text: String) -> ParsedName {
        if text.contains("@") { return ParsedName() }
        var body = stripBracketed(text)
        if let dash = body.firstRange(of: " - ") { body = String(body[..<dash.lowerBound]) }
        if let comma = body.firstIndex(of: ",") {
            let left = clean(String(body[..<comma]))
            let right = clean(String(body[body.index(after: comma)...]))
            if !left.isEmpty && !right.isEmpty {
                // "Smith, John R." → family Smith, given John, middle R.
                return ParsedName(given: right[0], middle: Array(right.dropFirst()), family: left.joined(separator: " "))
            }
            return fromTokens(left.isEmpty ? right : left)
        }
        return fromTokens(clean(body))
    }

    private static func fromTokens(_ tokens: [String]) -> ParsedName {
        switch tokens.count {
        case 0: return ParsedName()
        case 1:
            // A lone word with digits is a handle, not a name.
            if tokens[0].contains(where: \.isNumber) { return ParsedName() }
            return ParsedName(given: tokens[0])
        default:
            return ParsedName(given: tokens[0], middle: Array(tokens.dropFirst().dropLast()), family: tokens[tokens.count - 1])
        }
    }

    /// Folds and tokenises, dropping prefixes, suffixes and notes.
    static func clean(_ text: String) -> [String] {
        // Words are split at white space only, so "Robinson-King" stays one
        // (folded to "robinson king").
        var tokens = stripBracketed(text).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
            .map { TextFolding.fold($0) }.filter { !$0.isEmpty }
        while tokens.count > 1, prefixes.contains(tokens[0]) { tokens.removeFirst() }
        while tokens.count > 1, let last = tokens.last, suffixes.contains(last) || annotations.contains(last) {
            tokens.removeLast()
        }
        if tokens.count == 1, prefixes.contains(tokens[0]) && tokens[0].count > 1 { return [] }
        return tokens
    }

    private static func stripBracketed(_ text: String) -> String {
        guard text.contains("(") || text.contains("[") || text.contains("\"") else { return text }
        var out = ""
        var depth = 0
        var inQuote = false
        for ch in text {
            switch ch {
            case "(", "[": depth += 1
            case ")", "]": depth = max(0, depth - 1)
            case "\"": inQuote.toggle()
            default: if depth == 0 && !inQuote { out.append(ch) }
            }
        }
        return out
    }
}

