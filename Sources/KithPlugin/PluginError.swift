/// The error the plugin layer throws: a code to match on, a message that
/// tells the whole story, where in the input it happened, and the cause.
///
/// Messages never quote field values (contact data is personal data).
public struct PluginError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure; extensible like `FormatID`.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// No plugin recognised the input.
        public static let noMatchingFormat = Code(rawValue: "no-matching-format")
        /// `--format`/`--to` named a plugin that is not registered.
        public static let unknownFormat = Code(rawValue: "unknown-format")
        /// The plugin exists but cannot import (or export).
        public static let unsupportedOperation = Code(rawValue: "unsupported-operation")
        /// The input could not be read at all.
        public static let unreadable = Code(rawValue: "unreadable")
        /// The output could not be written.
        public static let unwritable = Code(rawValue: "unwritable")
        /// The input is not what the plugin expected and nothing could be read.
        public static let malformed = Code(rawValue: "malformed")
        /// An option was missing or wrong (e.g. a CSV without header needs a mapping).
        public static let badOption = Code(rawValue: "bad-option")
    }

    public var code: Code
    public var message: String
    /// The file or input name it concerns, if any.
    public var file: String?
    /// Where in that file, if known.
    public var line: Int?
    /// The underlying error's description, if any.
    public var underlying: String?

    public init(_ code: Code, _ message: String, file: String? = nil, line: Int? = nil, underlying: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.underlying = underlying
    }

    public var description: String {
        var s = ""
        if let file {
            s += file
            if let line { s += ":\(line)" }
            s += ": "
        }
        s += message
        if let underlying { s += " (\(underlying))" }
        return s
    }
}
