import Foundation
import KithPlugin
import Testing

@Suite("ByteStream")
struct ByteStreamTests {
    func lines(_ s: ByteStream) -> [String] {
        var out: [String] = []
        while let l = s.readLine() { out.append(String(decoding: l, as: UTF8.self)) }
        return out
    }

    @Test func splitsEveryLineEnding() {
        let s = ByteStream(bytes: Array("a\nb\r\nc\rd\r\r\ne".utf8))
        #expect(lines(s) == ["a", "b", "c", "d", "", "e"])
        #expect(s.lineNumber == 6)
    }

    @Test func trailingNewlineGivesNoEmptyLastLine() {
        #expect(lines(ByteStream(bytes: Array("a\nb\n".utf8))) == ["a", "b"])
        #expect(lines(ByteStream(bytes: [])) == [])
    }

    @Test func crlfSplitAcrossChunkBoundariesFromAFile() throws {
        // Chunk size 3 puts CR and LF in different reads, and lines across chunks.
        let text = "first line\r\nsecond\r\n\r\nthird with ünïcode\rfourth"
        let path = NSTemporaryDirectory() + "bytestream-\(UUID().uuidString).txt"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        for chunk in [1, 2, 3, 5, 64] {
            let fd = open(path, O_RDONLY)
            let s = ByteStream(fileDescriptor: fd, closeWhenDone: true, chunkSize: chunk)
            #expect(s.totalBytes == text.utf8.count)
            #expect(lines(s) == ["first line", "second", "", "third with ünïcode", "fourth"], "chunk size \(chunk)")
            #expect(s.bytesConsumed == text.utf8.count)
        }
    }

    @Test func peekDoesNotConsume() throws {
        let s = ByteStream(bytes: Array("hello\nworld".utf8))
        #expect(s.peek(3) == Array("hel".utf8))
        #expect(s.peek(100).count == 11)
        #expect(s.readLine() == Array("hello".utf8))
        #expect(s.read(maxCount: 3) == Array("wor".utf8))
        s.skip(1)
        #expect(s.read() == Array("d".utf8))
        #expect(s.read() == nil)
        #expect(s.isAtEnd)
    }

    @Test func missingFileIsAPluginError() {
        #expect(throws: PluginError.self) { try ByteStream(path: "/nonexistent/kith/file.txt") }
        #expect(throws: PluginError.self) { try ByteStream(path: NSTemporaryDirectory()) }
    }

    @Test func atomicFileAppearsOnlyOnCommit() throws {
        let path = NSTemporaryDirectory() + "atomic-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let f = try AtomicFile(path: path)
            try f.sink.write("abandoned")
            try f.sink.flush()
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        let dir = (path as NSString).deletingLastPathComponent
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".kith-") && $0.contains((path as NSString).lastPathComponent) }
        #expect(leftovers.isEmpty, "the temporary file is removed")
        let f = try AtomicFile(path: path)
        try f.sink.write("kept\n")
        try f.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "kept\n")
    }
}

@Suite("ByteStream edge cases")
struct ByteStreamEdgeTests {
    /// A file ending in a lone CR right after the buffer was half consumed
    /// (found on a truncated 3 MB vCard export).
    @Test(arguments: [1, 2, 3, 7, 64, 4096])
    func loneCRAtTheEndAfterCompaction(chunk: Int) throws {
        var text = ""
        for i in 0..<500 { text += "line \(i)\r\n" }
        text += "last\r"
        let path = NSTemporaryDirectory() + "bytestream-cr-\(UUID().uuidString).txt"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let s = ByteStream(fileDescriptor: open(path, O_RDONLY), closeWhenDone: true, chunkSize: chunk)
        var lines: [String] = []
        while let l = s.readLine() { lines.append(String(decoding: l, as: UTF8.self)) }
        #expect(lines.count == 501)
        #expect(lines.last == "last")
        #expect(s.bytesConsumed == text.utf8.count)
    }

    @Test func readIntoGivesTheSameBytesAsReadAfterPeeksAndLines() throws {
        // 200 KB of numbered lines, from a file (reads go straight into the
        // caller's buffer once the stream's own buffer is used up) and from
        // memory; mixed with a line read and a peek first, in odd sizes.
        var bytes: [UInt8] = []
        var k = 0
        while bytes.count < 200_000 {
            bytes += Array("line \(k) \(String(repeating: "x", count: k % 97))\n".utf8)
            k += 1
        }
        let path = NSTemporaryDirectory() + "kith-readinto-\(getpid()).txt"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        // A pulled stream hands out uneven chunks, an empty one among them.
        var offset = 0
        var turn = 0
        let pulled = ByteStream {
            guard offset < bytes.count else { return nil }
            turn += 1
            if turn % 5 == 0 { return [] }
            let n = min(bytes.count - offset, 1 + (turn * 7919) % 9000)
            defer { offset += n }
            return Array(bytes[offset..<offset + n])
        }
        for stream in [try ByteStream(path: path, chunkSize: 4096), ByteStream(bytes: bytes), pulled] {
            var got: [UInt8] = []
            got += stream.readLine()! + [0x0A]
            _ = stream.peek(10)
            let buf = UnsafeMutableRawPointer.allocate(byteCount: 7000, alignment: 1)
            defer { buf.deallocate() }
            var size = 1
            while true {
                let n = stream.read(into: buf, maxCount: size)
                #expect(n <= size)
                if n == 0 { break }
                got += UnsafeRawBufferPointer(start: buf, count: n)
                size = size * 3 % 6997 + 1
            }
            #expect(got == bytes)
            #expect(stream.bytesConsumed == bytes.count)
            #expect(stream.read(into: buf, maxCount: 10) == 0)
            #expect(stream.read(maxCount: 10) == nil)
        }
    }
}
