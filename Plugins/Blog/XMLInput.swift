import KithPlugin
import KithXML

extension ImportSource {
    /// A streaming XML reader over the source's bytes (recover mode).
    func xmlReader() throws(PluginError) -> XMLStreamReader {
        try ImportSource.xmlReader(try openStream(), name: name)
    }

    /// A streaming XML reader over an open stream (recover mode).
    static func xmlReader(_ stream: ByteStream, name: String) throws(PluginError) -> XMLStreamReader {
        do {
            return try XMLStreamReader(url: nil, options: XMLReaderOptions(ignoreBlankNodes: true)) { buffer in
                guard let chunk = stream.read(maxCount: buffer.count), !chunk.isEmpty else { return 0 }
                chunk.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: chunk.count) }
                return chunk.count
            }
        } catch {
            throw PluginError(.unreadable, "cannot start the XML reader: \(error)", file: name)
        }
    }

    /// The whole input as bytes (HTML pages are read whole).
    func readAll(limit: Int = 256 * 1024 * 1024) throws(PluginError) -> [UInt8] {
        let stream = try openStream()
        var out: [UInt8] = []
        while let chunk = stream.read() {
            out += chunk
            if out.count > limit { throw PluginError(.unreadable, "is larger than \(limit / 1_048_576) MB; too large for an HTML page", file: name) }
        }
        return out
    }
}
