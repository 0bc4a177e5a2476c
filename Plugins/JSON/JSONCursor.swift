#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A syntax or shape error in one JSON line, with the byte column (1-based).
public struct JSONLError: Error, Hashable, Sendable, CustomStringConvertible {
    public var column: Int
    public var message: String
    public init(column: Int, message: String) {
        self.column = column
        self.message = message
    }
    public var description: String { "column \(column): \(message)" }
}

/// A pull parser over one JSON text in memory: the caller asks for the value
/// it expects next. No tree is built, so decoding a record allocates only the
/// strings and arrays that end up in the record.
///
/// Hand-written (see `JSONLWriter` for why); nesting is bounded by
/// `maxDepth` when skipping unknown values, so hostile input cannot overflow
/// the stack.
struct JSONCursor {
    let p: UnsafeBufferPointer<UInt8>
    var i = 0
    static let maxDepth = 512

    init(_ p: UnsafeBufferPointer<UInt8>) { self.p = p }

    func fail(_ message: String) -> JSONLError { JSONLError(column: i + 1, message: message) }

    @inline(__always)
    mutating func skipWhitespace() {
        while i < p.count {
            let b = p[i]
            if b == 32 || b == 9 || b == 10 || b == 13 { i += 1 } else { break }
        }
    }

    @inline(__always)
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return i < p.count ? p[i] : nil
    }

    mutating func expect(_ c: UInt8, _ what: String) throws(JSONLError) {
        skipWhitespace()
        guard i < p.count, p[i] == c else {
            throw fail(i < p.count ? "expected \(what)" : "unexpected end of line, expected \(what)")
        }
        i += 1
    }

    /// At end: only whitespace remains.
    mutating func expectEnd() throws(JSONLError) {
        skipWhitespace()
        if i < p.count { throw fail("unexpected text after the JSON value") }
    }

    /// Consumes `null` if it is next.
    mutating func consumeNull() -> Bool {
        skipWhitespace()
        if i + 4 <= p.count && p[i] == 110 && p[i + 1] == 117 && p[i + 2] == 108 && p[i + 3] == 108 {
            i += 4
            return true
        }
        return false
    }

    /// Iterates an object's members: `body` gets each key's bytes and must
    /// consume the value.
    mutating func object(_ body: (inout JSONCursor, Key) throws(JSONLError) -> Void) throws(JSONLError) {
        try expect(123, "'{'")
        if peek() == 125 {
            i += 1
            return
        }
        while true {
            let key = try readKey()
            try expect(58, "':'")
            try body(&self, key)
            skipWhitespace()
            guard i < p.count else { throw fail("unexpected end of line inside an object") }
            if p[i] == 44 {
                i += 1
                continue
            }
            if p[i] == 125 {
                i += 1
                return
            }
            throw fail("expected ',' or '}'")
        }
    }

    /// Iterates an array's elements; `body` must consume each element.
    mutating func array(_ body: (inout JSONCursor) throws(JSONLError) -> Void) throws(JSONLError) {
        if consumeNull() { return }
        try expect(91, "'['")
        if peek() == 93 {
            i += 1
            return
        }
        while true {
            try body(&self)
            skipWhitespace()
            guard i < p.count else { throw fail("unexpected end of line inside an array") }
            if p[i] == 44 {
                i += 1
                continue
            }
            if p[i] == 93 {
                i += 1
                return
            }
            throw fail("expected ',' or ']'")
        }
    }

    /// An object key; borrowed bytes when unescaped, else decoded.
    struct Key {
        let start: UnsafePointer<UInt8>
        let count: Int
        let decoded: [UInt8]?

        @inline(__always)
        func `is`(_ s: StaticString) -> Bool {
            let n = s.utf8CodeUnitCount
            if let decoded {
                return decoded.count == n && decoded.withUnsafeBufferPointer { memcmp($0.baseAddress!, s.utf8Start, n) == 0 }
            }
            return count == n && memcmp(start, s.utf8Start, n) == 0
        }

        var string: String {
            if let decoded { return String(decoding: decoded, as: UTF8.self) }
            return String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
        }
    }

    mutating func readKey() throws(JSONLError) -> Key {
        skipWhitespace()
        guard i < p.count, p[i] == 34 else { throw fail("expected a key in double quotes") }
        let start = i + 1
        var j = start
        while j < p.count {
            let b = p[j]
            if b == 34 {
                i = j + 1
                return Key(start: p.baseAddress! + start, count: j - start, decoded: nil)
            }
            if b == 92 { break }
            j += 1
        }
        let bytes = try readStringBytes()
        return Key(start: p.baseAddress!, count: 0, decoded: bytes)
    }

    /// A string value.
    mutating func readString() throws(JSONLError) -> String {
        skipWhitespace()
        guard i < p.count, p[i] == 34 else { throw fail("expected a string") }
        let start = i + 1
        var j = start
        // Fast path: no escapes.
        while j < p.count {
            let b = p[j]
            if b == 34 {
                i = j + 1
                return String(decoding: UnsafeBufferPointer(rebasing: p[start..<j]), as: UTF8.self)
            }
            if b == 92 || b < 0x20 { break }
            j += 1
        }
        return String(decoding: try readStringBytes(), as: UTF8.self)
    }

    /// A string or null.
    mutating func readOptionalString() throws(JSONLError) -> String? {
        if consumeNull() { return nil }
        return try readString()
    }

    /// Decodes a string with escapes into UTF-8 bytes (cursor at the quote).
    mutating func readStringBytes() throws(JSONLError) -> [UInt8] {
        i += 1
        var out: [UInt8] = []
        while i < p.count {
            let b = p[i]
            if b == 34 {
                i += 1
                return out
            }
            if b < 0x20 { throw fail("control character in a string (must be escaped)") }
            if b != 92 {
                out.append(b)
                i += 1
                continue
            }
            i += 1
            guard i < p.count else { break }
            let e = p[i]
            i += 1
            switch e {
            case 34: out.append(34)
            case 92: out.append(92)
            case 47: out.append(47)
            case 98: out.append(8)
            case 102: out.append(12)
            case 110: out.append(10)
            case 114: out.append(13)
            case 116: out.append(9)
            case 117:
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    if i + 6 <= p.count && p[i] == 92 && p[i + 1] == 117 {
                        i += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            appendScalar(0xFFFD, &out)
                            scalar = low
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00..<0xE000).contains(scalar) {
                    scalar = 0xFFFD
                }
                appendScalar(scalar, &out)
            default:
                i -= 1
                throw fail("invalid escape in a string")
            }
        }
        throw fail("unterminated string")
    }

    private mutating func hex4() throws(JSONLError) -> UInt32 {
        guard i + 4 <= p.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = p[i]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: throw fail("invalid \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    private func appendScalar(_ v: UInt32, _ out: inout [UInt8]) {
        let s = Unicode.Scalar(v) ?? "\u{FFFD}"
        out.append(contentsOf: UTF8.encode(s)!)
    }

    /// An integer (a fraction or exponent is rejected).
    mutating func readInt() throws(JSONLError) -> Int {
        skipWhitespace()
        var neg = false
        if i < p.count && p[i] == 45 {
            neg = true
            i += 1
        }
        let start = i
        var v = 0
        while i < p.count, p[i] >= 48 && p[i] <= 57 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(p[i] - 48))
            if o1 || o2 { throw fail("integer out of range") }
            v = a
            i += 1
        }
        if i == start { throw fail("expected an integer") }
        if i < p.count, p[i] == 46 || p[i] == 101 || p[i] == 69 { throw fail("expected an integer, not a fraction") }
        return neg ? -v : v
    }

    mutating func readOptionalInt() throws(JSONLError) -> Int? {
        if consumeNull() { return nil }
        return try readInt()
    }

    mutating func readBool() throws(JSONLError) -> Bool {
        skipWhitespace()
        if i + 4 <= p.count && memcmp(p.baseAddress! + i, "true", 4) == 0 {
            i += 4
            return true
        }
        if i + 5 <= p.count && memcmp(p.baseAddress! + i, "false", 5) == 0 {
            i += 5
            return false
        }
        if consumeNull() { return false }
        throw fail("expected true or false")
    }

    mutating func readStrings() throws(JSONLError) -> [String] {
        var out: [String] = []
        try array { (c: inout JSONCursor) throws(JSONLError) in out.append(try c.readString()) }
        return out
    }

    mutating func readInts() throws(JSONLError) -> [Int] {
        var out: [Int] = []
        try array { (c: inout JSONCursor) throws(JSONLError) in out.append(try c.readInt()) }
        return out
    }

    /// Skips any value and returns its raw JSON text (used to keep unknown
    /// keys). Iterative: depth is tracked, not recursed.
    mutating func skipValue() throws(JSONLError) -> String {
        skipWhitespace()
        let start = i
        var depth = 0
        repeat {
            skipWhitespace()
            guard i < p.count else { throw fail("unexpected end of line in a value") }
            let b = p[i]
            switch b {
            case 123, 91:
                depth += 1
                if depth > JSONCursor.maxDepth { throw fail("nesting deeper than \(JSONCursor.maxDepth)") }
                i += 1
            case 125, 93:
                depth -= 1
                if depth < 0 { throw fail("unbalanced bracket") }
                i += 1
            case 34: _ = try readStringBytes()
            case 44, 58: i += 1
            default:
                let s = i
                while i < p.count, !(p[i] == 44 || p[i] == 125 || p[i] == 93 || p[i] == 32 || p[i] == 58 || p[i] == 10 || p[i] == 13 || p[i] == 9) {
                    i += 1
                }
                let token = UnsafeBufferPointer(rebasing: p[s..<i])
                if !JSONCursor.isScalarToken(token) { i = s; throw fail("invalid value") }
            }
        } while depth > 0
        return String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
    }

    static func isScalarToken(_ t: UnsafeBufferPointer<UInt8>) -> Bool {
        if t.elementsEqual("true".utf8) || t.elementsEqual("false".utf8) || t.elementsEqual("null".utf8) { return true }
        guard !t.isEmpty else { return false }
        var sawDigit = false
        for b in t {
            switch b {
            case 48...57: sawDigit = true
            case 45, 43, 46, 101, 69: continue
            default: return false
            }
        }
        return sawDigit
    }
}
