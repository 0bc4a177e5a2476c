import Foundation
public import KithPlugin
import KithModel
import KithXML

/// Blogger exports: the classic Atom export (Settings → Back up content;
/// posts, pages and comments told apart by their `kind` category, comments
/// linked to posts with `thr:in-reply-to` and to other comments with the
/// `related` link) and the Google Takeout `feed.atom` (`blogger:type`,
/// `blogger:parent`, `blogger:inReplyTo`, `blogger:status`). Read as a
/// stream.
///
/// `noreply@blogger.com`, which Blogger writes for every author, is not an
/// identity and is dropped; profile URLs are kept (labelled "profile").
/// Settings and template entries are skipped with a note. Options: none.
public struct BloggerPlugin: Importer {
    public init() {}

    public var descriptor: FormatDescriptor {
        FormatDescriptor(
            id: "blogger", name: "Blogger export (classic Atom, Takeout feed.atom)",
            summary: "Blogger blog exports: posts, pages, threaded comments and their authors",
            fileExtensions: ["atom", "xml"], mediaTypes: ["application/atom+xml"], capabilities: [.import])
    }

    public func detect(_ probe: FormatProbe) -> Detection {
        let text = probe.headText
        guard text.contains("<feed") else { return .no("no Atom <feed> root element") }
        if text.contains("schemas.google.com/blogger/2018") { return .certain("Atom feed with the Blogger Takeout namespace") }
        if text.contains("blogger/2008/kind#") {
            if text.contains("kind#settings") || text.contains("kind#template") || text.contains(".archive</id>") {
                return .certain("Blogger's Atom export (settings and posts)")
            }
            return .likely("an Atom feed of Blogger posts")
        }
        if text.contains("tag:blogger.com,1999:blog-") { return Detection(confidence: 50, reason: "an Atom feed with Blogger ids") }
        return .no("an Atom feed without Blogger markers")
    }

    public func importRecords(
        from source: ImportSource, options: PluginOptions, emit: (ImportEvent) throws -> Void
    ) throws -> ImportSummary {
        let reader = try source.xmlReader()
        return try withoutActuallyEscaping(emit) { emit in
            let run = BloggerRun(reader: reader, context: BlogImport(plugin: "blogger", file: source.name, emit: emit))
            try run.read()
            return run.context.summary
        }
    }
}

/// One Blogger import.
final class BloggerRun {
    let reader: XMLStreamReader
    let context: BlogImport

    struct Author {
        var name: String?
        var uri: String?
        var email: String?
        var kind: String?
    }

    struct Entry {
        var line = 0
        var index = 0
        var id: String?
        var published: String?
        var updated: String?
        var created: String?
        var title: String?
        var content: String?
        var kinds: [String] = []
        var labels: [String] = []
        var links: [(rel: String, href: String)] = []
        var author = Author()
        var inReplyToRef: String?
        var inReplyToHref: String?
        var draft = false
        var bloggerType: String?
        var bloggerStatus: String?
        var bloggerParent: String?
        var bloggerInReplyTo: String?
        var bloggerFilename: String?
        var trashed: String?
        var contentRemoved = false
    }

    private var entryCount = 0
    private var skipped: [String: Int] = [:]
    private var firstSkippedLine: Int?
    private var authorsByEntry: [String: Participant] = [:]
    /// Post and page tags by their web address, for comments that name
    /// their post only by URL.
    private var tagsByURL: [String: String] = [:]

    init(reader: XMLStreamReader, context: BlogImport) {
        self.reader = reader
        self.context = context
    }

    func read() throws {
        var sawRoot = false
        while reader.read() {
            guard reader.kind == .element else { continue }
            let local = reader.localName
            if !sawRoot {
                sawRoot = true
                guard local == "feed" else {
                    throw PluginError(.malformed, "not a Blogger export: the root element is not an Atom <feed>", file: context.file, line: reader.line)
                }
                continue
            }
            if reader.depth == 1 && local == "entry" {
                entryCount += 1
                let e = readEntry()
                try handle(e)
                try context.drain(reader)
            } else if reader.depth >= 1 {
                reader.skipElement()
            }
        }
        if !sawRoot {
            try context.finish(reader)
            throw PluginError(.malformed, "not a Blogger export: no XML element could be read", file: context.file, line: reader.parserLine)
        }
        if reader.stoppedOnError {
            try context.warn(
                "reading stopped on XML the recover mode could not repair; the entries before this line were read",
                at: Locator(line: reader.parserLine), code: "blogger.stopped")
        }
        if !skipped.isEmpty {
            let list = skipped.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            try context.note("skipped entries that are not conversations: \(list)", at: Locator(line: firstSkippedLine ?? 1), code: "blogger.skipped")
        }
        try context.finish(reader)
    }

    private func readEntry() -> Entry {
        var e = Entry()
        e.line = reader.line
        e.index = entryCount
        guard !reader.isEmptyElement else { return e }
        let d = reader.depth
        while reader.read() {
            if reader.kind == .endElement && reader.depth == d { break }
            guard reader.kind == .element else { continue }
            let local = reader.localName
            let isBlogger = reader.namespaceURI?.contains("schemas.google.com/blogger") ?? (reader.prefix == "blogger")
            if reader.depth == d + 1 {
                switch local {
                case "id": e.id = BlogText.clean(reader.readElementText())
                case "published": e.published = BlogText.clean(reader.readElementText())
                case "updated": e.updated = BlogText.clean(reader.readElementText())
                case "title": e.title = BlogText.clean(reader.readElementText())
                case "content": e.content = reader.readElementText()
                case "category":
                    let scheme = reader.attribute("scheme") ?? ""
                    let term = reader.attribute("term") ?? ""
                    if scheme.hasSuffix("#kind") { e.kinds.append(term) } else if !term.isEmpty { e.labels.append(term) }
                    reader.skipElement()
                case "link":
                    e.links.append((reader.attribute("rel") ?? "alternate", reader.attribute("href") ?? ""))
                    reader.skipElement()
                case "author": e.author = readAuthor()
                case "in-reply-to":
                    e.inReplyToRef = reader.attribute("ref")
                    e.inReplyToHref = reader.attribute("href")
                    reader.skipElement()
                case "extendedProperty":
                    if reader.attribute("name") == "blogger.contentRemoved" && reader.attribute("value") == "true" { e.contentRemoved = true }
                    reader.skipElement()
                case "control":
                    // app:control/app:draft
                    let sub = reader.depth
                    if !reader.isEmptyElement {
                        while reader.read() {
                            if reader.kind == .endElement && reader.depth == sub { break }
                            if reader.kind == .element && reader.localName == "draft" {
                                e.draft = reader.readElementText().trimmingSpaces.lowercased() == "yes"
                            }
                        }
                    }
                case "type" where isBlogger: e.bloggerType = BlogText.clean(reader.readElementText())
                case "status" where isBlogger: e.bloggerStatus = BlogText.clean(reader.readElementText())
                case "parent" where isBlogger: e.bloggerParent = BlogText.clean(reader.readElementText())
                case "inReplyTo" where isBlogger: e.bloggerInReplyTo = BlogText.clean(reader.readElementText())
                case "created" where isBlogger: e.created = BlogText.clean(reader.readElementText())
                case "filename" where isBlogger: e.bloggerFilename = BlogText.clean(reader.readElementText())
                case "trashed" where isBlogger: e.trashed = BlogText.clean(reader.readElementText())
                default: reader.skipElement()
                }
            }
        }
        return e
    }

    private func readAuthor() -> Author {
        var a = Author()
        guard !reader.isEmptyElement else { return a }
        let d = reader.depth
        while reader.read() {
            if reader.kind == .endElement && reader.depth == d { break }
            guard reader.kind == .element, reader.depth == d + 1 else { continue }
            switch reader.localName {
            case "name": a.name = BlogText.clean(reader.readElementText())
            case "uri": a.uri = BlogText.clean(reader.readElementText())
            case "email": a.email = BlogText.clean(reader.readElementText())
            case "type": a.kind = BlogText.clean(reader.readElementText())
            default: reader.skipElement()
            }
        }
        return a
    }

    /// "tag:blogger.com,1999:blog-1.post-2" → "tag:blogger.com,1999:blog-1".
    private static func blogPrefix(_ id: String) -> String? {
        guard let r = id.range(of: ".post-", options: .backwards) ?? id.range(of: ".page-", options: .backwards) else { return nil }
        return String(id[..<r.lowerBound])
    }

    private func handle(_ e: Entry) throws {
        let locator = Locator(line: e.line, record: context.summary.recordsRead + 1, path: "/feed/entry[\(e.index)]")
        // What the entry is.
        var kind: String?
        if let t = e.bloggerType?.uppercased() {
            kind = t == "POST" ? "post" : t == "PAGE" ? "page" : t == "COMMENT" ? "comment" : t.lowercased()
        } else if let k = e.kinds.first(where: { $0.contains("blogger/2008/kind#") }) {
            kind = String(k[k.index(after: k.lastIndex(of: "#")!)...])
        } else if e.inReplyToRef != nil {
            kind = "comment"
        } else if let id = e.id, id.contains(".post-") {
            kind = "post"
        }
        guard let kind, kind == "post" || kind == "page" || kind == "comment" else {
            let k = kind ?? "unknown"
            skipped[k, default: 0] += 1
            if firstSkippedLine == nil { firstSkippedLine = e.line }
            return
        }
        guard let tag = e.id else {
            try context.reject("entry has no id", at: locator, code: "blogger.no-id")
            return
        }
        let id = context.id(locator, recordId: tag)
        var x = Interaction(id: id, type: kind == "post" ? .post : kind == "page" ? .page : .comment)
        let date = BlogDate.parse(e.published) ?? BlogDate.parse(e.created) ?? BlogDate.parse(e.updated)
        if date == nil && (e.published ?? e.updated) != nil {
            try context.warn("the entry's date is unreadable; left empty", at: locator, code: "blogger.bad-date")
        }
        x.timestamp = date?.timestamp
        x.utcOffsetMinutes = date?.utcOffsetMinutes
        x.subject = e.title
        x.snippet = e.contentRemoved ? nil : BlogText.snippet(e.content)
        x.url = e.links.first { $0.rel == "alternate" && !$0.href.isEmpty }?.href
        if x.url == nil, let f = e.bloggerFilename { x.extensions["blogger:filename"] = [f] }
        if !e.labels.isEmpty && kind != "comment" { x.extensions["categories"] = e.labels }

        // Author.
        let a = e.author
        var email = BlogText.email(a.email)
        if let m = email, BlogText.isPlaceholderEmail(m) { email = nil }
        let uri = BlogText.url(a.uri)
        let isProfile = uri.map { u in
            let l = u.lowercased()
            return l.contains("blogger.com/profile") || l.contains("profiles.google.com") || l.contains("plus.google.com")
                || l.contains("google.com/profiles")
        } ?? false
        var author = Participant(role: .author, name: a.name, email: email, url: uri)
        let spam = ["SPAM", "SPAMMED"].contains(e.bloggerStatus?.uppercased() ?? "")
        if !spam {
            author.contactId = context.people.add(
            PersonSighting(
                name: a.name, email: email, url: isProfile ? nil : uri, profileURL: isProfile ? uri : nil, locator: locator,
                recordId: tag))
        }
        x.participants.append(author)
        authorsByEntry[tag] = author

        // Status.
        if let s = e.bloggerStatus?.uppercased() {
            switch s {
            case "LIVE": x.status = kind == "comment" ? "approved" : "publish"
            case "DRAFT": x.status = "draft"
            case "DELETED", "SOFT_TRASHED", "TRASHED": x.status = "trash"
            case "SPAM", "SPAMMED": x.status = "spam"
            case "PENDING": x.status = "pending"
            default: x.status = s.lowercased()
            }
        } else if e.draft {
            x.status = "draft"
        } else {
            x.status = kind == "comment" ? "approved" : "publish"
        }
        if let t = e.trashed, !t.isEmpty { x.status = "trash" }
        if e.contentRemoved { x.status = "trash" }

        // Threading.
        if kind == "comment" {
            let prefix = BloggerRun.blogPrefix(tag)
            var postTag = e.bloggerParent ?? e.inReplyToRef
            if postTag == nil, let href = e.inReplyToHref { postTag = tagsByURL[href] ?? href }
            var parentTag: String?
            if let r = e.bloggerInReplyTo, !r.isEmpty {
                parentTag = r.hasPrefix("tag:") ? r : prefix.map { $0 + ".post-" + r }
            } else if let related = e.links.first(where: { $0.rel == "related" })?.href,
                let cid = related.split(separator: "/").last.map(String.init), cid.allSatisfy(\.isNumber), let prefix
            {
                parentTag = prefix + ".post-" + cid
            }
            if let postTag { x.threadId = context.id(locator, recordId: postTag) }
            if let p = parentTag ?? postTag {
                x.parentId = context.id(locator, recordId: p)
                if var replied = authorsByEntry[p] {
                    replied.role = .inReplyTo
                    x.participants.append(replied)
                }
            }
            if postTag == nil {
                try context.warn("comment names no post it belongs to", at: locator, code: "blogger.orphan-comment")
            }
        } else {
            x.threadId = id
            if let u = x.url { tagsByURL[u] = tag }
        }
        x.sources = [context.provenance(locator, recordId: tag)]
        try context.accept(x)
    }
}
