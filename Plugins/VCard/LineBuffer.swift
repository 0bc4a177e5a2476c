/// The logical line being assembled: bytes that only grow, and how many are
/// in use.
///
/// Starting a line sets `count` to 0 instead of calling
/// `removeAll(keepingCapacity:)` and `append(contentsOf:)` on an array: both
/// went through the generic `replaceSubrange` path, about 200 instructions a
/// line in the benchmark (callgrind); this copies with `memcpy`.
struct LineBuffer {
    /// The bytes; only the first `count` are the line.
    private(set) var storage: [UInt8] = []
    /// Bytes in use.
    private(set) var count = 0

    var last: UInt8? { count > 0 ? storage[count - 1] : nil }

    subscript(i: Int) -> UInt8 {
        @inline(__always) get { storage[i] }
    }

    mutating func removeLast() { count -= 1 }

    /// Empties the line; frees the bytes when they grew beyond `limit`.
    mutating func reset(keepingCapacityUpTo limit: Int) {
        if storage.count > limit { storage = [] }
        count = 0
    }

    mutating func append(_ b: UInt8) {
        if count == storage.count { grow(1) }
        storage[count] = b
        count += 1
    }

    @inline(__always)
    mutating func append(_ l: UnsafeBufferPointer<UInt8>) {
        let n = l.count
        guard n > 0, let src = l.baseAddress else { return }
        if count + n > storage.count { grow(n) }
        let at = count
        storage.withUnsafeMutableBufferPointer { dst in
            (dst.baseAddress! + at).update(from: src, count: n)
        }
        count += n
    }

    private mutating func grow(_ n: Int) {
        let needed = count + n
        storage.append(contentsOf: repeatElement(0, count: max(needed - storage.count, max(256, storage.count))))
    }

    /// Calls `body` with the line's bytes.
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let n = count
        return try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<n])) }
    }
}
