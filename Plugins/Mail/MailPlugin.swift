import Foundation
import KithModel
public import KithPlugin

/// Mail archives: mbox in every variant (mboxo, mboxrd, mboxcl, mboxcl2,
/// Thunderbird, Gmail Takeout, Apple Mail's `mbox` files), single messages
/// (.eml, with or without an envelope line) and Maildir folders (with
/// Maildir++ subfolders), read as one interaction per message and one
/// contact per address seen. See docs/mail.md.
///
/// One plugin, id `mail`, for all three shapes: which one an input is shows
/// in its first line (an envelope line is an mbox) or in being a folder
/// (Maildir), so users never need to say.
///
/// Options (`-O key=value`):
/// - `me=ADDRESS[,ADDRESS…]`: the archive owner; interactions get
///   `kith:direction` `sent`/`received`, the owner's contact `kith:owner`.
/// - `snippet=N`: read up to N characters of the first text part into
///   `snippet` (default 0: bodies are skipped).
/// - `mboxrd=yes`: undo mboxrd `>From ` escaping in snippets.
/// - `content-length=ignore`: never trust Content-Length (default: trusted
///   when it ends exactly at a message boundary).
/// - `dedupe=no`: report every copy of a repeated message.
/// - `threads=N`: parse headers on N threads, split on one more (default:
///   up to 4 cores; `1` does everything on the calling thread).
public struct MailPlugin: Importer {
    public init() {}

    public var descriptor: FormatDescriptor {
        FormatDescriptor(
            id: "mail", name: "Mail (mbox, .eml, Maildir)",
            summary: "mail archives: one interaction per message, contacts for every address seen",
            fileExtensions: ["mbox", "mbx", "mboxrd", "eml", "mbs"],
            mediaTypes: ["application/mbox", "message/rfc822"],
            capabilities: [.import, .directoryInput])
    }

    public func detect(_ probe: FormatProbe) -> Detection {
        if probe.isDirectory {
            let e = Set(probe.directoryEntries)
            if e.contains("cur") && e.contains("new") { return .certain("Maildir: cur/ and new/ folders") }
            if (e.contains("cur") || e.contains("new")) && e.contains("tmp") { return .likely("Maildir-like folders") }
            // A folder of message files is one archive (contacts and
            // duplicates across its files).
            let visible = probe.directoryEntries.filter { !$0.hasPrefix(".") }
            let mail = visible.filter { name in
                guard let dot = name.lastIndex(of: ".") else { return false }
                return ["eml", "mbox", "mbx", "mboxrd"].contains(name[name.index(after: dot)...].lowercased())
            }
            if mail.count >= 2 && mail.count * 10 >= visible.count * 8 {
                return Detection(confidence: 60, reason: "a folder of .eml/.mbox files")
            }
            return .no("not a Maildir (no cur/ and new/) nor a folder of mail files")
        }
        let extFits = descriptor.fileExtensions.contains(probe.fileExtension)
        var b = probe.head[...]
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { b = b.dropFirst(3) }
        while let c = b.first, c == 0x0A || c == 0x0D { b = b.dropFirst() }
        if b.isEmpty { return extFits ? .byExtension() : .no("empty") }
        let lines = b.split(separator: 0x0A, maxSplits: 60, omittingEmptySubsequences: false)
        var first = 0
        var envelope = false
        if lines[0].starts(with: Array("From ".utf8)) {
            envelope = true
            first = 1
        }
        var known = 0
        var core = 0
        var fields = 0
        for raw in lines.dropFirst(first).prefix(60) {
            var l = raw
            if l.last == 0x0D { l = l.dropLast() }
            if l.isEmpty { break }
            if l.first == 0x20 || l.first == 0x09 { continue }
            guard let colon = l.firstIndex(of: 0x3A), colon > l.startIndex,
                l[l.startIndex..<colon].allSatisfy({ $0 > 0x20 && $0 < 0x7F })
            else {
                if fields == 0 { break }
                continue
            }
            fields += 1
            let name = String(decoding: l[l.startIndex..<colon], as: UTF8.self).lowercased()
            if Self.coreHeaders.contains(name) {
                core += 1
                known += 1
            } else if Self.otherHeaders.contains(name) || name.hasPrefix("x-") || name.hasPrefix("list-")
                || name.hasPrefix("arc-")
            {
                known += 1
            }
        }
        if envelope {
            if core >= 1 { return .certain("mbox envelope line followed by mail headers") }
            // "From the desk of ..." in a letter is not an envelope: want a date too.
            let rest = lines[0].dropFirst(5)
            let dateLike = rest.contains { $0 >= 0x30 && $0 <= 0x39 } && rest.contains(0x3A)
            if dateLike || rest.starts(with: [0x2D]) {
                return Detection(confidence: 60, reason: "starts with an mbox envelope line")
            }
            return extFits ? .byExtension() : .no("a 'From ' line that is not an mbox envelope")
        }
        if core >= 2 && known >= 3 { return Detection(confidence: 90, reason: "mail header block") }
        if core >= 1 && known >= 2 { return Detection(confidence: extFits ? 80 : 55, reason: "looks like a mail header block") }
        return extFits ? .byExtension() : .no("no mbox envelope or mail header block")
    }

    private static let coreHeaders: Set<String> = [
        "from", "to", "subject", "date", "message-id", "received", "return-path", "delivered-to", "mime-version",
        "in-reply-to", "references", "reply-to", "sender", "cc",
    ]
    private static let otherHeaders: Set<String> = [
        "content-type", "content-transfer-encoding", "dkim-signature", "authentication-results", "user-agent",
        "thread-topic", "thread-index", "bcc", "organization", "importance", "precedence", "auto-submitted", "envelope-to",
        "content-length", "status", "keywords", "comments", "resent-from", "resent-to", "resent-date", "priority",
        "disposition-notification-to", "errors-to", "domainkey-signature", "received-spf", "newsgroups", "path", "lines",
    ]

    public func importRecords(
        from source: ImportSource, options: PluginOptions, emit: (ImportEvent) throws -> Void
    ) throws -> ImportSummary {
        let opts = try MailOptions(options)
        return try withoutActuallyEscaping(emit) { emit in
            let run = MailImport(file: source.name, options: opts, emit: emit)
            if source.isDirectory, let path = source.path {
                try Maildir.read(path, into: run)
            } else {
                try run.read(try source.openStream())
            }
            try run.finish()
            return run.summary
        }
    }
}
