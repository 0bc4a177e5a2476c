import Foundation
import KithPlugin
import Testing

@Suite("StreamPipeline")
struct StreamPipelineTests {
    /// A producer that turns every chunk into one batch (its bytes summed).
    static func sums(_ pipe: StreamPipeline<[Int], [Int]>) throws {
        var index = 0
        while let chunk = pipe.nextChunk() {
            #expect(!chunk.isEmpty)
            try pipe.push([index, chunk.reduce(0) { $0 + Int($1) }])
            index += 1
        }
    }

    @Test(arguments: [1, 3, 64])
    func batchesArriveInOrderAndEveryByteOnce(chunkSize: Int) throws {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var got: [[Int]] = []
        try StreamPipeline<[Int], [Int]>(capacity: 1, chunkSize: chunkSize, chunksAhead: 2).run(
            stream: ByteStream(bytes: bytes), produce: Self.sums
        ) { got.append($0) }
        #expect(got.map { $0[0] } == Array(0..<got.count))
        #expect(got.reduce(0) { $0 + $1[1] } == bytes.reduce(0) { $0 + Int($1) })
    }

    @Test func aProducerErrorComesAfterItsBatches() {
        struct Broken: Error {}
        var got: [Int] = []
        #expect(throws: Broken.self) {
            try StreamPipeline<Int, Int>(capacity: 2).run(stream: ByteStream(bytes: [1, 2, 3])) { pipe in
                for k in 0..<5 { try pipe.push(k) }
                throw Broken()
            } handle: { got.append($0) }
        }
        #expect(got == [0, 1, 2, 3, 4])
    }

    @Test func aHandlerErrorCancelsTheProducer() {
        struct Enough: Error {}
        let bytes = [UInt8](repeating: 7, count: 1 << 20)
        let stream = ByteStream(bytes: bytes)
        #expect(throws: Enough.self) {
            // The producer would run forever; cancelling must stop it.
            try StreamPipeline<Int, Int>(capacity: 1, chunkSize: 1024).run(stream: stream) { pipe in
                var k = 0
                while true {
                    _ = pipe.nextChunk()
                    try pipe.push(k)
                    k += 1
                }
            } handle: { k in
                if k == 10 { throw Enough() }
            }
        }
        #expect(stream.bytesConsumed < bytes.count)
    }

    /// Batches transformed on several threads (uneven delays) are handled
    /// in the order they were pushed; each transform runs only on the
    /// thread that made it.
    @Test(arguments: [0, 1, 3])
    func transformedBatchesArriveInOrder(workers: Int) throws {
        let bytes = [UInt8](repeating: 1, count: 300)
        var got: [Int] = []
        try StreamPipeline<Int, Int>(capacity: 5, chunkSize: 1).run(
            stream: ByteStream(bytes: bytes), workers: workers,
            produce: { pipe in
                var n = 0
                while pipe.nextChunk() != nil {
                    try pipe.push(n)
                    n += 1
                }
            },
            makeTransform: {
                let owner = Thread.current
                return { n in
                    if n % 7 == 0 { usleep(UInt32(200 + (n % 5) * 100)) }
                    return Thread.current === owner ? n * n : -1
                }
            },
            handle: { got.append($0) })
        #expect(got == (0..<300).map { $0 * $0 })
    }

    @Test func anEmptyStream() throws {
        var got: [[Int]] = []
        try StreamPipeline<[Int], [Int]>().run(stream: ByteStream(bytes: []), produce: Self.sums) { got.append($0) }
        #expect(got.isEmpty)
    }
}
