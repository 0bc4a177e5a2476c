import Foundation

/// One mailbox read from an address header.
struct MailAddress: Hashable, Sendable {
    /// Display name, decoded; nil when none was given (or it only repeated the address).
    var name: String?
    /// The address as written (case kept), without angle brackets, routes or
    /// `mailto:`; for a domain-less entry, the local name alone; nil for a
    /// name given without any address.
    var address: String?
    /// True when the entry had no domain (`root`, `Anna Vogt`): kept, flagged.
    var domainless: Bool = false
    /// True when a list archive's `user at example.com` was rewritten.
    var rewrittenAt: Bool = false
}

/// An RFC 5322 address-list parser that accepts what real mail holds.
///
/// Hand-written (rather than a regular expression or a strict grammar)
/// because the strict grammar rejects a good share of real headers and the
/// usual shortcuts (split on commas, take what contains '@') get quoted
/// names, comments and groups wrong. It lexes quoted strings, nested
/// comments, angle addresses, domain literals and RFC 2047 words, then reads
/// mailboxes and groups:
/// - an angle address wins over a display name that contains `@`;
/// - `addr (Name)` takes the comment as the name;
/// - groups (`Team: a, b;`, `undisclosed-recipients:;`) give their members;
/// - obsolete routes (`<@relay,@relay2:user@host>`) and `mailto:` are dropped;
/// - missing commas (`a@x b@y`, `A <a@x> B <b@y>`) split;
/// - `user at example.com` (list archives) is rewritten;
/// - an unquoted `Last, First <addr>` is read as one name;
/// - domain-less names are kept and flagged; `<>` is dropped.
///
/// Encoded words in names are decoded after the structure is known, so an
/// encoded comma or quote cannot break it.
enum AddressParser {
    /// Tokens of an item: a slice of the token buffer (no reference count).
    fileprivate typealias TokenSlice = Slice<UnsafeBufferPointer<Token>>

    fileprivate enum Kind: UInt8 { case atom, quoted, comment, literal, special }

    fileprivate struct Token {
        var kind: Kind
        var start: Int
        var end: Int
        var spaceBefore: Bool
        var special: UInt8 { kind == .special ? 1 : 0 }
    }

    /// Parses an unfolded header value.
    static func parse(_ bytes: [UInt8], messageCharset: Charset?) -> [MailAddress] {
        bytes.withUnsafeBufferPointer { parse($0, messageCharset: messageCharset) }
    }

    static func parse(_ bytes: ArraySlice<UInt8>, messageCharset: Charset?) -> [MailAddress] {
        bytes.withUnsafeBufferPointer { parse($0, messageCharset: messageCharset) }
    }

    static func parse(_ b: UnsafeBufferPointer<UInt8>, messageCharset: Charset?) -> [MailAddress] {
        var scratch = AddressScratch()
        var out: [MailAddress] = []
        out.reserveCapacity(4)
        parse(b, messageCharset: messageCharset, scratch: &scratch, into: &out)
        return out
    }

    /// Parses an unfolded header value, appending to `out`, with the token
    /// and item lists in `scratch` (kept by the caller from one field to the
    /// next: no arrays made per field).
    static func parse(
        _ b: UnsafeBufferPointer<UInt8>, messageCharset: Charset?, scratch: inout AddressScratch,
        into out: inout [MailAddress]
    ) {
        lex(b, into: &scratch.tokens)
        scratch.tokens.withUnsafeBufferPointer { tokens in
            // Items as index ranges of the token buffer, and tokens passed
            // as slices of it: no reference counting per slice.
            let strings = scratch.strings
            forEachItem(b, tokens, &scratch.items) { item in
                mailboxes(b, item, into: &out, messageCharset: messageCharset, strings: strings)
            }
        }
        // A huge field (a header of thousands of recipients) does not keep
        // its lists for the rest of the input.
        if scratch.tokens.capacity > 1 << 14 { scratch.tokens = [] }
        if scratch.items.capacity > 1 << 12 { scratch.items = [] }
    }

    private static func forEachItem(
        _ b: UnsafeBufferPointer<UInt8>, _ tokens: UnsafeBufferPointer<Token>, _ items: inout [Range<Int>],
        _ body: (TokenSlice) -> Void
    ) {
        items.removeAll(keepingCapacity: true)
        var itemStart = 0
        var inAngle = false
        var inGroup = false
        var i = 0

        func isSpecial(_ t: Token, _ c: UInt8) -> Bool { t.kind == .special && b[t.start] == c }

        while i < tokens.count {
            let t = tokens[i]
            if t.kind == .special {
                let c = b[t.start]
                if inAngle {
                    if c == 0x3E { inAngle = false }
                } else if c == 0x3C {
                    inAngle = true
                } else if c == 0x2C {
                    items.append(itemStart..<i)
                    itemStart = i + 1
                } else if c == 0x3B {
                    items.append(itemStart..<i)
                    itemStart = i + 1
                    inGroup = false
                } else if c == 0x3A, !inGroup {
                    // "mailto:" prefix, or a group name.
                    let before = tokens[itemStart..<i]
                    let isMailto =
                        before.count == 1 && before.first!.kind == .atom
                        && lowerEquals(b, before.first!, "mailto")
                    let hasAt = before.contains { isSpecial($0, 0x40) }
                    if !isMailto && !hasAt {
                        itemStart = i + 1
                        inGroup = true
                    }
                }
            }
            i += 1
        }
        items.append(itemStart..<tokens.count)

        // "Last, First <addr>" written without quotes: a lone capitalised
        // word item followed by an item that is a one-word name and an angle
        // address is one mailbox.
        var k = 0
        while k < items.count {
            var item = tokens[items[k]]
            if k + 1 < items.count, isBareWord(b, item), startsWithOneWordAngle(b, tokens[items[k + 1]]) {
                item = tokens[items[k].lowerBound..<items[k + 1].upperBound]
                k += 1
            }
            body(item)
            k += 1
        }
    }

    // MARK: - Lexer

    private static func lex(_ b: UnsafeBufferPointer<UInt8>, into tokens: inout [Token]) {
        tokens.removeAll(keepingCapacity: true)
        tokens.reserveCapacity(max(16, b.count / 6))
        var i = 0
        let n = b.count
        var space = false
        while i < n {
            let c = b[i]
            switch c {
            case 0x20, 0x09, 0x0A, 0x0D:
                space = true
                i += 1
                continue
            case 0x22:  // quoted string
                let s = i + 1
                i += 1
                while i < n, b[i] != 0x22 {
                    if b[i] == 0x5C { i += 1 }
                    i += 1
                }
                tokens.append(Token(kind: .quoted, start: s, end: min(i, n), spaceBefore: space))
                i += 1
            case 0x28:  // comment, nested
                let s = i + 1
                var depth = 1
                i += 1
                while i < n {
                    if b[i] == 0x5C {
                        i += 2
                        continue
                    }
                    if b[i] == 0x28 { depth += 1 }
                    if b[i] == 0x29 {
                        depth -= 1
                        if depth == 0 { break }
                    }
                    i += 1
                }
                tokens.append(Token(kind: .comment, start: s, end: min(i, n), spaceBefore: space))
                i += 1
            case 0x5B:  // domain literal
                let s = i
                while i < n, b[i] != 0x5D { i += 1 }
                i = min(i + 1, n)
                tokens.append(Token(kind: .literal, start: s, end: i, spaceBefore: space))
            case 0x3C, 0x3E, 0x2C, 0x3A, 0x3B, 0x40, 0x29, 0x5D:
                tokens.append(Token(kind: .special, start: i, end: i + 1, spaceBefore: space))
                i += 1
            default:
                let s = i
                if c == 0x3D, i + 1 < n, b[i + 1] == 0x3F, let e = encodedWordEnd(b, s) {
                    i = e
                } else {
                    while i < n {
                        let d = b[i]
                        if d == 0x20 || d == 0x09 || d == 0x0A || d == 0x0D || d == 0x22 || d == 0x28 || d == 0x3C
                            || d == 0x3E || d == 0x2C || d == 0x3A || d == 0x3B || d == 0x40 || d == 0x5B || d == 0x29
                        {
                            break
                        }
                        if d == 0x3D, i + 1 < n, b[i + 1] == 0x3F, i > s, encodedWordEnd(b, i) != nil { break }
                        i += 1
                    }
                }
                tokens.append(Token(kind: .atom, start: s, end: i, spaceBefore: space))
            }
            space = false
        }
    }

    /// The end of an encoded word starting at `s`, which may hold specials
    /// (`,` `:` `"`) that would otherwise break the lexing.
    private static func encodedWordEnd(_ b: UnsafeBufferPointer<UInt8>, _ s: Int) -> Int? {
        var i = s + 2
        var q = 0
        let n = b.count
        while i < n, i - s < 2100 {
            let c = b[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { return nil }
            if c == 0x3F {
                q += 1
                if q >= 3, i + 1 < n, b[i + 1] == 0x3D { return i + 2 }
            }
            i += 1
        }
        return nil
    }

    private static func lowerEquals(_ b: UnsafeBufferPointer<UInt8>, _ t: Token, _ s: StaticString) -> Bool {
        guard t.end - t.start == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for k in 0..<s.utf8CodeUnitCount where b[t.start + k] | 0x20 != p[k] { return false }
        return true
    }

    // MARK: - Mailboxes

    private static func isBareWord(_ b: UnsafeBufferPointer<UInt8>, _ item: TokenSlice) -> Bool {
        guard item.count == 1, let t = item.first, t.kind == .atom else { return false }
        let c = b[t.start]
        return (c >= 0x41 && c <= 0x5A) || c >= 0x80
    }

    private static func startsWithOneWordAngle(_ b: UnsafeBufferPointer<UInt8>, _ item: TokenSlice) -> Bool {
        guard item.count >= 3 else { return false }
        let first = item[item.startIndex]
        let second = item[item.startIndex + 1]
        guard first.kind == .atom, second.kind == .special, b[second.start] == 0x3C else { return false }
        let c = b[first.start]
        return (c >= 0x41 && c <= 0x5A) || c >= 0x80
    }

    private static func mailboxes(
        _ b: UnsafeBufferPointer<UInt8>, _ whole: TokenSlice, into out: inout [MailAddress], messageCharset: Charset?,
        strings: AddressStrings?
    ) {
        // Angle addresses one after another (missing commas) are read in a
        // loop, not by recursion: a hostile header cannot exhaust the stack.
        var item = whole
        while let open = item.firstIndex(where: { $0.kind == .special && b[$0.start] == 0x3C }) {
            var close = open + 1
            while close < item.endIndex, !(item[close].kind == .special && b[item[close].start] == 0x3E) { close += 1 }
            let nameTokens = item[item.startIndex..<open]
            var addrTokens = item[(open + 1)..<close]
            // Obsolete route or mailto: keep what follows the last colon.
            if let colon = addrTokens.lastIndex(where: { $0.kind == .special && b[$0.start] == 0x3A }) {
                addrTokens = addrTokens[(colon + 1)...]
            }
            var name = phraseText(b, nameTokens, messageCharset: messageCharset, strings: strings)
            var rest = close < item.endIndex ? item[(close + 1)...] : item[item.endIndex...]
            // A trailing comment names the mailbox when nothing before did.
            if name == nil, let firstComment = rest.first, firstComment.kind == .comment {
                name = commentText(b, firstComment, messageCharset: messageCharset, strings: strings)
            }
            if let first = addrTokens.first, let last = addrTokens.last,
                addrTokens.allSatisfy({ $0.kind == .atom || $0.kind == .special }),
                last.end - first.start == addrTokens.reduce(0, { $0 + $1.end - $1.start })
            {
                // Contiguous (the common case): the address is its source bytes.
                out.append(finish(name: name, address: UnsafeBufferPointer(rebasing: b[first.start..<last.end]), strings))
            } else {
                let address = addressText(b, addrTokens)
                if !address.isEmpty { out.append(address.withUnsafeBufferPointer { finish(name: name, address: $0, strings) }) }
            }
            guard let nc = rest.firstIndex(where: { $0.kind != .comment }) else { return }
            rest = rest[nc...]
            item = rest
        }
        guard !item.isEmpty else { return }
        out += plainMailboxes(b, item, messageCharset: messageCharset, strings: strings)
    }

    /// Mailboxes without angle brackets: `addr`, `addr (Name)`, `a@x b@y`,
    /// `Name addr`, `user at example.com`, a domain-less local name.
    private static func plainMailboxes(
        _ b: UnsafeBufferPointer<UInt8>, _ item: TokenSlice, messageCharset: Charset?, strings: AddressStrings?
    ) -> [MailAddress] {
        // No angle address: words separated by whitespace.
        var words: [(text: [UInt8], hasAt: Bool, tokens: Range<Int>)] = []
        var comments: [Token] = []
        var cur: [UInt8] = []
        var curAt = false
        var curStart = item.startIndex
        var last = item.startIndex
        for idx in item.indices {
            let t = item[idx]
            if t.kind == .comment {
                comments.append(t)
                continue
            }
            if t.spaceBefore && !cur.isEmpty {
                words.append((cur, curAt, curStart..<last))
                cur = []
                curAt = false
            }
            if cur.isEmpty { curStart = idx }
            switch t.kind {
            case .quoted:
                cur.append(0x22)
                cur += b[t.start..<t.end]
                cur.append(0x22)
            case .special:
                if b[t.start] == 0x40 { curAt = true }
                cur.append(b[t.start])
            default:
                cur += b[t.start..<t.end]
            }
            last = idx + 1
        }
        if !cur.isEmpty { words.append((cur, curAt, curStart..<last)) }

        // "user @ example.com": glue a lone "@" (or a word ending/starting
        // with one) to its neighbours, in one pass.
        var glued: [(text: [UInt8], hasAt: Bool, tokens: Range<Int>)] = []
        glued.reserveCapacity(words.count)
        for word in words {
            let k = glued.count - 1
            if k >= 0, glued[k].text.last == 0x40 || word.text.first == 0x40 {
                glued[k].text.append(contentsOf: word.text)
                glued[k].hasAt = true
                glued[k].tokens = glued[k].tokens.lowerBound..<word.tokens.upperBound
            } else {
                glued.append(word)
            }
        }
        words = glued
        var rewrittenAt = false
        if !words.contains(where: { $0.hasAt }), words.count >= 3 {
            // "user at example.com" from list archives.
            for j in 1..<(words.count - 1) where isAt(words[j].text) && words[j + 1].text.contains(0x2E) {
                let merged = words[j - 1].text + [0x40] + words[j + 1].text
                words[j - 1] = (merged, true, words[j - 1].tokens.lowerBound..<words[j + 1].tokens.upperBound)
                words.removeSubrange(j...(j + 1))
                rewrittenAt = true
                break
            }
        }
        let commentName = comments.first.flatMap { commentText(b, $0, messageCharset: messageCharset, strings: strings) }
        let atWords = words.filter(\.hasAt)
        if atWords.isEmpty {
            if words.isEmpty { return [] }
            if words.count == 1 {
                var m = words[0].text.withUnsafeBufferPointer { finish(name: commentName, address: $0, strings) }
                m.domainless = true
                return [m]
            }
            // Only a name.
            let name = item.filter { $0.kind != .comment }.withUnsafeBufferPointer {
                phraseText(b, $0[...], messageCharset: messageCharset, strings: strings)
            }
            return [MailAddress(name: name, address: nil, domainless: true)]
        }
        var out: [MailAddress] = []
        var pendingName: [Token] = []
        for word in words {
            if word.hasAt {
                var name = pendingName.isEmpty
                    ? nil : pendingName.withUnsafeBufferPointer { phraseText(b, $0[...], messageCharset: messageCharset, strings: strings) }
                if name == nil && atWords.count == 1 { name = commentName }
                var m = word.text.withUnsafeBufferPointer { finish(name: name, address: $0, strings) }
                m.rewrittenAt = rewrittenAt
                out.append(m)
                pendingName = []
            } else {
                pendingName += item[word.tokens].filter { $0.kind != .comment }
            }
        }
        return out
    }

    private static func isAt(_ t: [UInt8]) -> Bool {
        t.count == 2 && t[0] | 0x20 == 0x61 && t[1] | 0x20 == 0x74
    }

    private static func finish(
        name: String?, address: UnsafeBufferPointer<UInt8>, _ strings: AddressStrings? = nil
    ) -> MailAddress {
        let a = cleanAddress(address, strings)
        var n = name
        if let x = n {
            let xc = x.utf8.count
            if xc == 0 || (xc == a.utf8.count && x.caseInsensitiveEquals(a))
                || (xc == a.utf8.count + 2 && x.caseInsensitiveEquals("<" + a + ">"))
            {
                n = nil
            }
        }
        return MailAddress(name: n, address: a.isEmpty ? nil : a)
    }

    /// Drops `mailto:`, trailing punctuation and stray quotes, on bytes.
    private static func cleanAddress(_ b: UnsafeBufferPointer<UInt8>, _ strings: AddressStrings? = nil) -> String {
        var s = 0
        var e = b.count
        if e > 7, b[0] | 0x20 == 0x6D, b[1] | 0x20 == 0x61, b[2] | 0x20 == 0x69, b[3] | 0x20 == 0x6C, b[4] | 0x20 == 0x74,
            b[5] | 0x20 == 0x6F, b[6] == 0x3A
        {
            s = 7
        }
        while e > s, b[e - 1] == 0x2E || b[e - 1] == 0x2C || b[e - 1] == 0x3B || b[e - 1] == 0x27 { e -= 1 }
        while s < e, b[s] == 0x27 { s += 1 }
        let cleaned = UnsafeBufferPointer(rebasing: b[s..<e])
        guard let strings else { return Charset.headerText(cleaned, messageCharset: nil) }
        return strings.string(cleaned) { Charset.headerText($0, messageCharset: nil) }
    }

    /// Address tokens as bytes: comments and whitespace dropped.
    private static func addressText(_ b: UnsafeBufferPointer<UInt8>, _ tokens: TokenSlice) -> [UInt8] {
        var out: [UInt8] = []
        for t in tokens {
            switch t.kind {
            case .comment: continue
            case .quoted:
                out.append(0x22)
                out += b[t.start..<t.end]
                out.append(0x22)
            default: out += b[t.start..<t.end]
            }
        }
        return out
    }

    /// A display name: atoms and quoted strings joined with single spaces,
    /// then RFC 2047-decoded, whitespace collapsed, stray quotes removed.
    private static func phraseText(
        _ b: UnsafeBufferPointer<UInt8>, _ tokens: TokenSlice, messageCharset: Charset?, strings: AddressStrings? = nil
    ) -> String? {
        guard let firstToken = tokens.first else { return nil }
        // Fast path: one quoted string without escapes, or atoms separated
        // by single spaces, are their own source bytes.
        if tokens.count == 1, firstToken.kind == .quoted,
            !UnsafeBufferPointer(rebasing: b[firstToken.start..<firstToken.end]).contains(0x5C)
        {
            return nameText(UnsafeBufferPointer(rebasing: b[firstToken.start..<firstToken.end]), messageCharset: messageCharset, strings)
        }
        var contiguous = true
        var prevEnd = -1
        for t in tokens {
            guard t.kind == .atom || (t.kind == .special && b[t.start] != 0x3C) else {
                contiguous = false
                break
            }
            if prevEnd >= 0 {
                let gap = t.start - prevEnd
                if !(gap == 0 || (gap == 1 && b[prevEnd] == 0x20)) {
                    contiguous = false
                    break
                }
            }
            prevEnd = t.end
        }
        if contiguous {
            return nameText(UnsafeBufferPointer(rebasing: b[firstToken.start..<prevEnd]), messageCharset: messageCharset, strings)
        }
        var out: [UInt8] = []
        for t in tokens {
            if t.kind == .comment { continue }
            if t.spaceBefore && !out.isEmpty { out.append(0x20) }
            if t.kind == .quoted {
                var i = t.start
                while i < t.end {
                    if b[i] == 0x5C, i + 1 < t.end { i += 1 }
                    out.append(b[i])
                    i += 1
                }
            } else {
                out += b[t.start..<t.end]
            }
        }
        return out.withUnsafeBufferPointer { nameText($0, messageCharset: messageCharset, strings) }
    }

    /// A display name's text: encoded words decoded, then `cleanName`. Names
    /// recur (the same correspondents), so those that need decoding (an
    /// encoded word or an 8-bit byte) are remembered in `DecodeMemo.names`.
    private static func nameText(
        _ raw: UnsafeBufferPointer<UInt8>, messageCharset: Charset?, _ strings: AddressStrings? = nil
    ) -> String? {
        var plain = true
        var i = 0
        while i < raw.count {
            let c = raw[i]
            if c >= 0x80 || (c == 0x3D && i + 1 < raw.count && raw[i + 1] == 0x3F) {
                plain = false
                break
            }
            i += 1
        }
        if plain {
            // ASCII without encoded words and nothing to clean (no loose
            // whitespace, no enclosing quotes) is its own text: handed out
            // from the thread's strings like an address.
            if let strings, raw.count > 0, !hasLooseWhitespace(raw),
                !(raw.count >= 2 && (raw[0] == 0x22 || raw[0] == 0x27) && raw[raw.count - 1] == raw[0])
            {
                return strings.string(raw) { String(decoding: $0, as: UTF8.self) }
            }
            return cleanName(EncodedWords.decode(raw, messageCharset: messageCharset))
        }
        return DecodeMemo.names.value(raw, tag: DecodeMemo.tag(for: messageCharset)) {
            cleanName(EncodedWords.decode($0, messageCharset: messageCharset))
        }
    }

    private static func commentText(
        _ b: UnsafeBufferPointer<UInt8>, _ t: Token, messageCharset: Charset?, strings: AddressStrings? = nil
    ) -> String? {
        var out: [UInt8] = []
        var i = t.start
        while i < t.end {
            if b[i] == 0x5C, i + 1 < t.end { i += 1 }
            out.append(b[i])
            i += 1
        }
        return out.withUnsafeBufferPointer { nameText($0, messageCharset: messageCharset, strings) }
    }

    /// Whitespace collapsed and trimmed, one pair of enclosing quotes
    /// (`'Anna Vogt'`, `"Anna Vogt"`) removed; nil when nothing is left.
    static func cleanName(_ s: String) -> String? {
        if isClean(s) { return s.isEmpty ? nil : s }
        var scalars = String.UnicodeScalarView()
        var space = false
        var changed = false
        for u in s.unicodeScalars {
            if u == " " || u == "\t" || u == "\r" || u == "\n" {
                if !space { changed = changed || u != " " }
                else { changed = true }
                space = true
                continue
            }
            if space {
                if scalars.isEmpty { changed = true } else { scalars.append(" ") }
                space = false
            }
            scalars.append(u)
        }
        if space { changed = true }
        while let f = scalars.first, let l = scalars.last, scalars.count >= 2, (f == "'" && l == "'") || (f == "\"" && l == "\"") {
            scalars.removeFirst()
            scalars.removeLast()
            changed = true
            while scalars.first == " " { scalars.removeFirst() }
            while scalars.last == " " { scalars.removeLast() }
        }
        if scalars.isEmpty { return nil }
        return changed ? String(scalars) : s
    }
}

/// The token and item lists `AddressParser` fills for each field, kept
/// by a parsing thread from one field to the next.
struct AddressScratch {
    fileprivate var tokens: [AddressParser.Token] = []
    fileprivate var items: [Range<Int>] = []
    /// Address strings made by this thread, to hand out again (none for a
    /// one-off parse).
    var strings: AddressStrings?

    /// Scratch that also remembers address strings (a parsing thread's).
    static func withStrings() -> AddressScratch {
        var s = AddressScratch()
        s.strings = AddressStrings()
        return s
    }
}

/// The address strings one parsing thread has made, by their bytes: the
/// same correspondents recur all through an archive, and handing out the
/// string made before (a hash and a compare) saves making one (an
/// allocation, a validation, a copy) and freeing it again after the
/// message is written. A string is only handed out for bytes equal to its
/// own UTF-8, and `headerText` of valid UTF-8 is that text, so the answer
/// is what making it anew would give.
///
/// Hand-written, on fixed storage (no exclusivity checks, no key arrays):
/// 8,192 slots, up to four probes, a full neighbourhood replaces its first
/// slot, so memory stays bounded; one thread only.
final class AddressStrings {
    private let slotCount = 8192
    private let hashes: UnsafeMutablePointer<UInt64>
    private let strings: UnsafeMutablePointer<String?>

    init() {
        hashes = .allocate(capacity: slotCount)
        hashes.initialize(repeating: 0, count: slotCount)
        strings = .allocate(capacity: slotCount)
        strings.initialize(repeating: nil, count: slotCount)
    }

    deinit {
        hashes.deallocate()
        strings.deinitialize(count: slotCount)
        strings.deallocate()
    }

    /// The string for `bytes`: one made before from equal bytes, else `make`'s (then kept).
    func string(_ bytes: UnsafeBufferPointer<UInt8>, _ make: (UnsafeBufferPointer<UInt8>) -> String) -> String {
        guard bytes.count > 0, bytes.count <= 256 else { return make(bytes) }
        let h = wordHash(bytes) | 1
        let home = Int(truncatingIfNeeded: h) & (slotCount - 1)
        var free = -1
        for k in 0..<4 {
            let i = (home + k) & (slotCount - 1)
            if hashes[i] == 0 {
                if free < 0 { free = i }
                continue
            }
            if hashes[i] == h, let s = strings[i] {
                let same = s.withBytes { own in
                    own.count == bytes.count && memcmp(own.baseAddress!, bytes.baseAddress!, own.count) == 0
                }
                if same { return s }
            }
        }
        let s = make(bytes)
        let i = free >= 0 ? free : home
        hashes[i] = h
        strings[i] = s
        return s
    }
}

/// A hash of `b` for in-memory tables only (never stored or shown), eight
/// bytes at a time: a few instructions per word where FNV-1a takes a
/// multiply per byte.
@inline(__always)
func wordHash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
    let n = b.count
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
    guard let p = b.baseAddress, n > 0 else { return h }
    let raw = UnsafeRawPointer(p)
    var i = 0
    while i + 8 <= n {
        h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 29
        i += 8
    }
    if i < n {
        var w: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            w |= UInt64(p[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
    }
    h ^= h >> 32
    h &*= 0xC4CE_B9FE_1A85_EC53
    h ^= h >> 29
    return h
}

/// True when `s` has whitespace to collapse or trim (tabs, line breaks,
/// double, leading or trailing spaces); checked on bytes.
func hasLooseWhitespace(_ s: String) -> Bool {
    s.withBytes { hasLooseWhitespace($0) }
}

func hasLooseWhitespace(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
    var prevSpace = true
    for c in p {
        if c == 0x20 {
            if prevSpace { return true }
            prevSpace = true
        } else if c == 0x09 || c == 0x0A || c == 0x0D {
            return true
        } else {
            prevSpace = false
        }
    }
    return prevSpace && !p.isEmpty
}

/// True when `s` needs no cleaning as a name: no loose whitespace and no
/// enclosing quotes.
func isClean(_ s: String) -> Bool {
    if hasLooseWhitespace(s) { return false }
    guard let f = s.utf8.first, let l = s.utf8.last else { return true }
    return !((f == 0x22 || f == 0x27) && l == f && s.utf8.count >= 2)
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && lowercased() == other.lowercased()
    }
}
