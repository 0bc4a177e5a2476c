/// Names a format plugin: `"vcard"`, `"csv"`, `"jsonl"`. Open, like
/// `DatabaseID` in fluent-kit: any plugin may introduce its own.
public struct FormatID: RawRepresentable, Hashable, Comparable, Sendable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (lhs: FormatID, rhs: FormatID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a plugin can do with its format.
public struct FormatCapabilities: OptionSet, Hashable, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// Reads the format into canonical records.
    public static let `import` = FormatCapabilities(rawValue: 1)
    /// Writes canonical records in the format.
    public static let export = FormatCapabilities(rawValue: 2)
    /// Reads a folder as one input (Maildir), rather than file by file.
    public static let directoryInput = FormatCapabilities(rawValue: 4)
}

/// How a plugin describes itself to the registry and to users (`kith formats`).
public struct FormatDescriptor: Hashable, Sendable {
    /// The id users type after `--format` and `--to`.
    public var id: FormatID
    /// A human name ("vCard 2.1/3.0/4.0 and jCard").
    public var name: String
    /// One line on what the plugin reads and writes.
    public var summary: String
    /// File extensions, lower case, without the dot (`["vcf", "vcard"]`).
    public var fileExtensions: [String]
    /// Media types (`["text/vcard"]`).
    public var mediaTypes: [String]
    /// Import, export, folder input.
    public var capabilities: FormatCapabilities
    /// Where the plugin comes from: "built-in", "swift", or an executable's path.
    public var origin: String

    public init(
        id: FormatID, name: String, summary: String = "", fileExtensions: [String] = [], mediaTypes: [String] = [],
        capabilities: FormatCapabilities, origin: String = "built-in"
    ) {
        self.id = id
        self.name = name
        self.summary = summary
        self.fileExtensions = fileExtensions
        self.mediaTypes = mediaTypes
        self.capabilities = capabilities
        self.origin = origin
    }
}

/// Anything the registry can hold. Conforming types are `Sendable` values with
/// no associated types, so the registry can store them as existentials.
public protocol FormatPlugin: Sendable {
    /// Who the plugin is and what it can do.
    var descriptor: FormatDescriptor { get }
}
