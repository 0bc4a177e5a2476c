import KithModel
public import KithPlugin
import KithXML

/// WordPress eXtended RSS (WXR 1.0, 1.1, 1.2): the file WordPress's
/// Tools → Export writes, read as a stream (memory stays flat for a 1 GB
/// export).
///
/// Output: an interaction per post, page and comment (pingbacks and
/// trackbacks typed as such) with author, time, status, URL and threading;
/// a contact per distinct author and commenter, emitted at the end.
/// `recordsRead` counts posts, pages and comments; attachments, menu items
/// and other non-conversation items are skipped with a note.
///
/// The `wp` namespace is recognised by URI whatever its scheme or version
/// (`http(s)://wordpress.org/export/1.x/`, WordPress.com variants), or by
/// the `wp` prefix when a broken file never declared it. Broken files are
/// read in recover mode with warnings. Options: `threads=2` reads the XML of
/// a large export on a second thread while records are built.
public struct WXRPlugin: Importer {
    public init() {}

    public var descriptor: FormatDescriptor {
        FormatDescriptor(
            id: "wxr", name: "WordPress export (WXR 1.0/1.1/1.2)",
            summary: "WordPress eXtended RSS: authors, posts, pages, comments, pingbacks and trackbacks",
            fileExtensions: ["xml", "wxr"], mediaTypes: ["application/rss+xml"], capabilities: [.import])
    }

    public func detect(_ probe: FormatProbe) -> Detection {
        let text = probe.headText
        guard text.contains("<rss") || text.contains("<channel") else {
            return probe.fileExtension == "wxr" && probe.head.isEmpty ? .byExtension() : .no("no <rss> root element")
        }
        if WXRPlugin.hasExportNamespace(text) || text.contains("<wp:wxr_version") {
            return .certain("RSS with the WordPress export namespace")
        }
        if text.contains("xmlns:wp=") || text.contains("<wp:") {
            return .likely("RSS with a wp: prefix")
        }
        return .no("an RSS feed without the WordPress export namespace")
    }

    static func hasExportNamespace(_ text: String) -> Bool {
        for host in ["wordpress.org/export/", "wordpress.com/export/"] {
            var rest = Substring(text)
            while let r = rest.firstRange(of: host) {
                let after = rest[r.upperBound...]
                if let f = after.first, f.isNumber { return true }
                rest = after
            }
        }
        return false
    }

    public func importRecords(
        from source: ImportSource, options: PluginOptions, emit: (ImportEvent) throws -> Void
    ) throws -> ImportSummary {
        let stream = try source.openStream()
        // With threads=2, large inputs read the XML on a second thread while
        // this one builds records. Off by default: it only pays when a core
        // is free (on a saturated machine it is slightly slower).
        let threaded = (stream.totalBytes ?? Int.max) > 8 << 20 && (options["threads"].flatMap { Int($0) } ?? 1) > 1
        return try withoutActuallyEscaping(emit) { emit in
            let builder = WXRBuilder(context: BlogImport(plugin: "wxr", file: source.name, emit: emit))
            if threaded {
                try WXRPipeline().run(stream: stream, file: source.name, handle: builder.handle)
            } else {
                let reader = try ImportSource.xmlReader(stream, name: source.name)
                try WXRScanner(reader: reader).run(builder.handle)
            }
            return builder.context.summary
        }
    }
}

/// Which vocabulary an element belongs to.
enum WXRSpace: Hashable {
    case none, wp, dc, content, excerpt, other
}

/// The comment fields WXR defines, in a fixed order.
enum WXRCommentField: Int, CaseIterable {
    case id, author, email, url, ip, date, dateGMT, content, approved, type, parent, userID
    static let names: [String: WXRCommentField] = [
        "comment_id": .id, "comment_author": .author, "comment_author_email": .email, "comment_author_url": .url,
        "comment_author_IP": .ip, "comment_date": .date, "comment_date_gmt": .dateGMT, "comment_content": .content,
        "comment_approved": .approved, "comment_type": .type, "comment_parent": .parent, "comment_user_id": .userID,
    ]
}

/// What the scanner finds, in document order: plain values, so that the
/// XML can be read on one thread and records built on another.
enum WXREvent: Sendable {
    case root(name: String, line: Int)
    case author([String: String], line: Int)
    case itemStart(line: Int)
    case itemField(key: String, value: String)
    case category(domain: String?, value: String)
    case comment([String?], line: Int)
    case itemEnd
    case orphanComment(line: Int)
    case issues([XMLIssue], parserLine: Int)
    case end(stoppedOnError: Bool, parserLine: Int, droppedIssues: Int)
}

/// Reads the XML: walks the document with the streaming reader and reports
/// authors, item fields and comments as `WXREvent`s. Owns the reader; runs
/// on one thread.
final class WXRScanner {
    let reader: XMLStreamReader
    private var spaces: [(String, WXRSpace)] = []
    /// Field index by the reader's name token (-1 unknown, -2 not a field).
    private var fieldByToken: [Int] = []

    init(reader: XMLStreamReader) {
        self.reader = reader
    }

    private func space() -> WXRSpace {
        guard let uri = reader.namespaceURI else {
            switch reader.prefix {
            case nil: return .none
            case "wp": return .wp
            case "dc": return .dc
            case "content": return .content
            case "excerpt": return .excerpt
            default: return .other
            }
        }
        for (u, s) in spaces where u == uri { return s }
        let s = WXRScanner.classify(uri)
        spaces.append((uri, s))
        return s
    }

    static func classify(_ uri: String) -> WXRSpace {
        var u = uri.lowercased()
        while u.hasSuffix("/") { u.removeLast() }
        if u.hasSuffix("/excerpt"), WXRPlugin.hasExportNamespace(u) { return .excerpt }
        if WXRPlugin.hasExportNamespace(u + "/") { return .wp }
        if u.hasSuffix("purl.org/dc/elements/1.1") { return .dc }
        if u.hasSuffix("purl.org/rss/1.0/modules/content") { return .content }
        return .other
    }

    private func key(_ space: WXRSpace, _ local: String) -> String {
        switch space {
        case .none: local
        case .wp: "wp:" + local
        case .dc: "dc:" + local
        case .content: "content:" + local
        case .excerpt: "excerpt:" + local
        case .other: (reader.prefix.map { $0 + ":" } ?? "") + local
        }
    }

    /// On a <wp:comment>: its fields, looked up by name token (no string
    /// hashing per element).
    private func readCommentFields() -> [String?] {
        var fields = [String?](repeating: nil, count: WXRCommentField.allCases.count)
        guard !reader.isEmptyElement else { return fields }
        let d = reader.depth
        while reader.read() {
            switch reader.kind {
            case .element where reader.depth == d + 1:
                let t = reader.nameToken
                if t >= fieldByToken.count { fieldByToken += [Int](repeating: -1, count: t - fieldByToken.count + 16) }
                var f = fieldByToken[t]
                if f == -1 {
                    f = WXRCommentField.names[reader.localName]?.rawValue ?? -2
                    fieldByToken[t] = f
                }
                // Only a snippet of the content is kept: read at most 4 KB.
                let value = reader.readElementText(limit: f == WXRCommentField.content.rawValue ? 4096 : Int.max)
                if f >= 0 && fields[f] == nil { fields[f] = value }
            case .endElement where reader.depth == d:
                return fields
            default: break
            }
        }
        return fields
    }

    /// On a start element: its child elements' texts by local name.
    private func readFields() -> [String: String] {
        var fields: [String: String] = [:]
        guard !reader.isEmptyElement else { return fields }
        let d = reader.depth
        while reader.read() {
            switch reader.kind {
            case .element where reader.depth == d + 1:
                let name = reader.localName
                let value = reader.readElementText()
                if fields[name] == nil { fields[name] = value }
            case .endElement where reader.depth == d:
                return fields
            default: break
            }
        }
        return fields
    }

    private func flushIssues(_ sink: (WXREvent) throws -> Void) throws {
        let issues = reader.takeIssues()
        if !issues.isEmpty { try sink(.issues(issues, parserLine: reader.parserLine)) }
    }

    /// Reads the whole document, handing every finding to `sink`.
    func run(_ sink: (WXREvent) throws -> Void) throws {
        var sawRoot = false
        var inItem = false
        while reader.read() {
            switch reader.kind {
            case .endElement:
                if inItem, reader.depth == 2, reader.localName == "item" {
                    inItem = false
                    try sink(.itemEnd)
                    try flushIssues(sink)
                }
                continue
            case .element: break
            default: continue
            }
            let depth = reader.depth
            let local = reader.localName
            let sp = space()
            if !sawRoot {
                sawRoot = true
                try sink(.root(name: local, line: reader.line))
                continue
            }
            if inItem {
                if sp == .wp && local == "comment" {
                    let line = reader.line
                    try sink(.comment(readCommentFields(), line: line))
                } else if sp == .wp && (local == "postmeta" || local == "commentmeta") {
                    reader.skipElement()
                } else if sp == .none && local == "category" {
                    let domain = reader.attribute("domain")
                    try sink(.category(domain: domain, value: reader.readElementText()))
                } else {
                    let k = key(sp, local)
                    let long = k == "content:encoded" || k == "excerpt:encoded" || k == "description"
                    try sink(.itemField(key: k, value: reader.readElementText(limit: long ? 4096 : Int.max)))
                }
                continue
            }
            if sp == .none && local == "item" {
                try sink(.itemStart(line: reader.line))
                if reader.isEmptyElement {
                    try sink(.itemEnd)
                } else {
                    inItem = true
                }
            } else if sp == .wp && local == "author" {
                let line = reader.line
                try sink(.author(readFields(), line: line))
            } else if sp == .wp && local == "comment" {
                let line = reader.line
                _ = readFields()
                try sink(.orphanComment(line: line))
            } else if depth >= 2 && !(sp == .none && local == "channel") {
                reader.skipElement()
            }
        }
        if inItem { try sink(.itemEnd) }
        try flushIssues(sink)
        try sink(.end(stoppedOnError: reader.stoppedOnError, parserLine: reader.parserLine, droppedIssues: reader.droppedIssues))
    }
}

/// Builds records from the scanner's findings: posts, comments, people,
/// threading, dates. Runs on the caller's thread (it calls `emit`).
final class WXRBuilder {
    let context: BlogImport

    private struct Author {
        var name: String?
        var email: String?
        var contactId: String?
    }

    private struct Item {
        var line: Int
        var index: Int
        var fields: [String: String] = [:]
        var categories: [String] = []
        var commentCount = 0
        var emitted = false
        var skipped = false
        var id: String?
        var link: String?
        var author: Participant?
    }

    /// The current item's comment authors by comment id (for inReplyTo).
    private var commentAuthors: [String: Participant] = [:]
    private var authors: [String: Author] = [:]
    private var item: Item?
    private var itemCount = 0
    private var skippedTypes: [String: Int] = [:]
    private var firstSkippedLine: Int?
    private var sawRoot = false
    private var finished = false

    static let nonConversationTypes: Set<String> = [
        "attachment", "nav_menu_item", "revision", "custom_css", "customize_changeset", "oembed_cache", "user_request",
        "wp_block", "wp_template", "wp_template_part", "wp_global_styles", "wp_navigation", "wp_font_family",
        "wp_font_face", "feedback", "jp_pay_order", "jp_pay_product", "safecss",
    ]

    init(context: BlogImport) {
        self.context = context
    }

    func handle(_ event: WXREvent) throws {
        switch event {
        case .root(let name, let line):
            sawRoot = true
            guard name == "rss" || name == "channel" else {
                throw PluginError(.malformed, "not a WordPress export: the root element is not <rss>", file: context.file, line: line)
            }
        case .author(let fields, let line):
            try author(fields, line: line)
        case .itemStart(let line):
            itemCount += 1
            item = Item(line: line, index: itemCount)
        case .itemField(let key, let value):
            if item != nil, item!.fields[key] == nil { item!.fields[key] = value }
        case .category(let domain, let value):
            if domain == nil || domain == "category" || domain == "post_tag", let c = BlogText.clean(value),
                item != nil, !item!.categories.contains(c)
            {
                item!.categories.append(c)
            }
        case .comment(let fields, let line):
            guard item != nil else { return }
            if !item!.emitted { try emitPost() }
            item!.commentCount += 1
            try comment(fields, line: line)
        case .itemEnd:
            if let it = item, !it.emitted { try emitPost() }
            item = nil
            commentAuthors.removeAll(keepingCapacity: true)
        case .orphanComment(let line):
            try context.reject(
                "comment outside any item: no post to attach it to", at: Locator(line: line, record: context.summary.recordsRead + 1),
                code: "wxr.orphan-comment")
        case .issues(let issues, let parserLine):
            try context.report(issues, parserLine: parserLine)
        case .end(let stopped, let parserLine, let dropped):
            try finish(stoppedOnError: stopped, parserLine: parserLine, droppedIssues: dropped)
        }
    }

    private func finish(stoppedOnError: Bool, parserLine: Int, droppedIssues: Int) throws {
        finished = true
        if !sawRoot {
            try context.finish(droppedIssues: droppedIssues, parserLine: parserLine)
            throw PluginError(.malformed, "not a WordPress export: no XML element could be read", file: context.file, line: parserLine)
        }
        if stoppedOnError {
            try context.warn(
                "reading stopped on XML the recover mode could not repair; the items before this line were read", at: Locator(line: parserLine),
                code: "wxr.stopped")
        }
        if !skippedTypes.isEmpty {
            let list = skippedTypes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            try context.note("skipped items that are not conversations: \(list)", at: Locator(line: firstSkippedLine ?? 1), code: "wxr.skipped")
        }
        try context.finish(droppedIssues: droppedIssues, parserLine: parserLine)
    }

    private func author(_ f: [String: String], line: Int) throws {
        let login = BlogText.clean(f["author_login"])
        let display = BlogText.clean(f["author_display_name"])
        let first = BlogText.clean(f["author_first_name"])
        let last = BlogText.clean(f["author_last_name"])
        let email = BlogText.email(f["author_email"])
        var name = display
        if name == nil || name == login, let first {
            name = [first, last].compactMap { $0 }.joined(separator: " ")
        }
        let sighting = PersonSighting(
            name: name ?? login, email: email, url: BlogText.url(f["author_url"]), given: first, family: last, login: login,
            locator: Locator(line: line, path: "wp:author"), recordId: BlogText.clean(f["author_id"]).map { "author-" + $0 })
        let cid = context.people.add(sighting)
        if let login {
            authors[login] = Author(name: name ?? login, email: email, contactId: cid)
        }
    }

    /// Resolves a post's date: GMT, else local with a warning, else pubDate.
    private func date(gmt: String?, local: String?, fallback: String? = nil, what: String, at locator: Locator) throws -> (Timestamp?, Int?) {
        let g = BlogDate.parse(gmt)
        let l = BlogDate.parse(local)
        // The local time's offset from a UTC instant, in minutes (nil when absurd).
        func offset(of utc: Timestamp) -> Int? {
            guard let l else { return nil }
            let o = Int((l.timestamp.secondsSince1970 - utc.secondsSince1970) / 60)
            return abs(o) > 18 * 60 ? nil : o
        }
        if let g { return (g.timestamp, l == nil ? 0 : offset(of: g.timestamp)) }
        let zero = gmt.map { $0.trimmingSpaces.hasPrefix("0000-00-00") } ?? false
        let f = BlogDate.parse(fallback)
        // No GMT date at all (older exports): the RSS pubDate carries a zone.
        if !zero, let f, f.utcOffsetMinutes != nil {
            return (f.timestamp, l == nil ? f.utcOffsetMinutes : offset(of: f.timestamp))
        }
        if let l {
            try context.warn(
                zero
                    ? "\(what)'s GMT date is 0000-00-00; used the local time, whose zone is unknown"
                    : "\(what) has no GMT date; used the local time, whose zone is unknown",
                at: locator, code: "wxr.local-date")
            return (l.timestamp, nil)
        }
        if let f { return (f.timestamp, f.utcOffsetMinutes) }
        if (gmt?.isEmpty == false) || (local?.isEmpty == false) {
            try context.warn("\(what)'s date is unreadable; left empty", at: locator, code: "wxr.bad-date")
        }
        return (nil, nil)
    }

    private func postLocator(_ it: Item) -> Locator {
        Locator(line: it.line, record: context.summary.recordsRead + 1, path: "/rss/channel/item[\(it.index)]")
    }

    private func emitPost() throws {
        guard var it = item else { return }
        it.emitted = true
        defer { item = it }
        let f = it.fields
        var type = BlogText.clean(f["wp:post_type"]) ?? "post"
        var status = BlogText.clean(f["wp:status"])
        if type == "draft" {
            // Early WordPress.com exports typed drafts this way.
            type = "post"
            status = "draft"
        }
        let postID = BlogText.clean(f["wp:post_id"])
        let title = BlogText.clean(f["title"])
        let link = BlogText.clean(f["link"]) ?? BlogText.url(f["guid"])
        it.link = link
        let locator = postLocator(it)
        let recordId = postID.map { "post-" + $0 } ?? BlogText.clean(f["guid"]).map { "guid-" + $0 }
        let id = context.id(locator, recordId: recordId)
        it.id = id
        if WXRBuilder.nonConversationTypes.contains(type) && it.commentCount == 0 {
            it.skipped = true
            skippedTypes[type, default: 0] += 1
            if firstSkippedLine == nil { firstSkippedLine = it.line }
            return
        }
        let content = f["content:encoded"]
        if postID == nil && title == nil && link == nil && (content?.isEmpty ?? true) && f["guid"] == nil {
            it.skipped = true
            try context.reject("item has no post id, title, link or content", at: locator, code: "wxr.empty-item")
            return
        }
        var x = Interaction(id: id, type: type == "page" ? .page : type == "post" ? .post : InteractionType(type))
        let (ts, offset) = try date(gmt: f["wp:post_date_gmt"], local: f["wp:post_date"], fallback: f["pubDate"], what: "the post", at: locator)
        x.timestamp = ts
        x.utcOffsetMinutes = offset
        if let creator = BlogText.clean(f["dc:creator"]) {
            let a = authors[creator]
            var p = Participant(role: .author, name: a?.name ?? creator, email: a?.email, contactId: a?.contactId)
            if a == nil {
                // WXR 1.0 has no author list: the login is all there is.
                p.contactId = context.people.add(
                    PersonSighting(name: creator, login: creator, locator: Locator(line: it.line, path: "dc:creator")))
                authors[creator] = Author(name: creator, contactId: p.contactId)
            }
            x.participants.append(p)
            it.author = p
        }
        x.subject = title
        x.snippet = BlogText.snippet(content) ?? BlogText.snippet(f["excerpt:encoded"]) ?? BlogText.snippet(f["description"])
        x.url = link
        x.status = status
        x.threadId = id
        if let parent = BlogText.clean(f["wp:post_parent"]), parent != "0" {
            x.parentId = context.id(locator, recordId: "post-" + parent)
        }
        if let postID { x.extensions["wp:post_id"] = [postID] }
        if let slug = BlogText.clean(f["wp:post_name"]) { x.extensions["wp:post_name"] = [slug] }
        if !it.categories.isEmpty { x.extensions["categories"] = it.categories }
        x.sources = [context.provenance(locator, recordId: postID)]
        try context.accept(x)
    }

    private func comment(_ fields: [String?], line: Int) throws {
        guard item != nil else { return }
        // Read the few item fields needed without copying the item.
        let itemIndex = item!.index, commentIndex = item!.commentCount
        let itemID = item!.id, itemLink = item!.link, itemAuthor = item!.author
        func f(_ k: WXRCommentField) -> String? { fields[k.rawValue] }
        let commentID = BlogText.clean(f(.id))
        let locator = Locator(
            line: line, record: context.summary.recordsRead + 1, path: "/rss/channel/item[\(itemIndex)]/wp:comment[\(commentIndex)]")
        var rawType = BlogText.clean(f(.type)) ?? "comment"
        if rawType != "comment" && rawType != "pingback" && rawType != "trackback" { rawType = rawType.lowercased() }
        let type: InteractionType =
            switch rawType {
            case "comment", "": .comment
            case "pingback": .pingback
            case "trackback": .trackback
            default: InteractionType(rawType)
            }
        let name = BlogText.clean(f(.author)).map(BlogText.decodeEntities)
        let rawEmail = BlogText.clean(f(.email))
        let email = BlogText.email(rawEmail)
        let url = BlogText.url(f(.url))
        let content = f(.content)
        if name == nil && email == nil && url == nil && (content.map(BlogText.collapse)?.isEmpty ?? true) {
            try context.reject("comment has neither an author nor any content", at: locator, code: "wxr.empty-comment")
            return
        }
        if rawEmail != nil && email == nil {
            try context.warn("comment author e-mail is not an address; dropped", at: locator, code: "wxr.bad-email")
        }
        let recordId = commentID.map { "comment-" + $0 }
        let id = context.id(locator, recordId: recordId)
        var x = Interaction(id: id, type: type)
        let (ts, offset) = try date(gmt: f(.dateGMT), local: f(.date), what: "the comment", at: locator)
        x.timestamp = ts
        x.utcOffsetMinutes = offset

        var author = Participant(role: .author, name: name, email: email, url: url)
        var approved = BlogText.clean(f(.approved))
        if let a = approved, a != "1" && a != "0" { approved = a.lowercased() }
        // Spam is kept as an interaction (marked) but its author is nobody's
        // contact; pingbacks and trackbacks are written by sites, not people.
        if approved != "spam" && type != .pingback && type != .trackback {
            author.contactId = context.people.add(
                PersonSighting(name: name, email: email, url: url, locator: locator, recordId: commentID.map { "comment-" + $0 }, emailChecked: true))
        }
        x.participants.append(author)

        let parent = BlogText.clean(f(.parent)).flatMap { $0 == "0" ? nil : $0 }
        if let parent {
            x.parentId = context.id(locator, recordId: "comment-" + parent)
            if var replied = commentAuthors[parent] {
                replied.role = .inReplyTo
                x.participants.append(replied)
            }
        } else {
            x.parentId = itemID
            if var a = itemAuthor {
                a.role = .inReplyTo
                x.participants.append(a)
            }
        }
        if let commentID { commentAuthors[commentID] = author }
        x.threadId = itemID
        x.snippet = BlogText.snippet(content)
        if let link = itemLink, let commentID { x.url = link + "#comment-" + commentID }
        switch approved {
        case "1", "approve", "approved": x.status = "approved"
        case "0", "hold": x.status = "pending"
        case "spam": x.status = "spam"
        case "trash", "post-trashed": x.status = "trash"
        case let other?: x.status = other
        case nil: break
        }
        if let ip = BlogText.clean(f(.ip)) { x.extensions["wp:comment_author_IP"] = [ip] }
        if let uid = BlogText.clean(f(.userID)), uid != "0" { x.extensions["wp:comment_user_id"] = [uid] }
        x.sources = [context.provenance(locator, recordId: commentID)]
        try context.accept(x)
    }
}
