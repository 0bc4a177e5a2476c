// Throughput benchmarks for Kith's hot paths, run in release mode:
//
//   swift run -c release kith-bench jsonl [COUNT]
//   swift run -c release kith-bench mail FILE [TRUTH.tsv]   (KITH_MAIL_OPTIONS="threads=1;dedupe=no")
//
// Prints MB/s and records/s for the hand-written JSON Lines writer and reader
// beside Foundation's JSONEncoder/JSONDecoder on the same records, and the
// process's peak memory.
import Foundation
import Kith
import KithJSON
import KithMail

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

/// Reads an mbox through the Mail plugin, as `kith convert` does, and checks
/// sender, date and subject against gen_mbox.py's truth file (read line by
/// line beside the import, so memory stays flat).
func benchMail(path: String, truthPath: String?) throws {
    // KITH_MAIL_OPTIONS="threads=1;dedupe=no" passes plugin options.
    var options = PluginOptions()
    for kv in (ProcessInfo.processInfo.environment["KITH_MAIL_OPTIONS"] ?? "").split(separator: ";") {
        let parts = kv.split(separator: "=", maxSplits: 1)
        if parts.count == 2 { options[String(parts[0])] = String(parts[1]) }
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    let truth = truthPath.flatMap { FileManager.default.fileExists(atPath: $0) ? try? ByteStream(path: $0) : nil }
    _ = truth?.readLine()  // header
    var messages = 0, contacts = 0, checked = 0
    var bad = (from: 0, date: 0, subject: 0)
    var shown = 0
    func collapse(_ s: String) -> String {
        s.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }
    // Timed: the import alone.
    var summary = ImportSummary()
    let seconds = try time {
        summary = try MailPlugin().importRecords(from: .file(path), options: options) { event in
            switch event {
            case .interaction: messages += 1
            case .contact: contacts += 1
            case .diagnostic: break
            }
        }
    }
    let peak = peakRSSMegabytes()
    let cpu = cpuSeconds()
    // Untimed: the same import again, compared with the truth.
    if let truth {
        _ = try MailPlugin().importRecords(from: .file(path), options: PluginOptions()) { event in
            guard case .interaction(let i) = event, let row = truth.readLine() else { return }
            let cols = String(decoding: row, as: UTF8.self).split(separator: "\t", omittingEmptySubsequences: false)
            guard cols.count >= 5 else { return }
            checked += 1
            let from = i.participants.first { $0.role == .from }?.email?.lowercased() ?? ""
            let date = i.timestamp?.isoString ?? ""
            let subject = collapse(i.subject ?? "")
            var wrong: [String] = []
            if from != cols[2] { bad.from += 1; wrong.append("from") }
            if date != cols[3] { bad.date += 1; wrong.append("date \(date) vs \(cols[3])") }
            if subject != collapse(String(cols[4])) { bad.subject += 1; wrong.append("subject") }
            if !wrong.isEmpty && shown < 5 {
                shown += 1
                print("mismatch at message \(cols[0]): \(wrong.joined(separator: ", "))")
            }
        }
    }
    print("Mail plugin on \(path): \(summary.recordsRead) messages read, \(messages) interactions, \(contacts) contacts")
    line("kith mail import", bytes: size, records: summary.recordsRead, seconds: seconds)
    print(String(format: "cpu %.3f s (user+sys, whole process so far)", cpu))
    if truth != nil {
        print("truth: \(checked) checked; mismatches from=\(bad.from) date=\(bad.date) subject=\(bad.subject)")
    }
    print(String(format: "peak memory %.0f MB (import alone)", peak))
}

let args = CommandLine.arguments.dropFirst()
let which = args.first ?? "jsonl"
let count = args.dropFirst().first.flatMap { Int($0) } ?? 200_000
switch which {
case "jsonl": try benchJSONL(count: count)
case "jsonl-kith": try benchJSONL(count: count, kithOnly: true)  // for profiling
case "mail":
    guard let path = args.dropFirst().first else {
        FileHandle.standardError.write(Data("usage: kith-bench mail FILE [TRUTH.tsv]\n".utf8))
        exit(2)
    }
    try benchMail(path: path, truthPath: args.dropFirst(2).first ?? path + ".truth.tsv")
default:
    FileHandle.standardError.write(Data("usage: kith-bench jsonl [COUNT] | mail FILE [TRUTH.tsv]\n".utf8))
    exit(2)
}
