public import KithModel
public import KithPlugin

/// The exporter contract as a reusable check; returns the problems found.
public enum ExporterConformance {
    /// Writes `records` with `exporter` into memory.
    public static func write(_ exporter: any Exporter, _ records: [CanonicalRecord], options: PluginOptions = PluginOptions())
        throws -> [UInt8]
    {
        let sink = ByteSink()
        let w = try exporter.makeWriter(to: sink, options: options)
        for r in records { try w.write(r) }
        try w.finish()
        try sink.flush()
        return sink.collected
    }

    /// Checks that writing is deterministic and, when `importer` is given,
    /// that what was written reads back to the same records after
    /// `normalize` (which maps a record to the part the format can hold, and
    /// may return nil for records the format cannot hold at all).
    public static func check(
        _ exporter: any Exporter, records: [CanonicalRecord], importer: (any Importer)? = nil, fileName: String = "out",
        options: PluginOptions = PluginOptions(), normalize: (CanonicalRecord) -> CanonicalRecord? = { $0 }
    ) -> [String] {
        var problems: [String] = []
        let id = exporter.descriptor.id
        let a: [UInt8]
        let b: [UInt8]
        do {
            a = try write(exporter, records, options: options)
            b = try write(exporter, records, options: options)
        } catch {
            return ["\(id): writing threw \(error)"]
        }
        if a != b { problems.append("\(id): the same records gave different bytes") }
        do {
            _ = try write(exporter, [], options: options)
        } catch {
            problems.append("\(id): writing no records threw \(error)")
        }
        guard let importer else { return problems }
        let outcome = ImporterConformance.run(importer, bytes: a, fileName: fileName, options: options)
        if let e = outcome.thrown { return problems + ["\(id): reading back threw \(e)"] }
        let expected = records.compactMap(normalize)
        let got: [CanonicalRecord] = outcome.events.compactMap {
            switch $0 {
            case .contact(let c): normalize(.contact(c))
            case .interaction(let i): normalize(.interaction(i))
            case .diagnostic(let d): records.contains(.diagnostic(d)) ? .diagnostic(d) : nil
            }
        }
        if expected.count != got.count {
            problems.append("\(id): wrote \(expected.count) records, read back \(got.count)")
        }
        for (e, g) in zip(expected, got) where e != g {
            problems.append("\(id): round trip changed a record:\n  wrote \(e)\n  read  \(g)")
            if problems.count > 5 { break }
        }
        return problems
    }
}
