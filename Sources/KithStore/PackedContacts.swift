import Foundation
public import KithModel
public import KithPipeline
import KithJSON

/// Records kept packed as canonical JSON Lines and decoded on demand, in
/// fixed-size chunks rather than one growing array (which doubles its
/// capacity as it grows and, while growing, holds both buffers). Past
/// `memoryBudget` bytes the chunks go to an unlinked temporary file and are
/// read back with `pread`, so memory stays flat as the input grows: a
/// million contacts are about 540 MB of JSON Lines, 500,000 mails' header
/// interactions about 400 MB.
public struct PackedRecords: Sendable {
    public let chunkSize: Int
    public let memoryBudget: Int
    /// Chunks in memory; a spilled chunk is an empty array here.
    private var chunks: [[UInt8]] = []
    /// Per chunk: its offset in the spill file, or -1 when it is in memory.
    private var fileOffsets: [Int] = []
    private var current: [UInt8] = []
    private var kept = 0
    private var spill: SpillFile?
    /// Per record: its chunk (high 32 bits) and end offset in it (low 32).
    private var spans: [UInt64] = []

    public var count: Int { spans.count }

    public init(chunkSize: Int = 4 << 20, memoryBudget: Int = 128 << 20) {
        self.chunkSize = chunkSize
        self.memoryBudget = memoryBudget
    }

    /// Appends a record.
    public mutating func append(_ record: CanonicalRecord) {
        var w = JSONLWriter()
        w.append(record)
        append(line: w.output)
    }

    /// Appends a record already encoded as one canonical JSON line
    /// (`JSONLWriter`'s, as the store keeps record bodies), without its
    /// newline.
    public mutating func append(encoded json: String) {
        var json = json
        json.withUTF8 { append(line: $0, newline: true) }
    }

    private mutating func append(line: some Collection<UInt8>, newline: Bool = false) {
        let size = line.count + (newline ? 1 : 0)
        if !current.isEmpty && current.count + size > chunkSize { sealCurrent() }
        if current.isEmpty { current.reserveCapacity(max(chunkSize, size)) }
        current.append(contentsOf: line)
        if newline { current.append(0x0A) }
        spans.append(UInt64(chunks.count) << 32 | UInt64(current.count))
    }

    /// Moves the chunk being filled to memory or, past the budget, to the
    /// spill file. Reading needs every chunk sealed: see `sealed()`.
    private mutating func sealCurrent() {
        if kept + current.count <= memoryBudget || (spill == nil && (try? spill = SpillFile()) == nil) {
            kept += current.count
            chunks.append(current)
            fileOffsets.append(-1)
        } else if let offset = try? spill!.append(current) {
            chunks.append([])
            fileOffsets.append(offset)
        } else {
            // The disk is full or failing: keep the chunk in memory.
            chunks.append(current)
            fileOffsets.append(-1)
        }
        current = []
    }

    /// The records with every chunk in place, ready to read.
    public func sealed() -> PackedRecords {
        var copy = self
        if !copy.current.isEmpty { copy.sealCurrent() }
        return copy
    }

    /// The record at `index` (nil when its line no longer decodes: bytes
    /// kept in a store and damaged since).
    public func record(at index: Int) -> CanonicalRecord? {
        let span = spans[index]
        let k = Int(span >> 32), end = Int(span & 0xFFFF_FFFF)
        let start = index > 0 && spans[index - 1] >> 32 == span >> 32 ? Int(spans[index - 1] & 0xFFFF_FFFF) : 0
        precondition(k < chunks.count, "read PackedRecords through sealed()")
        if fileOffsets[k] < 0 {
            return chunks[k].withUnsafeBufferPointer { try? JSONLReader.decode(UnsafeBufferPointer(rebasing: $0[start..<end - 1])) }
        }
        let bytes = spill!.read(at: fileOffsets[k] + start, count: end - 1 - start)
        return bytes.withUnsafeBufferPointer { try? JSONLReader.decode($0) }
    }
}

/// Contacts kept packed (see ``PackedRecords``): matching reads each contact
/// twice (to normalise it, to merge it), so holding them as values would
/// cost about three times the memory.
public struct PackedContacts: ContactCollection {
    private var records: PackedRecords

    public var count: Int { records.count }

    public init(chunkSize: Int = 4 << 20, memoryBudget: Int = 128 << 20) {
        records = PackedRecords(chunkSize: chunkSize, memoryBudget: memoryBudget)
    }

    /// Appends a contact.
    public mutating func append(_ c: Contact) { records.append(.contact(c)) }

    /// Appends a contact already encoded as one canonical JSON line, without
    /// its newline.
    public mutating func append(encoded json: String) { records.append(encoded: json) }

    /// The collection with every chunk in place, ready to read.
    public func sealed() -> PackedContacts {
        var copy = self
        copy.records = records.sealed()
        return copy
    }

    /// The contact at `index`. A line that does not decode as a contact (a
    /// store body damaged since it was written) reads as a contact without
    /// values: it matches nothing, where a crash would lose the whole run.
    public func contact(at index: Int) -> Contact {
        guard case .contact(let c)? = records.record(at: index) else { return Contact(id: "") }
        return c
    }
}

/// An anonymous temporary file (unlinked as soon as it is open, so nothing
/// is left behind even if the process is killed) for `PackedContacts`.
final class SpillFile: Sendable {
    let fd: Int32

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/kith-spill-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw SpillFailure(message: "cannot create a temporary file in \(NSTemporaryDirectory())") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Appends `bytes` at the end; returns where they start.
    func append(_ bytes: [UInt8]) throws -> Int {
        let offset = Int(lseek(fd, 0, SEEK_END))
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, $0.count - done, off_t(offset + done)) }
            guard n > 0 else { throw SpillFailure(message: "cannot write the temporary file: \(String(cString: strerror(errno)))") }
            done += n
        }
        return offset
    }

    /// `count` bytes from `offset`.
    func read(at offset: Int, count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buf, initialized in
            var done = 0
            while done < count {
                let n = pread(fd, buf.baseAddress! + done, count - done, off_t(offset + done))
                precondition(n > 0, "the temporary file lost bytes Kith wrote to it")
                done += n
            }
            initialized = count
        }
    }
}

/// Why the spill file could not be used (the caller keeps the bytes in
/// memory instead).
struct SpillFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
