// Throughput benchmarks for Kith's hot paths, run in release mode:
//
//   swift run -c release kith-bench jsonl [COUNT]
//   swift run -c release kith-bench wxr FILE [threads=2]
//
// Prints MB/s and records/s for the hand-written JSON Lines writer and reader
// beside Foundation's JSONEncoder/JSONDecoder on the same records, and the
// process's peak memory.
import Foundation
import Kith
import KithBlog
import KithJSON

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

/// Streams a WordPress export through the WXR importer, counting what it
/// emits: MB/s, comments/s and peak memory (compare with
/// ../shared/bench/peers/lxml_wxr.py on the same file).
func benchWXR(path: String, options: PluginOptions = PluginOptions()) throws {
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    var comments = 0, posts = 0, contacts = 0, diagnostics = 0
    var types: [String: Int] = [:]
    var summary = ImportSummary()
    let seconds = try time {
        summary = try WXRPlugin().importRecords(from: .file(path), options: options) { event in
            switch event {
            case .interaction(let i):
                if i.type == .post || i.type == .page {
                    posts += 1
                } else {
                    comments += 1
                    types[i.type.rawValue, default: 0] += 1
                }
            case .contact: contacts += 1
            case .diagnostic: diagnostics += 1
            }
        }
    }
    print("WXR \(path): \(size) bytes")
    print(String(format: "kith wxr importer %9.1f MB/s %11.0f comments/s %8.3f s", Double(size) / 1e6 / seconds, Double(comments) / seconds, seconds))
    print("records read \(summary.recordsRead), rejected \(summary.recordsRejected); posts/pages \(posts), comments \(comments) (\(types.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ","))), contacts \(contacts), diagnostics \(diagnostics)")
    print(String(format: "peak memory %.0f MB", peakRSSMegabytes()))
}

let args = CommandLine.arguments.dropFirst()
let which = args.first ?? "jsonl"
let count = args.dropFirst().first.flatMap { Int($0) } ?? 200_000
switch which {
case "jsonl": try benchJSONL(count: count)
case "jsonl-kith": try benchJSONL(count: count, kithOnly: true)  // for profiling
case "wxr":
    guard let path = args.dropFirst().first else {
        FileHandle.standardError.write(Data("usage: kith-bench wxr FILE\n".utf8))
        exit(2)
    }
    // Further arguments are plugin options, e.g. threads=2.
    var options = PluginOptions()
    for kv in args.dropFirst(2) {
        let parts = kv.split(separator: "=", maxSplits: 1).map(String.init)
        if parts.count == 2 { options[parts[0]] = parts[1] }
    }
    try benchWXR(path: path, options: options)
default:
    FileHandle.standardError.write(Data("usage: kith-bench jsonl [COUNT] | wxr FILE\n".utf8))
    exit(2)
}
