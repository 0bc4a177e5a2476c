/// A problem found while reading or writing: what went wrong and where.
///
/// Messages describe the problem without quoting personal data (names,
/// addresses) unless a plugin is asked to, since diagnostics end up in logs.
public struct Diagnostic: Hashable, Codable, Sendable {
    /// How serious the problem is.
    public enum Severity: String, Hashable, Codable, Sendable, CaseIterable, Comparable {
        /// Informational; nothing was lost.
        case note
        /// A value was repaired, guessed or dropped; the record was kept.
        case warning
        /// The record could not be imported and was rejected.
        case error

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// How serious the problem is.
    public var severity: Severity
    /// The input file (or URL) it concerns.
    public var file: String
    /// Where in the file.
    public var locator: Locator
    /// What was wrong and, where it helps, what to do about it.
    public var message: String
    /// A short stable code that tools can match on ("json.syntax", "vcard.qp").
    public var code: String?

    public init(severity: Severity, file: String, locator: Locator = Locator(), message: String, code: String? = nil) {
        self.severity = severity
        self.file = file
        self.locator = locator
        self.message = message
        self.code = code
    }
}

extension Diagnostic: CustomStringConvertible {
    /// The compiler-style form editors can jump to: `path:12: warning: message`.
    public var description: String {
        var s = file
        if let line = locator.line { s += ":\(line)" }
        s += ": \(severity.rawValue): "
        if locator.line == nil, !locator.isEmpty {
            s += "(\(locator)) "
        } else if let path = locator.path {
            // A file inside a folder input (Maildir) or an XML path.
            s += "(\(path)) "
        }
        s += message
        return s
    }
}
