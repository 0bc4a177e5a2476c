#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
internal import KithPlugin

// Hand-written rather than built on a vCard library: no Swift library reads
// the damaged, mixed-encoding files real address books export (2.1 QP soft
// breaks, unindented base64 blocks, UTF-16, legacy code pages) at the speed
// Kith needs, and the ones in other languages (ez-vcard, vobject) are not
// callable from here. Working on bytes lets the front end unfold lines and
// join quoted-printable continuations before any text decoding, so a fold
// inside a multi-byte character or a Shift_JIS 0x5C byte is harmless.

/// The physical lines of an input, as UTF-8 bytes: a UTF-8 byte order mark
/// is skipped, UTF-16 (LE/BE, with or without a BOM) is transcoded on the fly.
///
/// Lines end at LF, CRLF or a lone CR; a `CR CR LF` sequence yields an empty
/// line, which the logical-line reader skips. Not `Sendable`.
///
/// A struct that takes the input a chunk (256 KB) at a time and splits the
/// lines itself with `memchr`, rather than asking `ByteStream` for each line:
/// every per-line call into the stream (a class) paid dynamic exclusivity
/// checks on its `var`s (`swift_beginAccess`, four a line) plus the calls and
/// closure thunks, about 4,500 instructions a card of the benchmark
/// (callgrind). UTF-16 input, which is rare, keeps its line reader.
struct PhysicalLines {
    private let stream: ByteStream
    private var utf16: UTF16Lines?
    /// 1-based number of the last line handed out.
    private(set) var lineNumber = 0
    /// True when the input was UTF-16.
    var isUTF16: Bool { utf16 != nil }

    /// Bytes taken from the input per read.
    static let chunkSize = 256 * 1024

    init(stream: ByteStream) {
        self.stream = stream
        let head = stream.peek(512)
        if head.starts(with: [0xEF, 0xBB, 0xBF]) {
            stream.skip(3)
        } else if let e = TextSniffer.utf16Endianness(head) {
            if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) { stream.skip(2) }
            utf16 = UTF16Lines(stream: stream, bigEndian: e == .big)
        }
    }

    /// Calls `body` with every line (valid only inside `body`) and its
    /// 1-based number, to the end of the input.
    mutating func forEach(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) rethrows {
        var n = lineNumber
        defer { lineNumber = n }
        if let u = utf16 {
            while try u.next({ line in
                n += 1
                try body(line, n)
            }) {}
            return
        }
        // The unfinished last line of a chunk waits here for the next one.
        var carry: [UInt8] = []
        // A line longer than a chunk doubles the next read, so a huge line
        // (a photo) is scanned a logarithmic number of times, not once a chunk.
        while let chunk = stream.read(maxCount: max(Self.chunkSize, carry.count)) {
            var data = chunk
            if !carry.isEmpty {
                carry.append(contentsOf: chunk)
                data = carry
                carry = []
            }
            let used = try data.withUnsafeBufferPointer { try Self.split($0, atEnd: false, &n, body) }
            if used < data.count { carry = Array(data[used...]) }
        }
        if !carry.isEmpty {
            _ = try carry.withUnsafeBufferPointer { try Self.split($0, atEnd: true, &n, body) }
        }
    }

    /// Hands out the complete lines of `p`; returns the bytes used. Unless
    /// `atEnd`, a last line without its end (or ending in a CR that may be
    /// the first half of a CRLF) is left for the next chunk.
    @inline(__always)
    static func split(
        _ p: UnsafeBufferPointer<UInt8>, atEnd: Bool, _ n: inout Int, _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void
    ) rethrows -> Int {
        guard let base = p.baseAddress else { return 0 }
        let count = p.count
        var start = 0
        while start < count {
            let lf = memchr(base + start, 0x0A, count - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? count
            if lf > start, let crp = memchr(base + start, 0x0D, lf - start) {
                // A lone CR or a CRLF ends the line first.
                let cr = UnsafePointer(crp.assumingMemoryBound(to: UInt8.self)) - base
                if cr + 1 >= count && !atEnd { break }
                n += 1
                try body(UnsafeBufferPointer(start: base + start, count: cr - start), n)
                start = cr + 1 < count && base[cr + 1] == 0x0A ? cr + 2 : cr + 1
                continue
            }
            if lf == count && !atEnd { break }
            n += 1
            try body(UnsafeBufferPointer(start: base + start, count: lf - start), n)
            start = lf + 1
        }
        return min(start, count)
    }
}

/// Transcodes a UTF-16 stream to UTF-8 chunk by chunk and splits it into lines.
final class UTF16Lines {
    private let stream: ByteStream
    private var transcoder: UTF16Transcoder
    private var out: [UInt8] = []
    private var head = 0
    private var atEnd = false

    init(stream: ByteStream, bigEndian: Bool) {
        self.stream = stream
        transcoder = UTF16Transcoder(bigEndian: bigEndian)
    }

    private func fill() -> Bool {
        guard !atEnd else { return false }
        guard let chunk = stream.read(maxCount: 64 * 1024) else {
            atEnd = true
            transcoder.finish(into: &out)
            return false
        }
        if head > 0 {
            out.removeSubrange(0..<head)
            head = 0
        }
        transcoder.transcode(chunk, into: &out)
        return true
    }

    func next(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows -> Bool {
        var scan = head
        while true {
            var end: Int?
            var term = 0
            while scan < out.count {
                let b = out[scan]
                if b == 0x0A {
                    end = scan
                    term = 1
                    break
                }
                if b == 0x0D {
                    if scan + 1 >= out.count && !atEnd {
                        break  // need the next byte to tell CRLF from CR
                    }
                    end = scan
                    term = scan + 1 < out.count && out[scan + 1] == 0x0A ? 2 : 1
                    break
                }
                scan += 1
            }
            if let e = end {
                let start = head
                try out.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<e])) }
                head = e + term
                return true
            }
            let offset = scan - head
            if !fill() {
                if head >= out.count { return false }
                if scan < out.count { continue }  // a trailing CR now decidable
                let start = head
                let e = out.count
                try out.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<e])) }
                head = e
                return true
            }
            scan = head + offset
        }
    }
}
