import Foundation
import KithModel
import KithPlugin

/// Reading a Maildir (or any folder of mail files) as one input.
///
/// `cur/` and `new/` are read (in that order, files sorted by name, which
/// for Maildir names is delivery order); `tmp/` holds deliveries in
/// progress and is ignored. Maildir++ subfolders (`.Sent`, `.Work.Clients`)
/// are read too, their name kept in `mail:folder`. The flags after the
/// `:2,` separator (or `!2,`/`;2,` where `:` is not allowed in file names)
/// are kept in `mail:maildir-flags`; `T` (trashed) and `D` (draft) set the
/// status. A folder that is not a Maildir (a folder of .eml or .mbox files,
/// or any folder read with `--format mail`) has every file that looks like
/// mail read as an mbox or a single message (others are skipped with a
/// note), and its Maildir subfolders read as Maildirs: one input, so
/// contacts and duplicates are counted across all its files.
enum Maildir {
    static func read(_ root: String, into run: MailImport) throws {
        let fm = FileManager.default
        if isMaildir(root) {
            try readMaildir(root, relative: "", folder: nil, into: run)
            // Maildir++ subfolders.
            for entry in sortedEntries(root) where entry.hasPrefix(".") && entry != "." && entry != ".." {
                let sub = root + "/" + entry
                if isMaildir(sub) {
                    let name = String(entry.dropFirst()).replacingOccurrences(of: ".", with: "/")
                    try readMaildir(sub, relative: entry + "/", folder: name, into: run)
                }
            }
            return
        }
        // Any folder: walk it.
        try walk(root, relative: "", depth: 0, into: run, fm: fm)
    }

    private static func walk(_ dir: String, relative: String, depth: Int, into run: MailImport, fm: FileManager) throws {
        guard depth < 32 else { return }
        for entry in sortedEntries(dir) where !entry.hasPrefix(".") {
            let path = dir + "/" + entry
            let rel = relative + entry
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { continue }
            if isDir.boolValue {
                if let attrs = try? fm.attributesOfItem(atPath: path), (attrs[.type] as? FileAttributeType) == .typeSymbolicLink {
                    continue
                }
                if isMaildir(path) {
                    try readMaildir(path, relative: rel + "/", folder: rel, into: run)
                } else {
                    try walk(path, relative: rel + "/", depth: depth + 1, into: run, fm: fm)
                }
            } else {
                // Only what looks like mail: a folder of .eml files also
                // holds READMEs and pictures.
                // The stream that was peeked at is the one read: each file
                // is opened once.
                let stream = try? ByteStream(path: path)
                let head = stream?.peek(FormatProbe.headSize) ?? []
                if let stream, MailPlugin().detect(FormatProbe(fileName: entry, head: head)).confidence >= 50 {
                    try run.read(stream, path: rel, maildir: nil, singleMessage: false)
                } else {
                    try run.emit(
                        .diagnostic(
                            Diagnostic(
                                severity: .note, file: run.file, locator: Locator(path: rel),
                                message: "skipped: not a mail file", code: "mail.skipped")))
                }
            }
        }
    }

    static func isMaildir(_ path: String) -> Bool {
        let fm = FileManager.default
        var a: ObjCBool = false
        var b: ObjCBool = false
        return fm.fileExists(atPath: path + "/cur", isDirectory: &a) && a.boolValue
            && fm.fileExists(atPath: path + "/new", isDirectory: &b) && b.boolValue
    }

    private static func sortedEntries(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    private static func readMaildir(_ dir: String, relative: String, folder: String?, into run: MailImport) throws {
        for sub in ["cur", "new"] {
            for entry in sortedEntries(dir + "/" + sub) where !entry.hasPrefix(".") {
                let info = MaildirInfo(flags: flags(of: entry), folder: folder, deliveredAt: deliveryTime(of: entry))
                try readFile(dir + "/" + sub + "/" + entry, relative: relative + sub + "/" + entry, info: info, into: run)
            }
        }
    }

    private static func readFile(_ path: String, relative: String, info: MaildirInfo?, into run: MailImport) throws {
        let stream: ByteStream
        do {
            stream = try ByteStream(path: path)
        } catch {
            run.summary.recordsRead += 1
            run.summary.recordsRejected += 1
            try run.emit(
                .diagnostic(
                    Diagnostic(
                        severity: .error, file: run.file, locator: Locator(path: relative),
                        message: "message file could not be opened", code: "mail.unreadable")))
            return
        }
        try run.read(stream, path: relative, maildir: info, singleMessage: info != nil)
    }

    /// The flags after `:2,` (or `!2,`, `;2,`).
    static func flags(of name: String) -> String {
        let u = Array(name.utf8)
        var i = u.count - 3
        while i >= 0 {
            if (u[i] == 0x3A || u[i] == 0x21 || u[i] == 0x3B) && u[i + 1] == 0x32 && u[i + 2] == 0x2C {
                return String(decoding: u[(i + 3)...].filter { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }, as: UTF8.self)
            }
            i -= 1
        }
        return ""
    }

    /// The delivery time a Maildir name starts with (seconds since 1970).
    static func deliveryTime(of name: String) -> Int64? {
        let digits = name.utf8.prefix { $0 >= 0x30 && $0 <= 0x39 }
        guard digits.count >= 9, digits.count <= 11 else { return nil }
        return Int64(String(decoding: digits, as: UTF8.self))
    }
}
