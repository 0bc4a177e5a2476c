public import KithModel

/// An input to import: a file, a folder, standard input or bytes in memory.
///
/// Not `Sendable`: a source wraps an open stream; use it on one task.
public final class ImportSource {
    private enum Storage {
        case file(String)
        case directory(String)
        case stream(ByteStream)
        case bytes([UInt8])
    }

    private let storage: Storage
    /// The name used in provenance and diagnostics: the path as the user gave
    /// it, or "-" for standard input.
    public let name: String

    private init(name: String, storage: Storage) {
        self.name = name
        self.storage = storage
    }

    /// A file on disk.
    public static func file(_ path: String) -> ImportSource { ImportSource(name: path, storage: .file(path)) }
    /// A folder read as one input (Maildir).
    public static func directory(_ path: String) -> ImportSource { ImportSource(name: path, storage: .directory(path)) }
    /// An already open stream, e.g. standard input; can be opened once.
    public static func stream(_ stream: ByteStream, name: String = "-") -> ImportSource {
        ImportSource(name: name, storage: .stream(stream))
    }
    /// Bytes in memory (tests, embedded data).
    public static func bytes(_ bytes: [UInt8], name: String) -> ImportSource { ImportSource(name: name, storage: .bytes(bytes)) }

    /// The file system path, for files and folders.
    public var path: String? {
        switch storage {
        case .file(let p), .directory(let p): p
        case .stream, .bytes: nil
        }
    }

    /// True for a folder source.
    public var isDirectory: Bool {
        if case .directory = storage { return true }
        return false
    }

    /// The stream most recently returned by `openStream()`, so that a caller
    /// can show progress (`bytesConsumed` against `totalBytes`).
    public private(set) var openedStream: ByteStream?

    /// Opens the bytes for reading. Throws `PluginError.unreadable` for a
    /// folder or a file that cannot be opened.
    public func openStream() throws(PluginError) -> ByteStream {
        let s: ByteStream
        switch storage {
        case .file(let p): s = try ByteStream(path: p)
        case .directory(let p): throw PluginError(.unreadable, "is a folder; this format reads files", file: p)
        case .stream(let stream): s = stream
        case .bytes(let b): s = ByteStream(bytes: b)
        }
        openedStream = s
        return s
    }
}

/// Settings for one import or export: plugin-specific `key=value` pairs
/// (from the CLI's `--option`) plus the few every plugin understands.
public struct PluginOptions: Hashable, Sendable {
    /// Raw settings; plugins document the keys they read.
    public var values: [String: String]

    public init(_ values: [String: String] = [:]) { self.values = values }

    /// The value for `key`, if set.
    public subscript(key: String) -> String? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// A boolean setting ("1", "true", "yes", "on" are true).
    public func flag(_ key: String) -> Bool {
        guard let v = values[key]?.lowercased() else { return false }
        return ["1", "true", "yes", "on"].contains(v)
    }
}

/// What an importer emits while it reads.
public enum ImportEvent: Hashable, Sendable {
    /// A contact was read.
    case contact(Contact)
    /// An interaction was read.
    case interaction(Interaction)
    /// Something went wrong; with severity `.error` it rejects one record.
    case diagnostic(Diagnostic)
}

/// The accounting of one import: every input record is either imported or
/// rejected, so `recordsRead == recordsImported + recordsRejected`.
public struct ImportSummary: Hashable, Sendable {
    /// Input records seen (cards, rows, messages, items, lines).
    public var recordsRead: Int
    /// Input records that could not be imported (each with an error diagnostic).
    public var recordsRejected: Int

    public init(recordsRead: Int = 0, recordsRejected: Int = 0) {
        self.recordsRead = recordsRead
        self.recordsRejected = recordsRejected
    }

    /// Records imported: read minus rejected.
    public var recordsImported: Int { recordsRead - recordsRejected }
}

/// A plugin that reads a format into canonical records.
///
/// The contract, checked by `ImporterConformance` in KithTestSupport:
/// - `detect` is cheap, looks only at the probe, and never throws.
/// - `importRecords` streams: it emits records as it reads and keeps no more
///   than one record's worth of input in memory.
/// - A bad record costs that record (an `.error` diagnostic with a locator,
///   counted in `recordsRejected`) or a value (a `.warning`), never the file.
///   It throws only when nothing at all can be read (an unopenable file, a
///   wrong format), or when `emit` throws (the caller stopping the import).
/// - No input, however truncated or hostile, crashes the process.
public protocol Importer: FormatPlugin {
    /// How sure the plugin is that it can read the probed input.
    func detect(_ probe: FormatProbe) -> Detection

    /// Reads `source`, calling `emit` for every record and diagnostic in input
    /// order, and returns the accounting.
    func importRecords(
        from source: ImportSource, options: PluginOptions, emit: (ImportEvent) throws -> Void
    ) throws -> ImportSummary
}
