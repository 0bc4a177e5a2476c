import Foundation
import Kith
import KithJSON

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
