// Throughput benchmarks for Kith's hot paths, run in release mode:
//
//   swift run -c release kith-bench jsonl [COUNT]
//   swift run -c release kith-bench csv FILE.csv
//
// Prints MB/s and records/s for the hand-written JSON Lines writer and reader
// beside Foundation's JSONEncoder/JSONDecoder on the same records, and the
// process's peak memory.
import Foundation
import Kith
import KithJSON
@_spi(Benchmarks) import KithCSV

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

func time(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// CPU seconds (user + system) used by this process so far: on a shared,
/// busy machine a steadier measure than wall time.
func cpuSeconds() -> Double {
    var usage = rusage()
    #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
        getrusage(RUSAGE_SELF, &usage)
    #endif
    func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return s(usage.ru_utime) + s(usage.ru_stime)
}

/// Runs `body` and returns (wall seconds, CPU seconds).
func timeBoth(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    let c0 = cpuSeconds()
    let w = try time(body)
    return (w, cpuSeconds() - c0)
}

func line(_ name: String, bytes: Int, records: Int, wall: Double, cpu: Double) {
    print(String(format: "%-28@ %9.1f MB/s %11.0f records/s %8.3f s wall | CPU %8.3f s = %7.1f MB/s", name as NSString,
        Double(bytes) / 1e6 / wall, Double(records) / wall, wall, cpu, Double(bytes) / 1e6 / cpu))
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

func benchJSONL(count: Int) throws {
    let records = sampleContacts(count)
    print("JSON Lines, \(count) contacts")

    var writer = JSONLWriter()
    let tw = time {
        for r in records { writer.append(r) }
    }
    let bytes = writer.output
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

/// Imports a CSV file with the CSV plugin, building every contact, and
/// prints throughput beside the input size (compare with
/// `python3 ../shared/bench/peers/python_csv.py FILE`).
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
switch which {
case "jsonl": try benchJSONL(count: args.dropFirst().first.flatMap { Int($0) } ?? 200_000)
case "csv":
    guard let path = args.dropFirst().first else {
        FileHandle.standardError.write(Data("usage: kith-bench csv FILE.csv\n".utf8))
        exit(2)
    }
    try benchCSV(path: path)
    if args.dropFirst(2).first == "--floor" { try benchContactFloor(path: path) }
default:
    FileHandle.standardError.write(Data("usage: kith-bench jsonl [COUNT] | csv FILE.csv\n".utf8))
    exit(2)
}
