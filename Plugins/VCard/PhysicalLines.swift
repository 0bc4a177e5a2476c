public import KithPlugin

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
final class PhysicalLines {
    private let stream: ByteStream
    private var utf16: UTF16Lines?
    /// 1-based number of the last line handed out.
    private(set) var lineNumber = 0
    /// True when the input was UTF-16.
    var isUTF16: Bool { utf16 != nil }

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

    /// Bytes of the underlying input consumed so far.
    var bytesConsumed: Int { stream.bytesConsumed }

    /// Calls `body` with the next line (valid only inside `body`); false at
    /// the end of the input.
    @inline(__always)
    func next(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows -> Bool {
        if let u = utf16 {
            guard try u.next(body) else { return false }
            lineNumber += 1
            return true
        }
        guard try stream.withNextLine({ p, _ in try body(p) }) != nil else { return false }
        lineNumber += 1
        return true
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
