/// The user's decisions: records that are the same person and records that
/// never are. Read from a text file, one rule a line:
///
/// ```
/// # comments and blank lines are ignored
/// same   RECORD_A  RECORD_B
/// never  RECORD_A  RECORD_B
/// review RECORD_A  RECORD_B   # written by --review; ignored until changed
/// ```
///
/// A record is named by its record id (the input's own id, e.g. a CSV
/// `record_id` column or a vCard UID), by `file:locator` as in
/// `--clusters-out`, or by its contact id. Ids holding spaces are written in
/// double quotes. `never` wins over `same` and over any score.
public struct MatchRules: Hashable, Sendable {
    /// Pairs that are the same person.
    public var same: [(String, String)] { sameStorage.map { ($0.a, $0.b) } }
    /// Pairs that are never the same person.
    public var never: [(String, String)] { neverStorage.map { ($0.a, $0.b) } }

    struct Pair: Hashable, Sendable {
        var a: String
        var b: String
    }
    private var sameStorage: [Pair] = []
    private var neverStorage: [Pair] = []

    /// No rules.
    public init() {}

    /// Adds a same-person rule.
    public mutating func addSame(_ a: String, _ b: String) { sameStorage.append(Pair(a: a, b: b)) }
    /// Adds a never-the-same rule.
    public mutating func addNever(_ a: String, _ b: String) { neverStorage.append(Pair(a: a, b: b)) }

    /// True when no rule is set.
    public var isEmpty: Bool { sameStorage.isEmpty && neverStorage.isEmpty }

    /// A line of a rules file that could not be read.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        /// 1-based line number.
        public var line: Int
        /// What is wrong.
        public var message: String
        /// "line N: message".
        public var description: String { "line \(line): \(message)" }
    }

    /// Parses the text of a rules file.
    public init(parsing text: String) throws(ParseError) {
        for (n, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = Self.fields(rawLine)
            guard let verb = fields.first else { continue }
            switch verb.lowercased() {
            case "same", "never":
                guard fields.count == 3 else {
                    throw ParseError(line: n + 1, message: "expected '\(verb) RECORD_A RECORD_B'")
                }
                if verb.lowercased() == "same" { addSame(fields[1], fields[2]) } else { addNever(fields[1], fields[2]) }
            case "review": continue
            default:
                throw ParseError(line: n + 1, message: "unknown rule '\(verb)' (expected same, never or review)")
            }
        }
    }

    /// Splits a line into whitespace-separated fields, honouring double
    /// quotes and dropping a `#` comment.
    static func fields(_ line: Substring) -> [String] {
        var out: [String] = []
        var current = ""
        var inQuote = false
        var has = false
        for ch in line {
            if inQuote {
                if ch == "\"" { inQuote = false } else { current.append(ch) }
                continue
            }
            switch ch {
            case "\"":
                inQuote = true
                has = true
            case "#":
                if has { out.append(current) }
                return out
            case " ", "\t", "\r":
                if has { out.append(current) }
                current = ""
                has = false
            default:
                current.append(ch)
                has = true
            }
        }
        if has { out.append(current) }
        return out
    }

    /// Quotes an id for a rules file when it needs it.
    public static func quote(_ id: String) -> String {
        id.contains(where: { $0 == " " || $0 == "\t" || $0 == "#" || $0 == "\"" }) || id.isEmpty
            ? "\"" + id.replacing("\"", with: "'") + "\"" : id
    }

    /// Same rules in the same order.
    public static func == (l: MatchRules, r: MatchRules) -> Bool {
        l.sameStorage == r.sameStorage && l.neverStorage == r.neverStorage
    }
    /// Hashes the rules.
    public func hash(into h: inout Hasher) {
        h.combine(sameStorage)
        h.combine(neverStorage)
    }
}
