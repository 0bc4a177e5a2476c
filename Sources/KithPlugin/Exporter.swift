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
