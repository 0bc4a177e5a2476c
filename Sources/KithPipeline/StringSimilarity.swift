internal import Foundation

/// String similarity measures over UTF-8 bytes of folded text.
public enum StringSimilarity {
    /// Jaro-Winkler similarity in 0...1 (prefix scale 0.1, up to 4 characters).
    public static func jaroWinkler(_ a: some StringProtocol, _ b: some StringProtocol) -> Double {
        var x = Array(a.utf8), y = Array(b.utf8)
        return jaroWinkler(&x, &y)
    }

    static func jaroWinkler(_ a: inout [UInt8], _ b: inout [UInt8]) -> Double {
        if a == b { return a.isEmpty ? 0 : 1 }
        let n = a.count, m = b.count
        if n == 0 || m == 0 { return 0 }
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                n <= 64 && m <= 64 ? jaroWinklerShort(x, y) : jaroWinklerLong(x, y)
            }
        }
    }

    /// Strings of up to 64 bytes: match flags in two bit masks.
    /// Jaro-Winkler over byte buffers.
    static func jaroWinkler(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Double {
        let n = a.count, m = b.count
        if n == 0 || m == 0 { return 0 }
        if n == m && memcmp(a.baseAddress!, b.baseAddress!, n) == 0 { return 1 }
        return n <= 64 && m <= 64 ? jaroWinklerShort(a, b) : jaroWinklerLong(a, b)
    }

    private static func jaroWinklerShort(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Double {
        let n = a.count, m = b.count
        let window = max(0, max(n, m) / 2 - 1)
        var fa: UInt64 = 0, fb: UInt64 = 0
        var matches = 0
        for i in 0..<n {
            let lo = max(0, i - window), hi = min(m - 1, i + window)
            if lo > hi { continue }
            let c = a[i]
            var j = lo
            while j <= hi {
                if fb & (1 << UInt64(j)) == 0 && b[j] == c {
                    fa |= 1 << UInt64(i)
                    fb |= 1 << UInt64(j)
                    matches += 1
                    break
                }
                j += 1
            }
        }
        if matches == 0 { return 0 }
        var t = 0
        var ra = fa, rb = fb
        while ra != 0 {
            let i = ra.trailingZeroBitCount, k = rb.trailingZeroBitCount
            if a[i] != b[k] { t += 1 }
            ra &= ra - 1
            rb &= rb - 1
        }
        return finish(a, b, matches: matches, transpositions: t)
    }

    private static func jaroWinklerLong(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Double {
        let n = a.count, m = b.count
        let window = max(0, max(n, m) / 2 - 1)
        var flagsA = [Bool](repeating: false, count: n), flagsB = [Bool](repeating: false, count: m)
        var matches = 0
        for i in 0..<n {
            let lo = max(0, i - window), hi = min(m - 1, i + window)
            if lo > hi { continue }
            for j in lo...hi where !flagsB[j] && b[j] == a[i] {
                flagsA[i] = true
                flagsB[j] = true
                matches += 1
                break
            }
        }
        if matches == 0 { return 0 }
        var t = 0, k = 0
        for i in 0..<n where flagsA[i] {
            while !flagsB[k] { k += 1 }
            if a[i] != b[k] { t += 1 }
            k += 1
        }
        return finish(a, b, matches: matches, transpositions: t)
    }

    private static func finish(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, matches: Int, transpositions t: Int) -> Double {
        let mm = Double(matches)
        let jaro = (mm / Double(a.count) + mm / Double(b.count) + (mm - Double(t / 2)) / mm) / 3
        var prefix = 0
        let limit = min(4, min(a.count, b.count))
        while prefix < limit && a[prefix] == b[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }

    /// True when `a` and `b` differ by at most one edit (insertion, deletion,
    /// substitution) or one swap of neighbouring characters.
    public static func withinOneEdit(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        return x.withUnsafeBufferPointer { p in y.withUnsafeBufferPointer { q in withinOneEdit(p, q) } }
    }

    /// ``withinOneEdit(_:_:)`` over byte buffers.
    static func withinOneEdit(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        if x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) { return true }
        if abs(x.count - y.count) > 1 { return false }
        if x.count == y.count {
            var first = -1, second = -1, n = 0
            for i in 0..<x.count where x[i] != y[i] {
                n += 1
                if n == 1 { first = i } else if n == 2 { second = i } else { return false }
            }
            if n == 1 { return true }
            return n == 2 && second == first + 1 && x[first] == y[second] && x[second] == y[first]
        }
        let (s, l) = x.count < y.count ? (x, y) : (y, x)
        var i = 0, j = 0, skipped = false
        while i < s.count && j < l.count {
            if s[i] == l[j] {
                i += 1
                j += 1
            } else {
                if skipped { return false }
                skipped = true
                j += 1
            }
        }
        return true
    }
}
