/// A problem libxml2 (or KithXML itself) reported while reading a document.
///
/// Messages come from libxml2 and describe the markup ("Opening and ending
/// tag mismatch"); KithXML's own messages never quote document content.
public struct XMLIssue: Hashable, Sendable, CustomStringConvertible {
    /// How serious the problem is.
    public enum Severity: Int, Hashable, Sendable, Comparable {
        /// The document is fine; something was noted or ignored.
        case warning = 1
        /// The markup is wrong; the reader repaired it or skipped it.
        case error = 2
        /// The markup is so wrong that reading stopped (or, in recover mode,
        /// continued on a best guess).
        case fatal = 3

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// How serious it is.
    public var severity: Severity
    /// 1-based line in the input, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// What went wrong, in one line.
    public var message: String
    /// A short stable code: `xml.<libxml2 error number>` or a KithXML code
    /// such as `xml.dtd-ignored`.
    public var code: String

    public init(severity: Severity, line: Int?, column: Int? = nil, message: String, code: String) {
        self.severity = severity
        self.line = line
        self.column = column
        self.message = message
        self.code = code
    }

    public var description: String {
        let kind = severity == .warning ? "warning" : severity == .error ? "error" : "fatal error"
        if let line { return "line \(line): \(kind): \(message)" }
        return "\(kind): \(message)"
    }
}

/// Thrown when a document cannot be read at all.
public struct XMLError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// The 1-based line, when known.
    public var line: Int?

    public init(_ message: String, line: Int? = nil) {
        self.message = message
        self.line = line
    }

    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}
