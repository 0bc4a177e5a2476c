import Foundation
import Kith
import KithVCard

/// Streams a vCard file through the importer (as `kith convert` does) and
/// reports throughput and peak memory; then writes the contacts back as
/// vCard 4.0 and reports the writer's speed.
func benchVCard(path: String) throws {
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    print("vCard, \(path) (\(size) bytes)")
    // KITH_VCARD_OPTIONS="threads=1" passes plugin options.
    var options = PluginOptions()
    for kv in (ProcessInfo.processInfo.environment["KITH_VCARD_OPTIONS"] ?? "").split(separator: ";") {
        let parts = kv.split(separator: "=", maxSplits: 1)
        if parts.count == 2 { options[String(parts[0])] = String(parts[1]) }
    }
    var contacts = 0, diagnostics = 0
    var summary = ImportSummary()
    var keep: [Contact] = []
    let cpu0 = cpuSeconds()
    let t = try time {
        summary = try VCardPlugin().importRecords(from: .file(path), options: options) { e in
            switch e {
            case .contact(let c):
                contacts += 1
                if keep.count < 20_000 { keep.append(c) }
            case .diagnostic: diagnostics += 1
            case .interaction: break
            }
        }
    }
    let cpu = cpuSeconds() - cpu0
    let rss = peakRSSMegabytes()
    line("kith vcard reader (wall)", bytes: size, records: summary.recordsRead, seconds: t)
    line("kith vcard reader (CPU)", bytes: size, records: summary.recordsRead, seconds: cpu)
    print("cards \(summary.recordsRead), contacts \(contacts), rejected \(summary.recordsRejected), diagnostics \(diagnostics)")
    print(String(format: "peak memory after reading %.0f MB", rss))
    var writer = VCardWriter(version: .v40)
    let tw = time {
        for c in keep { writer.append(c) }
    }
    line("kith vcard writer (4.0)", bytes: writer.output.count, records: keep.count, seconds: tw)
}
