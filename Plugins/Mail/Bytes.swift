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

/// 64-bit FNV-1a (`FNV1a`, the hash `StableID` uses) over bytes, from `seed`.
@inline(__always)
func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>, _ seed: UInt64 = FNV1a().value) -> UInt64 {
    var h = FNV1a(value: seed)
    h.add(bytes)
    return h.value
}

/// Record and contact ids for one file, the file's part of the hash computed
/// once (`StableID.FileHasher`).
struct RecordIDs: Sendable {
    /// The file the ids are for, as the records' provenance names it.
    let file: String
    private let hasher: StableID.FileHasher
    /// The hash after the file and "contact": contact ids extend it by key.
    private let contactPrefix: FNV1a

    init(plugin: String, file: String) {
        self.file = file
        hasher = StableID.FileHasher(plugin: plugin, file: file)
        var h = hasher.afterFile
        h.add("contact")
        h.add(0x1F)
        contactPrefix = h
    }

    /// `StableID.hash(file, "contact", key)` with the plugin prefix: the id
    /// of the contact for an address key.
    func contactID(key: String) -> String {
        hasher.format(key.withBytes { fnv1a($0, contactPrefix.value) })
    }

    /// The id of a record with its own id (`recordId`), else by locator.
    func id(recordId: String?, locator: Locator) -> String {
        guard let recordId, !recordId.isEmpty else { return hasher.id(locator: locator) }
        return hasher.format(recordId.withBytes { fnv1a($0, hasher.afterFile.value) })
    }
}
