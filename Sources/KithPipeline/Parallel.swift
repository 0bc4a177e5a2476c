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
