import Foundation

/// What detection looks at: the input's name and first bytes, or for a
/// folder its listing.
public struct FormatProbe: Sendable {
    /// The number of leading bytes the registry reads for a probe.
    public static let headSize = 16 * 1024

    /// File name (last path component), or "-" for standard input.
    public var fileName: String
    /// Up to `headSize` first bytes of the file; empty for a folder.
    public var head: [UInt8]
    /// True when the input is a folder.
    public var isDirectory: Bool
    /// For a folder, the names of its direct entries.
    public var directoryEntries: [String]

    public init(fileName: String, head: [UInt8], isDirectory: Bool = false, directoryEntries: [String] = []) {
        self.fileName = fileName
        self.head = head
        self.isDirectory = isDirectory
        self.directoryEntries = directoryEntries
    }

    /// The file extension in lower case, without the dot ("" when none).
    public var fileExtension: String {
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else { return "" }
        return fileName[fileName.index(after: dot)...].lowercased()
    }

    /// The head as text for sniffing: a BOM removed, UTF-16 decoded, invalid
    /// UTF-8 repaired. Good enough to look for keywords, not to parse.
    public var headText: String {
        TextSniffer.decodeLossy(head)
    }
}

/// A plugin's answer to "can you read this?": a confidence from 0 (no) to 100
/// (certain), and what it based that on.
public struct Detection: Hashable, Sendable, Comparable {
    /// 0–100.
    public var confidence: Int
    /// Why (shown when detection fails or is asked to explain).
    public var reason: String

    public init(confidence: Int, reason: String) {
        self.confidence = max(0, min(100, confidence))
        self.reason = reason
    }

    /// Cannot read this.
    public static func no(_ reason: String = "not recognised") -> Detection { Detection(confidence: 0, reason: reason) }
    /// Only the file extension fits.
    public static func byExtension(_ reason: String = "file extension") -> Detection {
        Detection(confidence: 30, reason: reason)
    }
    /// The content looks right.
    public static func likely(_ reason: String) -> Detection { Detection(confidence: 70, reason: reason) }
    /// The content has the format's signature.
    public static func certain(_ reason: String) -> Detection { Detection(confidence: 100, reason: reason) }

    public static func < (lhs: Detection, rhs: Detection) -> Bool { lhs.confidence < rhs.confidence }
}

/// Helpers for content sniffing shared by plugins.
public enum TextSniffer {
    /// Decodes bytes for sniffing: strips a UTF-8 BOM, decodes UTF-16 with a
    /// BOM (or with the zero-byte pattern of ASCII text), else UTF-8 with
    /// invalid bytes replaced.
    public static func decodeLossy(_ bytes: [UInt8]) -> String {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return String(decoding: bytes.dropFirst(3), as: UTF8.self)
        }
        if let e = utf16Endianness(bytes) {
            let start = (bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])) ? 2 : 0
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2)
            var i = start
            while i + 1 < bytes.count {
                let u = e == .little ? UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 : UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])
                units.append(u)
                i += 2
            }
            return String(decoding: units, as: UTF16.self)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Byte order of UTF-16 text, from a BOM or from NUL bytes in alternate
    /// positions; nil when the bytes do not look like UTF-16.
    public static func utf16Endianness(_ bytes: [UInt8]) -> Endianness? {
        if bytes.starts(with: [0xFF, 0xFE]) { return .little }
        if bytes.starts(with: [0xFE, 0xFF]) { return .big }
        guard bytes.count >= 4 else { return nil }
        let n = min(bytes.count & ~1, 512)
        var evenZero = 0, oddZero = 0
        for i in stride(from: 0, to: n, by: 2) {
            if bytes[i] == 0 { evenZero += 1 }
            if bytes[i + 1] == 0 { oddZero += 1 }
        }
        let pairs = n / 2
        if oddZero * 10 >= pairs * 8 && evenZero * 10 <= pairs { return .little }
        if evenZero * 10 >= pairs * 8 && oddZero * 10 <= pairs { return .big }
        return nil
    }

    /// Byte order.
    public enum Endianness: Sendable { case little, big }

    /// True when `text` contains `needle`, ignoring ASCII case.
    public static func contains(_ text: String, caseInsensitive needle: String) -> Bool {
        text.range(of: needle, options: [.caseInsensitive]) != nil
    }
}
