import Kith
import KithStore

/// Feeds records to an exporter's writer. A writer that needs every record
/// before its first byte (`TwoPassRecordWriter`: the CSV layouts) plans from
/// each record as it comes, and at the end gets them again from a packed
/// copy (`PackedRecords`: 4 MB chunks, spilled to an unlinked temporary file
/// past 128 MB), so that neither it nor this holds every record as a value.
/// Other writers get each record straight away.
final class RecordOutput {
    private let writer: any RecordWriter
    private let twoPass: (any TwoPassRecordWriter)?
    private var kept = PackedRecords()

    init(_ writer: any RecordWriter) {
        self.writer = writer
        twoPass = writer as? any TwoPassRecordWriter
    }

    func write(_ record: CanonicalRecord) throws {
        guard let twoPass else { return try writer.write(record) }
        if twoPass.plan(record) { kept.append(record) }
    }

    func finish() throws {
        if let twoPass {
            try twoPass.planned()
            let records = kept.sealed()
            kept = PackedRecords()
            for k in 0..<records.count {
                // Written by JSONLWriter a moment ago: they read back.
                guard let record = records.record(at: k) else { preconditionFailure("packed record \(k) does not read back") }
                try twoPass.write(record)
            }
        }
        try writer.finish()
    }
}
