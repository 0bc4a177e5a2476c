import Foundation
import KithModel
import KithPlugin
import KithTestSupport
import Testing

@testable import KithCSV

/// The reader with `threads=N` must emit exactly the serial reader's events,
/// whatever the batch boundaries.
@Suite("CSV: parallel reading gives the serial reader's events")
struct ParallelTests {
    private struct Run: Equatable {
        var events: [ImportEvent] = []
        var summary: ImportSummary?
    }

    private struct Stop: Error {}

    private func read(_ text: String, threads: Int, batchRows: Int = 1024, options: [String: String] = [:]) throws -> Run {
        var o = PluginOptions(options)
        o["threads"] = String(threads)
        let run = CSVImport(source: .bytes(Array(text.utf8), name: "invented.csv"), options: o, batchRows: batchRows)
        var out = Run()
        out.summary = try run.run { out.events.append($0) }
        return out
    }

    /// Rows of every kind the in-order stage has to get right: quoted cells
    /// over several lines (CRLF inside too), doubled quotes, text after a
    /// closing quote, blank lines, a repeated header, duplicate and empty
    /// record ids, a row with extra cells, one split by another delimiter,
    /// an empty contact, and a quote that never closes at the end.
    static let mixed = [
        "Record ID,Name,E-mail Address,Phone,Notes,Company",
        "r1,Anna-Lena Vogt,anna@example.org,+49 30 1234,\"first line\nsecond line\nthird\",Vogt GmbH",
        "r2,\"Søren \"\"Sol\"\" Hansen\",soren@example.dk,,\"a\r\nb\",",
        "",
        "r1,Dup Licate,dup@example.org,,,",
        ",No Id,noid@example.org,,,",
        "Record ID,Name,E-mail Address,Phone,Notes,Company",
        "r3,\"Liz\" Thornton,liz@example.com,,,",
        "r4,Extra Cells,extra@example.com,,,,surplus,more",
        "r5;Semi Colon;semi@example.com;;;",
        "r6,,,,,",
        "r7,\"Multi\nline name\",m@example.com,,\"notes with, comma\nand \"\"quotes\"\"\",Acme",
        "r2,Second Dup,,555,,",
        "  ,  ,  ,  ,  ,  ",
        "r8,Last Good,last@example.com,,,",
        "r9,\"never closed,x@example.com,,,",
        "r10,After,after@example.com,,,",
    ].joined(separator: "\n")

    @Test(arguments: [1, 2, 3, 5, 1024])
    func mixedRowsAnyBatchSize(batchRows: Int) throws {
        let serial = try read(Self.mixed, threads: 1)
        #expect(serial.events.count > 15)
        for threads in [2, 3] {
            let parallel = try read(Self.mixed, threads: threads, batchRows: batchRows)
            #expect(parallel == serial, "threads=\(threads) batchRows=\(batchRows)")
        }
    }

    /// Many invented rows with multi-line quoted cells at every offset from
    /// a batch boundary, and record ids repeating across batches.
    @Test(arguments: [7, 64])
    func generatedRowsSpanningBatches(batchRows: Int) throws {
        var lines = ["id,first name,last name,email,phone,notes,organization,city"]
        var seed: UInt64 = 42
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: (seed >> 33) % UInt64(n))
        }
        let names = ["Ana", "Bo", "Chidi", "Dörte", "Émile", "Fatima", "Gō", "Hana"]
        for i in 0..<600 {
            let id = next(10) == 0 ? "p\(next(50))" : "p\(i + 1000)"
            let first = names[next(names.count)]
            let last = next(5) == 0 ? "\"\(names[next(names.count)])-\nSmith\"" : names[next(names.count)]
            let email = next(4) == 0 ? "" : "\(first.lowercased())\(i)@example.org;x\(i)@example.net"
            let notes: String
            switch next(6) {
            case 0: notes = "\"line 1\nline 2\r\nline 3 \"\"quoted\"\"\""
            case 1: notes = "\"\n\n\""
            case 2: notes = "plain"
            default: notes = ""
            }
            lines.append([id, first, last, email, next(3) == 0 ? "+1 555 \(i)" : "", notes, next(4) == 0 ? "Acme" : "", "Town"].joined(separator: ","))
            if next(40) == 0 { lines.append("") }
        }
        let text = lines.joined(separator: "\r\n") + "\r\n"
        let serial = try read(text, threads: 1)
        #expect(serial.summary?.recordsRead == 600)
        let parallel = try read(text, threads: 2, batchRows: batchRows)
        #expect(parallel == serial)
    }

    @Test func errorFromTheConsumerStopsTheWorkers() {
        let rows = (0..<500).map { "r\($0),Name \($0),n\($0)@example.org" }
        let text = (["id,name,email"] + rows).joined(separator: "\n")
        var seen = 0
        let run = CSVImport(
            source: .bytes(Array(text.utf8), name: "invented.csv"), options: PluginOptions(["threads": "2"]), batchRows: 8)
        #expect(throws: Stop.self) {
            _ = try run.run { event in
                if case .contact = event { seen += 1 }
                if seen == 100 { throw Stop() }
            }
        }
        #expect(seen == 100)
    }

    @Test func threadsOption() throws {
        func count(_ o: [String: String], _ bytes: Int) throws -> Int {
            try CSVImport(source: .bytes([], name: "x.csv"), options: PluginOptions(o)).threadCount(inputBytes: bytes)
        }
        #expect(try count([:], 100 << 20) == 1)
        #expect(try count(["threads": "0"], 100) == 1)
        #expect(try count(["threads": "0"], 10 << 20) >= 1)
        #expect(try count(["threads": "3"], 1) == 3)
        #expect(throws: PluginError.self) { try count(["threads": "many"], 1) }
    }

    /// The importer contract (streaming, truncation, accounting) holds with threads.
    @Test(arguments: ["multiline.csv", "yahoo.csv", "outlook-de-semicolon.csv"])
    func conformanceWithThreads(_ name: String) throws {
        let problems = ImporterConformance.check(CSVPlugin(), sample: try fixture(name), fileName: name, options: PluginOptions(["threads": "2"]))
        #expect(problems.isEmpty, "\(problems)")
    }

    /// The producer thread takes over the decoder mid-file (after the
    /// header was read on the calling thread): UTF-16 (surrogate pairs, BOM)
    /// and a legacy code page over several hundred KiB, so that decoding
    /// state crosses the hand-over and the pipeline's chunk boundaries.
    @Test(arguments: [String.Encoding.utf16LittleEndian, .utf16BigEndian, .windowsCP1252])
    func decodedInputHandedToTheSplitter(_ encoding: String.Encoding) throws {
        var lines = ["id,name,email,notes"]
        for i in 0..<8000 {
            let name = encoding == .windowsCP1252 ? "Zoë Müller \(i)" : "Zoë 𝒜lgebra 😀 \(i)"
            lines.append("r\(i % 4000),\(name),z\(i)@example.org,\(i % 9 == 0 ? "\"über\r\nzwei\"" : "ça")")
        }
        var bytes = Array(lines.joined(separator: "\r\n").data(using: encoding)!)
        if encoding == .utf16BigEndian { bytes = [0xFE, 0xFF] + bytes }
        #expect(bytes.count > 300_000)
        func run(_ threads: Int) throws -> Run {
            let run = CSVImport(source: .bytes(bytes, name: "invented.csv"), options: PluginOptions(["threads": String(threads)]), batchRows: 100)
            var out = Run()
            out.summary = try run.run { out.events.append($0) }
            return out
        }
        let serial = try run(1)
        #expect(serial.summary?.recordsRead == 8000)
        #expect(try run(2) == serial)
    }

    @Test func headerlessMappingFallsBackToSerial() throws {
        let text = "Ada Lovelace,ada@example.org\nAlan Turing,alan@example.org\n"
        let mapping = #"{"header": false, "columns": {"1": "name.formatted", "2": "email:home"}}"#
        let options = ["mapping": mapping]
        #expect(try read(text, threads: 2, batchRows: 1, options: options) == read(text, threads: 1, options: options))
    }
}
