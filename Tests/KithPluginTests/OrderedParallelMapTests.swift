import Foundation
import KithPlugin
import Testing

@Suite("OrderedParallelMap")
struct OrderedParallelMapTests {
    /// Squares 0..<count with uneven per-item delays; returns what `next()` gave.
    private func run(workers: Int, maxInFlight: Int, count: Int) -> [Int] {
        let map = OrderedParallelMap<Int, Int>(workers: workers, maxInFlight: maxInFlight) {
            { n in
                if n % 7 == 0 { usleep(UInt32(200 + (n % 5) * 100)) }
                return n * n
            }
        }
        defer { map.shutdown() }
        var out: [Int] = []
        var submitted = 0
        while true {
            while submitted < count && map.hasRoom {
                map.submit(submitted)
                submitted += 1
            }
            guard let r = map.next() else { break }
            out.append(r)
        }
        return out
    }

    @Test(arguments: [0, 1, 3])
    func resultsComeBackInSubmissionOrder(workers: Int) {
        #expect(run(workers: workers, maxInFlight: 5, count: 300) == (0..<300).map { $0 * $0 })
    }

    @Test func boundedInFlight() {
        let map = OrderedParallelMap<Int, Int>(workers: 2, maxInFlight: 3) { { $0 } }
        defer { map.shutdown() }
        for n in 0..<3 { map.submit(n) }
        #expect(!map.hasRoom)
        #expect(map.next() == 0)
        #expect(map.hasRoom)
    }

    @Test func shutdownWithWorkLeftReturns() {
        let map = OrderedParallelMap<Int, Int>(workers: 2, maxInFlight: 100) { { usleep(1000); return $0 } }
        for n in 0..<50 { map.submit(n) }
        #expect(map.next() == 0)
        map.shutdown()
    }
}
