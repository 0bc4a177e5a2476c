/// A streaming byte filter that repairs the breakage real exports carry and
/// libxml2's reader cannot recover from (it stops at the first fatal error):
///
/// - invalid UTF-8 becomes U+FFFD (only when the document is UTF-8);
/// - control characters that XML forbids are dropped, and the
///   non-characters U+FFFE/U+FFFF replaced;
/// - a stray `]]>` in character data becomes `]]&gt;`.
///
/// CDATA sections and comments are tracked so that their own `]]>` and
/// `-->` pass through. Runs of ordinary bytes are copied in one go.
struct XMLRepairFilter {
    private enum Mode { case text, cdata, comment }
    private var mode = Mode.text
    private var pending: [UInt8] = []
    private var decided = false
    private var checkUTF8 = true
    private var passthrough = false
    private var newlines = 0
    /// Repairs made so far.
    private(set) var repairs = 0
    /// The 1-based line of the first repair.
    private(set) var firstRepairLine: Int?

    init() {}

    private mutating func repaired(at line: Int) {
        repairs += 1
        if firstRepairLine == nil { firstRepairLine = line }
    }

    /// Decides from the first bytes whether the document is UTF-8.
    private mutating func decide(_ head: UnsafeBufferPointer<UInt8>) {
        decided = true
        if head.count >= 2 && ((head[0] == 0xFE && head[1] == 0xFF) || (head[0] == 0xFF && head[1] == 0xFE)) {
            passthrough = true
            return
        }
        if head.count >= 2 && (head[0] == 0 || head[1] == 0) {
            passthrough = true
            return
        }
        // <?xml ... encoding="X"?>: anything but UTF-8 turns UTF-8 checks off.
        let n = min(head.count, 200)
        let text = String(decoding: UnsafeBufferPointer(rebasing: head[0..<n]), as: UTF8.self).lowercased()
        if text.hasPrefix("<?xml"), let end = text.firstIndex(of: ">") {
            let decl = text[..<end]
            if let r = decl.firstRange(of: "encoding") {
                let rest = decl[r.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
                let name = rest.prefix { $0 != "\"" && $0 != "'" && $0 != " " && $0 != "?" }
                if name != "utf-8" && name != "utf8" { checkUTF8 = false }
            }
        }
    }

    /// True when none of the eight bytes is a control character, non-ASCII,
    /// or one of the two bytes that matter in the current mode (SWAR: each
    /// test sets a byte's high bit).
    /// Returns the high-bit mask of the flagged bytes (0 when none); the
    /// lowest flagged byte is always a true match.
    @inline(__always)
    static func specialMask(_ w: UInt64, _ a: UInt8, _ b: UInt8) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & high }
        let control = (w &- ones &* 0x20) & ~w & high  // bytes < 0x20
        let nonASCII = w & high
        let first = hasZero(w ^ (ones &* UInt64(a)))
        let second = hasZero(w ^ (ones &* UInt64(b)))
        return control | nonASCII | first | second
    }

    /// Filters `input` into `out`. Without `final`, bytes that might start
    /// a marker or a UTF-8 sequence cut by the chunk end are held back.
    mutating func process(_ chunk: UnsafeBufferPointer<UInt8>, final: Bool, into out: inout [UInt8]) {
        if pending.isEmpty {
            run(chunk, final: final, into: &out)
        } else {
            var joined = pending
            pending.removeAll()
            joined.append(contentsOf: chunk)
            joined.withUnsafeBufferPointer { run($0, final: final, into: &out) }
        }
    }

    private mutating func run(_ p: UnsafeBufferPointer<UInt8>, final: Bool, into out: inout [UInt8]) {
        if !decided {
            if p.count < 200 && !final {
                pending.append(contentsOf: p)
                return
            }
            decide(p)
        }
        if passthrough {
            out.append(contentsOf: p)
            return
        }
        let n = p.count
        var i = 0
        var runStart = 0
        @inline(__always) func flush(_ upTo: Int) {
            if upTo > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: p[runStart..<upTo])) }
        }
        @inline(__always) func hold(_ from: Int) -> Bool {
            // Not enough bytes to decide: keep the rest for the next chunk.
            if final { return false }
            flush(from)
            pending.append(contentsOf: UnsafeBufferPointer(rebasing: p[from..<n]))
            runStart = n
            return true
        }
        @inline(__always) func matches(_ at: Int, _ s: StaticString) -> Bool? {
            let len = s.utf8CodeUnitCount
            let sp = s.utf8Start
            for k in 0..<len {
                if at + k >= n { return nil }
                if p[at + k] != sp[k] { return false }
            }
            return true
        }
        while i < n {
            // Fast path: skip eight ordinary bytes at a time. What matters:
            // in text ']' (a stray "]]>") and '!' (after '<': a CDATA
            // section or a comment starts); in CDATA ']'; in comments '-'.
            let (sa, sb): (UInt8, UInt8) = mode == .text ? (0x5D, 0x21) : mode == .cdata ? (0x5D, 0x5D) : (0x2D, 0x2D)
            while i + 8 <= n {
                let w = UInt64(littleEndian: UnsafeRawPointer(p.baseAddress! + i).loadUnaligned(as: UInt64.self))
                let mask = XMLRepairFilter.specialMask(w, sa, sb)
                if mask == 0 {
                    i += 8
                } else {
                    // Jump straight to the first byte that matters.
                    i += mask.trailingZeroBitCount >> 3
                    break
                }
            }
            if i >= n { break }
            let b = p[i]
            if b >= 0x20 && b < 0x80 {
                switch b {
                case 0x21:  // ! — after '<' it may open a CDATA section or a comment
                    if mode == .text, i > 0, p[i - 1] == 0x3C {
                        if let c = matches(i - 1, "<![CDATA[") {
                            if c { mode = .cdata; i += 8; continue }
                        } else if hold(i - 1) {
                            return
                        }
                        if let c = matches(i - 1, "<!--") {
                            if c { mode = .comment; i += 3; continue }
                        } else if hold(i - 1) {
                            return
                        }
                    }
                    i += 1
                case 0x5D:  // ]
                    guard let end = matches(i, "]]>") else {
                        if hold(i) { return }
                        i += 1
                        continue
                    }
                    if end {
                        if mode == .cdata {
                            mode = .text
                            i += 3
                        } else if mode == .text {
                            flush(i)
                            out.append(contentsOf: [0x5D, 0x5D, 0x26, 0x67, 0x74, 0x3B])  // ]]&gt;
                            repaired(at: newlines + 1)
                            i += 3
                            runStart = i
                        } else {
                            i += 3
                        }
                    } else {
                        i += 1
                    }
                case 0x2D:  // -
                    if mode == .comment {
                        guard let end = matches(i, "-->") else {
                            if hold(i) { return }
                            i += 1
                            continue
                        }
                        if end {
                            mode = .text
                            i += 3
                            continue
                        }
                    }
                    i += 1
                default:
                    i += 1
                }
                continue
            }
            if b == 0x0A {
                newlines += 1
                i += 1
                continue
            }
            if b == 0x09 || b == 0x0D {
                i += 1
                continue
            }
            if b < 0x20 {
                flush(i)
                repaired(at: newlines + 1)
                i += 1
                runStart = i
                continue
            }
            // b >= 0x80
            guard checkUTF8 else {
                i += 1
                continue
            }
            let len: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: len = 2
            case 0xE0: len = 3; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: len = 3
            case 0xED: len = 3; hi = 0x9F
            case 0xF0: len = 4; lo = 0x90
            case 0xF1...0xF3: len = 4
            case 0xF4: len = 4; hi = 0x8F
            default: len = 0
            }
            var valid = len > 0
            if valid {
                if i + len > n {
                    // Possibly cut by the chunk end; check what we have.
                    var ok = true
                    for k in 1..<(n - i) where !(p[i + k] >= (k == 1 ? lo : 0x80) && p[i + k] <= (k == 1 ? hi : 0xBF)) {
                        ok = false
                    }
                    if ok && hold(i) { return }
                    valid = false
                } else {
                    if !(p[i + 1] >= lo && p[i + 1] <= hi) { valid = false }
                    for k in 2..<max(2, len) where !(p[i + k] >= 0x80 && p[i + k] <= 0xBF) { valid = false }
                    // U+FFFE and U+FFFF are not XML characters.
                    if valid && b == 0xEF && p[i + 1] == 0xBF && (p[i + 2] == 0xBE || p[i + 2] == 0xBF) { valid = false }
                }
            }
            if valid {
                i += len
            } else {
                flush(i)
                out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                repaired(at: newlines + 1)
                i += (b == 0xEF && i + 2 < n && p[i + 1] == 0xBF) ? 3 : 1
                runStart = i
            }
        }
        // A '<' at the very end may be followed by '!' in the next chunk:
        // keep it so that the two are seen together.
        if !final, mode == .text, n > runStart, p[n - 1] == 0x3C {
            flush(n - 1)
            pending.append(0x3C)
            return
        }
        flush(n)
    }
}
