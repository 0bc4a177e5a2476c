internal import Dispatch

/// A pointer handed to worker threads that each write their own slots.
private struct SlotPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}

/// Computes `body(i)` for every `i` in `0..<count`, spread over the cores,
/// and returns the results in index order (deterministic whatever the
/// scheduling).
public func parallelMap<T>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buf, initialized in
        if count > 0 {
            let slots = SlotPointer(base: buf.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: count) { i in
                (slots.base + i).initialize(to: body(i))
            }
        }
        initialized = count
    }
}

/// Computes `transform(i)` for every `i` in `0..<count`, a batch of
/// `batchSize` at a time spread over the cores (in parts of at least
/// `minPerPart`, at most `maxParts`), and hands each result to `consume` in
/// index order before the next batch starts: the results of one batch at a
/// time are held, however large `count` is.
public func parallelBatches<T>(
    _ count: Int, batchSize: Int, minPerPart: Int, maxParts: Int, _ transform: @Sendable (Int) -> T,
    consume: (Int, T) throws -> Void
) rethrows {
    var start = 0
    while start < count {
        let end = min(count, start + batchSize)
        let parts = max(1, min(maxParts, (end - start) / minPerPart))
        let s0 = start
        let pieces = parallelMap(parts) { p in
            (s0 + (end - s0) * p / parts..<s0 + (end - s0) * (p + 1) / parts).map(transform)
        }
        var k = start
        for piece in pieces {
            for x in piece {
                try consume(k, x)
                k += 1
            }
        }
        start = end
    }
}
