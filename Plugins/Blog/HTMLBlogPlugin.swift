import Foundation
public import KithPlugin
import KithModel
import KithXML

/// Saved blog pages (one `.html` file, or a folder of them): a post and its
/// comments with their authors.
///
/// Evidence, most trusted first: microformats2 and the classic
/// microformats (`h-entry`, `h-card`, `p-author`, `u-in-reply-to`,
/// `p-comment`; `hentry`, `vcard`, `fn`), schema.org JSON-LD
/// (`BlogPosting`, `Person`, `Comment`), then the comment markup of
/// WordPress, Blogger and Disqus-era themes (`.comment`, `.comment-author
/// .fn`, `time[datetime]`, `#comments`). The post's author and date come
/// from the best evidence found: structured data, meta tags, `rel=author`
/// and byline markup, then byline text ("Posted by …", "Posted: 14 Dec 2009
/// 10:35 AM PST"), and last an author known only by initials at the start
/// of the post. Comment forms, login prompts and sharing buttons are
/// skipped: they never become people. Options: none.
public struct HTMLBlogPlugin: Importer {
    public init() {}

    public var descriptor: FormatDescriptor {
        FormatDescriptor(
            id: "html", name: "Blog pages (HTML)",
            summary: "saved blog pages or a folder of them: posts, comments and their authors (microformats, JSON-LD, comment markup)",
            fileExtensions: ["html", "htm", "xhtml"], mediaTypes: ["text/html"], capabilities: [.import, .directoryInput])
    }

    public func detect(_ probe: FormatProbe) -> Detection {
        if probe.isDirectory {
            // A folder of saved pages: pages plus their "_files" asset
            // folders and nothing else (a mixed folder is walked file by file).
            let visible = probe.directoryEntries.filter { !$0.hasPrefix(".") }
            let pages = visible.filter { HTMLBlogPlugin.isPage($0) }
            let assets: Set<String> = ["png", "jpg", "jpeg", "gif", "svg", "css", "js", "webp", "ico"]
            let onlyPages = visible.allSatisfy { name in
                HTMLBlogPlugin.isPage(name) || name.hasSuffix("_files") || name.hasSuffix("-Dateien")
                    || assets.contains((name as NSString).pathExtension.lowercased())
            }
            return !pages.isEmpty && onlyPages
                ? Detection(confidence: 50, reason: "a folder of \(pages.count) saved HTML page(s)") : .no("not a folder of saved pages")
        }
        let text = probe.headText.lowercased()
        // headText has already dropped any byte order mark.
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        let looksHTML = trimmed.hasPrefix("<!doctype html") || text.contains("<html") || text.contains("<head")
            || text.contains("<body") || (trimmed.hasPrefix("<") && (text.contains("<div") || text.contains("<p>")))
        guard looksHTML else {
            return ["html", "htm"].contains(probe.fileExtension) && probe.head.isEmpty ? .byExtension() : .no("not HTML")
        }
        // HTML that does not start the file (a mail with an HTML part, a
        // CSV cell) is only a weak hint: other formats should win.
        guard trimmed.hasPrefix("<") else { return Detection(confidence: 20, reason: "HTML inside another format") }
        if trimmed.hasPrefix("<?xml"), text.contains("<rss") || text.contains("<feed") { return .no("an XML feed, not a page") }
        for marker in ["h-entry", "hentry", "h-card", "vcard", "comment-author", "commentlist", "comment-list", "application/ld+json", "id=\"comments\"", "blogposting"]
        where text.contains(marker) {
            return Detection(confidence: 80, reason: "an HTML page with blog markup (\(marker))")
        }
        return Detection(confidence: 60, reason: "an HTML page")
    }

    static func isPage(_ name: String) -> Bool {
        let l = name.lowercased()
        return l.hasSuffix(".html") || l.hasSuffix(".htm") || l.hasSuffix(".xhtml")
    }

    public func importRecords(
        from source: ImportSource, options: PluginOptions, emit: (ImportEvent) throws -> Void
    ) throws -> ImportSummary {
        try withoutActuallyEscaping(emit) { emit in
            let context = BlogImport(plugin: "html", file: source.name, emit: emit)
            if source.isDirectory, let dir = source.path {
                let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter(HTMLBlogPlugin.isPage).sorted()
                for name in names {
                    let path = (dir as NSString).appendingPathComponent(name)
                    do {
                        let bytes = try ImportSource.file(path).readAll()
                        let page = BlogImport(plugin: "html", file: path, emit: emit)
                        try HTMLBlogPlugin.importPage(bytes, into: page)
                        context.summary.recordsRead += page.summary.recordsRead
                        context.summary.recordsRejected += page.summary.recordsRejected
                    } catch let e as PluginError {
                        try emit(.diagnostic(Diagnostic(severity: .error, file: path, locator: Locator(line: 1), message: e.message, code: "html.unreadable")))
                    }
                }
                return context.summary
            }
            let bytes = try source.readAll()
            try HTMLBlogPlugin.importPage(bytes, into: context)
            return context.summary
        }
    }

    static func importPage(_ bytes: [UInt8], into context: BlogImport) throws {
        guard !bytes.isEmpty else {
            try context.finish(nil)
            return
        }
        let doc: HTMLDocument
        do {
            doc = try HTMLDocument(bytes: bytes)
        } catch {
            try context.warn("the page could not be parsed as HTML", at: Locator(line: 1), code: "html.unparsable")
            return
        }
        let reading = HTMLPageReader(doc: doc).read()
        var ids: [String: String] = [:]
        var authors: [String: Participant] = [:]
        var used = Set<String>()
        var record = 0

        func participant(_ p: HTMLPageReading.Person?, at locator: Locator, person: Bool) -> Participant? {
            guard let p, p.name != nil || p.url != nil || p.email != nil else { return nil }
            var part = Participant(role: .author, name: p.name, email: p.email, url: p.url)
            if person {
                part.contactId = context.people.add(PersonSighting(name: p.name, email: p.email, url: p.url, locator: locator))
            }
            return part
        }

        var firstPostID: String?
        var postURLs: [String: String] = [:]
        for (k, p) in reading.posts.enumerated() {
            record += 1
            let locator = Locator(line: max(1, p.line), record: record, path: "post[\(k + 1)]")
            var recordId = p.key.map { "post:" + $0 }
            if let r = recordId, used.contains(r) { recordId = nil }
            if let r = recordId { used.insert(r) }
            let id = context.id(locator, recordId: recordId)
            var x = Interaction(id: id, type: .post)
            x.subject = p.title
            x.snippet = BlogText.snippet(p.text)
            x.url = p.url
            x.timestamp = p.date?.timestamp
            x.utcOffsetMinutes = p.date?.utcOffsetMinutes
            x.threadId = id
            if let a = participant(p.author, at: locator, person: true) {
                x.participants.append(a)
                authors[id] = a
                if let ev = p.author?.evidence { x.extensions["blog:authorEvidence"] = [ev] }
            }
            if let ev = p.dateEvidence { x.extensions["blog:dateEvidence"] = [ev] }
            x.sources = [context.provenance(locator, recordId: p.url)]
            if let key = p.key { ids[key] = id }
            if let u = p.url { postURLs[u] = id }
            if firstPostID == nil { firstPostID = id }
            try context.accept(x)
        }
        for (k, c) in reading.comments.enumerated() {
            record += 1
            let locator = Locator(line: max(1, c.line), record: record, path: "comment[\(k + 1)]")
            var recordId = c.key.map { "comment:" + $0 }
            if let r = recordId, used.contains(r) { recordId = nil }
            if let r = recordId { used.insert(r) }
            let id = context.id(locator, recordId: recordId)
            var x = Interaction(id: id, type: c.type)
            x.snippet = BlogText.snippet(c.text)
            x.subject = c.title
            x.url = c.url
            x.timestamp = c.date?.timestamp
            x.utcOffsetMinutes = c.date?.utcOffsetMinutes
            x.status = c.status
            let isLink = c.type == .pingback || c.type == .trackback
            if let a = participant(c.author, at: locator, person: !isLink) {
                x.participants.append(a)
                authors[id] = a
            }
            var parent: String?
            if let pk = c.parentKey { parent = ids[pk] }
            if parent == nil, let pu = c.parentURL {
                parent = postURLs[pu]
                if parent == nil { x.extensions["blog:inReplyToURL"] = [pu] }
            }
            if parent == nil, c.parentURL == nil { parent = firstPostID }
            x.parentId = parent
            x.threadId = firstPostID
            if let parent, var replied = authors[parent] {
                replied.role = .inReplyTo
                x.participants.append(replied)
            }
            x.sources = [context.provenance(locator, recordId: c.key)]
            if let key = c.key { ids[key] = id }
            try context.accept(x)
        }
        for (p, line) in reading.cards {
            _ = context.people.add(PersonSighting(name: p.name, email: p.email, url: p.url, locator: Locator(line: max(1, line), path: "h-card")))
        }
        for (message, line, code) in reading.rejected {
            record += 1
            try context.reject(message, at: Locator(line: max(1, line), record: record), code: code)
        }
        for (message, line, code) in reading.notes {
            try context.warn(message, at: Locator(line: max(1, line)), code: code)
        }
        try context.finish(nil)
    }
}
