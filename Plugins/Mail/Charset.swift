import Foundation
import KithModel
import KithPlugin

/// Mail text arrives in every charset ever labelled, often mislabelled.
/// Labels are looked up in KithPlugin's one table (`TextCharset`, shared
/// with the vCard and CSV readers: ISO-8859-1 reads as Windows-1252, GB2312
/// as GB18030, and so on), and decoding here never fails: the declared
/// charset, then UTF-8, then Windows-1252, which maps every byte to some
/// character. Foundation's converters (slow to set up) are remembered in
/// `DecodeMemo`.
typealias Charset = TextCharset

extension TextCharset {
    /// Decodes `bytes` in this charset; nil when they are not valid in it.
    func decodeStrict(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if case .foundation(let raw) = self {
            return DecodeMemo.foundation.value(bytes, tag: raw) { decode($0) }
        }
        return decode(bytes)
    }

    /// Decodes `bytes` declared as this charset, falling back to UTF-8 and
    /// then Windows-1252 when the declaration was wrong. Never fails.
    func decodeLeniently(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        // 7-bit charsets (ISO-2022-JP, UTF-7, HZ) look like ASCII.
        switch self {
        case .foundation, .utf7:
            if bytes.contains(where: { $0 == 0x1B || $0 == 0x2B || $0 == 0x7E }), let s = decodeStrict(bytes) { return s }
        default: break
        }
        if let s = Charset.asciiFast(bytes) { return s }
        if let s = decodeStrict(bytes) { return s }
        if self != .utf8, let s = Charset.validUTF8(bytes) { return s }
        return Charset.decode1252(bytes)
    }

    /// See ``decodeLeniently(_:)-(UnsafeBufferPointer<UInt8>)``.
    func decodeLeniently(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { decodeLeniently($0) }
    }

    /// Header text: UTF-8 first (RFC 6532), then the message's charset, then
    /// Windows-1252.
    static func headerText(_ bytes: UnsafeBufferPointer<UInt8>, messageCharset: Charset?) -> String {
        if let s = asciiFast(bytes) { return s }
        if let s = validUTF8(bytes) { return s }
        if let m = messageCharset, m != .utf8, let s = m.decodeStrict(bytes) { return s }
        return decode1252(bytes)
    }

    /// See ``headerText(_:messageCharset:)-(UnsafeBufferPointer<UInt8>,_)``.
    static func headerText(_ bytes: [UInt8], messageCharset: Charset?) -> String {
        bytes.withUnsafeBufferPointer { headerText($0, messageCharset: messageCharset) }
    }

    static func headerText(_ bytes: ArraySlice<UInt8>, messageCharset: Charset?) -> String {
        bytes.withUnsafeBufferPointer { headerText($0, messageCharset: messageCharset) }
    }

    static func asciiFast(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        for b in bytes where b >= 0x80 { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Decodings remembered: a bounded, lock-guarded table from input bytes
/// (plus a tag, e.g. the charset) to the decoded text, shared by the
/// parsing threads.
///
/// For pure decoders that cost microseconds a call: Foundation's converters
/// (a converter is set up each call, twenty times a hand decoder) and RFC
/// 2047 display names. The same correspondents' names recur across an
/// archive, so most calls are hits. Hand-written rather than a
/// `Dictionary<[UInt8], String>`: a lookup there needs a key array (an
/// allocation) and hashes it a byte at a time, which cost most of what a
/// hit saved. Here the input is hashed once (FNV-1a) and compared in place;
/// each hash has two slots, and a new entry replaces an old one, so memory
/// stays bounded. Sixteen locks, each for a sixteenth of the slots (so two
/// parsing threads rarely wait for each other), held for the lookup and the
/// insertion only, never while decoding.
final class DecodeMemo: @unchecked Sendable {
    /// Foundation charset conversions (tag: the NSStringEncoding).
    static let foundation = DecodeMemo(slots: 4096)
    /// Display names with encoded words or 8-bit bytes, decoded and cleaned
    /// (tag: `tag(for:)` of the message charset).
    static let names = DecodeMemo(slots: 16384)

    private struct Slot {
        var used = false
        var hash: UInt64 = 0
        var tag: UInt = 0
        var bytes: [UInt8] = []
        var value: String?
    }

    private let locks = (0..<16).map { _ in NSLock() }
    /// Fixed storage, never moved: each slot is read and written under its
    /// own stripe's lock only. (A Swift array here was a data race: a
    /// thread reading one slot could hold a reference to the array's buffer
    /// while another, under another lock, wrote a slot, found the buffer
    /// shared and replaced the whole array, in particular in debug builds,
    /// where reads retain the buffer.)
    private let slots: UnsafeMutablePointer<Slot>
    private let count: Int
    private let mask: Int
    private let maxLength: Int

    /// A table of `slots` entries (a power of two) for inputs of at most
    /// `maxLength` bytes.
    init(slots: Int, maxLength: Int = 256) {
        precondition(slots >= 2 && slots & (slots - 1) == 0, "DecodeMemo: slots must be a power of two")
        self.slots = .allocate(capacity: slots)
        self.slots.initialize(repeating: Slot(), count: slots)
        count = slots
        mask = slots - 1
        self.maxLength = maxLength
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    /// `decode`'s result for `bytes` and `tag`, from the table when known.
    func value(
        _ bytes: UnsafeBufferPointer<UInt8>, tag: UInt, _ decode: (UnsafeBufferPointer<UInt8>) -> String?
    ) -> String? {
        guard bytes.count <= maxLength, bytes.count > 0 else { return decode(bytes) }
        let h = fnv1a(bytes, FNV1a().value ^ UInt64(tag) &* 0x9E37_79B9_7F4A_7C15)
        let home = Int(truncatingIfNeeded: h) & mask
        // Both slots of a hash (home, home ^ 1) are under one lock.
        let lock = locks[(home >> 1) & 15]
        lock.lock()
        var i = home
        for _ in 0..<2 {
            if slots[i].used && slots[i].hash == h && slots[i].tag == tag {
                let same = slots[i].bytes.withUnsafeBufferPointer { stored in
                    stored.count == bytes.count && memcmp(stored.baseAddress!, bytes.baseAddress!, bytes.count) == 0
                }
                if same {
                    let v = slots[i].value
                    lock.unlock()
                    return v
                }
            }
            i ^= 1
        }
        lock.unlock()
        let v = decode(bytes)
        lock.lock()
        i = home
        if slots[home].used {
            // The other slot if free, else one picked by the hash.
            i = slots[home ^ 1].used ? home ^ Int((h >> 40) & 1) : home ^ 1
        }
        slots[i] = Slot(used: true, hash: h, tag: tag, bytes: Array(bytes), value: v)
        lock.unlock()
        return v
    }

    /// A tag telling message charsets apart (nil too).
    static func tag(for charset: Charset?) -> UInt {
        switch charset {
        case nil: return 0
        case .utf8: return 1
        case .windows1252: return 2
        case .utf7: return 3
        case .foundation(let raw): return 4 | raw << 4
        case .utf16: return 5
        case .utf16LE: return 6
        case .utf16BE: return 7
        case .eucJP: return 8
        }
    }
}
