public import KithModel

/// Receives canonical records one by one and writes them in a format.
///
/// Writers may buffer (a CSV layout whose columns depend on every record),
/// but should stream where the format allows.
public protocol RecordWriter: AnyObject {
    /// Writes (or buffers) one record. Exporters that cannot hold a record
    /// kind (diagnostics in vCard) ignore it.
    func write(_ record: CanonicalRecord) throws
    /// Writes what is buffered and any trailer. Called once, last.
    func finish() throws
}

/// A writer that must see every record before it can write its first byte
/// (a CSV layout whose columns depend on all contacts), and that a caller
/// able to go over the records twice can spare from holding them.
///
/// Such a caller shows each record to ``plan(_:)``, calls ``planned()``,
/// then passes the records `plan` kept, in the same order, to `write(_:)`
/// and calls `finish()`; the output is the same as from `write` and
/// `finish` alone, which buffers. (`kith` replays them from a packed copy
/// spilled to disk, so memory stays flat.)
public protocol TwoPassRecordWriter: RecordWriter {
    /// First pass: looks at one record and writes nothing. Returns false for
    /// a record this writer skips (an interaction in a contact CSV): it need
    /// not come again.
    func plan(_ record: CanonicalRecord) -> Bool
    /// Ends the first pass; `write(_:)` calls follow.
    func planned() throws
}

/// A plugin that writes canonical records in its format.
///
/// The contract, checked by `ExporterConformance` in KithTestSupport: the same
/// records give the same bytes (deterministic output), and where the plugin
/// can also import, what it writes reads back to equal values for every field
/// the format can hold.
public protocol Exporter: FormatPlugin {
    /// Makes a writer that writes to `sink`.
    func makeWriter(to sink: ByteSink, options: PluginOptions) throws -> any RecordWriter
}
