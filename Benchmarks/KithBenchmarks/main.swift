// Throughput benchmarks for Kith's hot paths, run in release mode:
//
//   swift run -c release kith-bench jsonl [COUNT]
//   swift run -c release kith-bench vcard FILE.vcf
//   swift run -c release kith-bench csv FILE.csv [--floor]
//
// Prints MB/s and records/s for the hand-written JSON Lines writer and reader
// beside Foundation's JSONEncoder/JSONDecoder on the same records, and the
// process's peak memory.
import Foundation
import Kith
import KithJSON
@_spi(Benchmarks) import KithCSV
import KithVCard

#if canImport(Glibc)
    import Glibc
#endif

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
        getrusage(RUSAGE_SELF, &usage)
    #endif
    #if os(Linux)
        return Double(usage.ru_maxrss) / 1024
    #else
        return Double(usage.ru_maxrss) / 1024 / 1024
    #endif
}

/// User + system CPU seconds of this process so far (robust on a loaded machine).
func cpuSeconds() -> Double {
    var usage = rusage()
    #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
        getrusage(RUSAGE_SELF, &usage)
    #endif
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func time(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func line(_ name: String, bytes: Int, records: Int, seconds: Double) {
    let mbps = Double(bytes) / 1e6 / seconds
    let rps = Double(records) / seconds
    print(String(format: "%-28@ %9.1f MB/s %11.0f records/s %8.3f s", name as NSString, mbps, rps, seconds))
}

/// Realistic contacts (not the torture strings of the test generator).
func sampleContacts(_ n: Int) -> [CanonicalRecord] {
    let given = ["Anna", "Jürgen", "Maria", "Wei", "Olga", "James", "Fatima", "Lucía", "Noah", "Aiko"]
    let family = ["Schmidt", "García", "Nguyen", "O'Brien", "Kowalski", "Müller", "Smith", "Rossi", "Tanaka", "Dubois"]
    let cities = ["Berlin", "Madrid", "Hanoi", "Dublin", "Kraków", "München", "Leeds", "Roma", "Osaka", "Lyon"]
    var out: [CanonicalRecord] = []
    out.reserveCapacity(n)
    for i in 0..<n {
        let g = given[i % 10], f = family[(i / 10) % 10]
        var c = Contact(id: "csv:\(String(i, radix: 16))")
        c.name = PersonName(formatted: "\(g) \(f)", given: g, family: f)
        c.emails = [EmailAddress("\(g.lowercased()).\(i)@example.org", labels: ["work"], preferred: true)]
        c.phones = [PhoneNumber(raw: "+49 30 \(100000 + i)", e164: "+4930\(100000 + i)", labels: ["mobile"])]
        c.addresses = [PostalAddress(street: "\(i % 200) Hauptstraße", locality: cities[i % 10], postalCode: "\(10000 + i % 9000)", country: "DE", labels: ["home"])]
        c.organizations = [Organization(name: "Acme \(i % 50) GmbH", title: "Engineer")]
        c.notes = i % 5 == 0 ? ["Met at the \"Open Source\" meetup;\nfollow up in spring."] : []
        c.sources = [Provenance(plugin: "csv", file: "contacts.csv", locator: Locator(line: i + 2, record: i + 1), recordId: "r\(i)")]
        out.append(.contact(c))
    }
    return out
}

func benchJSONL(count: Int, kithOnly: Bool = false) throws {
    let records = sampleContacts(count)
    print("JSON Lines, \(count) contacts")

    // Written as the exporter does: in 64 KiB pieces handed to the sink.
    var writer = JSONLWriter()
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count * 700)
    let tw = time {
        for r in records {
            writer.append(r)
            if writer.buffer.count >= 64 * 1024 {
                writer.buffer.withBytes { bytes.append(contentsOf: $0) }
                writer.buffer.removeAll()
            }
        }
        writer.buffer.withBytes { bytes.append(contentsOf: $0) }
    }
    line("kith writer", bytes: bytes.count, records: count, seconds: tw)

    var decoded = 0
    let tr = try time {
        try bytes.withUnsafeBufferPointer { p in
            var start = 0
            for i in 0..<p.count where p[i] == 10 {
                _ = try JSONLReader.decode(UnsafeBufferPointer(rebasing: p[start..<i]))
                decoded += 1
                start = i + 1
            }
        }
    }
    precondition(decoded == count)
    line("kith reader", bytes: bytes.count, records: count, seconds: tr)

    if kithOnly { return }
    // The peers: Foundation's Codable on the same records (a tenth of them, it is slow).
    let n = max(1, count / 10)
    let subset = Array(records.prefix(n))
    let encoder = JSONEncoder()
    var encodedBytes = 0
    var lines: [Data] = []
    let te = try time {
        for r in subset {
            let d = try encoder.encode(r)
            encodedBytes += d.count + 1
            lines.append(d)
        }
    }
    line("Foundation JSONEncoder", bytes: encodedBytes, records: n, seconds: te)
    let decoder = JSONDecoder()
    let td = try time {
        for d in lines { _ = try decoder.decode(CanonicalRecord.self, from: d) }
    }
    line("Foundation JSONDecoder", bytes: encodedBytes, records: n, seconds: td)
    print(String(format: "writer %.1fx JSONEncoder, reader %.1fx JSONDecoder",
        (Double(bytes.count) / tw) / (Double(encodedBytes) / te), (Double(bytes.count) / tr) / (Double(encodedBytes) / td)))
    print(String(format: "peak memory %.0f MB", peakRSSMegabytes()))
}

/// Streams a vCard file through the importer (as `kith convert` does) and
/// reports throughput and peak memory; then writes the contacts back as
/// vCard 4.0 and reports the writer's speed.
func benchVCard(path: String) throws {
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    print("vCard, \(path) (\(size) bytes)")
    var contacts = 0, diagnostics = 0
    var summary = ImportSummary()
    var keep: [Contact] = []
    let cpu0 = cpuSeconds()
    let t = try time {
        summary = try VCardPlugin().importRecords(from: .file(path), options: PluginOptions()) { e in
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


func timeBoth(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    let c0 = cpuSeconds()
    let w = try time(body)
    return (w, cpuSeconds() - c0)
}

func line(_ name: String, bytes: Int, records: Int, wall: Double, cpu: Double) {
    print(String(format: "%-28@ %9.1f MB/s %11.0f records/s %8.3f s wall | CPU %8.3f s = %7.1f MB/s", name as NSString,
        Double(bytes) / 1e6 / wall, Double(records) / wall, wall, cpu, Double(bytes) / 1e6 / cpu))
}

func benchCSV(path: String) throws {
    let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    var contacts = 0
    var values = 0
    var diagnostics = 0
    var summary = ImportSummary()
    let t = try timeBoth {
        summary = try CSVPlugin().importRecords(from: .file(path), options: PluginOptions()) { event in
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
    line("kith csv importer (model)", bytes: bytes, records: summary.recordsRead, wall: t.wall, cpu: t.cpu)
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

let args = CommandLine.arguments.dropFirst()
let which = args.first ?? "jsonl"
let count = args.dropFirst().first.flatMap { Int($0) } ?? 200_000
switch which {
case "jsonl": try benchJSONL(count: count)
case "jsonl-kith": try benchJSONL(count: count, kithOnly: true)  // for profiling
case "vcard" where args.count >= 2: try benchVCard(path: String(args[args.startIndex + 1]))
case "csv" where args.count >= 2:
    let path = String(args[args.startIndex + 1])
    try benchCSV(path: path)
    if args.dropFirst(2).first == "--floor" { try benchContactFloor(path: path) }
default:
    FileHandle.standardError.write(Data("usage: kith-bench jsonl [COUNT] | vcard FILE.vcf | csv FILE.csv [--floor]\n".utf8))
    exit(2)
}
