/// A growable byte buffer for writers on hot paths.
///
/// `[UInt8].append` pays a uniqueness and capacity check plus a possible
/// copy-on-write per call, and a class with `var` properties pays a dynamic
/// exclusivity check per access; serialisers append several times per value,
/// and at hundreds of MB/s that overhead dominates (measured with callgrind).
/// This buffer keeps its state behind a `let` pointer and appends with one
/// capacity check, inlined across modules.
public final class ByteBuffer {
    @usableFromInline
    struct State {
        @usableFromInline var base: UnsafeMutablePointer<UInt8>
        @usableFromInline var used: Int
        @usableFromInline var capacity: Int
    }

    @usableFromInline let state: UnsafeMutablePointer<State>

    /// An empty buffer with room for `capacity` bytes before it grows.
    public init(capacity: Int = 64 * 1024) {
        let c = max(16, capacity)
        state = .allocate(capacity: 1)
        state.initialize(to: State(base: .allocate(capacity: c), used: 0, capacity: c))
    }

    deinit {
        state.pointee.base.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Bytes held.
    @inlinable
    public var count: Int { state.pointee.used }

    @usableFromInline
    func grow(toAtLeast needed: Int) {
        var newCapacity = state.pointee.capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: state.pointee.base, count: state.pointee.used)
        state.pointee.base.deallocate()
        state.pointee.base = newBase
        state.pointee.capacity = newCapacity
    }

    /// Makes room for `extra` more bytes.
    @inlinable
    public func reserve(_ extra: Int) {
        let need = state.pointee.used + extra
        if need > state.pointee.capacity { grow(toAtLeast: need) }
    }

    /// Appends one byte.
    @inlinable
    public func append(_ byte: UInt8) {
        let used = state.pointee.used
        if used == state.pointee.capacity { grow(toAtLeast: used + 1) }
        state.pointee.base[used] = byte
        state.pointee.used = used &+ 1
    }

    /// Appends bytes.
    @inlinable
    public func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let src = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        let used = state.pointee.used
        (state.pointee.base + used).update(from: src, count: bytes.count)
        state.pointee.used = used &+ bytes.count
    }

    /// Appends a static string's UTF-8.
    @inlinable
    public func append(_ s: StaticString) {
        append(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// Appends a byte array.
    @inlinable
    public func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// The bytes held, valid only inside `body`.
    @inlinable
    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: state.pointee.base, count: state.pointee.used))
    }

    /// A copy of the bytes held.
    public var bytes: [UInt8] { withBytes { Array($0) } }

    /// Forgets the bytes, keeping the memory.
    public func removeAll() { state.pointee.used = 0 }
}
