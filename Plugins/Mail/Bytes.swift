import KithModel

extension String {
    /// Calls `body` with the string's UTF-8 bytes without copying them
    /// (native strings are contiguous; others are made so once).
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let r = utf8.withContiguousStorageIfAvailable(body) { return r }
        var copy = self
        return copy.withUTF8(body)
    }

    /// True when the UTF-8 form holds `byte`.
    @inline(__always)
    func containsByte(_ byte: UInt8) -> Bool {
        withBytes { $0.contains(byte) }
    }
}

/// 64-bit FNV-1a, the hash `StableID` uses, over bytes.
@inline(__always)
func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>, _ seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
    var h = seed
    for b in bytes {
        h ^= UInt64(b)
        h &*= 0x100_0000_01b3
    }
    return h
}

/// `StableID.record(plugin:file:locator:recordId:)` for many records of one
/// file: the file's part of the hash is computed once. Gives the same ids
/// (a test holds it to that).
struct RecordIDs: Sendable {
    let plugin: String
    let file: String
    private let prefix: UInt64

    init(plugin: String, file: String) {
        self.plugin = plugin
        self.file = file
        var h = file.withBytes { fnv1a($0) }
        h ^= 0x1F
        h &*= 0x100_0000_01b3
        prefix = h
    }

    /// `StableID.hash(file, "contact", key)` with the plugin prefix: the id
    /// of the contact for an address key.
    func contactID(key: String) -> String {
        var h = prefix
        for b in "contact".utf8 {
            h ^= UInt64(b)
            h &*= 0x100_0000_01b3
        }
        h ^= 0x1F
        h &*= 0x100_0000_01b3
        return format(key.withBytes { fnv1a($0, h) })
    }

    /// The id of a record with its own id (`recordId`), else by locator.
    func id(recordId: String?, locator: Locator) -> String {
        guard let recordId, !recordId.isEmpty else {
            return StableID.record(plugin: plugin, file: file, locator: locator, recordId: nil)
        }
        return format(recordId.withBytes { fnv1a($0, prefix) })
    }

    private func format(_ h: UInt64) -> String {
        // "<plugin>:" and 16 lower-case hex digits, written in one go.
        let p = plugin.utf8.count
        return String(unsafeUninitializedCapacity: p + 17) { out in
            var k = 0
            for c in plugin.utf8 {
                out[k] = c
                k += 1
            }
            out[k] = 0x3A
            k += 1
            for shift in stride(from: 60, through: 0, by: -4) {
                let d = UInt8((h >> UInt64(shift)) & 0xF)
                out[k] = d < 10 ? 0x30 + d : 0x57 + d
                k += 1
            }
            return k
        }
    }
}
