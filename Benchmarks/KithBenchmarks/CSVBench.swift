import Foundation
import Kith
@_spi(Benchmarks) import KithCSV

/// Imports a CSV file with the CSV plugin, building every contact, and
/// prints throughput beside the input size (compare with
/// `python3 ../shared/bench/peers/python_csv.py FILE`).
func benchCSV(path: String, options: PluginOptions = PluginOptions()) throws {
    let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    var contacts = 0
    var values = 0
    var diagnostics = 0
    var summary = ImportSummary()
    let t = try timeBoth {
        summary = try CSVPlugin().importRecords(from: .file(path), options: options) { event in
            switch event {
            case .contact(let c):
                contacts += 1
                values += c.emails.count + c.phones.count + c.addresses.count + c.organizations.count
            case .diagnostic: diagnostics += 1
            case .interaction: break
            }
        }
    }
    var scanned = (records: 0, cells: 0)
    let ts = try timeBoth { scanned = try CSVPlugin.scanCells(path: path) }
    line("kith csv cells (no model)", bytes: bytes, records: scanned.records, wall: ts.wall, cpu: ts.cpu)
    print("CSV import of \(path): \(bytes) bytes, \(summary.recordsRead) rows read, \(summary.recordsRejected) rejected; \(scanned.cells) non-empty cells")
    print("\(contacts) contacts with \(values) emails/phones/addresses/organisations, \(diagnostics) diagnostics")
    line(options["threads"].map { "kith csv importer (\($0) threads)" } ?? "kith csv importer (model)", bytes: bytes, records: summary.recordsRead, wall: t.wall, cpu: t.cpu)
    print(String(format: "peak memory %.0f MB", peakRSSMegabytes()))
}

/// The floor under any CSV importer producing model values: building (and
/// dropping) one contact per row from cells already split into strings
/// (e-mail and phone lists too), with no parsing at all. The file is split
/// with Foundation first, untimed.
func benchContactFloor(path: String) throws {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let rows = text.split(whereSeparator: \.isNewline).dropFirst().prefix(1_000_000)
        .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        .filter { $0.count >= 11 }
    let lists = rows.map { r in (r[6].split(separator: ";").map(String.init), r[7].split(separator: ";").map(String.init)) }
    var n = 0
    let t = timeBoth {
        for (i, cells) in rows.enumerated() {
            var c = Contact(id: "csv:\(i)")
            c.name = PersonName(formatted: cells[2], given: cells[3], family: cells[4], middle: cells[5])
            c.emails = lists[i].0.map { EmailAddress($0) }
            c.phones = lists[i].1.map { PhoneNumber(raw: $0) }
            c.organizations = [Organization(name: cells[8], title: cells[9])]
            c.addresses = [PostalAddress(locality: cells[10])]
            c.extensions = ["source": [cells[1]]]
            c.sources = [Provenance(plugin: "csv", file: path, locator: Locator(line: i + 2, record: i + 1), recordId: cells[0])]
            n += c.emails.count
        }
    }
    line("model floor (no parsing)", bytes: text.utf8.count, records: rows.count, wall: t.wall, cpu: t.cpu)
}
