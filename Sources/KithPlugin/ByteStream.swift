#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

private func systemRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int { read(fd, p, n) }

/// A buffered, forward-only reader of bytes from a file, standard input or
/// memory, with line splitting and look-ahead.
///
/// Importers stream through it so that memory stays flat whatever the input
/// size: the buffer holds the current window only. Lines end at LF, CRLF or a
/// lone CR; `lineNumber` counts them. Not `Sendable`: use it on one task.
///
/// Hand-written rather than `FileHandle.bytes` because that yields one byte per
/// async call (far too slow for 100 MB/s parsers) and `readToEnd` is not
/// streaming.
public final class ByteStream {
    private var buffer: [UInt8]
    private var head = 0  // first unread byte in buffer
    private var fd: Int32
    private let ownsDescriptor: Bool
    private var atEOF: Bool
    private let chunkSize: Int

    /// Bytes handed out so far (for progress).
    public private(set) var bytesConsumed: Int = 0
    /// The total size when known (regular files, memory).
    public let totalBytes: Int?
    /// Lines returned by the line readers so far; the 1-based number of the
    /// last line returned.
    public private(set) var lineNumber: Int = 0

    /// Reads from memory.
    public init(bytes: [UInt8]) {
        buffer = bytes
        fd = -1
        ownsDescriptor = false
        atEOF = true
        chunkSize = 0
        totalBytes = bytes.count
    }

    /// Reads the chunks `pull` hands out, until it returns nil (for bytes
    /// made on the fly, such as a format rebuilt as another's text).
    public init(pull: @escaping () -> [UInt8]?) {
        buffer = []
        fd = -1
        ownsDescriptor = false
        atEOF = false
        chunkSize = 0
        totalBytes = nil
        self.pull = pull
    }

    private var pull: (() -> [UInt8]?)?

    /// Reads from an open file descriptor (e.g. 0 for standard input).
    public init(fileDescriptor: Int32, closeWhenDone: Bool = false, chunkSize: Int = 256 * 1024) {
        buffer = []
        fd = fileDescriptor
        ownsDescriptor = closeWhenDone
        atEOF = false
        self.chunkSize = chunkSize
        var st = stat()
        if fstat(fileDescriptor, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG {
            totalBytes = Int(st.st_size)
        } else {
            totalBytes = nil
        }
    }

    /// Opens a file for reading.
    public convenience init(path: String, chunkSize: Int = 256 * 1024) throws(PluginError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw PluginError(.unreadable, "cannot open the file: \(reason)", file: path)
        }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw PluginError(.unreadable, "is a folder, not a file", file: path)
        }
        self.init(fileDescriptor: fd, closeWhenDone: true, chunkSize: chunkSize)
    }

    private var scratch: UnsafeMutableRawPointer?

    deinit {
        if ownsDescriptor && fd >= 0 { close(fd) }
        scratch?.deallocate()
    }

    /// Reads more bytes into the buffer; false at end of input.
    @discardableResult
    private func fill() -> Bool {
        guard !atEOF else { return false }
        if head > 0 && head >= buffer.count / 2 {
            buffer.removeSubrange(0..<head)
            head = 0
        }
        if let pull {
            while true {
                guard let chunk = pull() else {
                    atEOF = true
                    return false
                }
                if chunk.isEmpty { continue }
                buffer.append(contentsOf: chunk)
                return true
            }
        }
        // Read into a scratch block, then append: growing the array with
        // zeros first and trimming after was slow in debug builds.
        if scratch == nil { scratch = .allocate(byteCount: chunkSize, alignment: 16) }
        let n = readFile(into: scratch!, maxCount: chunkSize)
        if n == 0 { return false }
        buffer.append(contentsOf: UnsafeBufferPointer(start: scratch!.assumingMemoryBound(to: UInt8.self), count: n))
        return true
    }

    /// True when every byte has been consumed.
    public var isAtEnd: Bool {
        if head < buffer.count { return false }
        return !fill() && head >= buffer.count
    }

    /// Up to `count` next bytes without consuming them.
    public func peek(_ count: Int) -> [UInt8] {
        while buffer.count - head < count && fill() {}
        return Array(buffer[head..<min(buffer.count, head + count)])
    }

    /// Consumes and returns up to `maxCount` bytes; nil at end of input.
    public func read(maxCount: Int = 256 * 1024) -> [UInt8]? {
        if head >= buffer.count && !fill() { return nil }
        let end = min(buffer.count, head + maxCount)
        let out = Array(buffer[head..<end])
        bytesConsumed += end - head
        head = end
        return out
    }

    /// Copies up to `maxCount` next bytes to `destination` and consumes
    /// them; returns how many (0 at the end of input). With nothing
    /// buffered, reads the file straight into `destination`: a reader with
    /// a buffer of its own gets each byte copied once (by the kernel), not
    /// three times (into the scratch block, the buffer, a returned array).
    public func read(into destination: UnsafeMutableRawPointer, maxCount: Int) -> Int {
        guard maxCount > 0 else { return 0 }
        if head < buffer.count {
            let n = min(maxCount, buffer.count - head)
            buffer.withUnsafeBytes { src in
                destination.copyMemory(from: src.baseAddress! + head, byteCount: n)
            }
            head += n
            bytesConsumed += n
            return n
        }
        guard !atEOF else { return 0 }
        if pull != nil {
            // Pulled chunks arrive whole: buffer one, then copy from it.
            guard fill() else { return 0 }
            return read(into: destination, maxCount: maxCount)
        }
        let n = readFile(into: destination, maxCount: maxCount)
        bytesConsumed += n
        return n
    }

    /// Up to `maxCount` bytes from the file into `destination`; 0 at the end
    /// of input (or on an error), which is then remembered and the file
    /// closed if this stream owns it.
    private func readFile(into destination: UnsafeMutableRawPointer, maxCount: Int) -> Int {
        var n = 0
        while true {
            n = systemRead(fd, destination, maxCount)
            if n < 0 && errno == EINTR { continue }
            break
        }
        if n <= 0 {
            atEOF = true
            if ownsDescriptor {
                close(fd)
                fd = -1
            }
            return 0
        }
        return n
    }

    /// Skips `count` bytes (or to the end).
    public func skip(_ count: Int) {
        var left = count
        while left > 0 {
            if head >= buffer.count && !fill() { return }
            let k = min(left, buffer.count - head)
            head += k
            bytesConsumed += k
            left -= k
        }
    }

    /// Calls `body` with the next line (without its terminator) and consumes
    /// it; nil at end of input. The buffer is valid only inside `body`.
    /// `terminator` tells which line ending was seen (0 at end of input,
    /// 1 for LF or CR, 2 for CRLF), so byte-exact readers can restore it.
    public func withNextLine<R>(_ body: (UnsafeBufferPointer<UInt8>, _ terminatorLength: Int) throws -> R) rethrows -> R? {
        var scanFrom = head
        while true {
            let found: Int? = buffer.withUnsafeBufferPointer { p -> Int? in
                guard scanFrom < p.count else { return nil }
                let base = p.baseAddress! + scanFrom
                let count = p.count - scanFrom
                // memchr for LF; CR handled below (lone CR is rare but legal).
                let lf = memchr(base, 0x0A, count).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - p.baseAddress! }
                let crLimit = lf ?? p.count
                let cr = memchr(base, 0x0D, crLimit - scanFrom).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - p.baseAddress! }
                return cr ?? lf
            }
            if var idx = found {
                if buffer[idx] == 0x0D {
                    // Need the following byte to tell CRLF from a lone CR.
                    if idx + 1 >= buffer.count {
                        // fill() may move the unread bytes to the front, even
                        // when it then finds the end of input.
                        let relative = idx - head
                        let more = fill()
                        idx = head + relative
                        if more {
                            scanFrom = idx
                            continue
                        }
                    }
                    let crlf = idx + 1 < buffer.count && buffer[idx + 1] == 0x0A
                    let termLen = crlf ? 2 : 1
                    return try finishLine(end: idx, terminatorLength: termLen, body)
                }
                return try finishLine(end: idx, terminatorLength: 1, body)
            }
            let scanned = buffer.count
            // fill() may compact the buffer: keep scan position relative to head.
            let offset = scanned - head
            if !fill() {
                if head >= buffer.count { return nil }
                return try finishLine(end: buffer.count, terminatorLength: 0, body)
            }
            scanFrom = head + offset
        }
    }

    private func finishLine<R>(end: Int, terminatorLength: Int, _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> R) rethrows -> R {
        let start = head
        let r = try buffer.withUnsafeBufferPointer { p in
            try body(UnsafeBufferPointer(rebasing: p[start..<end]), terminatorLength)
        }
        let consumed = end + terminatorLength - head
        head = end + terminatorLength
        bytesConsumed += consumed
        lineNumber += 1
        return r
    }

    /// The next line as bytes, without its terminator; nil at end of input.
    public func readLine() -> [UInt8]? {
        withNextLine { p, _ in Array(p) }
    }
}
