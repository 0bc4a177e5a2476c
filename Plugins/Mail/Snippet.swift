import Foundation
import KithPlugin

/// A short plain-text excerpt of a message body, for `-O snippet=N`.
///
/// Reads only the first bytes the splitter kept, finds the first text part
/// (walking multipart bodies by their boundaries, at most a few levels
/// deep), undoes quoted-printable or base64 for that text part only, applies
/// its charset and collapses whitespace. Attachments are never decoded.
enum Snippet {
    static func extract(
        body: [UInt8], contentType: HeaderFields.Value?, transferEncoding: HeaderFields.Value?, messageCharset: Charset?, maxCharacters: Int,
        unescapeMboxrd: Bool
    ) -> String? {
        var bytes = body
        if unescapeMboxrd { bytes = unescape(bytes) }
        let ct = contentType.map { MIMEValue($0) }
        guard let text = textPart(bytes[...], type: ct, encoding: transferEncoding, charset: messageCharset, depth: 0) else {
            return nil
        }
        var out = ""
        var count = 0
        var space = false
        for ch in text {
            if ch.isWhitespace {
                space = !out.isEmpty
                continue
            }
            if space {
                out.append(" ")
                count += 1
                space = false
            }
            if count >= maxCharacters { break }
            out.append(ch)
            count += 1
        }
        return out.isEmpty ? nil : out
    }

    /// mboxrd: one `>` less on every `>+From ` line.
    static func unescape(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        var lineStart = true
        while i < b.count {
            if lineStart, b[i] == 0x3E {
                var k = i
                while k < b.count, b[k] == 0x3E { k += 1 }
                if k + 5 <= b.count, b[k] == 0x46, b[k + 1] == 0x72, b[k + 2] == 0x6F, b[k + 3] == 0x6D, b[k + 4] == 0x20 {
                    i += 1
                }
            }
            out.append(b[i])
            lineStart = b[i] == 0x0A
            i += 1
        }
        return out
    }

    private static func textPart(
        _ body: ArraySlice<UInt8>, type: MIMEValue?, encoding: HeaderFields.Value?, charset: Charset?, depth: Int
    ) -> String? {
        let mime = type?.value ?? "text/plain"
        let cs = type?.parameters["charset"].flatMap { Charset.named($0) } ?? charset
        if mime.hasPrefix("multipart/") {
            guard depth < 4, let boundary = type?.parameters["boundary"], !boundary.isEmpty else { return nil }
            let parts = split(body, boundary: Array(boundary.utf8))
            var html: String?
            for part in parts {
                let (headers, content) = partHeaders(part)
                let f = HeaderFields(headers)
                let pt = f.contentType.map { MIMEValue($0) }
                let ptype = pt?.value ?? "text/plain"
                if ptype.hasPrefix("multipart/") || ptype == "text/plain" {
                    if let t = textPart(content, type: pt, encoding: f.contentTransferEncoding, charset: cs, depth: depth + 1) {
                        return t
                    }
                } else if ptype == "text/html", html == nil {
                    html = textPart(content, type: pt, encoding: f.contentTransferEncoding, charset: cs, depth: depth + 1)
                }
            }
            return html
        }
        guard mime.hasPrefix("text/") else { return nil }
        let decoded = transferDecode(body, encoding)
        let text = (cs ?? .utf8).decodeLeniently(decoded)
        return mime == "text/html" ? stripTags(text) : text
    }

    private static func split(_ body: ArraySlice<UInt8>, boundary: [UInt8]) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var i = body.startIndex
        while i < body.endIndex {
            var e = i
            while e < body.endIndex, body[e] != 0x0A { e += 1 }
            let line = body[i..<e]
            if line.count >= boundary.count + 2, line.first == 0x2D, line[i + 1] == 0x2D,
                line[(i + 2)..<(i + 2 + boundary.count)].elementsEqual(boundary)
            {
                if let s = partStart { parts.append(body[s..<max(s, i - 1)]) }
                let closing = line.count >= boundary.count + 4 && line[i + 2 + boundary.count] == 0x2D
                if closing { return parts }
                partStart = e + 1
            }
            i = e + 1
        }
        if let s = partStart, s < body.endIndex { parts.append(body[s...]) }
        return parts
    }

    private static func partHeaders(_ part: ArraySlice<UInt8>) -> ([UInt8], ArraySlice<UInt8>) {
        var i = part.startIndex
        while i < part.endIndex {
            var e = i
            while e < part.endIndex, part[e] != 0x0A { e += 1 }
            if e == i || (e == i + 1 && part[i] == 0x0D) {
                return (Array(part[part.startIndex..<i]), part[min(e + 1, part.endIndex)...])
            }
            i = e + 1
        }
        return (Array(part), part[part.endIndex...])
    }

    private static func transferDecode(_ body: ArraySlice<UInt8>, _ encoding: HeaderFields.Value?) -> [UInt8] {
        let enc = encoding.map { String(decoding: $0, as: UTF8.self).lowercased().trimmingSpaces } ?? ""
        var out: [UInt8] = []
        if enc == "base64" {
            Array(body).withUnsafeBufferPointer { _ = TransferCodec.appendBase64($0, to: &out, skippingInvalid: true) }
            return out
        }
        if enc == "quoted-printable" {
            Array(body).withUnsafeBufferPointer { _ = TransferCodec.appendQuotedPrintable($0, to: &out) }
            return out
        }
        return Array(body)
    }

    private static func stripTags(_ s: String) -> String {
        var out = ""
        var inTag = false
        for ch in s {
            if ch == "<" {
                inTag = true
                out.append(" ")
            } else if ch == ">" {
                inTag = false
            } else if !inTag {
                out.append(ch)
            }
        }
        return out.replacingEntities()
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }

    func replacingEntities() -> String {
        guard contains("&") else { return self }
        var s = self
        for (k, v) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            s = s.replacingOccurrences(of: k, with: v)
        }
        return s
    }
}
