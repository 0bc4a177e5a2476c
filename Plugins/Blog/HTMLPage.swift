import Foundation
import KithModel
import KithXML

/// What one HTML page says: posts and comments with their people, found
/// from microformats, JSON-LD and the common comment markup, in that order
/// of trust.
struct HTMLPageReading {
    struct Person {
        var name: String?
        var email: String?
        var url: String?
        var photo: String?
        /// How the person was found ("mf2", "json-ld", "meta", "byline",
        /// "initials", "markup").
        var evidence: String
    }

    struct Entry {
        var type: InteractionType
        var line: Int
        var key: String?
        var title: String?
        var url: String?
        var date: BlogDate?
        var dateEvidence: String?
        var author: Person?
        var text: String?
        var parentKey: String?
        var parentURL: String?
        var status: String?
        /// The theme marked the comment as written by the post's author.
        var byPostAuthor = false
    }

    var posts: [Entry] = []
    var comments: [Entry] = []
    var cards: [(Person, Int)] = []
    var notes: [(String, Int, String)] = []
    var rejected: [(String, Int, String)] = []
}

/// Reads one page.
struct HTMLPageReader {
    let doc: HTMLDocument
    let base: String?

    init(doc: HTMLDocument) {
        self.doc = doc
        let canonical = doc.first("link[rel~=canonical]")?.attribute("href").flatMap(BlogText.url)
            ?? doc.first("meta[property=og:url]")?.attribute("content").flatMap(BlogText.url)
        let baseTag = doc.first("base[href]")?.attribute("href").flatMap(BlogText.url)
        base = baseTag ?? canonical
        canonicalURL = canonical
    }

    let canonicalURL: String?

    // MARK: - Boilerplate

    /// Regions that hold forms, sharing buttons and login prompts: nothing in
    /// them is a comment or a person.
    static let boilerplate = HTMLSelector(
        "form, #respond, .comment-respond, #commentform, .comment-form, #reply-title, .sharedaddy, .sd-sharing, "
            + ".sd-block, .sharing, .share, .share-buttons, .social-share, .addthis_toolbox, .jp-relatedposts, "
            + ".comment-subscription-form, #comment-form, .comment-form-wrapper, .comment-reply-link, .reply, nav, "
            + "noscript, script, style, template, .wpcnt, .widget, #sidebar, .sidebar, .comment-footer-actions, "
            + ".post-share-buttons, .blog-pager, .comment-actions, .loginout, .login-form")

    /// Phrases of interface text that never name a person.
    static let boilerplatePhrases = [
        "leave a reply", "leave a comment", "you are commenting using", "log out", "log in", "fill in your details",
        "notify me of", "connecting to", "post a comment", "is a post from", "share this", "like this", "cancel reply",
        "name (required)", "mail (will not be published)", "subscribe", "%s", "click an icon", "change )",
        "comments feed", "rss", "powered by", "newer post", "older post", "reply", "permalink", "twitter account",
        "facebook account", "google+ account", "wordpress.com account", "sign in", "anonymous said",
    ]

    static let serviceNames: Set<String> = [
        "twitter", "facebook", "google+", "google", "linkedin", "reddit", "email", "print", "pinterest", "tumblr",
        "pocket", "whatsapp", "telegram", "skype", "like", "share", "reply", "more", "logo", "twitter picture",
        "facebook photo", "google+ photo", "wordpress.com logo", "gravatar",
    ]

    /// True when `name` could be a person's name: short, has a letter, and
    /// is no interface text.
    static func plausibleName(_ name: String?) -> String? {
        guard var n = BlogText.clean(name) else { return nil }
        for suffix in [" says:", " says", " said...", " said…", " said:", " said", " wrote:", " dijo:", " sagt:"] {
            if n.lowercased().hasSuffix(suffix) { n = String(n.dropLast(suffix.count)).trimmingSpaces }
        }
        let lower = n.lowercased()
        guard !n.isEmpty, n.count <= 80, n.split(separator: " ").count <= 8, n.contains(where: \.isLetter) else { return nil }
        if serviceNames.contains(lower) || BlogText.isPlaceholderName(n) { return nil }
        for p in boilerplatePhrases where lower.contains(p) { return nil }
        return n
    }

    func inBoilerplate(_ n: HTMLNode) -> Bool {
        if HTMLPageReader.boilerplate.matches(n) { return true }
        return n.ancestors.contains { HTMLPageReader.boilerplate.matches($0) }
    }

    func resolve(_ url: String?) -> String? {
        guard let u = BlogText.clean(url) else { return nil }
        return BlogText.url(BlogText.resolve(u, against: base))
    }

    // MARK: - Reading

    func read() -> HTMLPageReading {
        var r = HTMLPageReading()
        readMicroformats(into: &r)
        readJSONLD(into: &r)
        if r.comments.isEmpty { readCommentMarkup(into: &r) }
        if r.posts.isEmpty, let p = pagePost() { r.posts.append(p) }
        if var p = r.posts.first {
            // Fill what the structured data left out from the page itself.
            if p.author == nil { p.author = pageAuthor() }
            // Initials ("MJW:") confirmed by a comment the theme marks as the
            // post author's ("Mara J. Whitfield") name that person.
            if let a = p.author, a.evidence == "initials", let initials = a.name,
                let own = r.comments.first(where: { $0.byPostAuthor && HTMLPageReader.initials($0.author?.name) == initials })?.author
            {
                p.author = HTMLPageReading.Person(name: own.name, email: own.email, url: own.url, evidence: "initials+bypostauthor")
            }
            if p.date == nil, let (d, how) = pageDate() {
                p.date = d
                p.dateEvidence = how
            }
            if p.url == nil { p.url = canonicalURL }
            if p.title == nil { p.title = pageTitle() }
            r.posts[0] = p
        }
        return r
    }

    // MARK: Microformats

    func readMicroformats(into r: inout HTMLPageReading) {
        let items = MF2Parser(document: doc, baseURL: base).items(in: doc)
        var entries: [(MF2Item, Int)] = []
        var stack: [MF2Item] = items.reversed()
        while let it = stack.popLast() {
            if it.types.contains("h-entry") {
                entries.append((it, 0))
            } else if it.types.contains("h-feed") {
                stack.append(contentsOf: it.children.reversed())
            } else if it.types.contains("h-card") {
                if let p = person(it) { r.cards.append((p, it.line)) }
            }
        }
        for (e, _) in entries {
            let replyTo = e["in-reply-to"].first
            var entry = mfEntry(e, type: .post, line: e.line)
            if let replyTo {
                entry.type = .comment
                entry.parentURL = replyTo.item?.text("url") ?? replyTo.text
                r.comments.append(entry)
            } else {
                if entry.key == nil { entry.key = "mf2-post-\(r.posts.count + 1)" }
                r.posts.append(entry)
            }
            // Comments, and their comments (iteratively).
            var pending: [(MF2Item, String?)] = e["comment"].compactMap { v in v.item.map { ($0, entry.key) } }
            var budget = 10_000
            while !pending.isEmpty, budget > 0 {
                budget -= 1
                let (c, parent) = pending.removeFirst()
                var ce = mfEntry(c, type: .comment, line: c.line)
                if ce.key == nil { ce.key = "mf2-comment-\(r.comments.count + 1)" }
                ce.parentKey = parent
                if ce.author == nil, c.types.contains("h-card") { ce.author = person(c) }
                r.comments.append(ce)
                pending.append(contentsOf: c["comment"].compactMap { v in v.item.map { ($0, ce.key) } })
            }
        }
    }

    func person(_ item: MF2Item) -> HTMLPageReading.Person? {
        let name = HTMLPageReader.plausibleName(item.text("name"))
        let url = item["url"].lazy.compactMap { BlogText.url($0.text) }.first
        let email = item["email"].lazy.compactMap { BlogText.email($0.text) }.first
        guard name != nil || url != nil || email != nil else { return nil }
        return HTMLPageReading.Person(name: name, email: email, url: url, photo: item.text("photo"), evidence: "mf2")
    }

    func mfEntry(_ e: MF2Item, type: InteractionType, line: Int) -> HTMLPageReading.Entry {
        var x = HTMLPageReading.Entry(type: type, line: line)
        x.url = e["url"].lazy.compactMap { BlogText.url($0.text) }.first
        x.key = x.url ?? e.text("uid")
        if let n = e.text("name"), e.has("content") || e.has("summary") || type == .post {
            let content = e.text("content")
            // An implied name that is the whole content is no title.
            if content.map({ BlogText.collapse($0) != BlogText.collapse(n) }) ?? true { x.title = BlogText.clean(n) }
        }
        if let d = e.text("published") ?? e.text("updated") { x.date = BlogDate.parse(d) }
        if let a = e["author"].first {
            if let item = a.item {
                x.author = person(item)
            } else if let t = a.text {
                if let u = BlogText.url(t) {
                    x.author = HTMLPageReading.Person(url: u, evidence: "mf2")
                } else if let n = HTMLPageReader.plausibleName(t) {
                    x.author = HTMLPageReading.Person(name: n, evidence: "mf2")
                }
            }
        }
        x.text = e.text("content") ?? e.text("summary") ?? (type == .comment ? e.text("name") : nil)
        return x
    }

    // MARK: JSON-LD

    func readJSONLD(into r: inout HTMLPageReading) {
        for script in doc.select("script[type]") {
            guard script.attribute("type")?.lowercased().hasPrefix("application/ld+json") == true else { continue }
            guard let objects = JSONLD.objects(in: script.textContent) else {
                r.notes.append(("a JSON-LD block is not JSON even after cleaning; skipped", script.line, "html.jsonld"))
                continue
            }
            for o in objects {
                let types = JSONLD.types(o)
                if types.contains(where: { ["BlogPosting", "Article", "NewsArticle", "SocialMediaPosting", "DiscussionForumPosting", "Report", "TechArticle"].contains($0) }) {
                    var post = ldEntry(o, type: .post, line: script.line)
                    if let i = r.posts.firstIndex(where: { $0.url != nil && $0.url == post.url }) {
                        // Microformats already gave the post: fill gaps only.
                        var p = r.posts[i]
                        p.author = p.author ?? post.author
                        p.date = p.date ?? post.date
                        p.title = p.title ?? post.title
                        r.posts[i] = p
                        post = p
                    } else if r.posts.isEmpty {
                        r.posts.append(post)
                    } else {
                        r.posts.append(post)
                    }
                    var pending: [(Any, String?)] = JSONLD.list(o["comment"]).map { ($0, post.key) }
                    var budget = 10_000
                    while !pending.isEmpty, budget > 0 {
                        budget -= 1
                        let (c, parent) = pending.removeFirst()
                        guard let co = c as? [String: Any] else { continue }
                        var ce = ldEntry(co, type: .comment, line: script.line)
                        if ce.key == nil { ce.key = "ld-comment-\(r.comments.count + 1)" }
                        ce.parentKey = parent
                        r.comments.append(ce)
                        pending.append(contentsOf: JSONLD.list(co["comment"]).map { ($0, ce.key) })
                    }
                } else if types.contains("Person") {
                    if let p = ldPerson(o) { r.cards.append((p, script.line)) }
                }
            }
        }
    }

    func ldPerson(_ v: Any?) -> HTMLPageReading.Person? {
        if let s = v as? String {
            if let u = BlogText.url(s) { return HTMLPageReading.Person(url: u, evidence: "json-ld") }
            return HTMLPageReader.plausibleName(s).map { HTMLPageReading.Person(name: $0, evidence: "json-ld") }
        }
        if let a = v as? [Any] { return a.lazy.compactMap { ldPerson($0) }.first }
        guard let o = v as? [String: Any] else { return nil }
        if JSONLD.types(o).contains("Organization") && o["name"] == nil { return nil }
        let name = HTMLPageReader.plausibleName(JSONLD.string(o["name"]))
        let url = BlogText.url(JSONLD.string(o["url"])) ?? BlogText.url(JSONLD.string(o["@id"]))
        let email = BlogText.email(JSONLD.string(o["email"]))
        guard name != nil || url != nil || email != nil else { return nil }
        let photo = (o["image"] as? [String: Any]).flatMap { JSONLD.string($0["url"]) } ?? JSONLD.string(o["image"])
        return HTMLPageReading.Person(name: name, email: email, url: url, photo: photo, evidence: "json-ld")
    }

    func ldEntry(_ o: [String: Any], type: InteractionType, line: Int) -> HTMLPageReading.Entry {
        var x = HTMLPageReading.Entry(type: type, line: line)
        x.url = resolve(JSONLD.string(o["url"])) ?? resolve(JSONLD.string(o["mainEntityOfPage"] as? String))
            ?? ((o["mainEntityOfPage"] as? [String: Any]).flatMap { resolve(JSONLD.string($0["@id"])) })
        x.key = x.url ?? JSONLD.string(o["@id"])
        x.title = JSONLD.string(o["headline"]) ?? (type == .post ? JSONLD.string(o["name"]) : nil)
        x.date = BlogDate.parse(JSONLD.string(o["datePublished"]) ?? JSONLD.string(o["dateCreated"]) ?? JSONLD.string(o["dateModified"]))
        x.author = ldPerson(o["author"]) ?? ldPerson(o["creator"])
        x.text = JSONLD.string(o["text"]) ?? JSONLD.string(o["description"]) ?? JSONLD.string(o["articleBody"])
        return x
    }

    // MARK: Comment markup

    static let commentClassTokens: Set<String> = ["comment", "dsq-comment", "pingback", "trackback", "comment-item", "js-comment"]

    func isCommentCandidate(_ n: HTMLNode) -> Bool {
        guard n.isElement else { return false }
        let name = n.name
        if name == "html" || name == "body" || name == "form" || name == "textarea" || name == "input" { return false }
        for c in n.classes where HTMLPageReader.commentClassTokens.contains(c) { return true }
        if name == "li" || name == "div" || name == "article" {
            if let id = n.id, HTMLPageReader.commentNumber(id) != nil, !id.hasPrefix("div-comment") { return true }
        }
        return false
    }

    /// The number in "comment-12", "li-comment-12", "c1234", "dsq-comment-5".
    static func commentNumber(_ id: String) -> String? {
        for prefix in ["li-comment-", "comment-", "dsq-comment-", "div-comment-", "c"] where id.hasPrefix(prefix) {
            let rest = id.dropFirst(prefix.count)
            if !rest.isEmpty, rest.allSatisfy(\.isNumber) { return String(rest) }
        }
        return nil
    }

    static let listNames: Set<String> = ["ol", "ul", "dl"]

    func readCommentMarkup(into r: inout HTMLPageReading) {
        guard let root = doc.root else { return }
        // Candidates in document order, without boilerplate regions.
        var candidates: [HTMLNode] = []
        root.walk { n in
            guard n.isElement else { return false }
            if HTMLPageReader.boilerplate.matches(n) { return false }
            if isCommentCandidate(n) { candidates.append(n) }
            return true
        }
        // Blogger's classic <dl id="comments-block"><dt class="comment-author">.
        let bloggerDT = doc.select("dl dt.comment-author").filter { !inBoilerplate($0) }
        let candidateSet = Set(candidates)
        // An element inside another candidate with no list between them is
        // the same comment's inner box (li#li-comment-3 > div#comment-3);
        // one inside a list inside another is a reply to it.
        var roots: [HTMLNode] = []
        var parents: [HTMLNode: HTMLNode] = [:]
        for c in candidates {
            var passedList = false
            var sameComment = false
            var p = c.parent
            while let a = p {
                if candidateSet.contains(a) {
                    if passedList { parents[c] = a } else { sameComment = true }
                    break
                }
                if HTMLPageReader.listNames.contains(a.name)
                    || a.classes.contains(where: { $0 == "children" || $0 == "comment-replies" || $0 == "replies" || $0 == "comment-thread" })
                {
                    passedList = true
                }
                p = a.parent
            }
            if !sameComment { roots.append(c) }
        }
        let rootSet = Set(roots)
        // A reply's parent may be an inner box: map it to its comment.
        func rootOf(_ n: HTMLNode) -> HTMLNode? {
            if rootSet.contains(n) { return n }
            return n.ancestors.first { rootSet.contains($0) }
        }
        var keys: [HTMLNode: String] = [:]
        var index = 0
        for c in roots {
            index += 1
            guard var e = markupComment(c, region: { n in rootSet.contains(n) && n != c }, index: index) else {
                r.rejected.append(("comment markup with neither an author nor any text", c.line, "html.empty-comment"))
                continue
            }
            keys[c] = e.key
            if let pc = parents[c].flatMap(rootOf) { e.parentKey = keys[pc] }
            r.comments.append(e)
        }
        for dt in bloggerDT where !candidateSet.contains(dt) {
            index += 1
            if let e = bloggerClassicComment(dt, index: index) { r.comments.append(e) }
        }
    }

    /// Text of `n`'s subtree, skipping nested comments (`skip`) and
    /// boilerplate.
    func ownText(_ n: HTMLNode, skip: (HTMLNode) -> Bool) -> String {
        var out = ""
        n.walk { c in
            switch c.kind {
            case .text:
                out += c.textContent
                return false
            case .element:
                if skip(c) || HTMLPageReader.boilerplate.matches(c) { return false }
                if ["p", "br", "div", "li"].contains(c.name) { out += " " }
                return true
            default: return false
            }
        }
        return BlogText.collapse(out)
    }

    func firstOwn(_ root: HTMLNode, _ selector: String, skip: (HTMLNode) -> Bool) -> HTMLNode? {
        let sel = HTMLSelector(selector)
        var found: HTMLNode?
        root.walk { n in
            guard found == nil, n.isElement else { return false }
            if skip(n) || HTMLPageReader.boilerplate.matches(n) { return false }
            if sel.matches(n) {
                found = n
                return false
            }
            return true
        }
        return found
    }

    func markupComment(_ c: HTMLNode, region skip: (HTMLNode) -> Bool, index: Int) -> HTMLPageReading.Entry? {
        var e = HTMLPageReading.Entry(type: .comment, line: c.line)
        let classes = c.classes
        let idNumber = (c.id.flatMap(HTMLPageReader.commentNumber))
            ?? firstOwn(c, "[id]", skip: skip).flatMap { $0.id.flatMap(HTMLPageReader.commentNumber) }
        e.key = idNumber.map { "comment-" + $0 } ?? "comment-index-\(index)"
        let body = BlogText.clean(ownText(c, skip: skip)) ?? ""
        let lowerBody = body.lowercased()
        if classes.contains("pingback") || lowerBody.hasPrefix("pingback:") { e.type = .pingback }
        if classes.contains("trackback") || lowerBody.hasPrefix("trackback:") { e.type = .trackback }

        if e.type == .pingback || e.type == .trackback {
            let link = firstOwn(c, "a[href]", skip: skip)
            let name = link.map(\.text).flatMap(BlogText.clean)
            e.author = HTMLPageReading.Person(name: name, url: resolve(link?.attribute("href")), evidence: "markup")
            e.text = body
        } else {
            let authorNode = firstOwn(
                c, ".comment-author .fn, cite.fn, .fn, .comment-author-name, .dsq-comment-header-author, cite.user, .comment-author, .user, .author, cite",
                skip: skip)
            if let a = authorNode {
                let link = a.name == "a" ? a : firstOwn(a, "a[href]", skip: skip)
                var url = resolve(link?.attribute("href"))
                if let u = url, u.contains("#comment") || u.contains("showComment=") { url = nil }
                let name = HTMLPageReader.plausibleName(a.text)
                if name != nil || url != nil { e.author = HTMLPageReading.Person(name: name, url: url, evidence: "markup") }
            }
            let textNode = firstOwn(c, ".comment-content, .comment-text, .dsq-comment-message, .comment-body-text, .comment-body", skip: skip)
            if let t = textNode {
                e.text = BlogText.clean(ownText(t, skip: { skip($0) || HTMLSelector(".comment-meta, .comment-author, .reply, .comment-metadata").matches($0) }))
            } else {
                e.text = BlogText.clean(
                    ownText(c, skip: { skip($0) || HTMLSelector(".comment-meta, .comment-author, .commentmetadata, .comment-metadata, .reply, .avatar, cite, .comment-header, .comment-footer").matches($0) }))
            }
        }
        // Date.
        if let t = firstOwn(c, "time[datetime]", skip: skip), let d = BlogDate.parse(t.attribute("datetime")) {
            e.date = d
        } else if let a = firstOwn(c, "abbr.published[title], abbr[title].dsq-comment-header-time", skip: skip), let d = BlogDate.parse(a.attribute("title")) {
            e.date = d
        } else if let m = firstOwn(
            c, ".comment-meta, .commentmetadata, .comment-metadata, .comment-timestamp, .datetime, .dsq-comment-header-time, .comment-date, .date",
            skip: skip)
        {
            e.date = BlogDate.parse(m.text)
        }
        // Permalink.
        if let a = firstOwn(c, ".comment-meta a[href], .commentmetadata a[href], .comment-metadata a[href], .datetime a[href], .comment-timestamp a[href]", skip: skip) {
            e.url = resolve(a.attribute("href"))
        } else if let n = idNumber, let base = canonicalURL {
            e.url = base + "#comment-" + n
        }
        e.byPostAuthor = classes.contains("bypostauthor")
        if classes.contains("spam") || classes.contains("trash") { e.status = classes.contains("spam") ? "spam" : "trash" }
        if classes.contains("comment-awaiting-moderation") || firstOwn(c, ".comment-awaiting-moderation", skip: skip) != nil { e.status = "pending" }
        guard e.author != nil || !(e.text ?? "").isEmpty else { return nil }
        return e
    }

    func bloggerClassicComment(_ dt: HTMLNode, index: Int) -> HTMLPageReading.Entry? {
        var e = HTMLPageReading.Entry(type: .comment, line: dt.line)
        let number = dt.id.flatMap(HTMLPageReader.commentNumber) ?? dt.first("a[name]")?.attribute("name").flatMap(HTMLPageReader.commentNumber)
        e.key = number.map { "comment-" + $0 } ?? "comment-index-\(index)"
        let link = dt.select("a[href]").first
        let name = HTMLPageReader.plausibleName(link?.text ?? dt.text)
        e.author = name.map { HTMLPageReading.Person(name: $0, url: resolve(link?.attribute("href")), evidence: "markup") }
        var sib = dt.nextSibling
        while let s = sib, !(s.isElement && s.name == "dt") {
            if s.isElement && s.hasClass("comment-body") { e.text = BlogText.clean(s.text) }
            if s.isElement && (s.hasClass("comment-footer") || s.hasClass("comment-timestamp")) {
                let ts = s.first(".comment-timestamp") ?? s
                e.date = BlogDate.parse(ts.text)
                if let a = ts.first("a[href]") { e.url = resolve(a.attribute("href")) }
            }
            sib = s.nextSibling
        }
        guard e.author != nil || e.text != nil else { return nil }
        return e
    }

    // MARK: Page-level evidence

    func meta(_ keys: [String]) -> String? {
        for k in keys {
            for sel in ["meta[name=\(k)]", "meta[property=\(k)]", "meta[itemprop=\(k)]"] {
                if let v = doc.first(sel)?.attribute("content").flatMap(BlogText.clean) { return v }
            }
        }
        return nil
    }

    /// The main content area (first match), used for bylines and snippets.
    func contentArea() -> HTMLNode? {
        for sel in [".h-entry", ".hentry", "article", ".post", ".entry", "#content", "main", ".post-outer", "body"] {
            if let n = doc.first(sel), !inBoilerplate(n) { return n }
        }
        return doc.root
    }

    func pageTitle() -> String? {
        for sel in [".entry-title", ".post-title", "article h1", "h1", "h2.title", "h3.post-title"] {
            if let n = doc.first(sel), !inBoilerplate(n), let t = BlogText.clean(n.text) { return t }
        }
        return meta(["og:title", "twitter:title"]) ?? doc.title
    }

    func pagePost() -> HTMLPageReading.Entry? {
        let title = pageTitle()
        let area = contentArea()
        let body = (doc.first(".entry-content") ?? doc.first(".post-body") ?? doc.first(".post-content") ?? area)
        let text = body.map { ownText($0, skip: { isCommentCandidate($0) || $0.id == "comments" || $0.hasClass("comments") }) }
        guard title != nil || !(text ?? "").isEmpty else { return nil }
        var e = HTMLPageReading.Entry(type: .post, line: (doc.first("article") ?? doc.first("body") ?? doc.root)?.line ?? 1)
        e.title = title
        e.text = text
        e.url = canonicalURL
        e.key = canonicalURL ?? "page"
        return e
    }

    func pageAuthor() -> HTMLPageReading.Person? {
        if let m = meta(["author", "article:author", "dc.creator", "DC.creator", "sailthru.author", "parsely-author"]) {
            if let u = BlogText.url(m) { return HTMLPageReading.Person(url: u, evidence: "meta") }
            if let n = HTMLPageReader.plausibleName(m) { return HTMLPageReading.Person(name: n, evidence: "meta") }
        }
        for sel in [
            "a[rel~=author]", ".byline .author", ".entry-meta .author", ".post-author", ".author.vcard .fn", ".byline .fn",
            ".post-meta .author", "span.author", ".entry-author", ".post-author-name", ".fn.author", ".author-name",
        ] {
            for n in doc.select(sel) where !inBoilerplate(n) && !n.ancestors.contains(where: isCommentCandidate) {
                let link = n.name == "a" ? n : n.first("a[href]")
                if let name = HTMLPageReader.plausibleName(n.text) {
                    return HTMLPageReading.Person(name: name, url: resolve(link?.attribute("href")), evidence: "markup")
                }
            }
        }
        // Bylines: "Posted by NAME", "By NAME", "Written by NAME".
        var found: HTMLPageReading.Person?
        let area = contentArea() ?? doc.root
        area?.walk { n in
            guard found == nil else { return false }
            if n.isElement { return !(HTMLPageReader.boilerplate.matches(n) || isCommentCandidate(n) || n.id == "comments") }
            guard n.kind == .text else { return false }
            let t = BlogText.collapse(n.textContent)
            let lower = t.lowercased()
            for label in ["posted by", "written by", "by"] where lower.hasPrefix(label) {
                var rest = String(t.dropFirst(label.count))
                guard rest.isEmpty || rest.first == " " else { continue }
                rest = rest.trimmingSpaces
                if rest.isEmpty, let next = n.nextSibling {
                    rest = next.text
                }
                for stop in [" on ", " at ", " | ", ",", " - ", " – ", " in "] {
                    if let r = rest.range(of: stop) { rest = String(rest[..<r.lowerBound]) }
                }
                if let name = HTMLPageReader.plausibleName(rest), name.split(separator: " ").count <= 5, name.first?.isUppercase == true {
                    found = HTMLPageReading.Person(name: name, evidence: "byline")
                }
            }
            return false
        }
        if let found { return found }
        // An author known by initials: "DFN: While online networking …"
        // at the start of the post's first paragraph.
        if let p = (doc.first(".entry-content p") ?? contentArea()?.first("p")), !inBoilerplate(p) {
            let t = BlogText.collapse(p.text)
            if let colon = t.firstIndex(of: ":") {
                let head = t[..<colon]
                if (2...4).contains(head.count), head.allSatisfy({ $0.isUppercase && $0.isLetter }) {
                    return HTMLPageReading.Person(name: String(head), evidence: "initials")
                }
            }
        }
        return nil
    }

    /// "Mara J. Whitfield" → "MJW".
    static func initials(_ name: String?) -> String? {
        guard let name else { return nil }
        let letters = name.split(whereSeparator: { $0 == " " || $0 == "-" }).compactMap { $0.first(where: \.isLetter) }
        return letters.count >= 2 ? String(letters).uppercased() : nil
    }

    func pageDate() -> (BlogDate, String)? {
        if let m = meta(["article:published_time", "datePublished", "date", "DC.date", "dc.date", "pubdate", "publish-date", "og:published_time"]),
            let d = BlogDate.parse(m)
        {
            return (d, "meta")
        }
        for sel in ["time.entry-date[datetime]", "time.published[datetime]", ".entry-meta time[datetime]", "article time[datetime]", "time[pubdate]"] {
            if let n = doc.first(sel), !inBoilerplate(n), !n.ancestors.contains(where: isCommentCandidate),
                let d = BlogDate.parse(n.attribute("datetime"))
            {
                return (d, "time")
            }
        }
        if let a = doc.first("abbr.published[title]"), let d = BlogDate.parse(a.attribute("title")) { return (d, "abbr") }
        // Bylines: "Posted: 14 Dec 2009 10:35 AM PST", "Posted on …".
        var found: BlogDate?
        let area = doc.root
        area?.walk { n in
            guard found == nil else { return false }
            if n.isElement { return !(HTMLPageReader.boilerplate.matches(n) || isCommentCandidate(n) || n.id == "comments") }
            guard n.kind == .text else { return false }
            let t = BlogText.collapse(n.textContent)
            let lower = t.lowercased()
            for label in ["posted:", "posted on", "published:", "published on", "posted", "date:"] where lower.hasPrefix(label) {
                var rest = String(t.dropFirst(label.count))
                if rest.trimmingSpaces.isEmpty, let next = n.nextSibling { rest = next.text }
                if let r = rest.range(of: " by ") { rest = String(rest[..<r.lowerBound]) }
                if let d = BlogDate.parse(rest) {
                    found = d
                    break
                }
            }
            return false
        }
        if let found { return (found, "byline") }
        if let h = doc.first(".date-header"), let d = BlogDate.parse(h.text) { return (d, "date-header") }
        return nil
    }
}
