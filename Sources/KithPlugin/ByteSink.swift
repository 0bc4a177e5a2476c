#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }

/// A buffered byte writer to a file descriptor or to memory.
///
/// Exporters append bytes and strings; the sink writes in large chunks.
/// Not `Sendable`.
public final class ByteSink {
    private var buffer: [UInt8] = []
    private let fd: Int32
    private let name: String
    private let flushThreshold = 256 * 1024
    /// Everything written, when the sink collects in memory.
    public private(set) var collected: [UInt8] = []
    private let inMemory: Bool
    /// Bytes written so far.
    public private(set) var bytesWritten = 0

    /// A sink writing to `fileDescriptor` (not closed by the sink).
    public init(fileDescriptor: Int32, name: String) {
        fd = fileDescriptor
        self.name = name
        inMemory = false
        buffer.reserveCapacity(flushThreshold + 4096)
    }

    /// A sink collecting into `collected` (tests, in-memory conversion).
    public init() {
        fd = -1
        name = "memory"
        inMemory = true
    }

    /// Appends bytes.
    public func write(_ bytes: some Sequence<UInt8>) throws(PluginError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Appends one byte.
    public func write(byte: UInt8) throws(PluginError) {
        buffer.append(byte)
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Appends a string's UTF-8.
    public func write(_ string: String) throws(PluginError) {
        var s = string
        s.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Writes everything buffered.
    public func flush() throws(PluginError) {
        defer { buffer.removeAll(keepingCapacity: true) }
        bytesWritten += buffer.count
        if inMemory {
            collected.append(contentsOf: buffer)
            return
        }
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { raw in
                systemWrite(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                throw PluginError(.unwritable, "cannot write: \(reason)", file: name)
            }
            offset += n
        }
    }
}

/// A file written atomically: bytes go to a temporary file beside the target,
/// which replaces the target only on `commit()`. Abandoned (deleted) when
/// released without a commit, so a failed run never leaves half a file.
public final class AtomicFile {
    /// The final path.
    public let path: String
    private let tempPath: String
    private var fd: Int32
    private var committed = false
    /// The sink to write into.
    public let sink: ByteSink

    /// Creates the temporary file next to `path`.
    public init(path: String) throws(PluginError) {
        self.path = path
        let dir: String
        let base: String
        if let slash = path.lastIndex(of: "/") {
            dir = String(path[...slash])
            base = String(path[path.index(after: slash)...])
        } else {
            dir = ""
            base = path
        }
        var template = Array("\(dir).\(base).kith-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw PluginError(.unwritable, "cannot create the output file: \(reason)", file: path)
        }
        self.fd = fd
        fchmod(fd, 0o644)
        tempPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        sink = ByteSink(fileDescriptor: fd, name: path)
    }

    /// Flushes, syncs and renames the temporary file onto the target.
    public func commit() throws(PluginError) {
        try sink.flush()
        fsync(fd)
        close(fd)
        fd = -1
        guard rename(tempPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tempPath)
            throw PluginError(.unwritable, "cannot move the output into place: \(reason)", file: path)
        }
        committed = true
    }

    deinit {
        if fd >= 0 { close(fd) }
        if !committed { unlink(tempPath) }
    }
}
