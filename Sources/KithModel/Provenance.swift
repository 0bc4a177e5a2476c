/// Where in an input a record was found: a line, a record index, a path.
///
/// Every part is optional because formats differ: a CSV row has a line and a
/// row number, an mbox message a line and a message index, a Maildir message
/// a file name, a WXR comment an XML path.
public struct Locator: Hashable, Codable, Sendable {
    /// 1-based line at which the record (or the problem) starts.
    public var line: Int?
    /// 1-based index of the record in its input (row, card, message, item).
    public var record: Int?
    /// A structural path inside the input (an XML path, a file in a folder).
    public var path: String?

    public init(line: Int? = nil, record: Int? = nil, path: String? = nil) {
        self.line = line
        self.record = record
        self.path = path
    }

    /// True when no part is set.
    public var isEmpty: Bool { line == nil && record == nil && path == nil }
}

extension Locator: CustomStringConvertible {
    /// A short human form: "line 12, record 3".
    public var description: String {
        var parts: [String] = []
        if let path { parts.append(path) }
        if let line { parts.append("line \(line)") }
        if let record { parts.append("record \(record)") }
        return parts.joined(separator: ", ")
    }
}

/// Where a record (and so each of its values) came from.
///
/// A contact read from one input has one `Provenance`; a merged contact has
/// one per input record that went into it, and each value names the ones it
/// came from through `sourceRefs`.
public struct Provenance: Hashable, Codable, Sendable {
    /// The id of the plugin that read the record ("vcard", "csv", …).
    public var plugin: String
    /// The input file path or URL as the user named it ("-" for stdin).
    public var file: String
    /// Where in the input the record is.
    public var locator: Locator
    /// The input's own identifier for the record, when it has one: a vCard
    /// UID, a CSV id column, a Message-ID, a WordPress comment id.
    public var recordId: String?

    public init(plugin: String, file: String, locator: Locator = Locator(), recordId: String? = nil) {
        self.plugin = plugin
        self.file = file
        self.locator = locator
        self.recordId = recordId
    }
}
